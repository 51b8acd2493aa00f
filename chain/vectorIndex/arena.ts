import { ErrInvalidId } from './errors.js';
import { ARENA_RESERVED, createKernels, LANE_BYTES, type Kernels } from './kernels.js';
import { checkDimension, checkId, checkVector, type Vector } from './vector.js';

/** Slots added per growth step at most once the arena is large (doubling a 1M-slot arena would overshoot). */
const MAX_GROWTH_SLOTS = 1 << 20;

export interface ArenaOptions {
  forceJsKernels?: boolean;
  /**
   * Byte widths (multiples of 4, except the last) of per-slot regions kept in the kernels' memory after
   * the vectors — e.g. the graph's neighbour lists and visit marks, which the in-module graph walk reads.
   */
  slotRegions?: number[];
}

/**
 * Every vector of an index in one contiguous byte arena (the kernels' memory), addressed by slot
 * 0..size-1 in insertion order. Each slot also records its id (a tx version); ids strictly increase with
 * the slot, so id -> slot is a binary search and an id range is a slot range.
 *
 * Memory layout: kernel scratch | 2 query vectors | capacity x vector | capacity x each slot region.
 * Growing the capacity moves the slot regions up (their contents kept, the new part zeroed) and bumps
 * `layout`, so holders of views re-create them.
 */
export class VectorArena {
  /** Bytes per stored vector: the dimension rounded up to the SIMD lane width (zero padded). */
  readonly stride: number;
  readonly kernels: Kernels;
  /** Offset of the query scratch vector (two of them: `queryOffset` and `queryOffset + stride`). */
  readonly queryOffset = ARENA_RESERVED;
  /** Changes whenever the capacity (and so the regions' offsets, or the memory buffer) changes. */
  layout = 0;
  private readonly base: number;
  private readonly regionWidths: number[];
  private capacity = 0;
  private ids = new Float64Array(1024);
  private count = 0;

  constructor(
    readonly dimension: number,
    opts: ArenaOptions = {},
  ) {
    checkDimension(dimension);
    this.stride = Math.ceil(dimension / LANE_BYTES) * LANE_BYTES;
    this.kernels = createKernels({ forceJs: opts.forceJsKernels });
    this.base = this.queryOffset + 2 * this.stride;
    this.regionWidths = opts.slotRegions ?? [];
    this.regionWidths.forEach((w, i) => {
      if (w <= 0 || (i < this.regionWidths.length - 1 && w % 4 !== 0)) throw new RangeError(`slot region width ${w}`);
    });
    this.grow(1024);
  }

  /** Byte offset of slot region `i` (slot s's part starts at regionOffset(i) + s * width). */
  regionOffset(i: number): number {
    let off = this.base + this.capacity * this.stride;
    for (let j = 0; j < i; j++) off += this.capacity * this.regionWidths[j]!;
    return off;
  }

  /** Slots the memory holds now. */
  get slotCapacity(): number {
    return this.capacity;
  }

  get size(): number {
    return this.count;
  }

  /** Id of the last vector added, or -1 when empty. */
  get lastId(): number {
    return this.count === 0 ? -1 : this.ids[this.count - 1]!;
  }

  /** Bytes allocated: the kernels' arena and the id table. */
  memoryBytes(): number {
    return this.kernels.bytes.byteLength + this.ids.byteLength;
  }

  /** Appends a vector; its id must exceed every id already held. Returns its slot. */
  add(id: number, vec: Vector): number {
    checkId(id);
    checkVector(vec, this.dimension);
    if (this.count > 0 && id <= this.lastId) {
      throw ErrInvalidId(`id ${id} is not above the last id ${this.lastId}; ids must increase`);
    }
    const slot = this.count;
    this.reserve(slot + 1);
    this.ids[slot] = id;
    this.kernels.bytes.set(vec, this.offsetOf(slot)); // padding bytes stay zero
    this.count++;
    return slot;
  }

  /** Makes room for `n` slots without changing the size (avoids repeated growth during a bulk load). */
  reserve(n: number): void {
    if (n > this.ids.length) {
      const grown = new Float64Array(Math.max(n, this.ids.length * 2));
      grown.set(this.ids.subarray(0, this.count));
      this.ids = grown;
    }
    if (n > this.capacity) this.grow(Math.max(n, this.capacity + Math.min(this.capacity, MAX_GROWTH_SLOTS)));
  }

  /** Re-lays the memory out for `capacity` slots (see the class comment). */
  private grow(capacity: number): void {
    const old = this.capacity;
    const from = this.regionWidths.map((_, i) => this.regionOffset(i));
    this.capacity = capacity;
    const to = this.regionWidths.map((_, i) => this.regionOffset(i));
    this.kernels.ensure(this.regionOffset(this.regionWidths.length));
    const bytes = this.kernels.bytes;
    // Regions only move up: move the last first so none overwrites one not yet moved.
    for (let i = this.regionWidths.length - 1; i >= 0; i--) {
      const w = this.regionWidths[i]!;
      bytes.copyWithin(to[i]!, from[i]!, from[i]! + old * w);
      bytes.fill(0, to[i]! + old * w, to[i]! + capacity * w);
    }
    bytes.fill(0, this.offsetOf(old), this.offsetOf(capacity)); // vector padding must read as zero
    this.layout++;
  }

  /** Byte offset of a slot's vector in `kernels.bytes`. */
  offsetOf(slot: number): number {
    return this.base + slot * this.stride;
  }

  idOf(slot: number): number {
    return this.ids[slot]!;
  }

  /** Slot holding `id`, or -1. */
  slotOf(id: number): number {
    const s = this.lowerBound(id);
    return s < this.count && this.ids[s] === id ? s : -1;
  }

  /** First slot whose id is >= `id` (size if none). */
  lowerBound(id: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A copy of the vector in `slot`. */
  vector(slot: number): Vector {
    const off = this.offsetOf(slot);
    return this.kernels.bytes.slice(off, off + this.dimension);
  }

  /** Copies `vec` into query scratch `which` (0 or 1) and returns its offset. */
  setQuery(vec: Vector, which: 0 | 1 = 0): number {
    checkVector(vec, this.dimension);
    const off = this.queryOffset + which * this.stride;
    const bytes = this.kernels.bytes;
    bytes.set(vec, off);
    bytes.fill(0, off + this.dimension, off + this.stride);
    return off;
  }

  /** Forgets every slot from `count` on. */
  truncate(count: number): void {
    if (count >= this.count) return;
    this.kernels.bytes.fill(0, this.offsetOf(count), this.offsetOf(this.count));
    this.count = count;
  }

  /** The raw rows of slots [from, to) (stride bytes each) — for persistence. */
  rows(from: number, to: number): Uint8Array {
    const b = this.kernels.bytes;
    return new Uint8Array(b.buffer, b.byteOffset + this.offsetOf(from), (to - from) * this.stride);
  }

  /** The ids of slots [0, size) — for persistence. */
  idList(): Float64Array {
    return this.ids.subarray(0, this.count);
  }

  /** Appends rows written by `rows` with their ids (already validated by the caller's file checks). */
  appendRows(ids: Float64Array, rows: Uint8Array): void {
    const n = ids.length;
    this.reserve(this.count + n);
    this.ids.set(ids, this.count);
    const b = this.kernels.bytes;
    new Uint8Array(b.buffer, b.byteOffset + this.offsetOf(this.count), n * this.stride).set(rows);
    this.count += n;
  }
}
