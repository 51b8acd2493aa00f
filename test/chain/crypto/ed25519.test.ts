import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { CryptoErrors } from '../../../chain/crypto/errors.js';
import {
  ED25519_ORDER,
  ED25519_SMALL_ORDER_ENCODINGS,
  ed25519PublicKey,
  isCanonicalEd25519Point,
  signEd25519,
  verifyEd25519,
} from '../../../chain/crypto/ed25519.js';

const P = 2n ** 255n - 19n;
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const le32 = (n: bigint) => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
};
const fromLe = (b: Uint8Array) => BigInt('0x' + Buffer.from(b).reverse().toString('hex'));
const withSignBit = (b: Uint8Array) => {
  const out = new Uint8Array(b);
  out[31] |= 0x80;
  return out;
};
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
/** k = SHA-512(R ‖ A ‖ M) mod L, computed over the encodings exactly as given. */
const challenge = (R: Uint8Array, A: Uint8Array, msg: Uint8Array) =>
  fromLe(createHash('sha512').update(R).update(A).update(msg).digest()) % ED25519_ORDER;
/** A permissive reference: ZIP-215 accepts non-canonical points and small-order components (cofactored check). */
const zip215 = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) => ed25519.verify(sig, msg, pub, { zip215: true });

const message = new TextEncoder().encode('vote bytes');
const seed = new Uint8Array(32).fill(9);
const pub = ed25519PublicKey(seed);
const sig = signEd25519(seed, message);

t.test('RFC 8032 test 1', async (t) => {
  const sk = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const pk = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const expected = hex(
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  );
  t.same(ed25519PublicKey(sk), pk);
  t.same(signEd25519(sk, new Uint8Array()), expected);
  t.ok(verifyEd25519(pk, new Uint8Array(), expected));
});

t.test('sign and verify', async (t) => {
  t.ok(verifyEd25519(pub, message, sig), 'valid');
  t.same(pub, ed25519.getPublicKey(seed), 'same public key as an independent implementation');
  t.ok(ed25519.verify(sig, message, pub), 'independent implementation accepts our signature');
  t.ok(verifyEd25519(pub, message, ed25519.sign(message, seed)), 'we accept its signature');
  t.notOk(verifyEd25519(pub, new TextEncoder().encode('vote bytez'), sig), 'wrong message');
  t.notOk(verifyEd25519(ed25519PublicKey(new Uint8Array(32).fill(10)), message, sig), 'wrong key');
  t.notOk(verifyEd25519(pub, message, sig.subarray(0, 63)), 'truncated signature');
  t.notOk(verifyEd25519(pub.subarray(0, 31), message, sig), 'truncated key');
  t.notOk(verifyEd25519(pub, message, concat(sig, new Uint8Array(1))), 'signature too long');
});

t.test('S must be below L (no malleated S + L)', async (t) => {
  const S = fromLe(sig.subarray(32));
  t.ok(S + ED25519_ORDER < 2n ** 256n);
  const malleated = concat(sig.subarray(0, 32), le32(S + ED25519_ORDER));
  t.notOk(verifyEd25519(pub, message, malleated), 'S + L refused');
  t.notOk(verifyEd25519(pub, message, concat(sig.subarray(0, 32), le32(ED25519_ORDER))), 'S = L refused');
});

t.test('canonical point encodings', async (t) => {
  t.ok(isCanonicalEd25519Point(le32(P - 1n)), 'y = p - 1');
  t.ok(isCanonicalEd25519Point(withSignBit(le32(0n))), 'y = 0 with sign bit (x = ±sqrt(-1) != 0)');
  t.ok(isCanonicalEd25519Point(pub));
  t.notOk(isCanonicalEd25519Point(le32(P)), 'y = p');
  t.notOk(isCanonicalEd25519Point(le32(P + 1n)), 'y = p + 1');
  t.notOk(isCanonicalEd25519Point(le32(2n ** 255n - 1n)), 'y = 2^255 - 1');
  t.notOk(isCanonicalEd25519Point(withSignBit(le32(P + 1n))), 'y = p + 1 with sign bit');
  t.notOk(isCanonicalEd25519Point(withSignBit(le32(1n))), 'x = -0, y = 1');
  t.notOk(isCanonicalEd25519Point(withSignBit(le32(P - 1n))), 'x = -0, y = -1');
});

