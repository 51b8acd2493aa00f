import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ErrIndexFile } from '../../../chain/vectorIndex/errors.js';
import { Hnsw } from '../../../chain/vectorIndex/hnsw.js';
import { loadHnsw, saveHnsw } from '../../../chain/vectorIndex/hnswFile.js';
import { SyntheticVectors } from '../../../chain/vectorIndex/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'vivian-hnsw-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const dim = 40; // not a multiple of the lane width: padding is stored too
const gen = new SyntheticVectors({ dimension: dim, clusters: 10, seed: 3 });
const data = Array.from({ length: 1200 }, () => gen.next());
const queries = Array.from({ length: 20 }, () => gen.next());

/** The graph as plain data (typed arrays that share a buffer compare by content this way). */
function graph(h: Hnsw): unknown {
  const st = h.exportState();
  return { ...st, levels: Array.from(st.levels), links0: Array.from(st.links0), upper: st.upper.map((u) => (u ? Array.from(u) : null)) };
}

function build(n: number): Hnsw {
  const h = new Hnsw({ dimension: dim, M: 8, efConstruction: 50, efSearch: 30, seed: 9 });
  for (let i = 0; i < n; i++) h.insert(5 + i, data[i]!);
  return h;
}

t.test('save then load gives the same index, and inserting continues identically', async (t) => {
  const path = join(dir, 'a.hnsw');
  const h = build(1000);
  saveHnsw(h, path);
  t.notOk(existsSync(`${path}.tmp`), 'no temporary file left');
  const back = loadHnsw(path, dim);
  t.equal(back.size, 1000);
  t.equal(back.lastId, 1004);
  t.equal(back.M, 8);
  t.equal(back.efSearch, 30);
  t.same(graph(back), graph(h));
  for (const q of queries) t.same(back.search(q, 10), h.search(q, 10));
  for (let i = 1000; i < 1200; i++) {
    h.insert(5 + i, data[i]!);
    back.insert(5 + i, data[i]!);
  }
  t.same(graph(back), graph(h), 'the level generator state was saved too');
});

t.test('an empty index round-trips', async (t) => {
  const path = join(dir, 'empty.hnsw');
  saveHnsw(new Hnsw({ dimension: dim }), path);
  const back = loadHnsw(path, dim);
  t.equal(back.size, 0);
  t.equal(back.lastId, -1);
  t.same(back.search(queries[0]!, 3), []);
});

t.test('overwriting replaces the file atomically', async (t) => {
  const path = join(dir, 'b.hnsw');
  saveHnsw(build(100), path);
  saveHnsw(build(300), path);
  t.equal(loadHnsw(path, dim).size, 300);
});

t.test('unusable files give ErrIndexFile', async (t) => {
  const path = join(dir, 'c.hnsw');
  saveHnsw(build(200), path);
  const good = readFileSync(path);
  const cases: [string, Buffer][] = [
    ['truncated', good.subarray(0, good.length - 100)],
    ['one flipped bit', Buffer.from(good.map((b, i) => (i === 500 ? b ^ 1 : b)))],
    ['not an index', Buffer.from('hello world, this is not an index file at all........')],
    ['empty', Buffer.alloc(0)],
  ];
  for (const [what, bytes] of cases) {
    writeFileSync(path, bytes);
    t.ok(ErrIndexFile.is(t.throws(() => loadHnsw(path, dim))), what);
  }
  t.ok(ErrIndexFile.is(t.throws(() => loadHnsw(join(dir, 'missing.hnsw'), dim))), 'missing');
  writeFileSync(path, good);
  const err = t.throws(() => loadHnsw(path, dim + 1)) as Error;
  t.ok(ErrIndexFile.is(err));
  t.match(err.message, /dimension 40/);
});
