import { randomBytes } from 'node:crypto';
import t from 'tap';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Secp256k1, Secp256k1Signature, sha256 as cosmjsSha256 } from '@cosmjs/crypto';
import { CryptoErrors } from '../../../chain/crypto/errors.js';
import { bigintToBytesBE } from '../../../chain/crypto/bytes.js';
import {
  SECP256K1_ORDER,
  secp256k1PublicKey,
  signSecp256k1,
  verifySecp256k1,
} from '../../../chain/crypto/secp256k1.js';

const priv = new Uint8Array(32).fill(7);
const pub = secp256k1PublicKey(priv);
const message = new TextEncoder().encode('sign doc bytes');
const sig = signSecp256k1(priv, message);

const withScalars = (r: bigint, s: bigint) => {
  const out = new Uint8Array(64);
  out.set(bigintToBytesBE(r, 32), 0);
  out.set(bigintToBytesBE(s, 32), 32);
  return out;
};
const rOf = (signature: Uint8Array) => BigInt('0x' + Buffer.from(signature.subarray(0, 32)).toString('hex'));
const sOf = (signature: Uint8Array) => BigInt('0x' + Buffer.from(signature.subarray(32)).toString('hex'));

t.test('the group order matches the curve library', async (t) => {
  t.equal(SECP256K1_ORDER, secp256k1.Point.Fn.ORDER);
});

t.test('sign and verify', async (t) => {
  t.equal(pub.length, 33);
  t.equal(sig.length, 64);
  t.ok(verifySecp256k1(pub, message, sig), 'valid signature verifies');
  t.ok(sOf(sig) <= SECP256K1_ORDER / 2n, 'signature is low-S');
  t.same(signSecp256k1(priv, message), sig, 'RFC 6979: deterministic');
  t.notOk(verifySecp256k1(pub, new TextEncoder().encode('sign doc bytez'), sig), 'wrong message');
  t.notOk(verifySecp256k1(secp256k1PublicKey(new Uint8Array(32).fill(8)), message, sig), 'wrong key');
  t.notOk(verifySecp256k1(pub, message, sig.subarray(0, 63)), 'truncated signature');
  t.notOk(verifySecp256k1(pub, message, new Uint8Array([...sig, 0])), 'signature too long');
  t.notOk(verifySecp256k1(pub.subarray(0, 32), message, sig), 'truncated key');
});

t.test('agrees with cosmjs signatures (what wallets send)', async (t) => {
  const cosmjsSig = await Secp256k1.createSignature(cosmjsSha256(message), priv);
  const fixed = new Secp256k1Signature(cosmjsSig.r(32), cosmjsSig.s(32)).toFixedLength();
  t.same(fixed, sig, 'same deterministic signature');
  t.ok(await Secp256k1.verifySignature(cosmjsSig, cosmjsSha256(message), pub), 'cosmjs accepts ours');
});

t.test('high-S twin is rejected although mathematically valid', async (t) => {
  const highS = withScalars(rOf(sig), SECP256K1_ORDER - sOf(sig));
  t.ok(secp256k1.verify(highS, message, pub, { lowS: false }), 'the malleated signature satisfies ECDSA');
  t.notOk(verifySecp256k1(pub, message, highS), 'but is refused');
});

t.test('r and s out of range', async (t) => {
  const r = rOf(sig);
  const s = sOf(sig);
  t.notOk(verifySecp256k1(pub, message, withScalars(0n, s)), 'r = 0');
  t.notOk(verifySecp256k1(pub, message, withScalars(r, 0n)), 's = 0');
  t.notOk(verifySecp256k1(pub, message, withScalars(SECP256K1_ORDER, s)), 'r = n');
  t.notOk(verifySecp256k1(pub, message, withScalars(r, SECP256K1_ORDER)), 's = n');
  t.notOk(verifySecp256k1(pub, message, withScalars(2n ** 256n - 1n, 2n ** 256n - 1n)), 'all ones');
});

t.test('invalid public keys', async (t) => {
  const uncompressed = secp256k1.getPublicKey(priv, false);
  t.notOk(verifySecp256k1(uncompressed, message, sig), '65-byte uncompressed key');
  const wrongTag = new Uint8Array(pub);
  wrongTag[0] = 0x04;
  t.notOk(verifySecp256k1(wrongTag, message, sig), 'prefix 04 on 33 bytes');
  const flipped = new Uint8Array(pub);
  flipped[0] ^= 0x01; // the other point with this x: a valid key, but not the signer
  t.notOk(verifySecp256k1(flipped, message, sig), 'negated point');
  t.notOk(verifySecp256k1(new Uint8Array([0x02, ...new Uint8Array(32).fill(0xff)]), message, sig), 'x >= p');
  // x = 5: 5^3 + 7 = 132 is not a square mod p, so there is no such point.
  const offCurve = new Uint8Array(33);
  offCurve[0] = 0x02;
  offCurve[32] = 5;
  t.throws(() => secp256k1.Point.fromBytes(offCurve), 'x = 5 is not on the curve');
  t.notOk(verifySecp256k1(offCurve, message, sig), 'point not on the curve');
  t.notOk(verifySecp256k1(offCurve, message, sig), 'still false from the cache');
});

t.test('private key checks', async (t) => {
  for (const [what, bad] of [
    ['zero', new Uint8Array(32)],
    ['n', bigintToBytesBE(SECP256K1_ORDER, 32)],
    ['31 bytes', new Uint8Array(31).fill(1)],
  ] as const) {
    t.throws(() => signSecp256k1(bad, message), { codespace: 'crypto', code: CryptoErrors.InvalidPrivateKey.code }, what);
    t.throws(() => secp256k1PublicKey(bad), CryptoErrors.InvalidPrivateKey(), what);
  }
});

t.test('random keys and messages: signatures verify, any changed byte fails', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), fc.nat(), (seed, msg, at) => {
      fc.pre(secp256k1.utils.isValidSecretKey(seed));
      const key = secp256k1PublicKey(seed);
      const signature = signSecp256k1(seed, msg);
      if (!verifySecp256k1(key, msg, signature)) return false;
      const bad = new Uint8Array(signature);
      bad[at % 64] ^= 1 << at % 8;
      return !verifySecp256k1(key, msg, bad);
    }),
    { numRuns: 60 },
  );
});

t.test('garbage input returns false and never throws', async (t) => {
  fc.assert(
    fc.property(fc.anything(), fc.anything(), fc.anything(), (a, b, c) => {
      return verifySecp256k1(a as Uint8Array, b as Uint8Array, c as Uint8Array) === false;
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 33, maxLength: 33 }),
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      (key, msg, signature) => {
        key[0] = 2 + (key[0]! & 1);
        return verifySecp256k1(key, msg, signature) === false;
      },
    ),
    { numRuns: 300 },
  );
  t.notOk(verifySecp256k1(pub, null as unknown as Uint8Array, sig), 'null message');
  t.notOk(verifySecp256k1(Array.from(pub) as unknown as Uint8Array, message, sig), 'array instead of bytes');
  t.ok(verifySecp256k1(Buffer.from(pub), Buffer.from(message), Buffer.from(sig)), 'Buffers are bytes too');
  t.notOk(verifySecp256k1(pub, message, randomBytes(64)), 'random signature');
});
