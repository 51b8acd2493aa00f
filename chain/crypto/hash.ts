import { createHash, hash as oneShotHash } from 'node:crypto';

/** Concatenation space for short multi-part inputs (tree and proof nodes): hashing is synchronous, so one suffices. */
const scratch = new Uint8Array(4096);

/**
 * SHA-256 of the concatenation of `parts`. node:crypto's one-shot `hash` avoids a Hash object per call, and
 * taking its digest as a latin1 string and back measured 2-3x faster than asking it for a Buffer (which gets an
 * ArrayBuffer of its own): the many short inputs of tree, ledger and proof nodes pay that per hash.
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const out = Buffer.from(sha256String(parts), 'binary');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** SHA-256 of the concatenation of `parts` as a 32-character latin1 string: a compact map key. */
export function sha256Key(...parts: Uint8Array[]): string {
  return sha256String(parts);
}

function sha256String(parts: Uint8Array[]): string {
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
  return oneShotHash('sha256', input, 'binary');
}

/** RIPEMD-160(SHA-256(data)): the Cosmos secp256k1 address hash. */
export function hash160(data: Uint8Array): Uint8Array {
  const inner = createHash('sha256').update(data).digest();
  return new Uint8Array(createHash('ripemd160').update(inner).digest());
}

const txHashes = new WeakMap<Uint8Array, Uint8Array>();

/**
 * SHA-256 of a tx's bytes, remembered by the identity of the byte array: the mempool, the decoder, the block's
 * data hash and the ledger all ask for the same tx's hash, and a tx's bytes are never mutated once received.
 * The returned hash is shared: read-only.
 */
export function txHash(bytes: Uint8Array): Uint8Array {
  let h = txHashes.get(bytes);
  if (h === undefined) {
    h = sha256(bytes);
    txHashes.set(bytes, h);
  }
  return h;
}
