import t from 'tap';
import {
  LedgerAccumulator,
  MemoryLedgerNodeStore,
  cachingLedgerNodeStore,
  type LedgerNode,
} from '../../../chain/ledger/accumulator.js';
import {
  ErrIndexOutOfRange,
  ErrInvalidHash,
  ErrInvalidNumber,
  ErrInvalidSubtree,
  ErrMissingNode,
  ErrSizeOutOfRange,
} from '../../../chain/ledger/errors.js';
import { leafHash } from '../../../chain/ledger/merkle.js';
import { verifyConsistency, verifyInclusion } from '../../../chain/ledger/proofs.js';
import type { ErrorKind } from '../../../chain/types/errors.js';
import { throwsKind } from './throwsKind.js';
import {
  CT_CONSISTENCY,
  CT_ENTRIES,
  CT_INCLUSION,
  CT_ROOTS,
  ReferenceTree,
  hex,
  sampleLeaves,
} from './rfc9162Reference.js';

const hexes = (path: Uint8Array[]) => path.map(hex);

/** Writes the pending nodes to the store and marks them committed, as a block commit does. */
function commit(acc: LedgerAccumulator, store: MemoryLedgerNodeStore): LedgerNode[] {
  const nodes = acc.pendingNodes();
  store.putNodes(nodes);
  acc.markCommitted();
  return nodes;
}

function build(leaves: Uint8Array[], commitEvery = 1): { acc: LedgerAccumulator; store: MemoryLedgerNodeStore } {
  const store = new MemoryLedgerNodeStore();
  const acc = new LedgerAccumulator(store);
  leaves.forEach((leaf, i) => {
    acc.append(leaf);
    if ((i + 1) % commitEvery === 0) commit(acc, store);
  });
  return { acc, store };
}

t.test('Certificate Transparency reference vectors', async (t) => {
  const { acc } = build(CT_ENTRIES.map(leafHash));
  for (let n = 0; n <= 8; n++) t.equal(hex(acc.rootAt(n)), CT_ROOTS[n], `root of size ${n}`);
  for (const [index, size, path] of CT_INCLUSION) {
    t.same(hexes(acc.inclusionProof(index, size)), path, `inclusion of ${index} in ${size}`);
  }
  for (const [first, second, path] of CT_CONSISTENCY) {
    t.same(hexes(acc.consistencyProof(first, second)), path, `consistency ${first} -> ${second}`);
  }
});

t.test('every size 1..300 against the recursive RFC 9162 definition', async (t) => {
  const N = 300;
  const leaves = sampleLeaves(N);
  const ref = new ReferenceTree(leaves);
  const store = new MemoryLedgerNodeStore();
  const acc = new LedgerAccumulator(store);
  let mismatches = 0;
  let verified = 0;
  // While growing: proofs against the current size (right edge from the in-memory peaks).
  for (let n = 1; n <= N; n++) {
    t.equal(acc.append(leaves[n - 1]!), BigInt(n - 1), 'append returns the version');
    if (n % 7 === 0) commit(acc, store); // some nodes served by the store, some still pending
    const root = acc.root();
    if (hex(root) !== hex(ref.mth(0, n))) mismatches++;
    for (let i = 0; i < n; i++) {
      const path = acc.inclusionProof(i, n);
      if (hexes(path).join() !== hexes(ref.path(i, n)).join()) mismatches++;
      if (verifyInclusion(leaves[i]!, i, n, path, root)) verified++;
    }
  }
  t.equal(mismatches, 0, 'roots and inclusion proofs at the current size match the reference');
  t.equal(verified, (N * (N + 1)) / 2, 'every proof verifies');
  commit(acc, store);

  // Afterwards: every historical size, composed from frozen nodes.
  mismatches = 0;
  verified = 0;
  for (let n = 1; n <= N; n++) {
    const root = acc.rootAt(n);
    if (hex(root) !== hex(ref.mth(0, n))) mismatches++;
    for (let i = 0; i < n; i++) {
      const path = acc.inclusionProof(i, n);
      if (hexes(path).join() !== hexes(ref.path(i, n)).join()) mismatches++;
      if (verifyInclusion(leaves[i]!, i, n, path, root)) verified++;
    }
  }
  t.equal(mismatches, 0, 'historical roots and inclusion proofs match the reference');
  t.equal(verified, (N * (N + 1)) / 2, 'every historical proof verifies');
  t.equal(hex(acc.rootAt(0)), CT_ROOTS[0], 'the empty prefix has the empty root');
  t.equal(store.nodeCount, 2 * N - popcount(N), 'the store holds 2n - popcount(n) frozen nodes');
});

