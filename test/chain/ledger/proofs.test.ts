import fc from 'fast-check';
import t from 'tap';
import { LedgerAccumulator, MemoryLedgerNodeStore } from '../../../chain/ledger/accumulator.js';
import { EMPTY_ROOT, leafHash, nodeHash } from '../../../chain/ledger/merkle.js';
import { rootFromInclusion, verifyConsistency, verifyInclusion } from '../../../chain/ledger/proofs.js';
import { ReferenceTree, flipBit, hex, sampleLeaves } from './rfc9162Reference.js';

// One ledger, proven against at every size it has passed through.
const N = 4100;
const leaves = sampleLeaves(N, 'prop');
const ref = new ReferenceTree(leaves);
const store = new MemoryLedgerNodeStore();
const acc = new LedgerAccumulator(store);
for (const leaf of leaves) acc.append(leaf);
store.putNodes(acc.pendingNodes());
acc.markCommitted();

/** Tree sizes: 1, powers of two and their neighbours, and anything else up to N. */
const treeSize = fc.oneof(
  fc.constant(1),
  fc.integer({ min: 0, max: 12 }).chain((k) => fc.constantFrom(2 ** k - 1, 2 ** k, 2 ** k + 1)).filter((n) => n >= 1),
  fc.integer({ min: 1, max: N }),
);
const sizeAndIndex = treeSize.chain((n) => fc.tuple(fc.constant(n), fc.nat({ max: n - 1 })));
const sizePair = fc.tuple(treeSize, treeSize).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
const runs = { numRuns: 300 };

t.test('inclusion proofs verify, match the reference, and every tampering fails', async (t) => {
  fc.assert(
    fc.property(sizeAndIndex, fc.nat(255), ([n, i], bit) => {
      const root = acc.rootAt(n);
      const path = acc.inclusionProof(i, n);
      const leaf = leaves[i]!;
      if (path.map(hex).join() !== ref.path(i, n).map(hex).join()) return false;
      if (!verifyInclusion(leaf, i, n, path, root)) return false;
      if (hex(rootFromInclusion(leaf, i, n, path)!) !== hex(root)) return false;
      if (verifyInclusion(flipBit(leaf, bit), i, n, path, root)) return false;
      if (verifyInclusion(leaf, i, n, path, flipBit(root, bit))) return false;
      for (let k = 0; k < path.length; k++) {
        const tampered = path.slice();
        tampered[k] = flipBit(path[k]!, bit);
        if (verifyInclusion(leaf, i, n, tampered, root)) return false;
      }
      if (path.length > 0 && verifyInclusion(leaf, i, n, path.slice(0, -1), root)) return false;
      if (verifyInclusion(leaf, i, n, [...path, root], root)) return false;
      return true;
    }),
    runs,
  );
});

t.test('a wrong index never verifies; a wrong size only when the proof has the very same shape', async (t) => {
  fc.assert(
    fc.property(sizeAndIndex, fc.nat(N + 10), fc.integer({ min: 0, max: N + 10 }), ([n, i], otherIndex, otherSize) => {
      const root = acc.rootAt(n);
      const path = acc.inclusionProof(i, n);
      if (otherIndex !== i && verifyInclusion(leaves[i]!, otherIndex, n, path, root)) return false;
      if (otherSize !== n) {
        // The RFC proof binds the size only through the path's shape; the signed header binds the size itself.
        const sameShape =
          i < otherSize && ref.pathShape(i, otherSize).join() === ref.pathShape(i, n).join();
        if (verifyInclusion(leaves[i]!, i, otherSize, path, root) !== sameShape) return false;
      }
      return true;
    }),
    runs,
  );
  // A concrete case of the caveat: leaf 0 has the same all-right-sibling shape in trees of 5 and 6.
  t.ok(verifyInclusion(leaves[0]!, 0, 6, acc.inclusionProof(0, 5), acc.rootAt(5)));
  t.notOk(verifyInclusion(leaves[0]!, 0, 9, acc.inclusionProof(0, 5), acc.rootAt(5)));
});

