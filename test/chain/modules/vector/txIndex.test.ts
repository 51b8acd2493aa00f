import t, { type Test } from 'tap';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapError } from '../../../../chain/api/errors.js';
import { filterKey, IndexBusyError, TxVectorIndex, type TxSearchRequest } from '../../../../chain/modules/vector/index.js';
import { MAX_WAITING_SEARCHES } from '../../../../chain/modules/vector/indexThread.js';
import { Bucket, u64be } from '../../../../chain/store/buckets.js';
import { NodeDb } from '../../../../chain/store/nodeDb.js';
import { encodeVersionList } from '../../../../chain/store/versionList.js';
import { exactSearchList } from '../../../../chain/vectorIndex/exact.js';
import { VectorIndex } from '../../../../chain/vectorIndex/index.js';
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
/** Every index a test opens runs a worker thread: closed at the end. */
const opened: TxVectorIndex[] = [];
t.teardown(async () => {
  for (const i of opened) await i.close();
});
function open(store: NodeDb, opts: Parameters<typeof TxVectorIndex.open>[1]): TxVectorIndex {
  const i = TxVectorIndex.open(store, opts);
  opened.push(i);
  return i;
}
const index = open(db, { dimension: DIM });
const queries = Array.from({ length: 30 }, () => gen.next());

t.test('opening over a store rebuilds the index from the stored embeddings (in the worker)', async (t) => {
  const report = await index.opened;
  t.equal(report.caughtUp, N);
  t.equal(report.rebuilt, true);
  t.same(index.openReport, report);
  t.equal(index.size, N);
  t.equal(index.lastVersion, N - 1);
  t.ok(index.memoryBytes() > N * DIM, 'the worker reports the memory its index holds');
});

t.test('graph answers are those of the same index built on this thread (same inserts, same graph)', async (t) => {
  const local = VectorIndex.create({ dimension: DIM });
  local.catchUp(0, N - 1, (id) => vectors[id]);
  for (const q of queries.slice(0, 10)) {
    t.same(await index.search({ vector: q, k: 10 }), local.search(q, { k: 10, minId: 0, maxId: N - 1 }));
    t.same(await index.search({ vector: q, k: 10, minHeight: 30n }), local.search(q, { k: 10, minId: 2900, maxId: N - 1 }));
  }
});

t.test('exact search is the brute-force answer, ties to the smaller version', async (t) => {
  for (const q of queries.slice(0, 10)) t.same(await index.search({ vector: q, k: 10, exact: true }), bruteForce(q, 10, N));
  // a duplicate vector scores the same: the smaller version comes first
  const q = vectors[123]!;
  const hits = await index.search({ vector: q, k: 3, exact: true });
  t.equal(hits[0]!.id, bruteForce(q, 1, N)[0]!.id);
});

t.test('bad requests are refused before they reach the worker', async (t) => {
  await t.rejects(index.search({ vector: new Int8Array(DIM - 1), k: 10 }), { codespace: 'vector', code: 1 });
  await t.rejects(index.search({ vector: queries[0]!, k: 0 }), { codespace: 'vector', code: 3 });
});

t.test('searches waiting for the worker are bounded: one more is refused as busy (HTTP 503)', async (t) => {
  const waiting = Array.from({ length: MAX_WAITING_SEARCHES }, () => index.search({ vector: queries[0]!, k: 1 }));
  await t.rejects(index.search({ vector: queries[0]!, k: 1 }), IndexBusyError);
  t.equal(mapError(new IndexBusyError()).status, 503);
  const answers = await Promise.all(waiting);
  t.ok(answers.every((a) => a.length === 1 && a[0]!.id === answers[0]![0]!.id), 'the waiting ones are answered');
});