t.test('consistency proofs for every pair of sizes up to 72', async (t) => {
  const N = 72;
  const leaves = sampleLeaves(N, 'c');
  const ref = new ReferenceTree(leaves);
  const { acc } = build(leaves, 5);
  let mismatches = 0;
  let verified = 0;
  let pairs = 0;
  for (let n = 0; n <= N; n++) {
    for (let m = 0; m <= n; m++) {
      pairs++;
      const path = acc.consistencyProof(m, n);
      const expected = m === 0 ? [] : ref.consistency(m, n);
      if (hexes(path).join() !== hexes(expected).join()) mismatches++;
      if (verifyConsistency(m, n, ref.mth(0, m), ref.mth(0, n), path)) verified++;
    }
  }
  t.equal(mismatches, 0, 'proofs match PROOF(m, D[n])');
  t.equal(verified, pairs, 'every proof verifies');
  // While the second tree is the live one (right edge from the peaks).
  const live = new LedgerAccumulator(new MemoryLedgerNodeStore());
  mismatches = 0;
  for (let n = 1; n <= N; n++) {
    live.append(leaves[n - 1]!);
    for (let m = 1; m <= n; m++) {
      if (hexes(live.consistencyProof(m)).join() !== hexes(ref.consistency(m, n)).join()) mismatches++;
    }
  }
  t.equal(mismatches, 0, 'proofs against the current size match too');
});

t.test('subtreeHash serves every subtree-shaped range and refuses the others', async (t) => {
  const N = 45;
  const leaves = sampleLeaves(N, 's');
  const ref = new ReferenceTree(leaves);
  const { acc } = build(leaves, 4);
  let served = 0;
  let refused = 0;
  for (let lo = 0; lo < N; lo++) {
    for (let hi = lo + 1; hi <= N; hi++) {
      const len = hi - lo;
      let align = 1;
      while (align < len) align *= 2;
      if (lo % align === 0) {
        t.equal(hex(acc.subtreeHash(lo, hi)), hex(ref.mth(lo, hi)), `[${lo}, ${hi})`);
        served++;
      } else {
        throwsKind(t, () => acc.subtreeHash(lo, hi), ErrInvalidSubtree);
        refused++;
      }
    }
  }
  t.ok(served > 0 && refused > 0);
  throwsKind(t, () => acc.subtreeHash(3, 3), ErrInvalidSubtree, 'empty range');
  throwsKind(t, () => acc.subtreeHash(44, 46), ErrInvalidSubtree, 'beyond the ledger');
});

t.test('append stores the leaf and exactly the subtrees it completes', async (t) => {
  const leaves = sampleLeaves(8, 'p');
  const store = new MemoryLedgerNodeStore();
  const acc = new LedgerAccumulator(store);
  const shapes: string[] = [];
  for (const leaf of leaves) {
    acc.append(leaf);
    shapes.push(
      commit(acc, store)
        .map((n) => `${n.level}:${n.index}`)
        .join(' '),
    );
  }
  t.same(shapes, ['0:0', '0:1 1:0', '0:2', '0:3 1:1 2:0', '0:4', '0:5 1:2', '0:6', '0:7 1:3 2:1 3:0']);
  t.equal(hex(acc.leafHashAt(5)), hex(leaves[5]!));
});

