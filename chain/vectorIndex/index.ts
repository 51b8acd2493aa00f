import { existsSync } from 'node:fs';
import { ErrIndexFile } from './errors.js';
import { exactSearch } from './exact.js';
import { Hnsw, type HnswParams } from './hnsw.js';
import { loadHnsw, saveHnsw } from './hnswFile.js';
import type { Hit } from './topk.js';
import { checkId, checkK, checkVector, type Vector } from './vector.js';

export { DEFAULT_DIMENSION, MAX_K, toVector, checkK, dotInt8, l2Int8, vectorBytes, type Vector } from './vector.js';
export { defaultEmbedding, textEmbedding, embeddingHash, tokenize, type TxFeatures } from './embedding.js';
export {
  EMBEDDING_TYPE_URL, encodeEmbeddingOption, decodeEmbeddingOption, type EmbeddingOption,
} from './embeddingOption.js';
export { exactSearch, exactSearchList, type Metric, type IdVector } from './exact.js';
export type { Hit } from './topk.js';

/** Index parameters; only `dimension` is required (it comes from genesis). */
export type VectorIndexOptions = HnswParams;

export interface VectorSearchOptions {
  k: number;
  /** HNSW candidate list size (>= k); larger is slower and more accurate. */
  ef?: number;
  /** Scan every vector instead of walking the graph: the exact answer, same order as contract search. */
  exact?: boolean;
  /** Only ids (versions) for which this returns true. */
  filter?: (id: number) => boolean;
  /** Inclusive id bounds: e.g. the versions of a height range; `maxId` = last committed version. */
  minId?: number;
  maxId?: number;
}

/**
 * Below this many candidate vectors (an id range), an exact scan is about as fast as the graph walk and
 * always right, so ranges this small are scanned.
 */
const EXACT_RANGE = 20_000;

/**
 * The node's vector index over committed transactions: id = tx version, score = integer dot product
 * (best first, ties to the smaller version). An HNSW graph answers approximate queries; `exact: true`
 * scans. The index is node-local: it is saved to one file and can always be rebuilt from the store.
 *
 * Lifecycle in a node: `VectorIndex.open(file, opts)` at start, then `catchUp(first, lastCommitted, read)`
 * (re-inserts what the file lacks, drops what was never committed), `insert` after each commit, `save`
 * now and then (and at shutdown). Pass `maxId` = last committed version on queries if inserts can run
 * ahead of the commit.
 */
export class VectorIndex {
  private constructor(private hnsw: Hnsw) {}

  /** An empty index. */
  static create(opts: VectorIndexOptions): VectorIndex {
    return new VectorIndex(new Hnsw(opts));
  }

  /** The index saved at `path`; throws ErrIndexFile if missing, corrupt, or of another dimension. */
  static load(path: string, opts: VectorIndexOptions): VectorIndex {
    return new VectorIndex(loadHnsw(path, opts.dimension, { forceJsKernels: opts.forceJsKernels }));
  }

  /**
   * The index saved at `path`, or an empty one when the file is missing or unusable (`rebuilt` says
   * which, `reason` why); follow with `catchUp` either way.
   */
  static open(path: string, opts: VectorIndexOptions): { index: VectorIndex; rebuilt: boolean; reason?: string } {
    if (!existsSync(path)) return { index: VectorIndex.create(opts), rebuilt: true, reason: 'no index file' };
    try {
      const index = VectorIndex.load(path, opts);
      if (opts.efSearch !== undefined) index.hnsw.efSearch = opts.efSearch;
      return { index, rebuilt: false };
    } catch (e) {
      if (!ErrIndexFile.is(e)) throw e;
      return { index: VectorIndex.create(opts), rebuilt: true, reason: (e as Error).message };
    }
  }

  get dimension(): number {
    return this.hnsw.dimension;
  }

  get size(): number {
    return this.hnsw.size;
  }

  /** The last version held, or -1 when empty. */
  get lastId(): number {
    return this.hnsw.lastId;
  }

  /** Bytes of memory the index holds. */
  memoryBytes(): number {
    return this.hnsw.memoryBytes();
  }

  /** Adds the embedding of version `id` (greater than `lastId`). */
  insert(id: number, vec: Vector): void {
    this.hnsw.insert(id, vec);
  }

  /** The stored vector of version `id`, or undefined. */
  vector(id: number): Vector | undefined {
    const slot = this.hnsw.arena.slotOf(id);
    return slot < 0 ? undefined : this.hnsw.arena.vector(slot);
  }

  /** Top-k versions by dot product with `query`, best first. */
  search(query: Vector, opts: VectorSearchOptions): Hit[] {
    checkK(opts.k);
    checkVector(query, this.dimension);
    if (opts.minId !== undefined) checkId(opts.minId);
    if (opts.maxId !== undefined) checkId(opts.maxId);
    const arena = this.hnsw.arena;
    const exact = { filter: opts.filter, minId: opts.minId, maxId: opts.maxId };
    if (opts.exact) return exactSearch(arena, query, opts.k, exact);
    const from = opts.minId === undefined ? 0 : arena.lowerBound(opts.minId);
    const to = opts.maxId === undefined ? arena.size : arena.lowerBound(opts.maxId + 1);
    if (to - from <= EXACT_RANGE) return exactSearch(arena, query, opts.k, exact);
    const hits = this.hnsw.search(query, opts.k, { ef: opts.ef, ...exact });
    // A selective filter can leave the graph walk short of k answers although enough exist: scan.
    if (hits.length < opts.k && opts.filter) return exactSearch(arena, query, opts.k, exact);
    return hits;
  }

  /** Writes the index to `path` atomically (temporary file, fsync, rename). */
  save(path: string): void {
    saveHnsw(this.hnsw, path);
  }

  /** Drops every version above `lastId` (inserted, then never committed). */
  truncateAfter(lastId: number): void {
    this.hnsw.truncateAfter(lastId);
  }

  /**
   * Brings the index to exactly the committed versions `first..lastCommitted`: drops versions above
   * `lastCommitted`, then inserts the missing ones read from the store (`read` returns a version's
   * embedding, or undefined if the store has none, which is skipped). Returns how many were inserted.
   */
  catchUp(first: number, lastCommitted: number, read: (id: number) => Vector | undefined): number {
    checkId(first);
    if (lastCommitted < first) {
      this.truncateAfter(first - 1);
      return 0;
    }
    checkId(lastCommitted);
    if (this.lastId > lastCommitted) this.truncateAfter(lastCommitted);
    if (this.size > 0 && this.hnsw.arena.idOf(0) < first) {
      // Versions below the ledger's first: the file belongs to another chain. Start over.
      this.hnsw = new Hnsw(this.params());
    }
    let inserted = 0;
    for (let id = Math.max(first, this.lastId + 1); id <= lastCommitted; id++) {
      const vec = read(id);
      if (vec === undefined) continue;
      this.hnsw.insert(id, vec);
      inserted++;
    }
    return inserted;
  }

  private params(): HnswParams {
    const h = this.hnsw;
    return { dimension: h.dimension, M: h.M, efConstruction: h.efConstruction, efSearch: h.efSearch };
  }
}