t.test('ANN recall@10 against exact search', async (t) => {
  let found = 0;
  for (const q of queries) {
    const truth = new Set(bruteForce(q, 10, N).map((h) => h.id));
    for (const h of await index.search({ vector: q, k: 10 })) if (truth.has(h.id)) found++;
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
      const exact = await index.search({ vector: q, k: 10, exact: true, ...filter });
      t.same(exact, bruteForce(q, 10, N, keep), `exact ${name}`);
      const ann = await index.search({ vector: q, k: 10, ...filter });
      t.ok(ann.every((h) => keep(h.id)), `ANN answers pass ${name}`);
      // a sender or type filter scores its matches one by one: exact either way
      if (filter.sender !== undefined || filter.msgType !== undefined) t.same(ann, exact, `filtered ANN is exact ${name}`);
    }
  }
});

t.test('a version can be left out (similar-to queries)', async (t) => {
  const hits = await index.search({ vector: vectors[42]!, k: 5, exact: true, exclude: 42 });
  t.equal(hits.length, 5);
  t.notOk(hits.some((h) => h.id === 42));
  t.same(hits, bruteForce(vectors[42]!, 6, N).filter((h) => h.id !== 42).slice(0, 5));
});

t.test('saved index: a store that lost commits (crash) is never outrun; a store ahead is caught up', async (t) => {
  const path = join(dir, 'vector.index');
  const saved = open(db, { dimension: DIM, path });
  const first = await saved.opened;
  t.equal(first.caughtUp, N, 'a first open with a path had no file: rebuilt');
  t.equal(first.rebuilt, true);
  t.ok(existsSync(path), 'and saved once caught up');

  // the index file holds N versions, the store only N - 250: as after a crash that lost the last commits
  db.commit((b) => setSize(b, N - 250));
  const behindStore = open(db, { dimension: DIM, path });
  t.equal((await behindStore.opened).rebuilt, false, 'the saved file was used');
  t.equal(behindStore.lastVersion, N - 251, 'versions the store does not have are dropped');
  for (const q of [...queries.slice(0, 5), vectors[N - 1]!]) {
    for (const exact of [true, false]) {
      const hits = await behindStore.search({ vector: q, k: 20, exact });
      t.ok(hits.every((h) => h.id < N - 250), 'no uncommitted version is served');
    }
  }
  t.same(await behindStore.search({ vector: queries[0]!, k: 10, exact: true }), bruteForce(queries[0]!, 10, N - 250));

  // the store is ahead of the file: the missing versions are read back from it
  await behindStore.close(); // saves the truncated index
  db.commit((b) => setSize(b, N));
  const ahead = open(db, { dimension: DIM, path });
  t.equal((await ahead.opened).caughtUp, 250);
  t.equal(ahead.lastVersion, N - 1);
  t.same((await ahead.search({ vector: vectors[N - 1]!, k: 1, exact: true }))[0]!.id, bruteForce(vectors[N - 1]!, 1, N)[0]!.id);

  // even while running: a search reads the committed size from the store at query time
  db.commit((b) => setSize(b, 1000));
  t.ok((await ahead.search({ vector: queries[1]!, k: 50 })).every((h) => h.id < 1000));
  t.ok((await ahead.search({ vector: queries[1]!, k: 50, exact: true })).every((h) => h.id < 1000));
  db.commit((b) => setSize(b, N));
});

t.test('an unusable index file (other dimension) is rebuilt from the store', async (t) => {
  const path = join(dir, 'vector.index');
  const other = open(db, { dimension: DIM * 2, path });
  const report = await other.opened;
  t.equal(report.rebuilt, true);
  t.match(report.reason, /dimension/);
  t.equal(other.size, 0, 'stored embeddings of another dimension are not inserted');
});

