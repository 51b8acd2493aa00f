import { fromBech32, toBech32 } from '@cosmjs/encoding';
import { isBytes } from './bytes.js';
import { ED25519_PUBKEY_LENGTH } from './ed25519.js';
import { CryptoErrors } from './errors.js';
import { hash160, sha256 } from './hash.js';
import { SECP256K1_PUBKEY_LENGTH } from './secp256k1.js';

/** Bech32 prefixes (pinned: wallets and explorers depend on them). */
export const ACCOUNT_PREFIX = 'vivian';
export const VALIDATOR_OPERATOR_PREFIX = 'vivianvaloper';
export const VALIDATOR_CONSENSUS_PREFIX = 'vivianvalcons';

/** Account addresses are 20 bytes; 32-byte addresses are module- or contract-derived (ADR-028 style). */
export const ADDRESS_LENGTHS: readonly number[] = [20, 32];

/** BIP-173's limit on the whole string; a 32-byte address under the longest prefix stays well inside it. */
const BECH32_MAX_LENGTH = 90;

/** RIPEMD160(SHA256(compressed pubkey)), as every Cosmos wallet derives it. */
export function addressFromSecp256k1(pubkey: Uint8Array): Uint8Array {
  if (!isBytes(pubkey, SECP256K1_PUBKEY_LENGTH) || (pubkey[0] !== 0x02 && pubkey[0] !== 0x03)) {
    throw CryptoErrors.InvalidPubKey(`secp256k1 public key must be 33 bytes starting 02 or 03`);
  }
  return hash160(pubkey);
}

/** First 20 bytes of SHA256(pubkey): ed25519 accounts, and validator consensus addresses as CometBFT derives them. */
export function addressFromEd25519(pubkey: Uint8Array): Uint8Array {
  if (!isBytes(pubkey, ED25519_PUBKEY_LENGTH)) {
    throw CryptoErrors.InvalidPubKey(`ed25519 public key must be 32 bytes`);
  }
  return sha256(pubkey).slice(0, 20);
}

export function toBech32Address(bytes: Uint8Array, prefix: string = ACCOUNT_PREFIX): string {
  if (!isBytes(bytes) || !ADDRESS_LENGTHS.includes(bytes.length)) {
    throw CryptoErrors.InvalidAddress(
      `address must be ${ADDRESS_LENGTHS.join(' or ')} bytes, got ${isBytes(bytes) ? bytes.length : typeof bytes}`,
    );
  }
  return toBech32(prefix, bytes, BECH32_MAX_LENGTH);
}

/** Keeps error messages readable when the input is long or binary. */
function quote(value: string): string {
  const shown = value.length > 100 ? `${value.slice(0, 100)}…` : value;
  return JSON.stringify(shown);
}

/**
 * Decodes a bech32 address with the expected prefix into its 20 or 32 bytes. Throws CryptoErrors.InvalidAddress
 * naming the value and what was expected (empty, mixed case, bad characters or checksum, wrong prefix, length).
 * An all-upper-case address is accepted, as bech32 allows.
 */
export function parseAddress(address: string, prefix: string = ACCOUNT_PREFIX): Uint8Array {
  if (typeof address !== 'string') {
    throw CryptoErrors.InvalidAddress(`expected a bech32 string with prefix ${prefix}, got ${typeof address}`);
  }
  if (address.length === 0) throw CryptoErrors.InvalidAddress(`empty address, expected one with prefix ${prefix}`);
  if (address.length > BECH32_MAX_LENGTH) {
    throw CryptoErrors.InvalidAddress(`${quote(address)} is longer than ${BECH32_MAX_LENGTH} characters`);
  }
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) {
    throw CryptoErrors.InvalidAddress(`${quote(address)} mixes upper and lower case`);
  }
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(address, BECH32_MAX_LENGTH);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (/checksum/i.test(reason)) {
      throw CryptoErrors.InvalidAddress(`${quote(address)} has a bad checksum (mistyped or truncated?)`);
    }
    throw CryptoErrors.InvalidAddress(`${quote(address)} is not bech32 (${reason})`);
  }
  if (decoded.prefix !== prefix) {
    throw CryptoErrors.InvalidAddress(`${quote(address)} has prefix ${decoded.prefix}, expected ${prefix}`);
  }
  if (!ADDRESS_LENGTHS.includes(decoded.data.length)) {
    throw CryptoErrors.InvalidAddress(
      `${quote(address)} holds ${decoded.data.length} bytes, expected ${ADDRESS_LENGTHS.join(' or ')}`,
    );
  }
  return decoded.data;
}

export function isValidAddress(address: string, prefix: string = ACCOUNT_PREFIX): boolean {
  try {
    parseAddress(address, prefix);
    return true;
  } catch {
    return false;
  }
}
