import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filterKey, TxVectorIndex, type TxSearchRequest } from '../../../../chain/modules/vector/index.js';
import { Bucket, u64be } from '../../../../chain/store/buckets.js';
import { NodeDb } from '../../../../chain/store/nodeDb.js';
import { encodeVersionList } from '../../../../chain/store/versionList.js';
import { exactSearchList } from '../../../../chain/vectorIndex/exact.js';
import { SyntheticVectors } from '../../../../chain/vectorIndex/synthetic.js';
import type { Hit } from '../../../../chain/vectorIndex/topk.js';
import { vectorBytes, type Vector } from '../../../../chain/vectorIndex/vector.js';

// A store shaped as the app leaves it (embeddings, filter keys, block results, ledger size), written directly
// so the index sees more vectors than a test could commit through the chain; large enough (> 20,000) that
// unfiltered searches walk the HNSW graph.
const DIM = 32;
const N = 20_600;
const PER_BLOCK = 100;
const SENDERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
const TYPES = ['/cosmos.bank.v1beta1.MsgSend', '/cosmwasm.wasm.v1.MsgExecuteContract', '/vivian.data.v1.MsgList'];
const senderOf = (v: number) => SENDERS[v % 7]!;
const typesOf = (v: number) => (v % 5 === 0 ? [TYPES[v % 3]!, TYPES[(v + 1) % 3]!] : [TYPES[v % 3]!]);
const heightOf = (v: number) => Math.floor(v / PER_BLOCK) + 1;