/** A store of embeddings only (no filters or blocks), with helpers to commit, build a block, answer by brute force and open indexes over it. */
function smallStore(t: Test, name: string) {
  const d = mkdtempSync(join(tmpdir(), `vivian-vector-${name}-`));
  const store = NodeDb.open(join(d, 'db'), { noSync: true });
  const mine: TxVectorIndex[] = [];
  t.teardown(async () => {
    for (const i of mine) await i.close();
    await store.close();
    rmSync(d, { recursive: true, force: true });
  });
  const put = (from: number, to: number) =>
    store.commit((b) => {
      for (let v = from; v < to; v++) b.put(Bucket.TxEmbedding, u64be(v), vectorBytes(vectors[v]!));
      b.put(Bucket.Meta, new TextEncoder().encode('ledger_size'), u64be(to));
    });
  const block = (from: number, to: number) =>
    ({ txs: Array.from({ length: to - from }, (_, i) => ({ version: BigInt(from + i), embedding: vectors[from + i]! })) }) as unknown as Parameters<TxVectorIndex['afterCommit']>[0];
  const truth = (q: Vector, size: number, k = 10) => exactSearchList(q, Array.from({ length: size }, (_, id) => ({ id, vector: vectors[id]! })), k);
  const openIndex = (opts: Parameters<typeof TxVectorIndex.open>[1]) => {
    const i = TxVectorIndex.open(store, opts);
    mine.push(i);
    return i;
  };
  return { dir: d, store, put, block, truth, openIndex };
}

t.test('committed versions the worker does not hold yet are scored on this thread (the tail)', async (t) => {
  const s = smallStore(t, 'tail');
  s.put(0, 1000);
  const idx = s.openIndex({ dimension: DIM });
  t.equal((await idx.opened).caughtUp, 1000);
  t.equal(idx.lastVersion, 999);

  // committed, but not (yet) sent to the worker: a search still finds them, from the store
  s.put(1000, 1100);
  const q = vectors[1050]!;
  t.same(await idx.search({ vector: q, k: 10, exact: true }), s.truth(q, 1100), 'exact search covers the tail');
  const ann = await idx.search({ vector: q, k: 10 });
  t.ok(ann.some((h) => h.id >= 1000), 'ANN answers include the tail');
  t.equal(idx.lastVersion, 999, 'the worker was not sent them');

  // the next block's commit finds the gap: the worker is sent the missing versions from the store, then holds all
  s.put(1100, 1200);
  idx.afterCommit(s.block(1100, 1200));
  t.equal(idx.lastVersion, 999, 'nothing is inserted on the commit path');
  await idx.flush();
  t.equal(idx.lastVersion, 1199);
  t.equal(idx.size, 1200);

  // an ordinary block: posted with its embeddings; a search right after it is answered with it
  s.put(1200, 1300);
  idx.afterCommit(s.block(1200, 1300));
  t.same(await idx.search({ vector: vectors[1250]!, k: 10, exact: true }), s.truth(vectors[1250]!, 1300));
  await idx.flush();
  t.equal(idx.lastVersion, 1299);
});

t.test('a long tail is not scanned on this thread: the search waits for the worker to take it', async (t) => {
  const s = smallStore(t, 'longtail');
  s.put(0, 500);
  const idx = s.openIndex({ dimension: DIM });
  await idx.opened;
  s.put(500, 6000); // committed without blocks reaching the index: 5,500 versions the worker was not sent
  const q = vectors[5555]!;
  t.same(await idx.search({ vector: q, k: 10, exact: true }), s.truth(q, 6000));
  t.equal(idx.lastVersion, 5999, 'the worker was sent them, from the store, before it answered');
  t.same(await idx.search({ vector: q, k: 10, exact: true, maxHeight: 0n }), [], 'an empty height range is answered at once');
});

