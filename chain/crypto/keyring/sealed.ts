import { createCipheriv, createDecipheriv, randomBytes, scryptSync, type DecipherGCM } from 'node:crypto';
import { CryptoErrors } from '../errors.js';

/**
 * Passphrase encryption of one secret: scrypt derives a 256-bit key from the passphrase and a random salt, and
 * AES-256-GCM encrypts and authenticates the secret together with `associatedData` (the entry's public fields,
 * so they cannot be swapped between entries unnoticed). A wrong passphrase fails the GCM tag check.
 */
export interface SealedSecret {
  readonly kdf: 'scrypt';
  /** scrypt cost parameters: N (CPU/memory cost), r (block size), p (parallelism). */
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly cipher: 'aes-256-gcm';
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

/** 2^15 × 8 × 128 bytes = 32 MiB and about 0.1 s per unlock: the usual interactive-login setting. */
const DEFAULT_COST = { n: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

function deriveKey(passphrase: string, salt: Buffer, n: number, r: number, p: number): Buffer {
  return scryptSync(passphrase.normalize('NFKC'), salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
}

export function seal(secret: Uint8Array, passphrase: string, associatedData: Uint8Array): SealedSecret {
  const { n, r, p } = DEFAULT_COST;
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(passphrase, salt, n, r, p), iv);
  cipher.setAAD(associatedData);
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return {
    kdf: 'scrypt',
    n,
    r,
    p,
    salt: salt.toString('base64'),
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Throws WrongPassphrase when the tag does not verify, KeyringUnreadable when the record is malformed. */
export function unseal(sealed: SealedSecret, passphrase: string, associatedData: Uint8Array, what: string): Uint8Array {
  const { n, r, p } = sealed;
  const sane =
    sealed.kdf === 'scrypt' &&
    sealed.cipher === 'aes-256-gcm' &&
    Number.isInteger(n) && n >= 2 && n <= 2 ** 20 && (n & (n - 1)) === 0 &&
    Number.isInteger(r) && r >= 1 && r <= 32 &&
    Number.isInteger(p) && p >= 1 && p <= 16;
  if (!sane) throw CryptoErrors.KeyringUnreadable(`${what}: unsupported encryption parameters`);
  let decipher: DecipherGCM;
  try {
    decipher = createDecipheriv(
      'aes-256-gcm',
      deriveKey(passphrase, Buffer.from(sealed.salt, 'base64'), n, r, p),
      Buffer.from(sealed.iv, 'base64'),
    );
    decipher.setAAD(associatedData);
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  } catch (err) {
    throw CryptoErrors.KeyringUnreadable(`${what}: malformed encryption record (${(err as Error).message})`);
  }
  try {
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]));
  } catch {
    throw CryptoErrors.WrongPassphrase(`cannot decrypt ${what}: the passphrase is wrong or the file was altered`);
  }
}