t.test('pending nodes, markCommitted and rollback', async (t) => {
  const leaves = sampleLeaves(20, 'r');
  const store = new MemoryLedgerNodeStore();
  const acc = new LedgerAccumulator(store);
  for (const leaf of leaves.slice(0, 5)) acc.append(leaf);
  t.equal(acc.pendingNodes().length, 2 * 5 - 2, 'five leaves freeze eight nodes');
  t.equal(store.nodeCount, 0, 'nothing reaches the store by itself');
  const ref = new ReferenceTree(leaves);
  t.same(hexes(acc.inclusionProof(2)), hexes(ref.path(2, 5)), 'proofs read pending nodes before the store');
  commit(acc, store);
  t.equal(acc.pendingNodes().length, 0);
  t.equal(acc.committedSize, 5n);
  const rootAt5 = hex(acc.root());

  // A failed block: appends then rollback leave nothing behind.
  for (const leaf of sampleLeaves(6, 'failed')) acc.append(leaf);
  t.equal(acc.size, 11n);
  acc.rollback();
  t.equal(acc.size, 5n);
  t.equal(acc.pendingNodes().length, 0);
  t.equal(hex(acc.root()), rootAt5);
  t.equal(store.nodeCount, 8);
  throwsKind(t, () => acc.inclusionProof(5, 6), ErrSizeOutOfRange);

  // The next block continues as if the failed one never happened.
  for (const leaf of leaves.slice(5)) acc.append(leaf);
  commit(acc, store);
  const fresh = build(leaves).acc;
  t.equal(hex(acc.root()), hex(fresh.root()));
  t.equal(hex(acc.root()), hex(ref.mth(0, 20)));
  for (let i = 0; i < 20; i++) t.same(hexes(acc.inclusionProof(i)), hexes(ref.path(i, 20)));

  // rollback with nothing pending is a no-op.
  acc.rollback();
  t.equal(acc.size, 20n);
  t.equal(hex(acc.root()), hex(ref.mth(0, 20)));
});

t.test('resume from a store', async (t) => {
  const leaves = sampleLeaves(300, 'resume');
  const ref = new ReferenceTree(leaves);
  for (const n of [0, 1, 2, 7, 64, 100, 255, 256]) {
    const { acc, store } = build(leaves.slice(0, n));
    let reads = 0;
    const counting = {
      getNode: (level: number, index: bigint) => {
        reads++;
        return store.getNode(level, index);
      },
    };
    const resumed = new LedgerAccumulator(counting, BigInt(n));
    t.ok(reads <= 64 && reads === popcount(n), `size ${n}: ${reads} reads rebuild the peaks`);
    t.equal(resumed.size, BigInt(n));
    t.equal(hex(resumed.root()), hex(acc.root()), `size ${n}: same root`);
    // Appending continues identically.
    for (const leaf of leaves.slice(n, n + 44)) {
      resumed.append(leaf);
      store.putNodes(resumed.pendingNodes());
      resumed.markCommitted();
    }
    const total = Math.min(n + 44, leaves.length);
    t.equal(hex(resumed.root()), hex(ref.mth(0, total)), `size ${n}: appends after resuming`);
    if (total > 0) t.same(hexes(resumed.inclusionProof(0)), hexes(ref.path(0, total)));
  }
  const { store } = build(leaves.slice(0, 6));
  throwsKind(t, () => new LedgerAccumulator(store, 7), ErrMissingNode, 'a store too short');
  const acc = new LedgerAccumulator(new MemoryLedgerNodeStore(), 0);
  t.equal(acc.size, 0n);
});

t.test('a damaged store is reported, not papered over', async (t) => {
  const leaves = sampleLeaves(16, 'd');
  const { store } = build(leaves);
  const damaged = new MemoryLedgerNodeStore();
  for (let level = 0; level <= 4; level++) {
    for (let index = 0n; index < BigInt(16 >> level); index++) {
      if (!(level === 1 && index === 2n)) damaged.putNode(level, index, store.getNode(level, index)!);
    }
  }
  const acc = new LedgerAccumulator(damaged, 16);
  throwsKind(t, () => acc.inclusionProof(7), ErrMissingNode, 'the missing node is named', /level 1, index 2/);
});

