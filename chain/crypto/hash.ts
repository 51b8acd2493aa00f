import { createHash, hash as oneShotHash } from 'node:crypto';

/**
 * SHA-256 of the concatenation of `parts`. node:crypto's one-shot `hash` avoids a Hash object per call,
 * which measured several times faster than createHash for the short inputs tree and proof nodes hash.
 */
/** Concatenation space for short multi-part inputs (tree and proof nodes): hashing is synchronous, so one suffices. */
const scratch = new Uint8Array(4096);

export function sha256(...parts: Uint8Array[]): Uint8Array {
  let input: Uint8Array;
  if (parts.length === 1) input = parts[0]!;
  else {
    let len = 0;
    for (const p of parts) len += p.length;
    input = len <= scratch.length ? scratch.subarray(0, len) : new Uint8Array(len);
    let off = 0;
    for (const p of parts) {
      input.set(p, off);
      off += p.length;
    }
  }
  const out = oneShotHash('sha256', input, 'buffer') as Buffer;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** RIPEMD-160(SHA-256(data)): the Cosmos secp256k1 address hash. */
export function hash160(data: Uint8Array): Uint8Array {
  const inner = createHash('sha256').update(data).digest();
  return new Uint8Array(createHash('ripemd160').update(inner).digest());
}
