import fc from 'fast-check';
import t from 'tap';
import {
  EMPTY_ROOT,
  ErrInvalidBatch,
  ErrInvalidHash,
  ErrMissingNode,
  MemoryTreeStore,
  StateTree,
  type TreeChange,
} from '../../../../chain/store/stateTree/index.js';
import { Harness, arbBatch, keyHash, reachable, valueHash } from './helpers.js';
import { ReferenceModel } from './referenceModel.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

t.test('the empty tree has the documented constant root', (t) => {
  t.equal(hex(EMPTY_ROOT), '00'.repeat(32));
  const h = new Harness();
  t.equal(hex(h.apply([]).root), hex(EMPTY_ROOT));
  t.equal(hex(h.tree.getRoot(1n)), hex(EMPTY_ROOT));
  t.equal(h.tree.get(1n, keyHash(1)), null);
  t.end();
});

t.test('one key: the root is its leaf hash', (t) => {
  const h = new Harness();
  const m = new ReferenceModel();
  const batch = [{ keyHash: keyHash(7), valueHash: valueHash(1) }];
  m.apply(batch);
  t.equal(hex(h.apply(batch).root), hex(m.root()));
  t.equal(hex(h.tree.get(1n, keyHash(7))!), hex(valueHash(1)));
  t.end();
});

t.test('random batches match the reference model at every version', (t) => {
  fc.assert(
    fc.property(fc.array(arbBatch(64), { minLength: 1, maxLength: 12 }), (batches) => {
      const h = new Harness();
      const m = new ReferenceModel();
      const models: ReferenceModel[] = [];
      for (const batch of batches) {
        m.apply(batch);
        const { root } = h.apply(batch);
        if (hex(root) !== hex(m.root())) return false;
        models.push(m.clone());
      }
      // every version stays readable (nothing pruned): roots and values
      for (let v = 0; v < models.length; v++) {
        const version = BigInt(v + 1);
        if (hex(h.tree.getRoot(version)) !== hex(models[v]!.root())) return false;
        for (let k = 0; k < 64; k++) {
          const got = h.tree.get(version, keyHash(k));
          const want = models[v]!.get(keyHash(k));
          if ((got && hex(got)) !== (want && hex(want))) return false;
        }
      }
      return true;
    }),
    { numRuns: 60 },
  );
  t.end();
});

t.test('the root depends only on the final set, not on order or history', (t) => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.nat(199), { minLength: 0, maxLength: 60 }),
      fc.uniqueArray(fc.nat(199), { maxLength: 30 }),
      fc.integer({ min: 1, max: 5 }),
      (keys, extra, parts) => {
        const final: TreeChange[] = keys.map((k) => ({ keyHash: keyHash(k), valueHash: valueHash(k) }));
        // history A: everything in one batch, reversed order
        const a = new Harness();
        const rootA = a.apply(final.slice().reverse()).root;
        // history B: extra keys inserted with other values, the final keys in several batches,
        // then the extra keys not in the final set deleted
        const b = new Harness();
        b.apply(extra.map((k) => ({ keyHash: keyHash(k), valueHash: valueHash(1000 + k) })));
        const size = Math.ceil(final.length / parts);
        for (let i = 0; i < final.length; i += size) b.apply(final.slice(i, i + size));
        const inFinal = new Set(keys);
        b.apply(extra.filter((k) => !inFinal.has(k)).map((k) => ({ keyHash: keyHash(k), valueHash: null })));
        const rootB = b.tree.getRoot(b.latest!);
        if (hex(rootA) !== hex(rootB)) return false;
        // and the stored shape is canonical too: deletions collapse exactly as a fresh build lays out
        const shape = (h: Harness) => reachable(h.store, h.latest!).map((n) => n.shape).sort();
        return JSON.stringify(shape(a)) === JSON.stringify(shape(b));
      },
    ),
    { numRuns: 80 },
  );
  t.end();
});

t.test('deleting every key returns the tree to the empty root', (t) => {
  const h = new Harness();
  const n = 300;
  h.apply(Array.from({ length: n }, (_, i) => ({ keyHash: keyHash(i), valueHash: valueHash(i) })));
  t.not(hex(h.tree.getRoot(1n)), hex(EMPTY_ROOT));
  // delete in three uneven batches
  for (const [lo, hi] of [[0, 10], [10, 200], [200, n]] as const) {
    h.apply(Array.from({ length: hi - lo }, (_, i) => ({ keyHash: keyHash(lo + i), valueHash: null })));
  }
  t.equal(hex(h.tree.getRoot(h.latest!)), hex(EMPTY_ROOT));
  t.same(reachable(h.store, h.latest!).map((n) => n.shape), ['0::null']);
  // once older versions are pruned only the empty root is left
  h.store.prune(h.latest!);
  t.equal(h.store.size, 1);
  t.end();
});

