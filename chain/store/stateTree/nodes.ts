import { pooledBytes } from '../../codec/bytePool.js';
import { readU64be, u64be } from '../buckets.js';
import { ErrCorruptNode } from './errors.js';
import { EMPTY_HASH, HASH_LENGTH, innerHash } from './hashing.js';

/**
 * Storage nodes. A node lives under the key u64be(version) ‖ u8(depth) ‖ packed nibble path, where depth is
 * the number of nibbles of the path (0 = root) and the path is the first `depth` nibbles of the key hashes
 * below it, packed two per byte, high nibble first, the unused low nibble of an odd path zero.
 * Keys therefore sort by version, then depth, then path.
 */

/** A reference from an internal node to one child: where the child is stored and what it hashes to. */
export interface ChildRef {
  /** The version under which the child node is stored (its path is the parent's path plus the nibble). */
  readonly version: bigint;
  readonly hash: Uint8Array;
  readonly isLeaf: boolean;
}

export interface InternalNode {
  readonly kind: 'internal';
  /** 16 slots indexed by nibble. */
  readonly children: ReadonlyArray<ChildRef | undefined>;
  /** Bit i set: slot i holds a child. */
  readonly existBits: number;
  /** Bit i set: slot i holds a leaf. */
  readonly leafBits: number;
}

export interface LeafNode {
  readonly kind: 'leaf';
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array;
}

/** Stored only as the root of an empty tree, so that every version has a root node. */
export interface NullNode {
  readonly kind: 'null';
}

export type TreeNode = InternalNode | LeafNode | NullNode;

const TAG_NULL = 0x00;
const TAG_INTERNAL = 0x01;
const TAG_LEAF = 0x02;
const CHILD_ENTRY = 8 + HASH_LENGTH;

export const MAX_DEPTH = 64;

// ---------------------------------------------------------------- node keys

// A batch writes every node under one version and reads along few: remember the last encoding.
let cachedVersion = -1n;
let cachedVersionBytes: Uint8Array = new Uint8Array(8);

/** Key of the node at `depth` nibbles along `keyHash`'s path, stored at `version`. */
export function nodeKey(version: bigint, keyHash: Uint8Array, depth: number): Uint8Array {
  const pathBytes = (depth + 1) >> 1;
  const out = new Uint8Array(9 + pathBytes);
  if (version !== cachedVersion) {
    cachedVersionBytes = u64be(version);
    cachedVersion = version;
  }
  out.set(cachedVersionBytes, 0);
  out[8] = depth;
  out.set(keyHash.subarray(0, pathBytes), 9);
  if (depth & 1) out[8 + pathBytes] = out[8 + pathBytes]! & 0xf0;
  return out;
}

/** Key of the child in slot `nibble` of the internal node at `depth` along `keyHash`'s path. */
export function childNodeKey(version: bigint, keyHash: Uint8Array, depth: number, nibble: number): Uint8Array {
  const out = nodeKey(version, keyHash, depth + 1);
  const last = 9 + (depth >> 1);
  out[last] = depth & 1 ? (out[last]! & 0xf0) | nibble : nibble << 4;
  return out;
}

/** Key of the root node of `version`. */
export function rootNodeKey(version: bigint): Uint8Array {
  return nodeKey(version, EMPTY_HASH, 0);
}

export interface DecodedNodeKey {
  version: bigint;
  depth: number;
  /** The path, packed as in the key. */
  path: Uint8Array;
}

export function decodeNodeKey(key: Uint8Array): DecodedNodeKey {
  if (key.length < 9) throw ErrCorruptNode(`node key of ${key.length} bytes is shorter than 9`);
  const depth = key[8]!;
  if (depth > MAX_DEPTH || key.length !== 9 + ((depth + 1) >> 1)) {
    throw ErrCorruptNode(`node key of ${key.length} bytes does not fit depth ${depth}`);
  }
  return { version: readU64be(key, 0), depth, path: key.slice(9) };
}

// ---------------------------------------------------------------- node encoding

export function makeInternal(children: ReadonlyArray<ChildRef | undefined>): InternalNode {
  let existBits = 0;
  let leafBits = 0;
  for (let i = 0; i < 16; i++) {
    const c = children[i];
    if (!c) continue;
    existBits |= 1 << i;
    if (c.isLeaf) leafBits |= 1 << i;
  }
  return { kind: 'internal', children, existBits, leafBits };
}

export const NULL_NODE_BYTES: Uint8Array = Uint8Array.of(TAG_NULL);

/** 0x02 ‖ keyHash ‖ valueHash. */
export function encodeLeaf(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  const out = pooledBytes(1 + 2 * HASH_LENGTH);
  out[0] = TAG_LEAF;
  out.set(keyHash, 1);
  out.set(valueHash, 1 + HASH_LENGTH);
  return out;
}

