import t from 'tap';
import { ErrInvalidId, ErrInvalidK, ErrInvalidParams, ErrWrongDimension } from '../../../chain/vectorIndex/errors.js';
import { exactSearch } from '../../../chain/vectorIndex/exact.js';
import { Hnsw } from '../../../chain/vectorIndex/hnsw.js';
import { GRAPH_MAX_EF, type GraphWalk } from '../../../chain/vectorIndex/kernels.js';
import { SyntheticVectors } from '../../../chain/vectorIndex/synthetic.js';

const dim = 64;
const gen = new SyntheticVectors({ dimension: dim, clusters: 30, noise: 2, seed: 11 });
const N = 3000;
const data = Array.from({ length: N }, () => gen.next());
const queries = Array.from({ length: 60 }, () => gen.next());
const idOf = (i: number): number => 1000 + 2 * i; // versions need not be dense

function build(params: Partial<ConstructorParameters<typeof Hnsw>[0]> = {}, n = N): Hnsw {
  const h = new Hnsw({ dimension: dim, M: 12, efConstruction: 80, ...params });
  for (let i = 0; i < n; i++) h.insert(idOf(i), data[i]!);
  return h;
}
const index = build();

function recall(h: Hnsw, ef: number, filter?: (id: number) => boolean): number {
  let hit = 0;
  let total = 0;
  for (const q of queries) {
    const truth = new Set(exactSearch(h.arena, q, 10, { filter }).map((x) => x.id));
    total += truth.size;
    for (const r of h.search(q, 10, { ef, filter })) if (truth.has(r.id)) hit++;
  }
  return hit / total;
}

t.test('recall@10 against exact search', async (t) => {
  const r = recall(index, 64);
  t.ok(r >= 0.9, `recall ${r}`);
  t.ok(recall(index, 200) >= r, 'a larger ef does at least as well');
});

t.test('results: inserted ids only, best first, scores exact', async (t) => {
  const known = new Set(data.map((_, i) => idOf(i)));
  for (const q of queries) {
    const res = index.search(q, 25);
    t.equal(res.length, 25);
    for (let i = 0; i < res.length; i++) {
      t.ok(known.has(res[i]!.id));
      const exact = exactSearch(index.arena, q, 1, { minId: res[i]!.id, maxId: res[i]!.id })[0]!;
      t.equal(res[i]!.score, exact.score);
      if (i > 0) t.ok(res[i - 1]!.score > res[i]!.score || (res[i - 1]!.score === res[i]!.score && res[i - 1]!.id < res[i]!.id));
    }
  }
});

t.test('filters and id bounds are respected, with good recall', async (t) => {
  const byFour = (id: number): boolean => id % 8 === 0; // a quarter of the ids
  for (const q of queries.slice(0, 20)) {
    for (const r of index.search(q, 10, { filter: byFour })) t.ok(byFour(r.id));
    for (const r of index.search(q, 10, { minId: 2000, maxId: 3000 })) t.ok(r.id >= 2000 && r.id <= 3000);
  }
  const r = recall(index, 64, byFour);
  t.ok(r >= 0.85, `filtered recall ${r}`);
  t.same(index.search(queries[0]!, 5, { filter: () => false }), []);
  t.same(index.search(queries[0]!, 5, { minId: 999_999 }), []);
});

t.test('small and empty graphs return everything they hold', async (t) => {
  const empty = new Hnsw({ dimension: dim });
  t.same(empty.search(queries[0]!, 3), []);
  t.equal(empty.lastId, -1);
  const three = build({}, 3);
  t.same(three.search(queries[0]!, 10).map((r) => r.id).sort(), [idOf(0), idOf(1), idOf(2)].sort());
  t.equal(three.lastId, idOf(2));
});

t.test('same inserts, same graph: reproducible, and the in-module walk and the JS walk agree', async (t) => {
  // 2,500 nodes: the arena grows (and moves the neighbour lists) twice on the way.
  const a = build({ seed: 5 }, 2500);
  const b = build({ seed: 5, forceJsKernels: true }, 2500);
  t.same(a.exportState(), b.exportState());
  for (const q of queries.slice(0, 20)) {
    t.same(a.search(q, 10), b.search(q, 10));
    t.same(a.search(q, 7, { ef: 200, minId: idOf(300), maxId: idOf(900) }), b.search(q, 7, { ef: 200, minId: idOf(300), maxId: idOf(900) }));
  }
});

