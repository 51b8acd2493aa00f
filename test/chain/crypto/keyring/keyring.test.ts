import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { makeSignBytes, makeSignDoc } from '@cosmjs/proto-signing';
import { fromBase64 } from '@cosmjs/encoding';
import { CryptoErrors } from '../../../../chain/crypto/errors.js';
import { deriveEd25519, deriveSecp256k1 } from '../../../../chain/crypto/hd.js';
import { Keyring } from '../../../../chain/crypto/keyring/index.js';
import { verifyWithPubKey } from '../../../../chain/crypto/pubkeys.js';

const MNEMONIC =
  'surround miss nominee dream gap cross assault thank captain prosper drop duty group candy wealth weather scale put';
const PASSPHRASE = 'correct horse battery';

t.test('test backend: add, list, show, sign, export, delete', async (t) => {
  const home = t.testdir();
  const keyring = await Keyring.open({ home, backend: 'test' });

  const generated = await keyring.add('bob', { algo: 'secp256k1' });
  t.equal(generated.mnemonic?.split(' ').length, 24, 'generated mnemonic is returned');
  t.equal(generated.address, deriveSecp256k1(generated.mnemonic!, 0).address);

  const alice = await keyring.add('alice', { algo: 'secp256k1', mnemonic: MNEMONIC });
  t.notOk('mnemonic' in alice, 'a given mnemonic is not echoed');
  t.equal(alice.address, deriveSecp256k1(MNEMONIC, 0).address);
  const carol = await keyring.add('carol.ed', { algo: 'ed25519', mnemonic: MNEMONIC, index: 2 });
  t.equal(carol.address, deriveEd25519(MNEMONIC, 2).address);
  t.same(carol.pubkey, deriveEd25519(MNEMONIC, 2).publicKey);

  t.same((await keyring.list()).map((k) => k.name), ['alice', 'bob', 'carol.ed'], 'sorted by name');
  t.same(await keyring.show('alice'), { name: 'alice', algo: 'secp256k1', address: alice.address, pubkey: alice.pubkey });
  t.same(await keyring.exportPrivateKey('carol.ed'), { algo: 'ed25519', privateKey: deriveEd25519(MNEMONIC, 2).privateKey });

  for (const name of ['alice', 'carol.ed']) {
    const info = await keyring.show(name);
    const signer = await keyring.signer(name);
    const [account] = await signer.getAccounts();
    t.equal(account!.address, info.address);
    const signDoc = makeSignDoc(new Uint8Array([1, 2]), new Uint8Array([3]), 'vivian-dev-1', 0);
    const { signed, signature } = await signer.signDirect(info.address, signDoc);
    t.ok(verifyWithPubKey({ algo: info.algo, key: info.pubkey }, makeSignBytes(signed), fromBase64(signature.signature)), `${name} signs`);
  }

  await t.rejects(keyring.add('alice', { algo: 'ed25519' }), CryptoErrors.KeyExists(), 'duplicate name');
  await t.rejects(keyring.add('ALICE', { algo: 'ed25519' }), { message: /clashes with existing key "alice"/ }, 'case-insensitive');
  await t.rejects(keyring.add('alice2', { algo: 'secp256k1', mnemonic: MNEMONIC }), { message: /already stored as "alice"/ }, 'same address');
  await t.rejects(keyring.add('dave', { algo: 'secp256k1', mnemonic: 'abandon abandon' }), CryptoErrors.InvalidMnemonic());
  await t.rejects(keyring.add('dave', { algo: 'rsa' as 'ed25519' }), CryptoErrors.UnsupportedAlgo());
  for (const bad of ['', '../escape', 'a/b', '.hidden', '-dash', 'x'.repeat(65), 'sp ace']) {
    await t.rejects(keyring.add(bad, { algo: 'ed25519' }), CryptoErrors.InvalidKeyName(), `name ${JSON.stringify(bad)}`);
  }

  await keyring.delete('bob');
  t.notOk(await keyring.has('bob'));
  await t.rejects(keyring.show('bob'), CryptoErrors.KeyNotFound());
  await t.rejects(keyring.delete('bob'), { message: /no key named "bob" in the test keyring/ });
  t.same((await readdir(join(home, 'keyring-test'))).sort(), ['alice.json', 'carol.ed.json']);

  const reopened = await Keyring.open({ home, backend: 'test' });
  t.same(await reopened.show('alice'), await keyring.show('alice'), 'persisted');
});

t.test('file backend: encrypted at rest, passphrase checked', async (t) => {
  const home = t.testdir();
  const keyring = await Keyring.open({ home, backend: 'file', passphrase: PASSPHRASE });
  const added = await keyring.add('validator', { algo: 'ed25519', mnemonic: MNEMONIC });
  const { privateKey } = deriveEd25519(MNEMONIC, 0);

  const path = join(home, 'keyring-file', 'validator.json');
  const text = await readFile(path, 'utf8');
  t.notMatch(text, Buffer.from(privateKey).toString('hex'), 'no plain private key (hex)');
  t.notMatch(text, Buffer.from(privateKey).toString('base64'), 'no plain private key (base64)');
  t.match(text, added.address, 'public part readable');
  t.equal((await stat(path)).mode & 0o777, 0o600, 'owner-only file');
  t.same((await keyring.exportPrivateKey('validator')).privateKey, privateKey);

  await t.rejects(
    Keyring.open({ home, backend: 'file', passphrase: 'not the passphrase' }),
    { codespace: 'crypto', code: CryptoErrors.WrongPassphrase.code, message: /passphrase is wrong/ },
    'wrong passphrase refused at open',
  );

  const locked = await Keyring.open({ home, backend: 'file' });
  t.same((await locked.list()).map((k) => k.address), [added.address], 'list needs no passphrase');
  await t.rejects(locked.exportPrivateKey('validator'), CryptoErrors.PassphraseRequired());
  await t.rejects(locked.signer('validator'), CryptoErrors.PassphraseRequired());
  await t.rejects(locked.add('other', { algo: 'ed25519' }), CryptoErrors.PassphraseRequired());

  const reopened = await Keyring.open({ home, backend: 'file', passphrase: PASSPHRASE });
  t.same((await reopened.exportPrivateKey('validator')).privateKey, privateKey, 'reopened with the right passphrase');

  // Moving the ciphertext under another public identity is detected (the public part is authenticated).
  const file = JSON.parse(text);
  await writeFile(path, JSON.stringify({ ...file, address: 'vivian1tampered' }));
  await t.rejects(reopened.exportPrivateKey('validator'), CryptoErrors.WrongPassphrase());
  await writeFile(path, '{ not json');
  await t.rejects(reopened.show('validator'), CryptoErrors.KeyringUnreadable());

  await t.rejects(
    Keyring.open({ home: t.testdir(), backend: 'file', passphrase: 'short' }),
    CryptoErrors.WeakPassphrase(),
    'a new keyring needs a real passphrase',
  );
  await t.rejects(Keyring.open({ home, backend: 'os' as 'file' }), CryptoErrors.UnsupportedKeyringBackend());
});
