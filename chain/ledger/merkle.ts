/**
 * The RFC 9162 (Certificate Transparency 2.0) Merkle tree hash, which is also CometBFT's "simple merkle"
 * (RFC 6962) used for block header and data hashes:
 *   MTH({})      = SHA-256()
 *   MTH({d})     = SHA-256(0x00 ‖ d)
 *   MTH(D[0:n])  = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])), k the largest power of two < n.
 * The distinct leaf and node prefixes stop a leaf from being passed off as an inner node.
 */
import { sha256 } from '../crypto/hash.js';

export const HASH_LENGTH = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** MTH of the empty tree: SHA-256 of the empty string. Treat as read-only. */
export const EMPTY_ROOT: Uint8Array = sha256();

export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, data);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}

/** Root over already-hashed leaves, for small in-memory lists. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return EMPTY_ROOT.slice();
  // Pairing left to right and carrying a lone last node up unchanged builds exactly the RFC tree:
  // the split at the largest power of two keeps every left subtree complete.
  let level = leafHashes.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!.slice();
}

/** Root over raw items (each is hashed as a leaf first). */
export function merkleRootOfItems(items: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(items.map(leafHash));
}

// ---- tree-shape arithmetic shared by the accumulator and the verifiers (bigint: versions are uint64) ----

/** Number of bits needed to write n (0 for 0). */
export function bitLength(n: bigint): number {
  let bits = 0;
  while (n >= 0x100000000n) {
    n >>= 32n;
    bits += 32;
  }
  return bits + 32 - Math.clz32(Number(n));
}

export function isPowerOfTwo(n: bigint): boolean {
  return n > 0n && (n & (n - 1n)) === 0n;
}

/** The RFC split point: the largest power of two strictly smaller than n (n >= 2). */
export function splitPoint(n: bigint): bigint {
  return 1n << BigInt(bitLength(n - 1n) - 1);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
