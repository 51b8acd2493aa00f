import t from 'tap';
import { DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { makeCosmoshubPath } from '@cosmjs/amino';
import { mnemonicToSeedSync } from '@scure/bip39';
import { CryptoErrors } from '../../../chain/crypto/errors.js';
import {
  deriveEd25519,
  deriveSecp256k1,
  generateMnemonic,
  hdPath,
  slip10Ed25519,
  validateMnemonic,
} from '../../../chain/crypto/hd.js';
import { ed25519PublicKey } from '../../../chain/crypto/ed25519.js';
import { verifySecp256k1, signSecp256k1 } from '../../../chain/crypto/secp256k1.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const MNEMONIC =
  'surround miss nominee dream gap cross assault thank captain prosper drop duty group candy wealth weather scale put';

t.test('secp256k1 derivation gives the addresses cosmjs gives', async (t) => {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, {
    prefix: 'vivian',
    hdPaths: [0, 1, 7].map((i) => makeCosmoshubPath(i)),
  });
  const accounts = await wallet.getAccounts();
  for (const [n, index] of [0, 1, 7].entries()) {
    const key = deriveSecp256k1(MNEMONIC, index);
    t.equal(key.address, accounts[n]!.address, `index ${index}`);
    t.same(key.publicKey, accounts[n]!.pubkey);
    t.ok(verifySecp256k1(key.publicKey, new Uint8Array([1]), signSecp256k1(key.privateKey, new Uint8Array([1]))));
  }
  const withPassphrase = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: 'vivian', bip39Password: 'extra' });
  t.equal(deriveSecp256k1(MNEMONIC, 0, 'extra').address, (await withPassphrase.getAccounts())[0]!.address, 'BIP-39 passphrase');
  t.not(deriveSecp256k1(MNEMONIC, 0, 'extra').address, accounts[0]!.address);
  t.equal(deriveSecp256k1(`  ${MNEMONIC.toUpperCase().replace(/ /g, '   ')}\n`, 0).address, accounts[0]!.address, 'normalised input');
  t.equal(hdPath('secp256k1', 7), "m/44'/118'/0'/0/7");
});

t.test('SLIP-10 ed25519 published test vectors', async (t) => {
  const vectors: { seed: string; chains: [number[], string, string][] }[] = [
    {
      seed: '000102030405060708090a0b0c0d0e0f',
      chains: [
        [[], '90046a93de5380a72b5e45010748567d5ea02bbf6522f979e05c0d8d8ca9fffb', '2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7'],
        [[0], '8b59aa11380b624e81507a27fedda59fea6d0b779a778918a2fd3590e16e9c69', '68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3'],
        [[0, 1], 'a320425f77d1b5c2505a6b1b27382b37368ee640e3557c315416801243552f14', 'b1d0bad404bf35da785a64ca1ac54b2617211d2777696fbffaf208f746ae84f2'],
        [[0, 1, 2], '2e69929e00b5ab250f49c3fb1c12f252de4fed2c1db88387094a0f8c4c9ccd6c', '92a5b23c0b8a99e37d07df3fb9966917f5d06e02ddbd909c7e184371463e9fc9'],
        [[0, 1, 2, 2], '8f6d87f93d750e0efccda017d662a1b31a266e4a6f5993b15f5c1f07f74dd5cc', '30d1dc7e5fc04c31219ab25a27ae00b50f6fd66622f6e9c913253d6511d1e662'],
        [[0, 1, 2, 2, 1000000000], '68789923a0cac2cd5a29172a475fe9e0fb14cd6adb5ad98a3fa70333e7afa230', '8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793'],
      ],
    },
    {
      seed: 'fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542',
      chains: [
        [[], 'ef70a74db9c3a5af931b5fe73ed8e1a53464133654fd55e7a66f8570b8e33c3b', '171cb88b1b3c1db25add599712e36245d75bc65a1a5c9e18d76f9f2b1eab4012'],
        [[0], '0b78a3226f915c082bf118f83618a618ab6dec793752624cbeb622acb562862d', '1559eb2bbec5790b0c65d8693e4d0875b1747f4970ae8b650486ed7470845635'],
        [[0, 2147483647], '138f0b2551bcafeca6ff2aa88ba8ed0ed8de070841f0c4ef0165df8181eaad7f', 'ea4f5bfe8694d8bb74b7b59404632fd5968b774ed545e810de9c32a4fb4192f4'],
        [[0, 2147483647, 1], '73bd9fff1cfbde33a1b846c27085f711c0fe2d66fd32e139d3ebc28e5a4a6b90', '3757c7577170179c7868353ada796c839135b3d30554bbb74a4b1e4a5a58505c'],
        [[0, 2147483647, 1, 2147483646], '0902fe8a29f9140480a00ef244bd183e8a13288e4412d8389d140aac1794825a', '5837736c89570de861ebc173b1086da4f505d4adb387c6a1b1342d5e4ac9ec72'],
        [[0, 2147483647, 1, 2147483646, 2], '5d70af781f3a37b829f0d060924d5e960bdc02e85423494afc0b1a41bbe196d4', '551d333177df541ad876a60ea71f00447931c0a9da16f227c11ea080d7391b8d'],
      ],
    },
  ];
  for (const { seed, chains } of vectors) {
    for (const [path, chainCode, privateKey] of chains) {
      const node = slip10Ed25519(fromHex(seed), path);
      t.equal(hex(node.chainCode), chainCode, `${seed.slice(0, 6)} m/${path.join("'/")} chain code`);
      t.equal(hex(node.privateKey), privateKey, `${seed.slice(0, 6)} m/${path.join("'/")} private key`);
    }
  }
  // Published public key of vector 1, m (SLIP-10 prefixes it with 00).
  t.equal(hex(ed25519PublicKey(fromHex('2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7'))),
    'a4b2856bfec510abab89753fac1ac0e1112364e7d250545963f135f2a33188ed');
});

