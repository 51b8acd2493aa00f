import { sha256 } from '../../crypto/hash.js';

/**
 * The tree's hashing, one place. The tree is, by definition, a binary sparse Merkle tree over the 256 bits
 * of SHA-256(key): an empty subtree hashes to EMPTY_HASH, a subtree holding exactly one leaf hashes to that
 * leaf's hash (the leaf is lifted to the shortest prefix no other key shares), and any other subtree hashes
 * to SHA-256(INNER_TAG ‖ left ‖ right). Radix-16 storage nodes are only a way to store this binary tree.
 */

export const HASH_LENGTH = 32;

/** Domain tags: 16 bytes each, neither a prefix of the other (an ICS23 requirement), unlike any node hash. */
export const LEAF_TAG: Uint8Array = new TextEncoder().encode('VIVIAN:StateLeaf');
export const INNER_TAG: Uint8Array = new TextEncoder().encode('VIVIAN:StateNode');

/** The hash of an empty subtree, and therefore the root of the empty tree: 32 zero bytes. */
export const EMPTY_HASH: Uint8Array = new Uint8Array(HASH_LENGTH);
/** The state root of a tree holding no keys. */
export const EMPTY_ROOT: Uint8Array = EMPTY_HASH;

/** SHA-256(LEAF_TAG ‖ keyHash ‖ valueHash). */
export function leafHash(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return sha256(LEAF_TAG, keyHash, valueHash);
}

/** SHA-256(INNER_TAG ‖ left ‖ right). */
export function innerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(INNER_TAG, left, right);
}

/** Bit `i` (0 = most significant bit of byte 0) of a key hash: 0 goes left, 1 goes right. */
export function bitAt(keyHash: Uint8Array, i: number): number {
  return (keyHash[i >> 3]! >> (7 - (i & 7))) & 1;
}

/** Nibble `i` (0 = high nibble of byte 0) of a key hash: the child index at radix-16 depth i. */
export function nibbleAt(keyHash: Uint8Array, i: number): number {
  const b = keyHash[i >> 1]!;
  return i & 1 ? b & 0x0f : b >> 4;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order: the order of key hashes is the left-to-right order of leaves. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
