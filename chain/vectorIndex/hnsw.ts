import { VectorArena } from './arena.js';
import { ErrInvalidParams } from './errors.js';
import { SlotHeap } from './heap.js';
import { GRAPH_MAX_EF, GRAPH_MAX_LINKS, SELECT_MAX } from './kernels.js';
import { compareHits, type Hit } from './topk.js';
import { checkK, type Vector } from './vector.js';

/**
 * A Hierarchical Navigable Small World graph (Malkov & Yashunin, 2016) over int8 vectors.
 *
 * Score: the integer dot product, higher is better — the same score exact search ranks by, so recall is
 * measured against exactly what the exact path returns. (Embeddings are meant to be unit vectors scaled to
 * int8, as the default embedding is; then the dot product ranks like cosine similarity.)
 *
 * Layout: vectors in the arena (contiguous, SIMD kernels); layer-0 adjacency in a slot region of the same
 * memory, M0 = 2M slots per node preceded by a count, and the visit marks in another, so the layer-0 walk
 * runs inside the kernel module (graphKernel.ts) where it has WebAssembly; upper layers (about 1 node in
 * M) in a small Int32Array per node, walked in JS.
 * Ids are tx versions, strictly increasing; internally a node is its slot (insertion index).
 * Levels come from a seeded integer PRNG, so the same inserts build the same graph.
 *
 * This index is node-local and approximate; it is not consensus data and may be rebuilt at any time.
 */
export interface HnswParams {
  dimension: number;
  /** Links per node on upper layers (2M on layer 0). Default 16. */
  M?: number;
  /** Candidate list size while inserting. Default 100. */
  efConstruction?: number;
  /** Default candidate list size while searching (raised to k when smaller). Default 64. */
  efSearch?: number;
  /** Seed of the level generator. Default 1. */
  seed?: number;
  /** Use the plain-JS kernels even where WebAssembly SIMD exists (tests, diagnosis). */
  forceJsKernels?: boolean;
}

export interface HnswSearchOptions {
  /** Candidate list size (>= k); defaults to the index's efSearch. */
  ef?: number;
  /** Only ids for which this returns true are returned (the graph is still walked through the others). */
  filter?: (id: number) => boolean;
  /** Inclusive id bounds on the results. */
  minId?: number;
  maxId?: number;
}

/** The persisted form of the graph (see hnswFile.ts). */
export interface HnswState {
  M: number;
  efConstruction: number;
  rng: number;
  entry: number;
  maxLevel: number;
  levels: Uint8Array;
  links0: Int32Array;
  upper: (Int32Array | undefined)[];
}

const MAX_M = 128;
const MAX_EF = 100_000;
const MAX_LEVEL = 32;
/** Kept neighbours a candidate is first checked against in selectNeighbours (one dotList group). */
const SELECT_FIRST = 4;

export class Hnsw {
  readonly arena: VectorArena;
  readonly M: number;
  readonly M0: number;
  readonly efConstruction: number;
  efSearch: number;

  private levels = new Uint8Array(1024);
  /** Views of the arena's slot regions (re-created when the arena grows: see `views`). */
  private links0!: Int32Array;
  private upper: (Int32Array | undefined)[] = [];
  private entry = -1;
  private maxLevel = -1;
  private rng: number;

  /**
   * Visit marks: the number of the search that last reached each slot. One byte per slot keeps the marks
   * of a large index in cache; every 255 searches they are cleared.
   */
  private visited!: Uint8Array;
  private epoch = 0;
  private viewsOf = -1;
  private readonly candidates = new SlotHeap(true);
  private readonly results = new SlotHeap(false);
  /** Scratch for the neighbour-selection heuristic (best first). */
  private pickSlots = new Int32Array(256);
  private pickScores = new Int32Array(256);
  private chosen = new Int32Array(256);
  /** Arena offsets of `chosen`'s vectors. */
  private chosenOffsets = new Int32Array(256);
  /** Slots of the neighbours being scored in one dotList call (at most M0). */
  private readonly batch: Int32Array;

  constructor(params: HnswParams) {
    const M = params.M ?? 16;
    const efConstruction = params.efConstruction ?? 100;
    const efSearch = params.efSearch ?? 64;
    if (!Number.isInteger(M) || M < 2 || M > MAX_M) throw ErrInvalidParams(`M ${M} is not an integer in 2..${MAX_M}`);
    checkEf(efConstruction, 'efConstruction');
    checkEf(efSearch, 'efSearch');
    this.M = M;
    this.M0 = 2 * M;
    this.arena = new VectorArena(params.dimension, {
      forceJsKernels: params.forceJsKernels,
      slotRegions: [(this.M0 + 1) * 4, 1],
    });
    this.efConstruction = efConstruction;
    this.efSearch = efSearch;
    this.rng = (params.seed ?? 1) >>> 0 || 1;
    this.views();
    this.batch = new Int32Array(this.M0);
  }

