/**
 * Integer similarity kernels over int8 vectors held in one contiguous byte arena.
 *
 * The arena lives in the memory of a tiny WebAssembly module whose functions use 128-bit SIMD
 * (sign-extending loads to i16x8 + i32x4.dot_i16x8_s): about 12 ns per 256-dim dot product against ~200 ns
 * for the best plain-JS loop. Graph walks score scattered vectors; dotList first touches every cache line of
 * its list (all of the list's misses in flight at once), then scores the vectors four at a time. The
 * results are exact integers, so they equal the JS reference kernel bit for bit;
 * where WebAssembly SIMD is unavailable the same interface runs on that JS kernel.
 *
 * The module is assembled here from its opcodes (a few dozen bytes of code), so nothing binary is shipped.
 */
import { uleb128 } from '../../vm/wasm/writer.js';
import * as a from './wasmAsm.js';
import { heapPushBody, heapSiftBody, searchBody, selectBody, type GraphKernelLayout } from './graphKernel.js';

/**
 * Vectors are stored with their length rounded up to this (zero padding changes no dot product or L2):
 * the kernels consume two 16-byte SIMD registers per step.
 */
export const LANE_BYTES = 32;
/** Cache line size assumed when touching vectors before scoring them. */
export const CACHE_LINE = 64;

/** Operations on vectors addressed by byte offset into the arena. All sums are exact int32. */
export interface Kernels {
  /** The arena; re-read after `ensure` (growing may replace the buffer). */
  readonly bytes: Int8Array;
  /** Makes the arena at least `byteLength` long. */
  ensure(byteLength: number): void;
  /** Dot product of the `n`-byte vectors at `a` and `b` (n a multiple of LANE_BYTES). */
  dot(a: number, b: number, n: number): number;
  /** Squared L2 distance of the vectors at `a` and `b`. */
  l2(a: number, b: number, n: number): number;
  /** Scores of `count` consecutive vectors from `first` (each n bytes) against `q`, written into `out` as int32. */
  dotRun(q: number, first: number, n: number, count: number, out: Int32Array): void;
  l2Run(q: number, first: number, n: number, count: number, out: Int32Array): void;
  /**
   * Batch form for graph walks: scores of the vectors whose offsets are in `list[0..count)` against `q`,
   * into `out[0..count)`. One call per batch lets the CPU overlap the loads of independent vectors.
   * `list` and `out` hold LIST_CAPACITY entries; re-read them after `ensure`.
   */
  dotList(q: number, n: number, count: number): void;
  readonly list: Int32Array;
  readonly out: Int32Array;
  /** The layer-0 graph walk inside the kernel module; undefined for the JS kernels (hnsw.ts walks in JS). */
  readonly graph?: GraphWalk;
  /**
   * With `graph`: the neighbour heuristic over the results the last walk left (selectBody in
   * graphKernel.ts), keeping at most `max` (<= SELECT_MAX); returns how many, their slots in `chosen`.
   */
  readonly selectNeighbours?: (n: number, max: number, vecBase: number, stride: number) => number;
  readonly chosen?: Int32Array;
}

/**
 * searchBody in graphKernel.ts: returns the number of results, best first as slots in `out` and scores in
 * `list`, or -1 when the walk outgrew the module's candidate heap. `ef` must not exceed GRAPH_MAX_EF, nor a
 * neighbour list GRAPH_MAX_LINKS entries.
 */
export type GraphWalk = (
  q: number, start: number, ef: number, lo: number, hi: number, epoch: number,
  vecBase: number, stride: number, linkBase: number, linkRowBytes: number, visitedBase: number,
  candCapacity?: number,
) => number;

// ---- WebAssembly kernel ----

