/**
 * Verifiers for ledger proofs, exactly RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency).
 * Pure and total: any malformed or hostile input (wrong hash lengths, index >= size, negative or
 * non-integer numbers, a path of the wrong length) yields false / undefined, never an exception.
 */
import { EMPTY_ROOT, HASH_LENGTH, bytesEqual, isPowerOfTwo, nodeHash } from './merkle.js';
import { toUint64, type Uint64Input } from './uint64.js';

/** A uint64 tree has at most 64 levels, so no valid path is longer. */
const MAX_PATH_LENGTH = 64;

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_LENGTH;
}

function isPath(path: unknown): path is readonly Uint8Array[] {
  if (!Array.isArray(path) || path.length > MAX_PATH_LENGTH) return false;
  // An indexed loop, not every(): every() skips the holes of a sparse array.
  for (let i = 0; i < path.length; i++) if (!isHash(path[i])) return false;
  return true;
}

/**
 * The root that an inclusion path implies for `leafHash` at `index` in a tree of `size` leaves,
 * or undefined when the path cannot be one (RFC 9162 §2.1.3.2 steps 1-5, without the final comparison).
 */
export function rootFromInclusion(
  leafHash: Uint8Array,
  index: Uint64Input,
  size: Uint64Input,
  path: readonly Uint8Array[],
): Uint8Array | undefined {
  const leafIndex = toUint64(index);
  const treeSize = toUint64(size);
  if (leafIndex === undefined || treeSize === undefined || leafIndex >= treeSize) return undefined;
  if (!isHash(leafHash) || !isPath(path)) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1n;
  let r: Uint8Array = leafHash.slice();
  for (const p of path) {
    if (sn === 0n) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      // Skip the levels where this subtree is the lone right-edge node (it is carried up unhashed).
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : undefined;
}

/** True iff `path` proves that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: Uint64Input,
  size: Uint64Input,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isHash(root)) return false;
  const computed = rootFromInclusion(leafHash, index, size, path);
  return computed !== undefined && bytesEqual(computed, root);
}

/**
 * True iff `path` proves that the tree of `first` leaves (root `firstRoot`) is a prefix of the tree of
 * `second` leaves (root `secondRoot`). RFC 9162 §2.1.4.2 covers 0 < first < second; the two cases it leaves
 * out take an empty path: first == second holds when the roots are equal, first == 0 when `firstRoot` is
 * the empty-tree hash (the empty tree is a prefix of every tree).
 */
export function verifyConsistency(
  first: Uint64Input,
  second: Uint64Input,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  path: readonly Uint8Array[],
): boolean {
  const m = toUint64(first);
  const n = toUint64(second);
  if (m === undefined || n === undefined || m > n) return false;
  if (!isHash(firstRoot) || !isHash(secondRoot) || !isPath(path)) return false;
  if (m === n) return path.length === 0 && bytesEqual(firstRoot, secondRoot);
  if (m === 0n) return path.length === 0 && bytesEqual(firstRoot, EMPTY_ROOT);
  if (path.length === 0) return false;
  // When the old tree is a complete subtree its root is the proof's first node, which the prover omits.
  const nodes = isPowerOfTwo(m) ? [firstRoot, ...path] : path;
  let fn = m - 1n;
  let sn = n - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = nodes[0]!;
  let sr = nodes[0]!;
  for (let i = 1; i < nodes.length; i++) {
    const c = nodes[i]!;
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && bytesEqual(fr, firstRoot) && bytesEqual(sr, secondRoot);
}
