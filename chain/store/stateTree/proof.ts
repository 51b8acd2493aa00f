import { ErrInvalidProof } from './errors.js';
import { EMPTY_HASH, HASH_LENGTH, bitAt, bytesEqual, innerHash, leafHash } from './hashing.js';

/** Longest possible path: one binary level per bit of the key hash. */
export const MAX_SIBLINGS = 256;

export interface ProofLeaf {
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array;
}

/**
 * A path in the binary tree from the root down along the queried key hash.
 * - existence: `leaf` is the queried key's leaf;
 * - non-existence: `leaf` is null (the path ends in an empty subtree) or another key's leaf that sits where
 *   the queried key would be (it shares the first `siblings.length` bits with it).
 * `siblings[i]` is the hash of the sibling subtree at binary depth i (EMPTY_HASH for an empty one).
 */
export interface StateProof {
  readonly leaf: ProofLeaf | null;
  readonly siblings: readonly Uint8Array[];
}

/** The value hash a proof shows for `keyHash`, or null when it shows the key absent. Does not verify. */
export function provenValueHash(proof: StateProof, keyHash: Uint8Array): Uint8Array | null {
  return proof.leaf && bytesEqual(proof.leaf.keyHash, keyHash) ? proof.leaf.valueHash : null;
}

const FLAG_LEAF = 0x01;

/**
 * flags (0x01 = leaf present) ‖ [keyHash ‖ valueHash] ‖ u16be(sibling count) ‖ bitmap ‖ non-empty siblings.
 * Bitmap: ceil(count / 8) bytes, bit i (most significant first) set when sibling i is not EMPTY_HASH;
 * only those siblings follow, 32 bytes each, top-down.
 */
export function encodeProof(proof: StateProof): Uint8Array {
  const n = proof.siblings.length;
  if (n > MAX_SIBLINGS) throw ErrInvalidProof(`${n} siblings exceed ${MAX_SIBLINGS}`);
  const bitmap = new Uint8Array((n + 7) >> 3);
  let present = 0;
  for (let i = 0; i < n; i++) {
    const s = proof.siblings[i]!;
    if (s.length !== HASH_LENGTH) throw ErrInvalidProof(`sibling ${i} has ${s.length} bytes`);
    if (!bytesEqual(s, EMPTY_HASH)) {
      bitmap[i >> 3]! |= 0x80 >> (i & 7);
      present++;
    }
  }
  const leafLen = proof.leaf ? 2 * HASH_LENGTH : 0;
  const out = new Uint8Array(1 + leafLen + 2 + bitmap.length + present * HASH_LENGTH);
  let off = 0;
  out[off++] = proof.leaf ? FLAG_LEAF : 0;
  if (proof.leaf) {
    if (proof.leaf.keyHash.length !== HASH_LENGTH || proof.leaf.valueHash.length !== HASH_LENGTH) {
      throw ErrInvalidProof('leaf hashes must be 32 bytes');
    }
    out.set(proof.leaf.keyHash, off);
    out.set(proof.leaf.valueHash, off + HASH_LENGTH);
    off += leafLen;
  }
  out[off++] = n >> 8;
  out[off++] = n & 0xff;
  out.set(bitmap, off);
  off += bitmap.length;
  for (let i = 0; i < n; i++) {
    if (bitmap[i >> 3]! & (0x80 >> (i & 7))) {
      out.set(proof.siblings[i]!, off);
      off += HASH_LENGTH;
    }
  }
  return out;
}

/** Strict inverse of encodeProof: exactly one encoding per proof, anything else is rejected. */
export function decodeProof(bytes: Uint8Array): StateProof {
  const fail = (why: string) => ErrInvalidProof(`${why} (${bytes.length} bytes)`);
  let off = 0;
  if (bytes.length < 3) throw fail('too short');
  const flags = bytes[off++]!;
  if (flags & ~FLAG_LEAF) throw fail(`unknown flags 0x${flags.toString(16)}`);
  let leaf: ProofLeaf | null = null;
  if (flags & FLAG_LEAF) {
    if (bytes.length < off + 2 * HASH_LENGTH + 2) throw fail('truncated leaf');
    leaf = {
      keyHash: bytes.slice(off, off + HASH_LENGTH),
      valueHash: bytes.slice(off + HASH_LENGTH, off + 2 * HASH_LENGTH),
    };
    off += 2 * HASH_LENGTH;
  }
  const n = (bytes[off]! << 8) | bytes[off + 1]!;
  off += 2;
  if (n > MAX_SIBLINGS) throw fail(`${n} siblings exceed ${MAX_SIBLINGS}`);
  const bitmapLen = (n + 7) >> 3;
  if (bytes.length < off + bitmapLen) throw fail('truncated bitmap');
  const bitmap = bytes.subarray(off, off + bitmapLen);
  off += bitmapLen;
  if (n & 7 && bitmap[bitmapLen - 1]! & (0xff >> (n & 7))) throw fail('bitmap padding bits set');
  const siblings: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (bitmap[i >> 3]! & (0x80 >> (i & 7))) {
      if (bytes.length < off + HASH_LENGTH) throw fail('truncated siblings');
      const s = bytes.slice(off, off + HASH_LENGTH);
      if (bytesEqual(s, EMPTY_HASH)) throw fail(`sibling ${i} is the empty hash but marked present`);
      siblings.push(s);
      off += HASH_LENGTH;
    } else {
      siblings.push(EMPTY_HASH);
    }
  }
  if (off !== bytes.length) throw fail(`${bytes.length - off} trailing bytes`);
  return { leaf, siblings };
}

function isHash(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array && x.length === HASH_LENGTH;
}

function sharesPrefixBits(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i++) if (bitAt(a, i) !== bitAt(b, i)) return false;
  return true;
}

/**
 * True when `proof` (decoded or encoded) shows that under `root` the key hash `keyHash` maps to `valueHash`
 * (existence) or, with `valueHash` null, is absent (non-existence). Pure; false on any malformed input.
 */
export function verifyProof(
  root: Uint8Array,
  keyHash: Uint8Array,
  valueHash: Uint8Array | null,
  proof: StateProof | Uint8Array,
): boolean {
  try {
    if (!isHash(root) || !isHash(keyHash) || (valueHash !== null && !isHash(valueHash))) return false;
    const p = proof instanceof Uint8Array ? decodeProof(proof) : proof;
    if (typeof p !== 'object' || p === null || !Array.isArray(p.siblings)) return false;
    const siblings = p.siblings;
    const depth = siblings.length;
    if (depth > MAX_SIBLINGS || !siblings.every(isHash)) return false;
    const leaf = p.leaf;
    if (leaf !== null && (typeof leaf !== 'object' || !isHash(leaf.keyHash) || !isHash(leaf.valueHash))) {
      return false;
    }
    if (valueHash !== null) {
      if (!leaf || !bytesEqual(leaf.keyHash, keyHash) || !bytesEqual(leaf.valueHash, valueHash)) return false;
    } else if (leaf) {
      // Another key's leaf may stand in for the absent key only at a position on the key's own path.
      if (bytesEqual(leaf.keyHash, keyHash) || !sharesPrefixBits(leaf.keyHash, keyHash, depth)) return false;
    }
    let hash = leaf ? leafHash(leaf.keyHash, leaf.valueHash) : EMPTY_HASH;
    for (let i = depth - 1; i >= 0; i--) {
      hash = bitAt(keyHash, i) ? innerHash(siblings[i]!, hash) : innerHash(hash, siblings[i]!);
    }
    return bytesEqual(hash, root);
  } catch {
    return false;
  }
}
