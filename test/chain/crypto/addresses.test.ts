import t, { type Test } from 'tap';
import fc from 'fast-check';
import { toBech32 } from '@cosmjs/encoding';
import { pubkeyToAddress, encodeSecp256k1Pubkey, encodeEd25519Pubkey } from '@cosmjs/amino';
import {
  addressFromEd25519,
  addressFromSecp256k1,
  isValidAddress,
  parseAddress,
  toBech32Address,
  VALIDATOR_OPERATOR_PREFIX,
} from '../../../chain/crypto/addresses.js';
import { ed25519PublicKey } from '../../../chain/crypto/ed25519.js';
import { CryptoErrors } from '../../../chain/crypto/errors.js';
import { sha256 } from '../../../chain/crypto/hash.js';
import { secp256k1PublicKey } from '../../../chain/crypto/secp256k1.js';

const secpPub = secp256k1PublicKey(new Uint8Array(32).fill(1));
const edPub = ed25519PublicKey(new Uint8Array(32).fill(1));
const bytes20 = new Uint8Array(20).map((_, i) => i * 7);
const address20 = toBech32Address(bytes20);

/** Asserts an InvalidAddress error whose message contains every fragment. */
function rejects(t: Test, input: unknown, fragments: string[], prefix?: string) {
  try {
    parseAddress(input as string, prefix);
    t.fail(`accepted ${String(input)}`);
  } catch (err) {
    t.ok(CryptoErrors.InvalidAddress.is(err), 'InvalidAddress');
    for (const f of fragments) t.match((err as Error).message, f);
  }
}

t.test('addresses from public keys match cosmjs', async (t) => {
  t.equal(
    toBech32Address(addressFromSecp256k1(secpPub)),
    pubkeyToAddress(encodeSecp256k1Pubkey(secpPub), 'vivian'),
    'secp256k1: RIPEMD160(SHA256(pubkey))',
  );
  t.equal(
    toBech32Address(addressFromEd25519(edPub)),
    pubkeyToAddress(encodeEd25519Pubkey(edPub), 'vivian'),
    'ed25519: SHA256(pubkey)[:20], the CometBFT address',
  );
  t.same(addressFromEd25519(edPub), sha256(edPub).subarray(0, 20));
  t.throws(() => addressFromSecp256k1(edPub), CryptoErrors.InvalidPubKey());
  t.throws(() => addressFromEd25519(secpPub), CryptoErrors.InvalidPubKey());
});

t.test('round trip', async (t) => {
  t.match(address20, /^vivian1[02-9ac-hj-np-z]{38}$/);
  t.same(parseAddress(address20), bytes20);
  const bytes32 = new Uint8Array(32).fill(0xab);
  t.same(parseAddress(toBech32Address(bytes32)), bytes32, '32-byte (module/contract) addresses');
  const valoper = toBech32Address(bytes20, VALIDATOR_OPERATOR_PREFIX);
  t.match(valoper, /^vivianvaloper1/);
  t.same(parseAddress(valoper, VALIDATOR_OPERATOR_PREFIX), bytes20);
  t.same(parseAddress(address20.toUpperCase()), bytes20, 'all upper case is allowed by bech32');
  t.ok(isValidAddress(address20));
  t.notOk(isValidAddress(valoper));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ minLength: 32, maxLength: 32 })), (b) =>
      Buffer.from(parseAddress(toBech32Address(b))).equals(b),
    ),
  );
});

t.test('errors name the value and what was expected', async (t) => {
  const cosmos = toBech32('cosmos', bytes20);
  rejects(t, cosmos, [cosmos, 'prefix cosmos', 'expected vivian']);
  rejects(t, address20, ['prefix vivian', 'expected vivianvaloper'], VALIDATOR_OPERATOR_PREFIX);

  const last = address20.at(-1)!;
  const typo = address20.slice(0, -1) + (last === 'q' ? 'p' : 'q');
  rejects(t, typo, [typo, 'checksum']);
  rejects(t, address20.slice(0, -1), ['checksum']);

  const mixed = 'V' + address20.slice(1);
  rejects(t, mixed, [mixed, 'mixes upper and lower case']);

  const short = toBech32('vivian', new Uint8Array(19));
  rejects(t, short, [short, 'holds 19 bytes', 'expected 20 or 32']);
  rejects(t, toBech32('vivian', new Uint8Array(33)), ['holds 33 bytes']);

  rejects(t, '', ['empty address', 'vivian']);
  rejects(t, 'vivian', ['not bech32']);
  rejects(t, 'vivian1 bad', ['not bech32']);
  rejects(t, 'vivian1' + 'q'.repeat(200), ['longer than 90']);
  rejects(t, 42, ['expected a bech32 string', 'number']);
  t.throws(() => toBech32Address(new Uint8Array(21)), CryptoErrors.InvalidAddress());
});

t.test('arbitrary strings never throw anything but InvalidAddress', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 100 }), (s) => {
      try {
        parseAddress('vivian1' + s);
        return true;
      } catch (err) {
        return CryptoErrors.InvalidAddress.is(err);
      }
    }),
    { numRuns: 500 },
  );
});