const PAGE = 65536;
/** Vectors scored per dotRun/l2Run call (the result buffer's length). */
export const RUN_CHUNK = 4096;
/** Entries of the dotList offset and result buffers. */
export const LIST_CAPACITY = RUN_CHUNK;
/** Largest ef the in-module graph walk takes (its result heap's capacity); larger ones walk in JS. */
export const GRAPH_MAX_EF = LIST_CAPACITY;
/** Candidate heap entries of the in-module graph walk; a walk that needs more is redone in JS. */
const GRAPH_CAND_CAPACITY = 32_768;
/** Neighbours per list the in-module graph walk takes (2 * the largest M). */
export const GRAPH_MAX_LINKS = 256;
/** Most neighbours the in-module selection keeps (the largest M). */
export const SELECT_MAX = 128;
// Scratch at the bottom of the WebAssembly memory: int32 results, then int32 offsets for dotList, then the
// graph walk's neighbour batch and its two heaps of 8-byte entries.
const OUT_AREA = 0;
const LIST_AREA = RUN_CHUNK * 4;
const BATCH_AREA = LIST_AREA + LIST_CAPACITY * 4;
const RES_AREA = BATCH_AREA + GRAPH_MAX_LINKS * 4;
const CAND_AREA = RES_AREA + GRAPH_MAX_EF * 8;
const SINK_AREA = CAND_AREA + GRAPH_CAND_CAPACITY * 8;
const CHOSEN_AREA = SINK_AREA + 64;
const KEPT_AREA = CHOSEN_AREA + SELECT_MAX * 4;
const WASM_RESERVED = KEPT_AREA + SELECT_MAX * 4;

// Opcodes used below (WebAssembly core + SIMD proposal).
const op = {
  block: 0x02, loop: 0x03, end: 0x0b, brIf: 0x0d, call: 0x10,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i32Store: 0x36, i32Const: 0x41,
  i32GeU: 0x4f, i32LtU: 0x49, i32Add: 0x6a, i32Mul: 0x6c, i32And: 0x71,
  simd: 0xfd,
} as const;
const simd = {
  v128Load: 0x00, v128Load8x8S: 0x01, i32x4ExtractLane: 0x1b, i16x8ExtendLowS: 0x87, i16x8ExtendHighS: 0x88, i16x8Sub: 0x91,
  i32x4Add: 0xae, i32x4DotI16x8S: 0xba, v128Const: 0x0c,
} as const;
const I32 = 0x7f;
const V128 = 0x7b;