t.test('consistency proofs verify, match the reference, and every tampering fails', async (t) => {
  fc.assert(
    fc.property(sizePair, fc.nat(255), ([m, n], bit) => {
      const firstRoot = acc.rootAt(m);
      const secondRoot = acc.rootAt(n);
      const path = acc.consistencyProof(m, n);
      if (path.map(hex).join() !== ref.consistency(m, n).map(hex).join()) return false;
      if (!verifyConsistency(m, n, firstRoot, secondRoot, path)) return false;
      if (m !== n || bit % 2 === 0) {
        if (verifyConsistency(m, n, flipBit(firstRoot, bit), secondRoot, path)) return false;
        if (verifyConsistency(m, n, firstRoot, flipBit(secondRoot, bit), path)) return false;
      }
      for (let k = 0; k < path.length; k++) {
        const tampered = path.slice();
        tampered[k] = flipBit(path[k]!, bit);
        if (verifyConsistency(m, n, firstRoot, secondRoot, tampered)) return false;
      }
      if (path.length > 0 && verifyConsistency(m, n, firstRoot, secondRoot, path.slice(0, -1))) return false;
      if (verifyConsistency(m, n, firstRoot, secondRoot, [...path, secondRoot])) return false;
      if (m < n && verifyConsistency(n, m, secondRoot, firstRoot, path)) return false;
      // Proof of a tree that is not a prefix: the first tree with one leaf changed.
      if (m >= 1) {
        const forged = new ReferenceTree([...leaves.slice(0, m - 1), flipBit(leaves[m - 1]!, bit)]);
        if (verifyConsistency(m, n, forged.mth(0, m), secondRoot, path)) return false;
      }
      return true;
    }),
    runs,
  );
});

t.test('the edge cases RFC 9162 leaves to the implementation', async (t) => {
  const r5 = acc.rootAt(5);
  t.ok(verifyConsistency(5, 5, r5, r5, []), 'same size, same root, empty proof');
  t.notOk(verifyConsistency(5, 5, r5, acc.rootAt(6), []), 'same size, different roots');
  t.notOk(verifyConsistency(5, 5, r5, r5, [r5]), 'same size with a non-empty proof');
  t.ok(verifyConsistency(0, 5, EMPTY_ROOT, r5, []), 'the empty tree is a prefix of every tree');
  t.notOk(verifyConsistency(0, 5, r5, r5, []), 'size 0 must carry the empty root');
  t.notOk(verifyConsistency(3, 5, acc.rootAt(3), r5, []), 'empty proof for 0 < first < second');
  t.ok(verifyInclusion(leaves[0]!, 0, 1, [], leaves[0]!), 'a one-leaf tree is its leaf');
});