  get dimension(): number {
    return this.arena.dimension;
  }

  get size(): number {
    return this.arena.size;
  }

  /** Id of the last vector inserted, or -1 when empty. */
  get lastId(): number {
    return this.arena.lastId;
  }

  /** Bytes allocated for vectors, ids and graph (capacity, not just what is used). */
  memoryBytes(): number {
    let upper = 0;
    for (const u of this.upper) if (u) upper += u.byteLength + 64; // + per-array object overhead, roughly
    return this.arena.memoryBytes() + this.levels.byteLength + upper; // the arena holds links0 and the marks
  }

  /** Adds a vector under `id` (greater than every id already inserted). */
  insert(id: number, vec: Vector): void {
    const slot = this.arena.add(id, vec);
    this.reserveGraph(slot + 1);
    const level = this.randomLevel();
    this.levels[slot] = level;
    if (level > 0) this.upper[slot] = new Int32Array(level * (this.M + 1));
    if (this.entry < 0) {
      this.entry = slot;
      this.maxLevel = level;
      return;
    }
    const q = this.arena.offsetOf(slot);
    let cur = this.greedy(q, this.entry, this.maxLevel, level);
    for (let layer = Math.min(level, this.maxLevel); layer >= 0; layer--) {
      let count = layer === 0 ? this.moduleNeighbours(q, cur, slot - 1) : -1;
      if (count < 0) {
        const n = this.walk(q, cur, this.efConstruction, layer, 0, slot - 1);
        cur = this.pickSlots[0]!;
        count = this.selectNeighbours(n, this.M);
      }
      const list = this.linkList(slot, layer);
      const base = this.linkBase(slot, layer);
      list[base] = count;
      for (let i = 0; i < count; i++) list[base + 1 + i] = this.chosen[i]!;
      // addLink reuses the scratch arrays, so walk the new node's own (already written) list.
      for (let i = 0; i < count; i++) this.addLink(list[base + 1 + i]!, slot, layer);
    }
    if (level > this.maxLevel) {
      this.entry = slot;
      this.maxLevel = level;
    }
  }

  /** Approximate top-k by dot product, best first (ties to the smaller id). Only inserted ids are returned. */
  search(query: Vector, k: number, opts: HnswSearchOptions = {}): Hit[] {
    checkK(k);
    if (opts.ef !== undefined) checkEf(opts.ef, 'ef');
    const ef = Math.max(k, opts.ef ?? this.efSearch);
    const q = this.arena.setQuery(query);
    if (this.entry < 0) return [];
    const lo = opts.minId === undefined ? 0 : this.arena.lowerBound(opts.minId);
    const hi = (opts.maxId === undefined ? this.arena.size : this.arena.lowerBound(opts.maxId + 1)) - 1;
    if (lo > hi) return [];
    const cur = this.greedy(q, this.entry, this.maxLevel, 0);
    const filter = opts.filter;
    const arena = this.arena;
    const accept = filter ? (slot: number) => filter(arena.idOf(slot)) : undefined;
    const n = this.walk(q, cur, ef, 0, lo, hi, accept);
    const hits: Hit[] = [];
    for (let i = 0; i < n; i++) hits.push({ id: arena.idOf(this.pickSlots[i]!), score: this.pickScores[i]! });
    return hits.sort(compareHits).slice(0, k);
  }

  /**
   * Forgets every id above `lastId` (e.g. versions inserted before a commit that never happened) and every
   * link to them. The rest of the graph keeps working; if many nodes go, rebuilding gives a better graph.
   */
  truncateAfter(lastId: number): void {
    const keep = this.arena.lowerBound(lastId + 1);
    const n = this.arena.size;
    if (keep >= n) return;
    for (let s = 0; s < keep; s++) {
      for (let layer = this.levels[s]!; layer >= 0; layer--) {
        const list = this.linkList(s, layer);
        const base = this.linkBase(s, layer);
        const count = list[base]!;
        let w = 0;
        for (let i = 0; i < count; i++) {
          const t = list[base + 1 + i]!;
          if (t < keep) list[base + 1 + w++] = t;
        }
        list[base] = w;
      }
    }
    this.links0.fill(0, keep * (this.M0 + 1), n * (this.M0 + 1));
    this.levels.fill(0, keep, n);
    this.upper.length = Math.min(this.upper.length, keep);
    this.arena.truncate(keep);
    if (this.entry >= keep) {
      this.entry = -1;
      this.maxLevel = -1;
      for (let s = 0; s < keep; s++) {
        if (this.levels[s]! > this.maxLevel) {
          this.maxLevel = this.levels[s]!;
          this.entry = s;
        }
      }
    }
  }