t.test('every version gets a root, even when its block changed nothing', (t) => {
  const h = new Harness();
  const r1 = h.apply([{ keyHash: keyHash(1), valueHash: valueHash(1) }]).root;
  const r2 = h.apply([]).root;
  const r3 = h.apply([{ keyHash: keyHash(9), valueHash: null }]).root; // deleting an absent key: no change
  const r4 = h.apply([{ keyHash: keyHash(1), valueHash: valueHash(1) }]).root; // same value again
  for (const r of [r2, r3, r4]) t.equal(hex(r), hex(r1));
  for (const v of [1n, 2n, 3n, 4n]) t.equal(hex(h.tree.getRoot(v)), hex(r1));
  // versions may skip heights
  h.apply([{ keyHash: keyHash(2), valueHash: valueHash(2) }], 10n);
  t.ok(ErrMissingNode.is(catchErr(() => h.tree.getRoot(7n))));
  t.end();
});

t.test('a no-change version over a multi-level tree copies only the root', (t) => {
  const h = new Harness();
  h.apply(Array.from({ length: 500 }, (_, i) => ({ keyHash: keyHash(i), valueHash: valueHash(i) })));
  const r = h.apply([]);
  t.equal(r.newNodes.length, 1);
  t.equal(r.staleNodes.length, 1);
  // one update touches one path: a root, a few internal nodes, one leaf
  const u = h.apply([{ keyHash: keyHash(3), valueHash: valueHash(999) }]);
  t.ok(u.newNodes.length >= 2 && u.newNodes.length <= 5, `${u.newNodes.length} new nodes`);
  t.equal(u.staleNodes.length, u.newNodes.length);
  t.end();
});

t.test('bad batches are rejected with typed errors and change nothing', (t) => {
  const h = new Harness();
  h.apply([{ keyHash: keyHash(1), valueHash: valueHash(1) }]);
  const size = h.store.size;
  const dup = [
    { keyHash: keyHash(2), valueHash: valueHash(1) },
    { keyHash: keyHash(2), valueHash: null },
  ];
  t.ok(ErrInvalidBatch.is(catchErr(() => h.tree.applyBatch(1n, 2n, dup))), 'duplicate key');
  t.ok(ErrInvalidBatch.is(catchErr(() => h.tree.applyBatch(1n, 1n, []))), 'version not above base');
  t.ok(ErrInvalidBatch.is(catchErr(() => h.tree.applyBatch(null, -1n, []))), 'negative version');
  t.ok(ErrInvalidHash.is(catchErr(() => h.tree.applyBatch(1n, 2n, [{ keyHash: new Uint8Array(31), valueHash: null }]))));
  t.ok(
    ErrInvalidHash.is(catchErr(() => h.tree.applyBatch(1n, 2n, [{ keyHash: keyHash(1), valueHash: new Uint8Array(33) }]))),
  );
  t.ok(ErrMissingNode.is(catchErr(() => h.tree.applyBatch(5n, 6n, []))), 'unknown base version');
  t.ok(ErrInvalidHash.is(catchErr(() => h.tree.get(1n, new Uint8Array(3)))));
  t.equal(h.store.size, size);
  t.end();
});

t.test('the tree only reads: applyBatch leaves the store untouched until the caller commits', (t) => {
  const store = new MemoryTreeStore();
  const tree = new StateTree(store);
  const r = tree.applyBatch(null, 1n, [{ keyHash: keyHash(1), valueHash: valueHash(1) }]);
  t.equal(store.size, 0);
  t.ok(ErrMissingNode.is(catchErr(() => tree.getRoot(1n))));
  store.commit(1n, r);
  t.equal(hex(tree.getRoot(1n)), hex(r.root));
  t.end();
});

t.test('node keys sort by version first', (t) => {
  const h = new Harness();
  const r = h.apply(Array.from({ length: 50 }, (_, i) => ({ keyHash: keyHash(i), valueHash: valueHash(i) })), 258n);
  for (const [key] of r.newNodes) t.equal(hex(key.subarray(0, 8)), '0000000000000102');
  t.end();
});

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
