import { createHmac } from 'node:crypto';
import { HDKey } from '@scure/bip32';
import { generateMnemonic as bip39Generate, mnemonicToSeedSync, validateMnemonic as bip39Validate } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { addressFromEd25519, addressFromSecp256k1, toBech32Address } from './addresses.js';
import { ed25519PublicKey } from './ed25519.js';
import { CryptoErrors } from './errors.js';
import type { KeyAlgo } from './pubkeys.js';
import { secp256k1PublicKey } from './secp256k1.js';

/**
 * BIP-39 mnemonics and HD derivation at the Cosmos coin type 118:
 *  - secp256k1: BIP-32 path m/44'/118'/0'/0/i (the path every Cosmos wallet uses, so addresses match Keplr/cosmjs);
 *  - ed25519: SLIP-10, which only defines hardened derivation, path m/44'/118'/0'/0'/i'.
 */

export interface DerivedKey {
  readonly algo: KeyAlgo;
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  /** bech32 account address (prefix "vivian"). */
  readonly address: string;
}

const HARDENED = 0x80000000;
const MNEMONIC_WORD_COUNTS = [12, 15, 18, 21, 24];

export function hdPath(algo: KeyAlgo, index: number): string {
  checkIndex(index);
  return algo === 'secp256k1' ? `m/44'/118'/0'/0/${index}` : `m/44'/118'/0'/0'/${index}'`;
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= HARDENED) {
    throw CryptoErrors.InvalidDerivation(`account index must be an integer in [0, 2^31), got ${index}`);
  }
}

/** A fresh English BIP-39 mnemonic of 12, 15, 18, 21 or 24 words (entropy from the OS). */
export function generateMnemonic(words = 24): string {
  if (!MNEMONIC_WORD_COUNTS.includes(words)) {
    throw CryptoErrors.InvalidMnemonic(`word count must be one of ${MNEMONIC_WORD_COUNTS.join(', ')}, got ${words}`);
  }
  return bip39Generate(wordlist, (words / 3) * 32);
}

/** Trims, lower-cases and collapses whitespace, so a pasted mnemonic derives the same keys. */
export function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
}

export function validateMnemonic(mnemonic: string): boolean {
  return typeof mnemonic === 'string' && bip39Validate(normalizeMnemonic(mnemonic), wordlist);
}

function seedOf(mnemonic: string, passphrase: string): Uint8Array {
  if (!validateMnemonic(mnemonic)) {
    throw CryptoErrors.InvalidMnemonic(
      'not a valid English BIP-39 mnemonic (check the words, their order and the word count)',
    );
  }
  return mnemonicToSeedSync(normalizeMnemonic(mnemonic), passphrase);
}

/** The secp256k1 account key at m/44'/118'/0'/0/index. */
export function deriveSecp256k1(mnemonic: string, index: number, passphrase = ''): DerivedKey {
  const path = hdPath('secp256k1', index);
  const node = HDKey.fromMasterSeed(seedOf(mnemonic, passphrase)).derive(path);
  if (!node.privateKey) throw CryptoErrors.InvalidDerivation(`no private key at ${path}`);
  const privateKey = new Uint8Array(node.privateKey);
  const publicKey = secp256k1PublicKey(privateKey);
  return { algo: 'secp256k1', privateKey, publicKey, address: toBech32Address(addressFromSecp256k1(publicKey)) };
}

/** The ed25519 account key at m/44'/118'/0'/0'/index' (SLIP-10). */
export function deriveEd25519(mnemonic: string, index: number, passphrase = ''): DerivedKey {
  checkIndex(index);
  const { privateKey } = slip10Ed25519(seedOf(mnemonic, passphrase), [44, 118, 0, 0, index]);
  const publicKey = ed25519PublicKey(privateKey);
  return { algo: 'ed25519', privateKey, publicKey, address: toBech32Address(addressFromEd25519(publicKey)) };
}

export function deriveKey(algo: KeyAlgo, mnemonic: string, index: number, passphrase = ''): DerivedKey {
  return algo === 'secp256k1'
    ? deriveSecp256k1(mnemonic, index, passphrase)
    : deriveEd25519(mnemonic, index, passphrase);
}

/**
 * SLIP-10 ed25519 derivation from a BIP-39 seed along `path`; every index is hardened (pass them without the
 * 2^31 bit). Returns the 32-byte private key (an ed25519 seed) and the chain code.
 */
export function slip10Ed25519(
  seed: Uint8Array,
  path: readonly number[],
): { privateKey: Uint8Array; chainCode: Uint8Array } {
  let digest = createHmac('sha512', 'ed25519 seed').update(seed).digest();
  for (const index of path) {
    checkIndex(index);
    const data = Buffer.alloc(37);
    digest.copy(data, 1, 0, 32); // 0x00 ‖ private key ‖ ser32(index + 2^31)
    data.writeUInt32BE(index + HARDENED, 33);
    digest = createHmac('sha512', digest.subarray(32)).update(data).digest();
  }
  return { privateKey: new Uint8Array(digest.subarray(0, 32)), chainCode: new Uint8Array(digest.subarray(32)) };
}