const simdOp = (code: number): number[] => [op.simd, ...uleb128(code)];
const get = (i: number): number[] => [op.localGet, i];
const set = (i: number): number[] => [op.localSet, i];
const memarg = (alignLog2: number, offset = 0): number[] => [alignLog2, ...uleb128(offset)];
/** Signed LEB128 of a small constant (i32.const immediates here lie in -64..63: one byte). */
const sleb = (n: number): number[] => {
  if (n < -64 || n > 63) throw new Error(`constant ${n} needs a longer encoding`);
  return [n & 0x7f];
};
const name = (s: string): number[] => [...uleb128(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb128(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb128(items.length), ...items.flat()];

/**
 * Body of a pairwise kernel (a, b, n) -> i32. Per 32 bytes: two 16-byte halves, each loaded from both
 * vectors into locals 5 and 6 and sign-extended to i16x8 by `combine`, which leaves an i32x4 partial sum;
 * the halves go to two accumulators (3 and 4) so consecutive additions do not wait on each other.
 * Local 7 = end; `scratch` more v128 locals from 8 are for `combine`.
 */
function pairKernel(combine: (lo: boolean) => number[], scratch = 0): number[] {
  const X = 5;
  const Y = 6;
  const END = 7;
  const half = (acc: number, offset: number): number[] => [
    ...get(0), ...simdOp(simd.v128Load), 0, ...uleb128(offset), ...set(X),
    ...get(1), ...simdOp(simd.v128Load), 0, ...uleb128(offset), ...set(Y),
    ...get(acc), ...combine(true), ...simdOp(simd.i32x4Add), ...set(acc),
    ...get(acc), ...combine(false), ...simdOp(simd.i32x4Add), ...set(acc),
  ];
  const code = [
    ...get(0), ...get(2), op.i32Add, ...set(END),
    op.loop, 0x40,
    ...half(3, 0),
    ...half(4, 16),
    ...get(0), op.i32Const, LANE_BYTES, op.i32Add, ...set(0),
    ...get(1), op.i32Const, LANE_BYTES, op.i32Add, ...set(1),
    ...get(0), ...get(END), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(3), ...get(4), ...simdOp(simd.i32x4Add), ...set(3),
    ...get(3), ...simdOp(simd.i32x4ExtractLane), 0, ...get(3), ...simdOp(simd.i32x4ExtractLane), 1, op.i32Add,
    ...get(3), ...simdOp(simd.i32x4ExtractLane), 2, ...get(3), ...simdOp(simd.i32x4ExtractLane), 3, op.i32Add,
    op.i32Add,
    op.end,
  ];
  const locals = vec(scratch ? [[4, V128], [1, I32], [scratch, V128]] : [[4, V128], [1, I32]]);
  return [...uleb128(locals.length + code.length), ...locals, ...code];
}

const extend = (lo: boolean): number => (lo ? simd.i16x8ExtendLowS : simd.i16x8ExtendHighS);
/**
 * sum a_i * b_i. Per 32 bytes: four 8-byte pieces of each vector loaded straight to i16x8 (load8x8_s,
 * one instruction where the extension is fused with the load), multiplied and pair-added to i32x4
 * (dot_i16x8_s), into four independent accumulators (locals 3..6). Local 7 = end.
 */
const dotBody = (() => {
  const piece = (acc: number, offset: number): number[] => [
    ...get(acc),
    ...get(0), ...simdOp(simd.v128Load8x8S), 0, ...uleb128(offset),
    ...get(1), ...simdOp(simd.v128Load8x8S), 0, ...uleb128(offset),
    ...simdOp(simd.i32x4DotI16x8S), ...simdOp(simd.i32x4Add), ...set(acc),
  ];
  const END = 7;
  const code = [
    ...get(0), ...get(2), op.i32Add, ...set(END),
    op.loop, 0x40,
    ...piece(3, 0), ...piece(4, 8), ...piece(5, 16), ...piece(6, 24),
    ...get(0), op.i32Const, LANE_BYTES, op.i32Add, ...set(0),
    ...get(1), op.i32Const, LANE_BYTES, op.i32Add, ...set(1),
    ...get(0), ...get(END), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(3), ...get(4), ...simdOp(simd.i32x4Add), ...get(5), ...get(6), ...simdOp(simd.i32x4Add),
    ...simdOp(simd.i32x4Add), ...set(3),
    ...get(3), ...simdOp(simd.i32x4ExtractLane), 0, ...get(3), ...simdOp(simd.i32x4ExtractLane), 1, op.i32Add,
    ...get(3), ...simdOp(simd.i32x4ExtractLane), 2, ...get(3), ...simdOp(simd.i32x4ExtractLane), 3, op.i32Add,
    op.i32Add,
    op.end,
  ];
  const locals = vec([[4, V128], [1, I32]]);
  return [...uleb128(locals.length + code.length), ...locals, ...code];
})();
/** sum (a_i - b_i)^2: the i16 difference (|d| <= 255, kept in local 8) dotted with itself. */
const l2Body = pairKernel(
  (lo) => [
    ...get(5), ...simdOp(extend(lo)), ...get(6), ...simdOp(extend(lo)), ...simdOp(simd.i16x8Sub),
    op.localTee, 8, ...get(8), ...simdOp(simd.i32x4DotI16x8S),
  ],
  1,
);

/** (q, first, n, count, out) : out[i] = kernel(q, first + i*n, n). Local 5 = end of out. */
function runBody(kernelIndex: number): number[] {
  const code = [
    ...get(4), ...get(3), op.i32Const, 4, op.i32Mul, op.i32Add, ...set(5),
    op.block, 0x40,
    ...get(4), ...get(5), op.i32GeU, op.brIf, 0,
    op.loop, 0x40,
    ...get(4), ...get(0), ...get(1), ...get(2), op.call, kernelIndex, op.i32Store, ...memarg(2),
    ...get(1), ...get(2), op.i32Add, ...set(1),
    ...get(4), op.i32Const, 4, op.i32Add, ...set(4),
    ...get(4), ...get(5), op.i32LtU, op.brIf, 0,
    op.end,
    op.end,
    op.end,
  ];
  const locals = vec([[1, I32]]);
  return [...uleb128(locals.length + code.length), ...locals, ...code];
}

/**
 * The start of dotList (q, list, n, count, out): one load from every cache line of the listed vectors,
 * before any is scored. Graph walks score vectors scattered over the arena; these loads are independent,
 * so the CPU has all of the list's misses in flight at once, where scoring alone would wait on a group's
 * misses at a time. The loaded bytes are folded into one word stored at SINK_AREA, so no compiler drops
 * them as unused. P, END, V, AT and SINK are i32 locals the kernel sets again before it uses them.
 */
function touchList(P: number, END: number, V: number, AT: number, SINK: number): number[] {
  return a.seq(
    a.set(P, a.get(1)),
    a.set(END, a.i32.add(a.get(1), a.i32.shl(a.get(3), a.i32.const(2)))),
    a.set(SINK, a.i32.const(0)),
    a.block(
      a.loop(
        a.brIf(1, a.i32.geU(a.get(P), a.get(END))),
        a.set(V, a.i32.load(a.get(P))),
        a.set(AT, a.i32.const(0)),
        a.block(
          a.loop(
            a.brIf(1, a.i32.geU(a.get(AT), a.get(2))),
            a.set(SINK, a.i32.xor(a.get(SINK), a.i32.load8U(a.i32.add(a.get(V), a.get(AT))))),
            a.set(AT, a.i32.add(a.get(AT), a.i32.const(CACHE_LINE))),
            a.br(0),
          ),
        ),
        a.set(P, a.i32.add(a.get(P), a.i32.const(4))),
        a.br(0),
      ),
    ),
    a.i32.store(a.i32.const(SINK_AREA), a.get(SINK)),
  );
}

/** Vectors scored together by dotList: their loads overlap, and each piece of the query is loaded once. */
export const LIST_GROUP = 4;

/**
 * (q, list, n, count, out) : out[i] = dot(q, list[i], n). The list is walked in groups of LIST_GROUP
 * vectors scored side by side (graph walks fetch vectors from all over the arena: the CPU waits on
 * several cache misses at once instead of one after another); the last count % LIST_GROUP one by one.
 * Locals: 5 = end of out, 6 = end of the grouped part, 7 = end of q, 8.. = group pointers, then the
 * group's accumulators and the query piece (v128).
 */
const listBody = (() => {
  const OUT_END = 5;
  const GROUP_END = 6;
  const Q_END = 7;
  const QP = 8;
  const PTR = 9; // PTR .. PTR + LIST_GROUP - 1
  const ACC = PTR + LIST_GROUP; // v128 locals from here
  const QV = ACC + LIST_GROUP;
  const piece = (offset: number): number[] => [
    ...get(QP), ...simdOp(simd.v128Load8x8S), 0, ...uleb128(offset), ...set(QV),
    ...Array.from({ length: LIST_GROUP }, (_, g) => [
      ...get(ACC + g),
      ...get(QV), ...get(PTR + g), ...simdOp(simd.v128Load8x8S), 0, ...uleb128(offset),
      ...simdOp(simd.i32x4DotI16x8S), ...simdOp(simd.i32x4Add), ...set(ACC + g),
    ]).flat(),
  ];
  const reduce = (acc: number): number[] => [
    ...get(acc), ...simdOp(simd.i32x4ExtractLane), 0, ...get(acc), ...simdOp(simd.i32x4ExtractLane), 1, op.i32Add,
    ...get(acc), ...simdOp(simd.i32x4ExtractLane), 2, ...get(acc), ...simdOp(simd.i32x4ExtractLane), 3, op.i32Add,
    op.i32Add,
  ];
  const step = (local: number, by: number): number[] => [...get(local), op.i32Const, ...sleb(by), op.i32Add, ...set(local)];
  const code = [
    ...touchList(QP, PTR, PTR + 1, PTR + 2, PTR + 3), // LIST_GROUP >= 4: the group pointers are free here
    ...get(4), ...get(3), op.i32Const, 4, op.i32Mul, op.i32Add, ...set(OUT_END),
    // grouped part: out .. out + 4 * (count - count % LIST_GROUP)
    ...get(4), ...get(3), op.i32Const, ...sleb(-LIST_GROUP), op.i32And, op.i32Const, 4, op.i32Mul, op.i32Add, ...set(GROUP_END),
    ...get(0), ...get(2), op.i32Add, ...set(Q_END),
    op.block, 0x40,
    ...get(4), ...get(GROUP_END), op.i32GeU, op.brIf, 0,
    op.loop, 0x40,
    ...Array.from({ length: LIST_GROUP }, (_, g) => [
      ...get(1), op.i32Load, ...memarg(2, 4 * g), ...set(PTR + g),
      ...simdOp(simd.v128Const), ...new Array(16).fill(0), ...set(ACC + g),
    ]).flat(),
    ...get(0), ...set(QP),
    op.loop, 0x40,
    ...piece(0), ...piece(8), ...piece(16), ...piece(24),
    ...step(QP, LANE_BYTES),
    ...Array.from({ length: LIST_GROUP }, (_, g) => step(PTR + g, LANE_BYTES)).flat(),
    ...get(QP), ...get(Q_END), op.i32LtU, op.brIf, 0,
    op.end,
    ...Array.from({ length: LIST_GROUP }, (_, g) => [
      ...get(4), ...reduce(ACC + g), op.i32Store, ...memarg(2, 4 * g),
    ]).flat(),
    ...step(1, 4 * LIST_GROUP),
    ...step(4, 4 * LIST_GROUP),
    ...get(4), ...get(GROUP_END), op.i32LtU, op.brIf, 0,
    op.end,
    op.end,
    // the rest one by one
    op.block, 0x40,
    ...get(4), ...get(OUT_END), op.i32GeU, op.brIf, 0,
    op.loop, 0x40,
    ...get(4), ...get(0), ...get(1), op.i32Load, ...memarg(2), ...get(2), op.call, 0, op.i32Store, ...memarg(2),
    ...step(1, 4),
    ...step(4, 4),
    ...get(4), ...get(OUT_END), op.i32LtU, op.brIf, 0,
    op.end,
    op.end,
    op.end,
  ];
  const locals = vec([[4 + LIST_GROUP, I32], [LIST_GROUP + 1, V128]]);
  return [...uleb128(locals.length + code.length), ...locals, ...code];
})();

/**
 * The module: memory + dot, l2, dotRun, l2Run, dotList, the graph walk with its heap functions, and the
 * neighbour selection over the walk's results.
 */
export function kernelModuleBytes(): Uint8Array {
  const i32s = (n: number): number[][] => Array.from({ length: n }, () => [I32]);
  const pairType = [0x60, ...vec(i32s(3)), ...vec([[I32]])];
  const runType = [0x60, ...vec(i32s(5)), ...vec([])];
  const heapType = [0x60, ...vec(i32s(4)), ...vec([])];
  const searchType = [0x60, ...vec(i32s(12)), ...vec([[I32]])];
  const selectType = [0x60, ...vec(i32s(4)), ...vec([[I32]])];
  const layout: GraphKernelLayout = {
    dotFn: 0, dotListFn: 4, maxPushFn: 5, maxSiftFn: 6, minPushFn: 7, minSiftFn: 8,
    listGroup: LIST_GROUP, listArea: LIST_AREA, outArea: OUT_AREA, batchArea: BATCH_AREA, candArea: CAND_AREA, resArea: RES_AREA,
    chosenArea: CHOSEN_AREA, keptArea: KEPT_AREA,
  };
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([pairType, runType, heapType, searchType, selectType])),
    ...section(3, vec([[0], [0], [1], [1], [1], [2], [2], [2], [2], [3], [4]])),
    ...section(5, vec([[0x00, ...uleb128(1)]])),
    ...section(7, vec([
      [...name('memory'), 0x02, 0],
      [...name('dot'), 0x00, 0],
      [...name('l2'), 0x00, 1],
      [...name('dotRun'), 0x00, 2],
      [...name('l2Run'), 0x00, 3],
      [...name('dotList'), 0x00, 4],
      [...name('search0'), 0x00, 9],
      [...name('select0'), 0x00, 10],
    ])),
    ...section(10, vec([
      dotBody, l2Body, runBody(0), runBody(1), listBody,
      heapPushBody(true), heapSiftBody(true), heapPushBody(false), heapSiftBody(false), searchBody(layout),
      selectBody(layout),
    ])),
  ];
  return new Uint8Array(bytes);
}