  /** The graph's state for persistence (views, not copies). */
  exportState(): HnswState {
    const n = this.arena.size;
    return {
      M: this.M,
      efConstruction: this.efConstruction,
      rng: this.rng,
      entry: this.entry,
      maxLevel: this.maxLevel,
      levels: this.levels.subarray(0, n),
      links0: this.links0.subarray(0, n * (this.M0 + 1)),
      upper: Array.from({ length: n }, (_, s) => this.upper[s]),
    };
  }

  /** Restores the graph saved by exportState after the arena has been refilled (see hnswFile.ts). */
  importState(state: HnswState): void {
    const n = this.arena.size;
    this.reserveGraph(n);
    this.rng = state.rng;
    this.entry = state.entry;
    this.maxLevel = state.maxLevel;
    this.levels.set(state.levels);
    this.links0.set(state.links0);
    this.upper = state.upper.slice();
  }

  // ---- internals ----

  private reserveGraph(n: number): void {
    this.arena.reserve(n);
    if (this.viewsOf !== this.arena.layout) this.views();
    if (n <= this.levels.length) return;
    const levels = new Uint8Array(Math.max(n, this.levels.length * 2));
    levels.set(this.levels);
    this.levels = levels;
  }

  /** (Re-)creates the views of the arena's slot regions: neighbour lists, then visit marks. */
  private views(): void {
    const buf = this.arena.kernels.bytes.buffer;
    const cap = this.arena.slotCapacity;
    this.links0 = new Int32Array(buf, this.arena.regionOffset(0), cap * (this.M0 + 1));
    this.visited = new Uint8Array(buf, this.arena.regionOffset(1), cap);
    this.viewsOf = this.arena.layout;
  }

  /** Geometric level, P(level >= l) = M^-l, from xorshift32 (integer only, reproducible). */
  private randomLevel(): number {
    const threshold = Math.floor(0x1_0000_0000 / this.M);
    let level = 0;
    for (;;) {
      let x = this.rng;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.rng = x >>> 0;
      if (this.rng >= threshold || level >= MAX_LEVEL) return level;
      level++;
    }
  }

  private linkList(slot: number, layer: number): Int32Array {
    return layer === 0 ? this.links0 : this.upper[slot]!;
  }

  private linkBase(slot: number, layer: number): number {
    return layer === 0 ? slot * (this.M0 + 1) : (layer - 1) * (this.M + 1);
  }

  /** Greedy walk (ef = 1) from `from` on layer `top` down to layer `bottom + 1`; returns the closest slot. */
  private greedy(q: number, from: number, top: number, bottom: number): number {
    const { kernels, stride } = this.arena;
    const base0 = this.arena.offsetOf(0);
    let cur = from;
    let best = kernels.dot(q, base0 + cur * stride, stride);
    for (let layer = top; layer > bottom; layer--) {
      for (let changed = true; changed; ) {
        changed = false;
        const list = this.upper[cur]!;
        const base = (layer - 1) * (this.M + 1);
        const count = list[base]!;
        if (count === 0) break;
        const offsets = kernels.list;
        for (let i = 0; i < count; i++) offsets[i] = base0 + list[base + 1 + i]! * stride;
        kernels.dotList(q, stride, count);
        const scores = kernels.out;
        for (let i = 0; i < count; i++) {
          if (scores[i]! > best) {
            best = scores[i]!;
            cur = list[base + 1 + i]!;
            changed = true;
          }
        }
      }
    }
    return cur;
  }

  /**
   * Best-first search of one layer from `start` for the `ef` best accepted nodes with slots in [lo, hi]
   * (rejected nodes are still walked through: the graph stays connected). Leaves them best first in
   * pickSlots/pickScores and returns how many. Unfiltered layer-0 walks run inside the kernel module when
   * it has them; the rest, and a walk the module could not finish (its candidate heap full), in JS.
   */
  private walk(
    q: number, start: number, ef: number, layer: number, lo: number, hi: number,
    accept?: (slot: number) => boolean,
  ): number {
    if (layer === 0 && !accept) {
      const n = this.moduleWalk(q, start, ef, lo, hi);
      if (n >= 0) {
        this.reservePicks(n);
        const { out, list } = this.arena.kernels;
        const slots = this.pickSlots;
        const scores = this.pickScores;
        for (let i = 0; i < n; i++) {
          slots[i] = out[i]!;
          scores[i] = list[i]!;
        }
        return n;
      }
    }
    this.searchLayer(q, start, ef, layer, lo, hi, accept);
    return this.drainResults();
  }

