import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { bigintToBytesBE, compareLE, equalsAt, isBytes } from './bytes.js';
import { CryptoErrors } from './errors.js';
import { KeyObjectCache } from './keyObjectCache.js';

/**
 * Ed25519 (RFC 8032) through node:crypto, with strict encoding rules on top of OpenSSL.
 *
 * What OpenSSL 3.0 rejects by itself: S >= L, and a non-canonical R (it re-encodes [S]B - [k]A and compares
 * bytes). What it accepts and we reject here:
 *  - a non-canonical public key A: y >= p, or x = 0 encoded with the sign bit set ("negative zero");
 *  - a small-order A or R (the 8 points of order dividing 8). No seed yields such a key ([a]B with a clamped
 *    scalar always has prime order) and honest signers never produce such an R; a small-order key has no owner
 *    and a signature by it can be valid for many messages, so accepting it would only help forgers.
 * The S and R rules are checked here too, so the outcome does not depend on the OpenSSL build a node links.
 * Verification is cofactorless ([S]B = R + [k]A), as OpenSSL does it; every VIVIAN node runs this same rule.
 */

export const ED25519_PUBKEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;
export const ED25519_PRIVKEY_LENGTH = 32;

/** Order of the prime subgroup, L = 2^252 + 27742317777372353535851937790883648493. */
export const ED25519_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
/** The field prime p = 2^255 - 19. */
const FIELD_PRIME = 2n ** 255n - 19n;

const littleEndian = (n: bigint): Uint8Array => bigintToBytesBE(n, 32).reverse();
const ORDER_LE = littleEndian(ED25519_ORDER);
const PRIME_LE = littleEndian(FIELD_PRIME);

/** Encodings of the points with x = 0 (y = 1 and y = p - 1) with the sign bit set: x = -0 is not canonical. */
const NEGATIVE_ZERO_ENCODINGS = [littleEndian(1n), littleEndian(FIELD_PRIME - 1n)].map((e) => {
  e[31] |= 0x80;
  return e;
});

/**
 * Canonical encodings of the 8 points of order dividing 8 (the torsion subgroup). Non-canonical encodings of
 * the same points fail the canonical-encoding check first. The test derives this set from the curve.
 */
export const ED25519_SMALL_ORDER_ENCODINGS: readonly Uint8Array[] = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => new Uint8Array(Buffer.from(hex, 'hex')));

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

// imported as a JWK: OpenSSL 3's DER decoder costs ~75 us per key, the JWK path ~8 us (the same raw-key
// import underneath); every new sender's first tx pays it
const publicKeys = new KeyObjectCache(8192, (pub) =>
  createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('base64url') }, format: 'jwk' }),
);
// signers are few in a node (its validator key, keyring keys) but many in load generators and tests: building a
// private KeyObject costs more than the signature it makes
const privateKeys = new KeyObjectCache(4096, (seed) =>
  createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
);

/** The 32 bytes at `offset` encode a point canonically: y < p, and not x = -0. (Whether it is on the curve
 * is left to OpenSSL: such a key simply never verifies.) */
export function isCanonicalEd25519Point(bytes: Uint8Array, offset = 0): boolean {
  // Compare y (sign bit masked off) with p: only the top byte carries the sign bit.
  for (let i = 31; i >= 0; i--) {
    const a = i === 31 ? bytes[offset + i] & 0x7f : bytes[offset + i];
    const b = PRIME_LE[i];
    if (a !== b) {
      if (a > b) return false;
      break;
    }
    if (i === 0) return false; // y == p
  }
  return !NEGATIVE_ZERO_ENCODINGS.some((e) => equalsAt(bytes, offset, e));
}

/** The 32 bytes at `offset` are the canonical encoding of a point of order 1, 2, 4 or 8. */
export function isSmallOrderEd25519Point(bytes: Uint8Array, offset = 0): boolean {
  return ED25519_SMALL_ORDER_ENCODINGS.some((e) => equalsAt(bytes, offset, e));
}

/**
 * Verifies an Ed25519 signature R‖S over `message` as it is (no pre-hash). Returns false, never throws, for
 * wrong lengths or types, S >= L, non-canonical A or R, small-order A or R, or a wrong signature.
 */
export function verifyEd25519(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isBytes(pubkey, ED25519_PUBKEY_LENGTH) || !isBytes(message) || !isBytes(signature, ED25519_SIGNATURE_LENGTH)) {
    return false;
  }
  if (compareLE(signature, 32, ORDER_LE) >= 0) return false;
  if (!isCanonicalEd25519Point(pubkey) || !isCanonicalEd25519Point(signature, 0)) return false;
  if (isSmallOrderEd25519Point(pubkey) || isSmallOrderEd25519Point(signature, 0)) return false;
  const key = publicKeys.get(pubkey);
  if (key === null) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

function privateKeyObject(privateKey: Uint8Array): KeyObject {
  const key = isBytes(privateKey, ED25519_PRIVKEY_LENGTH) ? privateKeys.get(privateKey) : null;
  if (key === null) throw CryptoErrors.InvalidPrivateKey('ed25519 private key must be a 32-byte seed');
  return key;
}

/** Signs `message` as it is (pure Ed25519, deterministic) with the 32-byte seed `privateKey`. */
export function signEd25519(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKeyObject(privateKey)));
}

/** The 32-byte public key of a 32-byte seed. */
export function ed25519PublicKey(privateKey: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
}