t.test('typed errors name the value and the valid range', async (t) => {
  const { acc } = build(sampleLeaves(10, 'e'));
  const check = (fn: () => unknown, kind: ErrorKind, pattern: RegExp, what: string) =>
    throwsKind(t, fn, kind, what, pattern);
  check(() => acc.inclusionProof(10), ErrIndexOutOfRange, /leaf index 10 is outside \[0, 10\)/, 'index = size');
  check(() => acc.inclusionProof(3, 3), ErrIndexOutOfRange, /leaf index 3 is outside \[0, 3\)/, 'index in a past tree');
  check(() => acc.inclusionProof(0, 11), ErrSizeOutOfRange, /tree size 11 is outside \[1, 10\]/, 'size > ledger');
  check(() => acc.inclusionProof(0, 0), ErrSizeOutOfRange, /tree size 0 is outside \[1, 10\]/, 'empty tree');
  check(() => acc.rootAt(12), ErrSizeOutOfRange, /tree size 12 is outside \[0, 10\]/, 'rootAt beyond');
  check(() => acc.consistencyProof(5, 11), ErrSizeOutOfRange, /second tree size 11/, 'second > ledger');
  check(() => acc.consistencyProof(6, 5), ErrSizeOutOfRange, /first tree size 6 is outside \[0, 5\]/, 'first > second');
  check(() => acc.leafHashAt(10), ErrIndexOutOfRange, /leaf index 10/, 'leafHashAt');
  check(() => acc.inclusionProof(-1), ErrInvalidNumber, /leaf index -1/, 'negative');
  check(() => acc.inclusionProof(1.5), ErrInvalidNumber, /1\.5/, 'fraction');
  check(() => acc.rootAt(1n << 64n), ErrInvalidNumber, /18446744073709551616/, 'beyond uint64');
  check(() => acc.append(new Uint8Array(31)), ErrInvalidHash, /31 bytes/, 'short leaf hash');
  check(() => acc.subtreeHash(2, 5), ErrInvalidSubtree, /\[2, 5\) must start at a multiple of 4/, 'unaligned');
  t.equal(acc.size, 10n, 'a refused append changes nothing');
});

t.test('returned hashes are copies', async (t) => {
  const leaves = sampleLeaves(5, 'copy');
  const { acc } = build(leaves, 2);
  const before = hex(acc.root());
  acc.root()[0]! ^= 1;
  acc.inclusionProof(4).forEach((h) => (h[0]! ^= 1));
  acc.leafHashAt(4)[0]! ^= 1;
  const leaf = leaves[4]!.slice();
  t.equal(hex(acc.root()), before);
  t.equal(hex(acc.leafHashAt(4)), hex(leaf));
});

function popcount(n: number): number {
  let c = 0;
  for (; n > 0; n >>= 1) c += n & 1;
  return c;
}

t.test('a ledger at the uint64 limit refuses one more leaf', async (t) => {
  const full = (1n << 64n) - 1n;
  const anyNode = { getNode: () => new Uint8Array(32) };
  const acc = new LedgerAccumulator(anyNode, full);
  throwsKind(t, () => acc.append(new Uint8Array(32)), ErrSizeOutOfRange, 'ledger full', /18446744073709551615 leaves/);
  t.equal(acc.size, full);
});

t.test('the upper-level cache serves the same proofs with fewer store reads', async (t) => {
  const leaves = sampleLeaves(600, 'cache');
  const ref = new ReferenceTree(leaves);
  const { store } = build(leaves, 50);
  const readsPerPass = (maxEntries: number) => {
    let reads = 0;
    const counting = {
      getNode: (level: number, index: bigint) => {
        reads++;
        return store.getNode(level, index);
      },
    };
    const acc = new LedgerAccumulator(cachingLedgerNodeStore(counting, { fromLevel: 3, maxEntries }), 600);
    const passes: number[] = [];
    for (let pass = 0; pass < 2; pass++) {
      reads = 0;
      let mismatches = 0;
      for (let i = 0; i < 600; i += 7) {
        if (i < 513 && hexes(acc.inclusionProof(i, 513)).join() !== hexes(ref.path(i, 513)).join()) mismatches++;
        if (hexes(acc.inclusionProof(i)).join() !== hexes(ref.path(i, 600)).join()) mismatches++;
      }
      t.equal(mismatches, 0, `cap ${maxEntries}, pass ${pass + 1}: proofs match the reference`);
      passes.push(reads);
    }
    return passes;
  };
  const [uncached, uncachedAgain] = readsPerPass(0);
  t.equal(uncachedAgain, uncached, 'a cache of no entries reads every time');
  const [cold, warm] = readsPerPass(1000);
  t.ok(cold! < uncached!, `proofs share upper nodes even in a cold cache (${cold} < ${uncached})`);
  t.ok(warm! < cold!, `a warm cache reads only the levels below fromLevel (${warm} < ${cold})`);
  // A missing node is still reported, and nothing is cached for it.
  const empty = cachingLedgerNodeStore(new MemoryLedgerNodeStore());
  t.equal(empty.getNode(9, 0n), undefined);
  throwsKind(t, () => new LedgerAccumulator(empty, 512), ErrMissingNode, 'an absent node is reported');
});