t.test('hostile input is simply false, never an exception', async (t) => {
  const n = 37;
  const root = acc.rootAt(n);
  const path = acc.inclusionProof(9, n);
  const leaf = leaves[9]!;
  const bad: Array<[string, () => boolean]> = [
    ['index = size', () => verifyInclusion(leaf, n, n, path, root)],
    ['index > size', () => verifyInclusion(leaf, 99, n, path, root)],
    ['size 0', () => verifyInclusion(leaf, 0, 0, [], EMPTY_ROOT)],
    ['negative index', () => verifyInclusion(leaf, -1, n, path, root)],
    ['fractional index', () => verifyInclusion(leaf, 9.5, n, path, root)],
    ['NaN size', () => verifyInclusion(leaf, 9, NaN, path, root)],
    ['infinite size', () => verifyInclusion(leaf, 9, Infinity, path, root)],
    ['size beyond uint64', () => verifyInclusion(leaf, 9n, 1n << 64n, path, root)],
    ['short leaf', () => verifyInclusion(leaf.subarray(1), 9, n, path, root)],
    ['long root', () => verifyInclusion(leaf, 9, n, path, new Uint8Array(33))],
    ['short path element', () => verifyInclusion(leaf, 9, n, [path[0]!.subarray(0, 31), ...path.slice(1)], root)],
    ['sparse path', () => verifyInclusion(leaf, 9, n, [, ...path.slice(1)] as Uint8Array[], root)],
    ['path of 65 elements', () => verifyInclusion(leaf, 9, n, Array(65).fill(root), root)],
    ['path not an array', () => verifyInclusion(leaf, 9, n, 'path' as unknown as Uint8Array[], root)],
    ['leaf not bytes', () => verifyInclusion('leaf' as unknown as Uint8Array, 9, n, path, root)],
    ['consistency with first > second', () => verifyConsistency(6, 5, r(6), r(5), acc.consistencyProof(5, 6))],
    ['consistency with a short root', () => verifyConsistency(3, 5, r(3).subarray(1), r(5), acc.consistencyProof(3, 5))],
    ['consistency with negative size', () => verifyConsistency(-3, 5, r(3), r(5), acc.consistencyProof(3, 5))],
    ['consistency with a null path', () => verifyConsistency(3, 5, r(3), r(5), null as unknown as Uint8Array[])],
  ];
  for (const [what, check] of bad) t.equal(check(), false, what);
  t.equal(rootFromInclusion(leaf, n, n, path), undefined, 'rootFromInclusion: index = size');

  fc.assert(
    fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), fc.anything(), (a, b, c, d, e) => {
      const any = (x: unknown) => x as never;
      return (
        verifyInclusion(any(a), any(b), any(c), any(d), any(e)) === false &&
        verifyConsistency(any(a), any(b), any(c), any(d), any(e)) === false &&
        rootFromInclusion(any(a), any(b), any(c), any(d)) === undefined
      );
    }),
    { numRuns: 500 },
  );
  // Well-formed hashes and numbers, arbitrary otherwise: booleans out, nothing thrown.
  const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  fc.assert(
    fc.property(hash32, u64, u64, fc.array(hash32, { maxLength: 70 }), hash32, (h, x, y, p, rt) => {
      return typeof verifyInclusion(h, x, y, p, rt) === 'boolean' && typeof verifyConsistency(x, y, h, rt, p) === 'boolean';
    }),
    { numRuns: 500 },
  );
});

t.test('uint64-sized ledgers: proofs at sizes far beyond memory', async (t) => {
  // A ledger whose leaves are all equal has one node value per level, so a store can serve any size.
  const leaf = leafHash(Uint8Array.of(42));
  const perLevel = [leaf];
  for (let level = 1; level < 64; level++) perLevel.push(nodeHash(perLevel[level - 1]!, perLevel[level - 1]!));
  const uniform = { getNode: (level: number) => perLevel[level] };
  for (const size of [(1n << 40n) + 12345n, (1n << 53n) + 3n, (1n << 63n) + 7n, (1n << 64n) - 1n]) {
    const big = new LedgerAccumulator(uniform, size);
    const root = big.root();
    for (const index of [0n, size / 3n, size - 2n, size - 1n]) {
      const path = big.inclusionProof(index);
      t.ok(verifyInclusion(leaf, index, size, path, root), `inclusion of ${index} in ${size}`);
      t.notOk(verifyInclusion(leaf, index, size, path, flipBit(root)), 'tampered root');
    }
    for (const first of [1n, size / 2n + 1n, size - 1n]) {
      const path = big.consistencyProof(first);
      t.ok(verifyConsistency(first, size, big.rootAt(first), root, path), `consistency ${first} -> ${size}`);
      t.notOk(verifyConsistency(first, size, big.rootAt(first), flipBit(root), path), 'tampered root');
    }
  }
});

function r(size: number): Uint8Array {
  return acc.rootAt(size);
}
