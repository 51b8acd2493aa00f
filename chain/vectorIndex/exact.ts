import type { VectorArena } from './arena.js';
import { RUN_CHUNK } from './kernels.js';
import { TopK, type Hit } from './topk.js';
import { checkK, dotInt8, l2Int8, type Vector } from './vector.js';

/**
 * Exact k-nearest-neighbour search over int8 vectors, in integer arithmetic only, so every node computes
 * the same answer. Scores: `dot` = integer dot product; `l2` = minus the squared Euclidean distance
 * (so for both, higher is better). Ties go to the smaller id.
 */
export type Metric = 'dot' | 'l2';

export interface ExactOptions {
  metric?: Metric;
  /** Only ids for which this returns true are returned. Called only for ids that would enter the top k. */
  filter?: (id: number) => boolean;
  /** Inclusive id bounds (e.g. the versions of a height range, or the last committed version). */
  minId?: number;
  maxId?: number;
}

/** Exact top-k of `query` over the vectors of `arena`, best first. */
export function exactSearch(arena: VectorArena, query: Vector, k: number, opts: ExactOptions = {}): Hit[] {
  checkK(k);
  const q = arena.setQuery(query);
  const from = opts.minId === undefined ? 0 : arena.lowerBound(opts.minId);
  const to = opts.maxId === undefined ? arena.size : arena.lowerBound(opts.maxId + 1);
  const top = new TopK(k);
  const scores = new Int32Array(RUN_CHUNK);
  const negate = opts.metric === 'l2';
  const run = opts.metric === 'l2' ? arena.kernels.l2Run.bind(arena.kernels) : arena.kernels.dotRun.bind(arena.kernels);
  const filter = opts.filter;
  for (let start = from; start < to; start += RUN_CHUNK) {
    const count = Math.min(RUN_CHUNK, to - start);
    run(q, arena.offsetOf(start), arena.stride, count, scores);
    for (let i = 0; i < count; i++) {
      const score = negate ? 0 - scores[i]! : scores[i]!; // 0 - x: never -0
      // Slots ascend with ids, so a tie with the worst kept pair never displaces it.
      if (top.full && score <= top.worstScore) continue;
      const id = arena.idOf(start + i);
      if (filter && !filter(id)) continue;
      top.push(id, score);
    }
  }
  return top.results();
}

/** An item of a small collection searched without an arena (e.g. a contract's vector collection). */
export interface IdVector {
  id: number;
  vector: Vector;
}

/** Exact top-k over a list of vectors of the query's dimension; same scores and order as `exactSearch`. */
export function exactSearchList(query: Vector, items: Iterable<IdVector>, k: number, metric: Metric = 'dot'): Hit[] {
  checkK(k);
  const top = new TopK(k);
  for (const { id, vector } of items) {
    top.push(id, metric === 'l2' ? 0 - l2Int8(query, vector) : dotInt8(query, vector));
  }
  return top.results();
}