/** The slice of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface KernelExports {
  memory: WasmMemory;
  dot(a: number, b: number, n: number): number;
  l2(a: number, b: number, n: number): number;
  dotRun(q: number, first: number, n: number, count: number, out: number): void;
  l2Run(q: number, first: number, n: number, count: number, out: number): void;
  dotList(q: number, list: number, n: number, count: number, out: number): void;
  search0(
    q: number, start: number, ef: number, lo: number, hi: number, epoch: number,
    vecBase: number, stride: number, linkBase: number, linkRowBytes: number, visitedBase: number, candCap: number,
  ): number;
  select0(n: number, max: number, vecBase: number, stride: number): number;
}

let compiled: object | null | undefined;
function kernelModule(): object | null {
  if (compiled === undefined) {
    try {
      if (!wasmApi) throw new Error('no WebAssembly');
      compiled = new wasmApi.Module(kernelModuleBytes());
    } catch {
      compiled = null; // no WebAssembly SIMD on this host: use the JS kernel
    }
  }
  return compiled;
}

class WasmKernels implements Kernels {
  // Set by views(), called from the constructor.
  bytes!: Int8Array;
  list!: Int32Array;
  out!: Int32Array;
  chosen!: Int32Array;
  readonly dot: (a: number, b: number, n: number) => number;
  readonly l2: (a: number, b: number, n: number) => number;
  readonly graph: GraphWalk;
  readonly selectNeighbours: (n: number, max: number, vecBase: number, stride: number) => number;
  private readonly x: KernelExports;

  constructor(module: object) {
    this.x = new wasmApi!.Instance(module).exports as KernelExports;
    this.dot = this.x.dot;
    this.l2 = this.x.l2;
    const search0 = this.x.search0;
    this.graph = (q, start, ef, lo, hi, epoch, vecBase, stride, linkBase, linkRowBytes, visitedBase, candCapacity) =>
      search0(
        q, start, ef, lo, hi, epoch, vecBase, stride, linkBase, linkRowBytes, visitedBase,
        Math.min(candCapacity ?? GRAPH_CAND_CAPACITY, GRAPH_CAND_CAPACITY),
      );
    this.selectNeighbours = this.x.select0;
    this.ensure(WASM_RESERVED + PAGE); // the scratch areas exist from the start
    this.views();
  }

  ensure(byteLength: number): void {
    const have = this.x.memory.buffer.byteLength;
    if (byteLength <= have) return;
    // Grow geometrically so n inserts cost O(n) copying in total.
    const want = Math.max(byteLength, Math.min(have * 2, have + 256 * 1024 * 1024));
    this.x.memory.grow(Math.ceil((want - have) / PAGE));
    this.views();
  }

  /** Growing the memory detaches the old buffer: rebuild the views. */
  private views(): void {
    const buf = this.x.memory.buffer;
    this.bytes = new Int8Array(buf);
    this.out = new Int32Array(buf, OUT_AREA, RUN_CHUNK);
    this.list = new Int32Array(buf, LIST_AREA, LIST_CAPACITY);
    this.chosen = new Int32Array(buf, CHOSEN_AREA, SELECT_MAX);
  }

  dotList(q: number, n: number, count: number): void {
    // Pad to whole groups with copies of the last offset (a cached vector: nearly free), so no vector is
    // scored alone; callers read only out[0..count).
    const list = this.list;
    const padded = Math.min((count + LIST_GROUP - 1) & -LIST_GROUP, LIST_CAPACITY);
    for (let i = count; i < padded; i++) list[i] = list[count - 1]!;
    this.x.dotList(q, LIST_AREA, n, padded, OUT_AREA);
  }

  dotRun(q: number, first: number, n: number, count: number, out: Int32Array): void {
    this.run(this.x.dotRun, q, first, n, count, out);
  }

  l2Run(q: number, first: number, n: number, count: number, out: Int32Array): void {
    this.run(this.x.l2Run, q, first, n, count, out);
  }

  private run(
    fn: (q: number, first: number, n: number, count: number, out: number) => void,
    q: number, first: number, n: number, count: number, out: Int32Array,
  ): void {
    for (let done = 0; done < count; done += RUN_CHUNK) {
      const c = Math.min(RUN_CHUNK, count - done);
      fn(q, first + done * n, n, c, OUT_AREA);
      out.set(this.out.subarray(0, c), done);
    }
  }
}