  /**
   * The unfiltered layer-0 walk inside the kernel module: returns how many results it left in the
   * kernels' out (slots) and list (scores) buffers, or -1 when the module has no walk, cannot take these
   * parameters, or could not finish (see `walk`).
   */
  private moduleWalk(q: number, start: number, ef: number, lo: number, hi: number): number {
    const graph = this.arena.kernels.graph;
    if (!graph || ef > GRAPH_MAX_EF || this.M0 > GRAPH_MAX_LINKS) return -1;
    const arena = this.arena;
    return graph(
      q, start, ef, lo, hi, this.nextEpoch(),
      arena.offsetOf(0), arena.stride, arena.regionOffset(0), (this.M0 + 1) * 4, arena.regionOffset(1),
    );
  }

  /**
   * An insert's layer-0 walk and neighbour selection, both inside the kernel module (no copies of the
   * walk's results into JS): the chosen slots go to `chosen`; returns how many, or -1 when the module
   * cannot do it (then `walk` and `selectNeighbours` do, with the same result).
   */
  private moduleNeighbours(q: number, start: number, hi: number): number {
    const { kernels } = this.arena;
    if (!kernels.selectNeighbours || this.M > SELECT_MAX) return -1;
    const n = this.moduleWalk(q, start, this.efConstruction, 0, hi);
    if (n < 0) return -1;
    const count = kernels.selectNeighbours(n, this.M, this.arena.offsetOf(0), this.arena.stride);
    const from = kernels.chosen!;
    for (let i = 0; i < count; i++) this.chosen[i] = from[i]!;
    return count;
  }

  /** The JS walk: leaves the results in `this.results` (see `walk`). */
  private searchLayer(
    q: number, start: number, ef: number, layer: number, lo: number, hi: number,
    accept?: (slot: number) => boolean,
  ): void {
    const { kernels, stride } = this.arena;
    const base0 = this.arena.offsetOf(0);
    const visited = this.visited;
    const epoch = this.nextEpoch();
    const cand = this.candidates;
    const res = this.results;
    cand.clear();
    res.clear();
    const links = layer === 0 ? this.links0 : undefined;
    const width = layer === 0 ? this.M0 + 1 : this.M + 1;

    visited[start] = epoch;
    const s0 = kernels.dot(q, base0 + start * stride, stride);
    cand.push(start, s0);
    if (start >= lo && start <= hi && (!accept || accept(start))) res.push(start, s0);

    while (cand.size > 0) {
      const c = cand.topSlot;
      const cs = cand.topScore;
      if (res.size === ef && cs < res.topScore) break;
      cand.pop();
      const list = links ?? this.upper[c]!;
      const at = links ? c * width : (layer - 1) * width;
      const count = list[at]!;
      // Score the unvisited neighbours in one kernel call, then fold them into the heaps.
      const offsets = kernels.list;
      const batch = this.batch;
      let m = 0;
      for (let i = 1; i <= count; i++) {
        const t = list[at + i]!;
        if (visited[t] === epoch) continue;
        visited[t] = epoch;
        batch[m] = t;
        offsets[m++] = base0 + t * stride;
      }
      if (m === 0) continue;
      kernels.dotList(q, stride, m);
      const scores = kernels.out;
      for (let j = 0; j < m; j++) {
        const t = batch[j]!;
        const s = scores[j]!;
        if (res.size < ef || s > res.topScore) {
          cand.push(t, s);
          if (t >= lo && t <= hi && (!accept || accept(t))) {
            if (res.size < ef) res.push(t, s);
            else res.replaceTop(t, s);
          }
        }
      }
    }
  }

