import t from 'tap';
import { VectorArena } from '../../../chain/vectorIndex/arena.js';
import { ErrInvalidK, ErrWrongDimension } from '../../../chain/vectorIndex/errors.js';
import { exactSearch, exactSearchList, type Metric } from '../../../chain/vectorIndex/exact.js';
import { TopK } from '../../../chain/vectorIndex/topk.js';
import { dotInt8, l2Int8 } from '../../../chain/vectorIndex/vector.js';

/** Small-valued random vectors: many exact score ties, so tie-breaking is exercised. */
function randomVectors(n: number, dim: number, seed: number, range = 3): Int8Array[] {
  let s = seed;
  const out: Int8Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Int8Array(dim);
    for (let j = 0; j < dim; j++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      v[j] = ((s >>> 16) % (2 * range + 1)) - range;
    }
    out.push(v);
  }
  return out;
}

/** The answer by sorting everything. */
function bruteForce(q: Int8Array, items: { id: number; vector: Int8Array }[], k: number, metric: Metric) {
  return items
    .map(({ id, vector }) => ({ id, score: metric === 'l2' ? 0 - l2Int8(q, vector) : dotInt8(q, vector) }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, k);
}

t.test('exact search equals brute force, ties to the smaller id, both metrics', async (t) => {
  for (const dim of [5, 16, 40]) {
    const vecs = randomVectors(3000, dim, dim);
    const arena = new VectorArena(dim);
    const items = vecs.map((vector, i) => ({ id: 10 + 3 * i, vector })); // sparse, increasing ids
    for (const it of items) arena.add(it.id, it.vector);
    const queries = randomVectors(20, dim, 1000 + dim);
    let ties = 0;
    for (const q of queries) {
      for (const metric of ['dot', 'l2'] as const) {
        for (const k of [1, 10, 100]) {
          const want = bruteForce(q, items, k, metric);
          t.same(exactSearch(arena, q, k, { metric }), want);
          t.same(exactSearchList(q, items, k, metric), want);
          for (let i = 1; i < want.length; i++) if (want[i]!.score === want[i - 1]!.score) ties++;
        }
      }
    }
    t.ok(ties > 50, `dim ${dim}: the data has ties (${ties})`);
  }
});

t.test('filters and id bounds', async (t) => {
  const dim = 24;
  const vecs = randomVectors(2000, dim, 5, 20);
  const arena = new VectorArena(dim);
  const items = vecs.map((vector, i) => ({ id: i, vector }));
  for (const it of items) arena.add(it.id, it.vector);
  const q = randomVectors(1, dim, 77, 20)[0]!;
  const even = (id: number): boolean => id % 2 === 0;
  t.same(exactSearch(arena, q, 10, { filter: even }), bruteForce(q, items.filter((x) => even(x.id)), 10, 'dot'));
  t.same(
    exactSearch(arena, q, 10, { minId: 500, maxId: 700 }),
    bruteForce(q, items.filter((x) => x.id >= 500 && x.id <= 700), 10, 'dot'),
  );
  t.same(exactSearch(arena, q, 10, { minId: 1500, maxId: 1503, filter: even }).map((h) => h.id).sort(), [1500, 1502]);
  t.same(exactSearch(arena, q, 5, { filter: () => false }), [], 'nothing passes');
  t.same(exactSearch(new VectorArena(dim), q, 5), [], 'empty arena');
  t.equal(exactSearch(arena, q, 1000).length, 1000);
});

t.test('bad input gives typed errors', async (t) => {
  const arena = new VectorArena(8);
  arena.add(1, new Int8Array(8));
  for (const k of [0, 1001, 2.5, NaN, -1]) {
    t.ok(ErrInvalidK.is(t.throws(() => exactSearch(arena, new Int8Array(8), k))), `k = ${k}`);
  }
  t.ok(ErrWrongDimension.is(t.throws(() => exactSearch(arena, new Int8Array(9), 1))), 'query of the wrong dimension');
});

t.test('TopK keeps the k best, ties to the smaller id, in any insertion order', async (t) => {
  const pairs = Array.from({ length: 200 }, (_, i) => ({ id: (i * 37) % 200, score: (i * 13) % 7 }));
  const top = new TopK(15);
  for (const p of pairs) top.push(p.id, p.score);
  t.same(top.results(), [...pairs].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, 15));
});