/** The reference kernel: plain loops over an Int8Array, identical results. */
export class JsKernels implements Kernels {
  bytes = new Int8Array(WASM_RESERVED + PAGE);
  readonly list = new Int32Array(LIST_CAPACITY);
  readonly out = new Int32Array(LIST_CAPACITY);

  dotList(q: number, n: number, count: number): void {
    for (let i = 0; i < count; i++) this.out[i] = this.dot(q, this.list[i]!, n);
  }

  ensure(byteLength: number): void {
    if (byteLength <= this.bytes.length) return;
    const grown = new Int8Array(Math.max(byteLength, this.bytes.length * 2));
    grown.set(this.bytes);
    this.bytes = grown;
  }

  dot(a: number, b: number, n: number): number {
    const v = this.bytes;
    let s = 0;
    for (let i = 0; i < n; i++) s += v[a + i]! * v[b + i]!;
    return s;
  }

  l2(a: number, b: number, n: number): number {
    const v = this.bytes;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = v[a + i]! - v[b + i]!;
      s += d * d;
    }
    return s;
  }

  dotRun(q: number, first: number, n: number, count: number, out: Int32Array): void {
    for (let i = 0; i < count; i++) out[i] = this.dot(q, first + i * n, n);
  }

  l2Run(q: number, first: number, n: number, count: number, out: Int32Array): void {
    for (let i = 0; i < count; i++) out[i] = this.l2(q, first + i * n, n);
  }
}

/** Bytes at the bottom of the arena a caller must leave alone (the WebAssembly kernel's result buffer). */
export const ARENA_RESERVED = WASM_RESERVED;

/** Fresh kernels with their own arena: WebAssembly SIMD when the host has it, else JS (or JS when forced). */
export function createKernels(opts: { forceJs?: boolean } = {}): Kernels {
  const m = opts.forceJs ? null : kernelModule();
  return m ? new WasmKernels(m) : new JsKernels();
}

/** Whether this host runs the WebAssembly SIMD kernel. */
export function hasSimdKernels(): boolean {
  return kernelModule() !== null;
}