const dir = mkdtempSync(join(tmpdir(), 'vivian-vector-'));
const db = NodeDb.open(join(dir, 'db'), { noSync: true });
t.teardown(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const gen = new SyntheticVectors({ dimension: DIM, clusters: 40, seed: 7 });
const vectors: Vector[] = Array.from({ length: N }, () => gen.next());

/** Commits versions [from, to) as the app would, and sets the ledger size and last height. */
function commitVersions(from: number, to: number): void {
  db.commit((b) => {
    // filter rows: one per sender and per type per block, listing its versions
    const rows = new Map<string, { kind: 's' | 't'; value: string; height: number; versions: number[] }>();
    const add = (kind: 's' | 't', value: string, v: number) => {
      const id = `${kind}|${value}|${heightOf(v)}`;
      if (!rows.has(id)) rows.set(id, { kind, value, height: heightOf(v), versions: [] });
      rows.get(id)!.versions.push(v);
    };
    for (let v = from; v < to; v++) {
      b.put(Bucket.TxEmbedding, u64be(v), vectorBytes(vectors[v]!));
      add('s', senderOf(v), v);
      for (const type of typesOf(v)) add('t', type, v);
    }
    for (const r of rows.values()) b.put(Bucket.TxVectorFilter, filterKey(r.kind, r.value, r.height), encodeVersionList(r.versions));
    for (let h = heightOf(from); h <= heightOf(to - 1); h++) {
      const first = (h - 1) * PER_BLOCK;
      const row = new Uint8Array(12);
      row.set(u64be(first), 0);
      new DataView(row.buffer).setUint32(8, Math.min(PER_BLOCK, to - first));
      b.put(Bucket.BlockResults, u64be(h), row);
    }
    setSize(b, to);
  });
}
function setSize(b: { put(bucket: number, k: Uint8Array, v: Uint8Array): void }, size: number): void {
  b.put(Bucket.Meta, new TextEncoder().encode('ledger_size'), u64be(size));
  b.put(Bucket.Meta, new TextEncoder().encode('last_height'), u64be(size === 0 ? 0 : heightOf(size - 1)));
  b.put(Bucket.Meta, new TextEncoder().encode('initial_height'), u64be(1));
}

/** The right answer, by brute force over the committed versions that pass `keep`. */
function bruteForce(query: Vector, k: number, size: number, keep: (v: number) => boolean = () => true): Hit[] {
  const items: Array<{ id: number; vector: Vector }> = [];
  for (let v = 0; v < size; v++) if (keep(v)) items.push({ id: v, vector: vectors[v]! });
  return exactSearchList(query, items, k);
}

commitVersions(0, N);
const index = TxVectorIndex.open(db, { dimension: DIM });
const queries = Array.from({ length: 30 }, () => gen.next());

t.test('opening over a store rebuilds the index from the stored embeddings', async (t) => {
  t.equal(index.openReport.caughtUp, N);
  t.equal(index.size, N);
  t.equal(index.lastVersion, N - 1);
});

t.test('exact search is the brute-force answer, ties to the smaller version', async (t) => {
  for (const q of queries.slice(0, 10)) t.same(index.search({ vector: q, k: 10, exact: true }), bruteForce(q, 10, N));
  // a duplicate vector scores the same: the smaller version comes first
  const q = vectors[123]!;
  const hits = index.search({ vector: q, k: 3, exact: true });
  t.equal(hits[0]!.id, bruteForce(q, 1, N)[0]!.id);
});

t.test('ANN recall@10 against exact search', async (t) => {
  let found = 0;
  for (const q of queries) {
    const truth = new Set(bruteForce(q, 10, N).map((h) => h.id));
    for (const h of index.search({ vector: q, k: 10 })) if (truth.has(h.id)) found++;
  }
  const recall = found / (queries.length * 10);
  t.ok(recall >= 0.9, `recall@10 = ${recall}`);
});

t.test('filters: height range, sender, message type, and all at once match brute force', async (t) => {
  const cases: Array<[Partial<TxSearchRequest>, (v: number) => boolean]> = [
    [{ minHeight: 50n, maxHeight: 60n }, (v) => heightOf(v) >= 50 && heightOf(v) <= 60],
    [{ minHeight: 200n }, (v) => heightOf(v) >= 200],
    [{ maxHeight: 3n }, (v) => heightOf(v) <= 3],
    [{ sender: 'carol' }, (v) => senderOf(v) === 'carol'],
    [{ msgType: TYPES[1]! }, (v) => typesOf(v).includes(TYPES[1]!)],
    [{ sender: 'bob', msgType: TYPES[2]!, minHeight: 10n, maxHeight: 120n }, (v) => senderOf(v) === 'bob' && typesOf(v).includes(TYPES[2]!) && heightOf(v) >= 10 && heightOf(v) <= 120],
    [{ sender: 'nobody' }, () => false],
    [{ minHeight: 100_000n }, () => false],
    [{ minHeight: 30n, maxHeight: 20n }, () => false],
  ];
  for (const [filter, keep] of cases) {
    const name = JSON.stringify(filter, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    for (const q of queries.slice(0, 3)) {
      const exact = index.search({ vector: q, k: 10, exact: true, ...filter });
      t.same(exact, bruteForce(q, 10, N, keep), `exact ${name}`);
      const ann = index.search({ vector: q, k: 10, ...filter });
      t.ok(ann.every((h) => keep(h.id)), `ANN answers pass ${name}`);
    }
  }
});

t.test('a version can be left out (similar-to queries)', async (t) => {
  const hits = index.search({ vector: vectors[42]!, k: 5, exact: true, exclude: 42 });
  t.equal(hits.length, 5);
  t.notOk(hits.some((h) => h.id === 42));
});

t.test('saved index: a store that lost commits (crash) is never outrun; a store ahead is caught up', async (t) => {
  const path = join(dir, 'vector.index');
  index.save();
  const saved = TxVectorIndex.open(db, { dimension: DIM, path });
  t.equal(saved.openReport.caughtUp, N, 'a first open with a path had no file: rebuilt and saved');
  t.equal(saved.openReport.rebuilt, true);

  // the index file holds N versions, the store only N - 250: as after a crash that lost the last commits
  db.commit((b) => setSize(b, N - 250));
  const behindStore = TxVectorIndex.open(db, { dimension: DIM, path });
  t.equal(behindStore.openReport.rebuilt, false, 'the saved file was used');
  t.equal(behindStore.lastVersion, N - 251, 'versions the store does not have are dropped');
  for (const q of [...queries.slice(0, 5), vectors[N - 1]!]) {
    for (const exact of [true, false]) {
      const hits = behindStore.search({ vector: q, k: 20, exact });
      t.ok(hits.every((h) => h.id < N - 250), 'no uncommitted version is served');
    }
  }
  t.same(behindStore.search({ vector: queries[0]!, k: 10, exact: true }), bruteForce(queries[0]!, 10, N - 250));

  // the store is ahead of the file: the missing versions are read back from it
  behindStore.save();
  db.commit((b) => setSize(b, N));
  const ahead = TxVectorIndex.open(db, { dimension: DIM, path });
  t.equal(ahead.openReport.caughtUp, 250);
  t.equal(ahead.lastVersion, N - 1);
  t.same(ahead.search({ vector: vectors[N - 1]!, k: 1, exact: true })[0]!.id, bruteForce(vectors[N - 1]!, 1, N)[0]!.id);

  // even while running: a search reads the committed size from the store at query time
  db.commit((b) => setSize(b, 1000));
  t.ok(ahead.search({ vector: queries[1]!, k: 50 }).every((h) => h.id < 1000));
  db.commit((b) => setSize(b, N));
});

t.test('an unusable index file (other dimension) is rebuilt from the store', async (t) => {
  const path = join(dir, 'vector.index');
  const other = TxVectorIndex.open(db, { dimension: DIM * 2, path });
  t.equal(other.openReport.rebuilt, true);
  t.match(other.openReport.reason, /dimension/);
  t.equal(other.size, 0, 'stored embeddings of another dimension are not inserted');
});

t.test('committed versions not yet inserted into the graph are still found (background inserts)', async (t) => {
  const dir2 = mkdtempSync(join(tmpdir(), 'vivian-vector-tail-'));
  const db2 = NodeDb.open(join(dir2, 'db'), { noSync: true });
  t.teardown(async () => {
    await db2.close();
    rmSync(dir2, { recursive: true, force: true });
  });
  const put = (from: number, to: number) =>
    db2.commit((b) => {
      for (let v = from; v < to; v++) b.put(Bucket.TxEmbedding, u64be(v), vectorBytes(vectors[v]!));
      b.put(Bucket.Meta, new TextEncoder().encode('ledger_size'), u64be(to));
    });
  put(0, 1000);
  const idx = TxVectorIndex.open(db2, { dimension: DIM });
  t.equal(idx.lastVersion, 999);
  put(1000, 1100);
  const block = { txs: Array.from({ length: 100 }, (_, i) => ({ version: BigInt(1000 + i), embedding: vectors[1000 + i]! })) };
  idx.afterCommit(block as unknown as Parameters<TxVectorIndex['afterCommit']>[0]);
  t.equal(idx.lastVersion, 999, 'inserts are queued, not done on the commit path');
  const q = vectors[1050]!;
  const items = Array.from({ length: 1100 }, (_, id) => ({ id, vector: vectors[id]! }));
  t.same(idx.search({ vector: q, k: 10, exact: true }), exactSearchList(q, items, 10), 'exact search covers the queued tail');
  const ann = idx.search({ vector: q, k: 10 });
  t.ok(ann.some((h) => h.id >= 1000), 'ANN answers include queued versions');
  for (let i = 0; i < 100 && idx.lastVersion < 1099; i++) await new Promise((r) => setImmediate(r));
  t.equal(idx.lastVersion, 1099, 'the background drain inserted them');
});
