import { PubKey as Ed25519PubKey } from 'cosmjs-types/cosmos/crypto/ed25519/keys';
import { PubKey as Secp256k1PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { addressFromEd25519, addressFromSecp256k1 } from './addresses.js';
import { isBytes } from './bytes.js';
import { ED25519_PUBKEY_LENGTH, verifyEd25519 } from './ed25519.js';
import { CryptoErrors } from './errors.js';
import { SECP256K1_PUBKEY_LENGTH, verifySecp256k1 } from './secp256k1.js';

/** The account key algorithms VIVIAN accepts. */
export type KeyAlgo = 'secp256k1' | 'ed25519';
export const KEY_ALGOS: readonly KeyAlgo[] = ['secp256k1', 'ed25519'];

export const SECP256K1_PUBKEY_TYPE_URL = '/cosmos.crypto.secp256k1.PubKey';
export const ED25519_PUBKEY_TYPE_URL = '/cosmos.crypto.ed25519.PubKey';

/** A public key with its algorithm, as carried in a SignerInfo. */
export interface PublicKey {
  readonly algo: KeyAlgo;
  readonly key: Uint8Array;
}

function checkKey(algo: KeyAlgo, key: Uint8Array): void {
  const got = isBytes(key) ? `${key.length} bytes` : typeof key;
  if (algo === 'secp256k1') {
    if (!isBytes(key, SECP256K1_PUBKEY_LENGTH) || (key[0] !== 0x02 && key[0] !== 0x03)) {
      throw CryptoErrors.InvalidPubKey(`secp256k1 public key must be 33 bytes starting 02 or 03, got ${got}`);
    }
  } else if (algo === 'ed25519') {
    if (!isBytes(key, ED25519_PUBKEY_LENGTH)) {
      throw CryptoErrors.InvalidPubKey(`ed25519 public key must be 32 bytes, got ${got}`);
    }
  } else {
    throw CryptoErrors.UnsupportedAlgo(`${String(algo)} (expected one of ${KEY_ALGOS.join(', ')})`);
  }
}

/** Wraps a raw public key in its `google.protobuf.Any`. */
export function encodePubKeyAny(pubkey: PublicKey): Any {
  checkKey(pubkey.algo, pubkey.key);
  return pubkey.algo === 'secp256k1'
    ? Any.fromPartial({
        typeUrl: SECP256K1_PUBKEY_TYPE_URL,
        value: Secp256k1PubKey.encode({ key: pubkey.key }).finish(),
      })
    : Any.fromPartial({ typeUrl: ED25519_PUBKEY_TYPE_URL, value: Ed25519PubKey.encode({ key: pubkey.key }).finish() });
}

/**
 * Unwraps a pubkey `Any`. Only the canonical protobuf encoding is accepted (one key, one byte string), so a
 * stored pubkey has a single form. Throws UnknownPubKeyType for other type URLs, InvalidPubKey for bad values.
 */
export function decodePubKeyAny(any: Any): PublicKey {
  const typeUrl = any?.typeUrl;
  let algo: KeyAlgo;
  if (typeUrl === SECP256K1_PUBKEY_TYPE_URL) algo = 'secp256k1';
  else if (typeUrl === ED25519_PUBKEY_TYPE_URL) algo = 'ed25519';
  else {
    throw CryptoErrors.UnknownPubKeyType(
      `${JSON.stringify(typeUrl ?? null)} (supported: ${SECP256K1_PUBKEY_TYPE_URL}, ${ED25519_PUBKEY_TYPE_URL})`,
    );
  }
  const codec = algo === 'secp256k1' ? Secp256k1PubKey : Ed25519PubKey;
  let key: Uint8Array;
  try {
    key = codec.decode(any.value).key;
  } catch (err) {
    throw CryptoErrors.InvalidPubKey(`${typeUrl} value does not decode (${(err as Error).message})`);
  }
  checkKey(algo, key);
  if (!Buffer.from(codec.encode({ key }).finish()).equals(any.value)) {
    throw CryptoErrors.InvalidPubKey(`${typeUrl} value is not canonically encoded`);
  }
  return { algo, key };
}

/** The 20-byte account address of a raw public key. */
export function addressOfPubKey(pubkey: PublicKey): Uint8Array {
  checkKey(pubkey.algo, pubkey.key);
  return pubkey.algo === 'secp256k1' ? addressFromSecp256k1(pubkey.key) : addressFromEd25519(pubkey.key);
}

export function addressOfPubKeyAny(any: Any): Uint8Array {
  return addressOfPubKey(decodePubKeyAny(any));
}

/**
 * Verifies a SIGN_MODE_DIRECT signature over `signBytes` (the SignDoc bytes): secp256k1 signs SHA-256 of them,
 * ed25519 signs them as they are, as the Cosmos SDK does. Bad signatures give false; a key that cannot be used
 * at all throws (UnknownPubKeyType / InvalidPubKey), since that is a malformed tx rather than a forged one.
 */
export function verifyWithPubKey(pubkey: PublicKey, signBytes: Uint8Array, signature: Uint8Array): boolean {
  checkKey(pubkey.algo, pubkey.key);
  return pubkey.algo === 'secp256k1'
    ? verifySecp256k1(pubkey.key, signBytes, signature)
    : verifyEd25519(pubkey.key, signBytes, signature);
}

export function verifyWithPubKeyAny(any: Any, signBytes: Uint8Array, signature: Uint8Array): boolean {
  return verifyWithPubKey(decodePubKeyAny(any), signBytes, signature);
}