t.test('ed25519 accounts use the hardened Cosmos path', async (t) => {
  const seed = mnemonicToSeedSync(MNEMONIC);
  const key = deriveEd25519(MNEMONIC, 3);
  t.same(key.privateKey, slip10Ed25519(seed, [44, 118, 0, 0, 3]).privateKey);
  t.same(key.publicKey, ed25519PublicKey(key.privateKey));
  t.match(key.address, /^vivian1/);
  t.not(deriveEd25519(MNEMONIC, 4).address, key.address);
  t.not(deriveEd25519(MNEMONIC, 3, 'extra').address, key.address, 'BIP-39 passphrase changes the key');
  t.equal(hdPath('ed25519', 3), "m/44'/118'/0'/0'/3'");
});

t.test('mnemonics', async (t) => {
  for (const words of [12, 15, 18, 21, 24]) {
    const m = generateMnemonic(words);
    t.equal(m.split(' ').length, words);
    t.ok(validateMnemonic(m));
  }
  t.equal(generateMnemonic().split(' ').length, 24, '24 words by default');
  t.not(generateMnemonic(), generateMnemonic(), 'fresh entropy each time');
  t.throws(() => generateMnemonic(13), CryptoErrors.InvalidMnemonic());
  const words = MNEMONIC.split(' ');
  t.notOk(validateMnemonic([...words.slice(0, -1), words[0]].join(' ')), 'bad checksum');
  t.notOk(validateMnemonic(words.slice(1).join(' ')), 'word missing');
  t.notOk(validateMnemonic(MNEMONIC.replace('surround', 'surroundd')), 'unknown word');
  t.notOk(validateMnemonic(undefined as unknown as string));
  t.throws(() => deriveSecp256k1('not a mnemonic', 0), CryptoErrors.InvalidMnemonic());
  t.throws(() => deriveEd25519('not a mnemonic', 0), CryptoErrors.InvalidMnemonic());
  for (const index of [-1, 1.5, 2 ** 31, Number.NaN]) {
    t.throws(() => deriveSecp256k1(MNEMONIC, index), CryptoErrors.InvalidDerivation(), `index ${index}`);
    t.throws(() => deriveEd25519(MNEMONIC, index), CryptoErrors.InvalidDerivation(), `index ${index}`);
  }
});
