import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ErrInvalidK, ErrInvalidVector, ErrWrongDimension } from '../../../chain/vectorIndex/errors.js';
import { exactSearch, toVector, VectorIndex, type Vector } from '../../../chain/vectorIndex/index.js';
import { SyntheticVectors } from '../../../chain/vectorIndex/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'vivian-vindex-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const dim = 32;
const opts = { dimension: dim, M: 8, efConstruction: 60 };
const gen = new SyntheticVectors({ dimension: dim, clusters: 20, noise: 1.5, seed: 21 });
/** The "store": committed versions 1..N with their embeddings (what LMDB holds in TxEmbedding). */
const N = 30_000;
const store = new Map<number, Vector>();
for (let v = 1; v <= N; v++) store.set(v, gen.next());
const read = (v: number): Vector | undefined => store.get(v);
const queries = Array.from({ length: 20 }, () => gen.next());

const full = VectorIndex.create(opts);
t.equal(full.catchUp(1, N, read), N, 'a rebuild from the store inserts every committed version');

t.test('approximate search is close to exact; exact search is exact', async (t) => {
  let hit = 0;
  for (const q of queries) {
    const exact = full.search(q, { k: 10, exact: true });
    const arenaExact = exactSearch((full as unknown as { hnsw: { arena: never } }).hnsw.arena, q, 10);
    t.same(exact, arenaExact);
    const truth = new Set(exact.map((h) => h.id));
    for (const h of full.search(q, { k: 10, ef: 64 })) if (truth.has(h.id)) hit++;
  }
  t.ok(hit / (queries.length * 10) >= 0.9, `recall ${hit / (queries.length * 10)}`);
});

t.test('filters: ranges are answered exactly; a selective filter falls back to a scan', async (t) => {
  for (const q of queries.slice(0, 5)) {
    const range = full.search(q, { k: 10, minId: 100, maxId: 5000 });
    t.same(range, full.search(q, { k: 10, minId: 100, maxId: 5000, exact: true }));
    const rare = (id: number): boolean => id % 997 === 0; // 30 of 30,000
    const got = full.search(q, { k: 20, filter: rare });
    t.equal(got.length, 20);
    t.same(got, full.search(q, { k: 20, filter: rare, exact: true }));
  }
});

t.test('vector() returns what was inserted', async (t) => {
  t.same(full.vector(77), store.get(77));
  t.equal(full.vector(N + 1), undefined);
});

t.test('crash recovery: a saved file behind the store is caught up', async (t) => {
  const path = join(dir, 'behind.hnsw');
  const idx = VectorIndex.create(opts);
  idx.catchUp(1, 2000, read);
  idx.save(path);
  idx.catchUp(1, 2500, read); // inserted after the save, then the node "crashes"
  const { index, rebuilt } = VectorIndex.open(path, opts);
  t.equal(rebuilt, false);
  t.equal(index.lastId, 2000);
  t.equal(index.catchUp(1, 2600, read), 600);
  t.equal(index.lastId, 2600);
  t.same(index.vector(2600), store.get(2600));
});

t.test('crash recovery: versions that were never committed are dropped and never served', async (t) => {
  const idx = VectorIndex.create(opts);
  idx.catchUp(1, 3000, read);
  // The block holding versions 2901..3000 never committed; other txs then take those versions.
  const other = new SyntheticVectors({ dimension: dim, clusters: 20, seed: 99 });
  const committed = new Map(store);
  for (let v = 2901; v <= 3100; v++) committed.set(v, other.next());
  t.equal(idx.catchUp(1, 2900, (v) => committed.get(v)), 0);
  t.equal(idx.lastId, 2900);
  for (const q of queries) for (const h of idx.search(q, { k: 50, ef: 80 })) t.ok(h.id <= 2900);
  idx.catchUp(1, 3100, (v) => committed.get(v));
  t.same(idx.vector(2950), committed.get(2950), 'the re-used version holds the committed vector');
  for (const q of queries.slice(0, 5)) {
    t.same(idx.search(q, { k: 5, maxId: 2900 }).every((h) => h.id <= 2900), true, 'maxId bounds results');
  }
});

t.test('open: missing or corrupt files start empty and are rebuilt by catchUp', async (t) => {
  const missing = VectorIndex.open(join(dir, 'none.hnsw'), opts);
  t.equal(missing.rebuilt, true);
  t.equal(missing.index.size, 0);
  const bad = join(dir, 'bad.hnsw');
  writeFileSync(bad, 'garbage');
  const corrupt = VectorIndex.open(bad, opts);
  t.equal(corrupt.rebuilt, true);
  t.match(corrupt.reason, /vector index file/);
  t.equal(corrupt.index.catchUp(1, 500, read), 500);
  const other = join(dir, 'other-dim.hnsw');
  VectorIndex.create({ ...opts, dimension: 16 }).save(other);
  t.equal(VectorIndex.open(other, opts).rebuilt, true, 'a file of another dimension is not used');
});

t.test('catchUp with an empty store empties the index; a file from another ledger is replaced', async (t) => {
  const idx = VectorIndex.create(opts);
  idx.catchUp(1, 100, read);
  t.equal(idx.catchUp(1, 0, read), 0);
  t.equal(idx.size, 0);
  idx.catchUp(1, 100, read);
  t.equal(idx.catchUp(50, 120, read), 71, 'versions below the first one: rebuilt from 50');
  t.equal(idx.vector(10), undefined);
});

t.test('bad queries give typed errors', async (t) => {
  const q = queries[0]!;
  t.ok(ErrWrongDimension.is(t.throws(() => full.search(new Int8Array(dim - 1), { k: 1 }))));
  for (const k of [0, 1001, NaN, 1.5]) t.ok(ErrInvalidK.is(t.throws(() => full.search(q, { k }))), `k ${k}`);
  t.ok(ErrInvalidVector.is(t.throws(() => toVector([...Array(dim - 1).fill(0), NaN], dim))), 'NaN');
  t.ok(ErrInvalidVector.is(t.throws(() => toVector([...Array(dim - 1).fill(0), 128], dim))), 'out of range');
  t.ok(ErrInvalidVector.is(t.throws(() => toVector([...Array(dim - 1).fill(0), 0.5], dim))), 'fraction');
  t.ok(ErrInvalidVector.is(t.throws(() => toVector([...Array(dim - 1).fill(0), '1'], dim))), 'string');
  t.ok(ErrWrongDimension.is(t.throws(() => toVector(new Uint8Array(dim + 1), dim))), 'bytes of the wrong length');
  t.same(toVector(Uint8Array.of(255, 1), 2), Int8Array.of(-1, 1), 'raw bytes are int8');
  t.same(toVector([-128, 127], 2), Int8Array.of(-128, 127));
});