/** 0x01 ‖ u16be(existBits) ‖ u16be(leafBits) ‖ per present slot in nibble order: u64be(version) ‖ hash. */
export function encodeInternal(node: InternalNode): Uint8Array {
  let count = 0;
  for (let b = node.existBits; b; b &= b - 1) count++;
  const out = pooledBytes(5 + count * CHILD_ENTRY);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = TAG_INTERNAL;
  view.setUint16(1, node.existBits);
  view.setUint16(3, node.leafBits);
  let off = 5;
  for (let i = 0; i < 16; i++) {
    const c = node.children[i];
    if (!c) continue;
    view.setBigUint64(off, c.version);
    out.set(c.hash, off + 8);
    off += CHILD_ENTRY;
  }
  return out;
}

export function encodeNode(node: TreeNode): Uint8Array {
  switch (node.kind) {
    case 'null':
      return NULL_NODE_BYTES;
    case 'leaf':
      return encodeLeaf(node.keyHash, node.valueHash);
    case 'internal':
      return encodeInternal(node);
  }
}

/** Decodes node bytes; the hashes returned are views into `bytes`, which must not change afterwards. */
export function decodeNode(bytes: Uint8Array): TreeNode {
  const tag = bytes[0];
  if (tag === TAG_NULL && bytes.length === 1) return { kind: 'null' };
  if (tag === TAG_LEAF && bytes.length === 1 + 2 * HASH_LENGTH) {
    return {
      kind: 'leaf',
      keyHash: bytes.subarray(1, 1 + HASH_LENGTH),
      valueHash: bytes.subarray(1 + HASH_LENGTH),
    };
  }
  if (tag === TAG_INTERNAL && bytes.length >= 5) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const existBits = view.getUint16(1);
    const leafBits = view.getUint16(3);
    let count = 0;
    for (let b = existBits; b; b &= b - 1) count++;
    if (existBits !== 0 && (leafBits & ~existBits) === 0 && bytes.length === 5 + count * CHILD_ENTRY) {
      const children: Array<ChildRef | undefined> = new Array(16).fill(undefined);
      let off = 5;
      for (let i = 0; i < 16; i++) {
        if (!(existBits & (1 << i))) continue;
        children[i] = {
          version: view.getBigUint64(off),
          hash: bytes.subarray(off + 8, off + CHILD_ENTRY),
          isLeaf: (leafBits & (1 << i)) !== 0,
        };
        off += CHILD_ENTRY;
      }
      return { kind: 'internal', children, existBits, leafBits };
    }
  }
  throw ErrCorruptNode(`${bytes.length} bytes with tag ${tag ?? 'none'} are not a tree node`);
}

// ---------------------------------------------------------------- internal node hashing

/**
 * Hash of the binary subtree covering slots [lo, lo + width) of an internal node: empty if no child,
 * the child's own hash if the range holds a single leaf (lifted) or is a single slot, else inner(left, right).
 */
function rangeHash(node: InternalNode, lo: number, width: number): Uint8Array {
  const present = node.existBits & (((1 << width) - 1) << lo);
  if (present === 0) return EMPTY_HASH;
  if ((present & (present - 1)) === 0 && (width === 1 || (node.leafBits & present) !== 0)) {
    return node.children[31 - Math.clz32(present)]!.hash;
  }
  const half = width >> 1;
  return innerHash(rangeHash(node, lo, half), rangeHash(node, lo + half, half));
}

export function internalHash(node: InternalNode): Uint8Array {
  return rangeHash(node, 0, 16);
}

export type Descent =
  | { readonly kind: 'empty' }
  | { readonly kind: 'leaf' | 'internal'; readonly nibble: number; readonly child: ChildRef };

/**
 * Walks the four binary levels inside `node` towards slot `nibble`. Pushes the sibling hash of every level
 * passed onto `siblings` (top-down) when given. Ends at an empty range, at a leaf (lifted to the first range
 * where it is alone, so possibly in another slot than `nibble`), or at the internal child in slot `nibble`.
 */
export function descend(node: InternalNode, nibble: number, siblings: Uint8Array[] | null): Descent {
  let lo = 0;
  let width = 16;
  for (;;) {
    const present = node.existBits & (((1 << width) - 1) << lo);
    if (present === 0) return { kind: 'empty' };
    if ((present & (present - 1)) === 0) {
      const slot = 31 - Math.clz32(present);
      const child = node.children[slot]!;
      if (child.isLeaf) return { kind: 'leaf', nibble: slot, child };
      if (width === 1) return { kind: 'internal', nibble: slot, child };
    }
    width >>= 1;
    if (nibble < lo + width) {
      siblings?.push(rangeHash(node, lo + width, width));
    } else {
      siblings?.push(rangeHash(node, lo, width));
      lo += width;
    }
  }
}