t.test("an insert's layer-0 neighbours are chosen inside the module, as the JS heuristic chooses them", async (t) => {
  const a = new Hnsw({ dimension: dim, M: 6, efConstruction: 40, seed: 9 });
  const b = new Hnsw({ dimension: dim, M: 6, efConstruction: 40, seed: 9, forceJsKernels: true });
  t.equal(b.arena.kernels.selectNeighbours, undefined, 'the JS kernels select in JS');
  const kernels = a.arena.kernels;
  const select = kernels.selectNeighbours!;
  let calls = 0;
  let kept = 0;
  Object.defineProperty(kernels, 'selectNeighbours', {
    value: (...args: Parameters<typeof select>) => {
      calls++;
      const count = select(...args);
      kept += count;
      return count;
    },
  });
  const n = 1500;
  for (let i = 0; i < n; i++) {
    a.insert(idOf(i), data[i]!);
    b.insert(idOf(i), data[i]!);
  }
  t.equal(calls, n - 1, 'every insert but the first');
  t.ok(kept >= n - 1 && kept <= 6 * (n - 1), `${kept} links kept, at most M per insert`);
  t.same(a.exportState(), b.exportState());
});

t.test('walks the module cannot finish are done in JS, with the same answers', async (t) => {
  // A range holding one node never fills the result list, so the walk visits the whole graph: more
  // candidates than the module's heap holds (GRAPH_CAND_CAPACITY). And an ef above GRAPH_MAX_EF.
  const d = 32;
  const g = new SyntheticVectors({ dimension: d, clusters: 20, noise: 1, seed: 3 });
  const points = Array.from({ length: 40_000 }, () => g.next());
  const small = (forceJsKernels: boolean): Hnsw => {
    const h = new Hnsw({ dimension: d, M: 4, efConstruction: 8, forceJsKernels });
    points.forEach((p, i) => h.insert(i, p));
    return h;
  };
  const a = small(false);
  const b = small(true);
  const q = g.next();
  const one = a.search(q, 1, { minId: 123, maxId: 123 });
  t.same(one, exactSearch(a.arena, q, 1, { minId: 123, maxId: 123 }));
  const wide = a.search(q, 10, { ef: GRAPH_MAX_EF + 1 });
  t.equal(wide.length, 10);
  t.same(wide, b.search(q, 10, { ef: GRAPH_MAX_EF + 1 }), 'a walk wider than the module takes');

  // The same walks with the module's candidate heap cut to 16 entries: each gives up, JS redoes it.
  const kernels = a.arena.kernels;
  const walk = kernels.graph!;
  let gaveUp = 0;
  Object.defineProperty(kernels, 'graph', {
    value: (...args: Parameters<GraphWalk>) => {
      args[11] = 16;
      const n = walk(...args);
      if (n < 0) gaveUp++;
      return n;
    },
  });
  for (const x of queries.slice(0, 5).map(() => g.next())) t.same(a.search(x, 10, { ef: 40 }), b.search(x, 10, { ef: 40 }));
  t.equal(gaveUp, 5, 'the module gave up on every walk');
});

t.test('truncateAfter forgets later ids and every link to them', async (t) => {
  const h = build({}, 1000);
  const cut = idOf(799);
  h.truncateAfter(cut);
  t.equal(h.size, 800);
  t.equal(h.lastId, cut);
  let count = 0;
  for (const q of queries) for (const r of h.search(q, 50, { ef: 100 })) {
    count++;
    t.ok(r.id <= cut, 'no truncated id comes back');
  }
  t.equal(count, queries.length * 50);
  const st = h.exportState();
  for (let s = 0; s < 800; s++) {
    const base = s * (2 * h.M + 1);
    for (let i = 1; i <= st.links0[base]!; i++) t.ok(st.links0[base + i]! < 800);
  }
  h.insert(idOf(800), data[800]!); // inserting continues after the cut
  t.equal(h.lastId, idOf(800));
  h.truncateAfter(0);
  t.equal(h.size, 0);
  t.same(h.search(queries[0]!, 1), []);
});

t.test('bad input gives typed errors', async (t) => {
  const h = build({}, 10);
  t.ok(ErrWrongDimension.is(t.throws(() => h.insert(idOf(10), new Int8Array(dim + 1)))));
  t.ok(ErrWrongDimension.is(t.throws(() => h.search(new Int8Array(3), 1))));
  t.ok(ErrInvalidId.is(t.throws(() => h.insert(idOf(9), data[0]!))), 'ids must increase');
  t.ok(ErrInvalidId.is(t.throws(() => h.insert(-1, data[0]!))));
  t.ok(ErrInvalidId.is(t.throws(() => h.insert(2 ** 60, data[0]!))), 'unsafe integer');
  t.ok(ErrInvalidK.is(t.throws(() => h.search(data[0]!, 0))));
  t.ok(ErrInvalidK.is(t.throws(() => h.search(data[0]!, 1001))));
  t.ok(ErrInvalidParams.is(t.throws(() => new Hnsw({ dimension: dim, M: 1 }))));
  t.ok(ErrInvalidParams.is(t.throws(() => new Hnsw({ dimension: 0 }))));
  t.ok(ErrInvalidParams.is(t.throws(() => h.search(data[0]!, 1, { ef: 0.5 }))));
  t.equal(h.size, 10, 'failed calls changed nothing');
});