  private nextEpoch(): number {
    if (++this.epoch === 0x100) {
      this.visited.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** Moves `this.results` into pickSlots/pickScores, best first; returns how many. */
  private drainResults(): number {
    const res = this.results;
    const n = res.size;
    this.reservePicks(n);
    for (let i = n - 1; i >= 0; i--) {
      this.pickSlots[i] = res.topSlot;
      this.pickScores[i] = res.topScore;
      res.pop();
    }
    return n;
  }

  private reservePicks(n: number): void {
    if (n > this.pickSlots.length) {
      this.pickSlots = new Int32Array(n * 2);
      this.pickScores = new Int32Array(n * 2);
    }
  }

  /**
   * The HNSW neighbour heuristic over pickSlots[0..n) (best first): keep a candidate only if it is closer
   * to the new node than to every neighbour already kept, which spreads links across directions.
   * Writes up to `max` slots into `chosen`; returns how many.
   */
  private selectNeighbours(n: number, max: number): number {
    if (this.chosen.length < max) {
      this.chosen = new Int32Array(max);
      this.chosenOffsets = new Int32Array(max);
    }
    const { kernels, stride } = this.arena;
    const base0 = this.arena.offsetOf(0);
    const chosen = this.chosen;
    const keptAt = this.chosenOffsets;
    let count = 0;
    for (let i = 0; i < n && count < max; i++) {
      const c = this.pickSlots[i]!;
      const toQuery = this.pickScores[i]!;
      let good = true;
      // Score the candidate against the neighbours kept so far, the closest (first kept) four in one kernel
      // call, then the rest in another: most candidates are rejected by one of the first few.
      for (let from = 0; from < count && good; from = from === 0 ? SELECT_FIRST : count) {
        const to = from === 0 ? Math.min(count, SELECT_FIRST) : count;
        const offsets = kernels.list;
        for (let j = from; j < to; j++) offsets[j - from] = keptAt[j]!;
        kernels.dotList(base0 + c * stride, stride, to - from);
        const scores = kernels.out;
        for (let j = 0; j < to - from; j++) {
          if (scores[j]! > toQuery) {
            good = false;
            break;
          }
        }
      }
      if (good) {
        keptAt[count] = base0 + c * stride;
        chosen[count++] = c;
      }
    }
    return count;
  }

  /**
   * Adds the link from -> to on `layer`. When `from`'s list is full, applies the neighbour heuristic
   * incrementally (about 2 * M0 dot products instead of re-selecting the whole list, which is O(M0^2)
   * and dominated insert time): `to` is not linked if a closer existing link is closer to it than `from`
   * is; otherwise it replaces the existing links it dominates, or else the weakest link.
   */
  private addLink(from: number, to: number, layer: number): void {
    const max = layer === 0 ? this.M0 : this.M;
    const list = this.linkList(from, layer);
    const base = this.linkBase(from, layer);
    const count = list[base]!;
    if (count < max) {
      list[base + 1 + count] = to;
      list[base] = count + 1;
      return;
    }
    const { kernels, stride } = this.arena;
    const base0 = this.arena.offsetOf(0);
    const sTo = kernels.dot(base0 + from * stride, base0 + to * stride, stride);
    const toFrom = this.pickScores; // per link: score to `from`
    const toNew = this.pickSlots; // per link: score to `to`
    // Two kernel calls: every link against `from`, then against `to`.
    const offsets = kernels.list;
    for (let i = 0; i < count; i++) offsets[i] = base0 + list[base + 1 + i]! * stride;
    kernels.dotList(base0 + from * stride, stride, count);
    toFrom.set(kernels.out.subarray(0, count));
    kernels.dotList(base0 + to * stride, stride, count);
    const out = kernels.out;
    for (let i = 0; i < count; i++) {
      const se = toFrom[i]!;
      const st = out[i]!;
      if (se > sTo && st > sTo) return; // a closer link already covers `to`'s direction
      toNew[i] = st;
    }
    let w = 0;
    let weakest = -1;
    for (let i = 0; i < count; i++) {
      const e = list[base + 1 + i]!;
      if (toFrom[i]! <= sTo && toNew[i]! > toFrom[i]!) continue; // `to` dominates e: drop e
      if (weakest < 0 || toFrom[i]! < toFrom[weakest]!) weakest = w;
      toFrom[w] = toFrom[i]!;
      list[base + 1 + w++] = e;
    }
    if (w === count) {
      // Nothing dominated: the new link replaces the weakest one if it is stronger.
      if (toFrom[weakest]! >= sTo) return;
      list[base + 1 + weakest] = to;
      return;
    }
    list[base + 1 + w++] = to;
    list[base] = w;
  }
}

function checkEf(ef: number, what: string): void {
  if (!Number.isInteger(ef) || ef < 1 || ef > MAX_EF) throw ErrInvalidParams(`${what} ${ef} is not an integer in 1..${MAX_EF}`);
}
