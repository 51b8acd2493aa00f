import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bigintToBytesBE, compareBE, isBytes, isZero } from './bytes.js';
import { CryptoErrors } from './errors.js';
import { KeyObjectCache } from './keyObjectCache.js';

/**
 * secp256k1 ECDSA as Cosmos SIGN_MODE_DIRECT uses it: the signature is r‖s (64 bytes) over SHA-256 of the sign
 * bytes, the public key is the 33-byte compressed point, and only low-S signatures are valid (the SDK rejects
 * the malleable twin (r, n - s), so must we, or a relayer could change a tx hash without the signer).
 */

export const SECP256K1_PUBKEY_LENGTH = 33;
export const SECP256K1_SIGNATURE_LENGTH = 64;
export const SECP256K1_PRIVKEY_LENGTH = 32;

/** The group order n. */
export const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const ORDER_BYTES = bigintToBytesBE(SECP256K1_ORDER, 32);
const HALF_ORDER_BYTES = bigintToBytesBE(SECP256K1_ORDER >> 1n, 32);

/** SubjectPublicKeyInfo header for id-ecPublicKey on secp256k1 with a 33-byte compressed point. */
const SPKI_PREFIX = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex');

const keys = new KeyObjectCache(8192, (pub) =>
  createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pub]), format: 'der', type: 'spki' }),
);

/** r and s in [1, n), and s <= n/2 (low-S). */
function isCanonicalSignature(sig: Uint8Array): boolean {
  if (isZero(sig, 0, 32) || compareBE(sig, 0, ORDER_BYTES) >= 0) return false;
  if (isZero(sig, 32, 32) || compareBE(sig, 32, HALF_ORDER_BYTES) > 0) return false;
  return true;
}

/**
 * Verifies a 64-byte r‖s signature over SHA-256(message). Returns false, never throws, for anything that is not
 * a valid low-S signature by a valid compressed key: wrong lengths or types, r or s zero or >= n, s > n/2,
 * points not on the curve.
 */
export function verifySecp256k1(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isBytes(pubkey, SECP256K1_PUBKEY_LENGTH) || !isBytes(signature, SECP256K1_SIGNATURE_LENGTH)) return false;
  if (!isBytes(message)) return false;
  if (pubkey[0] !== 0x02 && pubkey[0] !== 0x03) return false;
  if (!isCanonicalSignature(signature)) return false;
  const key: KeyObject | null = keys.get(pubkey);
  if (key === null) return false;
  try {
    return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

function checkPrivateKey(privateKey: Uint8Array): void {
  if (!isBytes(privateKey, SECP256K1_PRIVKEY_LENGTH) || !secp256k1.utils.isValidSecretKey(privateKey)) {
    throw CryptoErrors.InvalidPrivateKey(`secp256k1 private key must be 32 bytes in [1, n)`);
  }
}

/** Deterministic (RFC 6979) low-S signature r‖s over SHA-256(message), as cosmjs produces it. */
export function signSecp256k1(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  return secp256k1.sign(message, privateKey, { prehash: true, lowS: true, format: 'compact' });
}

/** The 33-byte compressed public key. */
export function secp256k1PublicKey(privateKey: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  return secp256k1.getPublicKey(privateKey, true);
}