t.test('the small-order table is the torsion subgroup of the curve', async (t) => {
  // [L]Q kills the prime-order part of a random point Q; keep going until that leaves a point of order 8.
  let generator: InstanceType<typeof ed25519.Point> | undefined;
  while (!generator) {
    let q: InstanceType<typeof ed25519.Point>;
    try {
      q = ed25519.Point.fromBytes(randomBytes(32));
    } catch {
      continue;
    }
    const torsion = q.multiplyUnsafe(ED25519_ORDER - 1n).add(q);
    if (!torsion.double().double().is0()) generator = torsion;
  }
  const derived = new Set<string>();
  let point = ed25519.Point.ZERO;
  for (let i = 0; i < 8; i++, point = point.add(generator)) derived.add(toHex(point.toBytes()));
  t.same([...derived].sort(), ED25519_SMALL_ORDER_ENCODINGS.map(toHex).sort());
});

t.test('hand-made encodings that permissive (ZIP-215) rules accept are refused', async (t) => {
  const identity = le32(1n);
  const zeroS = new Uint8Array(32);

  // Small-order key: with A = R = identity and S = 0 the equation holds for every message.
  const forged = concat(identity, zeroS);
  t.ok(zip215(forged, message, identity), 'identity key + identity R: valid under ZIP-215');
  t.notOk(verifyEd25519(identity, message, forged), 'refused: small-order key');
  t.notOk(verifyEd25519(identity, new TextEncoder().encode('any other message'), forged), 'for any message');

  for (const small of ED25519_SMALL_ORDER_ENCODINGS) {
    t.ok(zip215(forged, message, small), `${toHex(small).slice(0, 8)}…: valid under ZIP-215`);
    t.notOk(verifyEd25519(small, message, forged), `${toHex(small).slice(0, 8)}…: refused`);
  }

  // Non-canonical encodings of the identity as the key.
  for (const [what, A] of [
    ['y = p + 1', le32(P + 1n)],
    ['x = -0', withSignBit(identity)],
  ] as const) {
    t.ok(zip215(forged, message, A), `${what}: valid under ZIP-215`);
    t.notOk(verifyEd25519(A, message, forged), `${what}: refused`);
  }

  // A real key with a small-order R: R = identity, S = k·a makes [S]B = R + [k]A hold exactly.
  const a = 0x1234567890abcdefn;
  const A = ed25519.Point.BASE.multiply(a).toBytes();
  for (const [what, R] of [
    ['R = identity', identity],
    ['R = identity as y = p + 1', le32(P + 1n)],
    ['R = identity as x = -0', withSignBit(identity)],
  ] as const) {
    const S = (challenge(R, A, message) * a) % ED25519_ORDER;
    const signature = concat(R, le32(S));
    t.ok(zip215(signature, message, A), `${what}: valid under ZIP-215`);
    t.notOk(verifyEd25519(A, message, signature), `${what}: refused`);
  }

  // Control: the same construction with an honest R = [r]B verifies, so the refusals above are the rules.
  const r = 0xfedcba987654321n;
  const R = ed25519.Point.BASE.multiply(r).toBytes();
  const honest = concat(R, le32((r + challenge(R, A, message) * a) % ED25519_ORDER));
  t.ok(verifyEd25519(A, message, honest), 'hand-made honest signature verifies');
});

t.test('private keys', async (t) => {
  t.throws(() => signEd25519(new Uint8Array(31), message), CryptoErrors.InvalidPrivateKey());
  t.throws(() => ed25519PublicKey(new Uint8Array(33)), CryptoErrors.InvalidPrivateKey());
  t.throws(() => ed25519PublicKey('seed' as unknown as Uint8Array), CryptoErrors.InvalidPrivateKey());
});

t.test('random keys and messages: signatures verify, any changed byte fails', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), fc.nat(), (sk, msg, at) => {
      const key = ed25519PublicKey(sk);
      const signature = signEd25519(sk, msg);
      if (!verifyEd25519(key, msg, signature)) return false;
      const bad = new Uint8Array(signature);
      bad[at % 64] ^= 1 << at % 8;
      return !verifyEd25519(key, msg, bad);
    }),
    { numRuns: 100 },
  );
});

t.test('garbage input returns false and never throws', async (t) => {
  fc.assert(
    fc.property(fc.anything(), fc.anything(), fc.anything(), (a, b, c) => {
      return verifyEd25519(a as Uint8Array, b as Uint8Array, c as Uint8Array) === false;
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 64 }),
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      (key, msg, signature) => verifyEd25519(key, msg, signature) === false,
    ),
    { numRuns: 300 },
  );
  t.notOk(verifyEd25519(new Uint8Array(32).fill(0xff), message, sig), 'y >= p key');
  t.ok(verifyEd25519(Buffer.from(pub), Buffer.from(message), Buffer.from(sig)), 'Buffers are bytes too');
});