t.test('a crashed worker is restarted from its file and the store; no answer misses a committed version', async (t) => {
  const s = smallStore(t, 'crash');
  const lines: string[] = [];
  s.put(0, 1000);
  const path = join(s.dir, 'vector.index');
  const idx = s.openIndex({ dimension: DIM, path, saveEvery: 300, log: (l) => lines.push(l) });
  await idx.opened;
  t.ok(existsSync(path));
  for (let v = 1000; v < 1500; v += 100) {
    s.put(v, v + 100);
    idx.afterCommit(s.block(v, v + 100));
  }
  await idx.flush();
  // searches in flight when the worker dies are asked again of the new one
  const inFlight = queries.slice(0, 8).map((q) => idx.search({ vector: q, k: 10, exact: true }));
  await idx.crashWorker();
  t.same(await Promise.all(inFlight), queries.slice(0, 8).map((q) => s.truth(q, 1500)), 'searches in flight are answered');
  // while the new worker loads its file (saved at 1000 or later) and is caught up: searches wait for it
  s.put(1500, 1600);
  idx.afterCommit(s.block(1500, 1600));
  const q = vectors[1590]!;
  t.same(await idx.search({ vector: q, k: 10, exact: true }), s.truth(q, 1600), 'exact answer across the crash');
  t.ok((await idx.search({ vector: q, k: 10 })).some((h) => h.id === 1590), 'the graph answer finds the latest block');
  await idx.flush();
  t.equal(idx.lastVersion, 1599, 'the restarted worker holds every committed version');
  t.equal(idx.size, 1600);
  t.match(lines.join('\n'), /vector index worker stopped .*restarting it/);
});

t.test('a worker that keeps failing is given up: searches scan the store on this thread, still exact', async (t) => {
  const s = smallStore(t, 'broken');
  s.put(0, 500);
  const lines: string[] = [];
  // parameters the graph refuses: the worker dies while opening, each time
  const idx = s.openIndex({ dimension: DIM, M: 1, log: (l) => lines.push(l) });
  const q = vectors[7]!;
  const before = idx.search({ vector: q, k: 5 }); // asked while the worker is failing
  const report = await idx.opened;
  t.equal(report.rebuilt, true);
  t.match(report.reason, /failed/);
  t.same(await before, s.truth(q, 500, 5), 'a search that waited is answered by the scan');
  t.same(await idx.search({ vector: q, k: 5 }), s.truth(q, 500, 5));
  t.same(await idx.search({ vector: q, k: 5, exact: true }), s.truth(q, 500, 5));
  t.equal(lines.filter((l) => /restarting/.test(l)).length, 3, 'restarted three times');
  t.match(lines.at(-1), /searches now scan the store on the main thread/);
  s.put(500, 600);
  idx.afterCommit(s.block(500, 600));
  t.same(await idx.search({ vector: vectors[550]!, k: 5 }), s.truth(vectors[550]!, 600, 5), 'later commits are found too');
  await idx.flush(); // resolves at once: there is no worker to wait for
});

t.test('a save that fails is logged; the index goes on serving', async (t) => {
  const s = smallStore(t, 'nosave');
  s.put(0, 300);
  const path = join(s.dir, 'a-directory');
  mkdirSync(path); // unreadable as a file (rebuilt) and cannot be replaced by one
  const lines: string[] = [];
  const idx = s.openIndex({ dimension: DIM, path, log: (l) => lines.push(l) });
  const report = await idx.opened;
  t.equal(report.rebuilt, true);
  t.equal(report.caughtUp, 300);
  t.match(lines.join('\n'), /vector index: saving .*a-directory failed/);
  t.same(await idx.search({ vector: vectors[5]!, k: 3 }), s.truth(vectors[5]!, 300, 3));
  t.equal(idx.lastVersion, 299);
});

t.test('close lets the worker take what is committed and save it', async (t) => {
  const s = smallStore(t, 'close');
  s.put(0, 800);
  const path = join(s.dir, 'vector.index');
  const idx = s.openIndex({ dimension: DIM, path, saveEvery: 0 });
  s.put(800, 900);
  idx.afterCommit(s.block(800, 900));
  await idx.close();
  await t.rejects(idx.search({ vector: vectors[0]!, k: 1 }), /closed/);
  const again = s.openIndex({ dimension: DIM, path });
  const report = await again.opened;
  t.equal(report.rebuilt, false);
  t.equal(report.caughtUp, 0, 'the file held every committed version');
  t.equal(again.lastVersion, 899);
});
