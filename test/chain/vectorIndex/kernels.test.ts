import t from 'tap';
import { ARENA_RESERVED, createKernels, hasSimdKernels, LANE_BYTES, LIST_CAPACITY } from '../../../chain/vectorIndex/kernels.js';

t.test('the WebAssembly SIMD kernel is used on this platform', async (t) => {
  t.equal(hasSimdKernels(), true);
  t.equal(createKernels().constructor.name, 'WasmKernels');
  t.equal(createKernels({ forceJs: true }).constructor.name, 'JsKernels');
});

t.test('SIMD and JS kernels give identical integers, extremes included', async (t) => {
  const simd = createKernels();
  const js = createKernels({ forceJs: true });
  const n = 9 * LANE_BYTES; // an odd number of kernel steps
  const count = 600;
  for (const k of [simd, js]) k.ensure(ARENA_RESERVED + (count + 1) * n);
  let s = 99;
  for (let i = 0; i < (count + 1) * n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const v = i < 3 * n ? ((i + Math.floor(i / n)) % 2 ? -128 : 127) : ((s >>> 16) & 0xff) - 128; // rows 0-2: extremes
    simd.bytes[ARENA_RESERVED + i] = v;
    js.bytes[ARENA_RESERVED + i] = v;
  }
  const q = ARENA_RESERVED;
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  simd.dotRun(q, q + n, n, count, a);
  js.dotRun(q, q + n, n, count, b);
  t.same(a, b, 'dotRun');
  simd.l2Run(q, q + n, n, count, a);
  js.l2Run(q, q + n, n, count, b);
  t.same(a, b, 'l2Run');
  t.equal(simd.dot(q, q, n), 127 * 127 * (n / 2) + 128 * 128 * (n / 2), 'max dot');
  t.equal(simd.l2(q, q + n, n), 255 * 255 * n, 'max l2 (rows 0 and 1 are opposite extremes)');
  const m = Math.min(LIST_CAPACITY, 300);
  for (let i = 0; i < m; i++) {
    simd.list[i] = q + ((i * 7) % count) * n;
    js.list[i] = simd.list[i]!;
  }
  simd.dotList(q + 5 * n, n, m);
  js.dotList(q + 5 * n, n, m);
  t.same(simd.out.subarray(0, m), js.out.subarray(0, m), 'dotList');
});

t.test('growing the arena keeps its contents', async (t) => {
  const k = createKernels();
  k.bytes[ARENA_RESERVED] = -7;
  k.ensure(64 * 1024 * 1024);
  t.ok(k.bytes.length >= 64 * 1024 * 1024);
  t.equal(k.bytes[ARENA_RESERVED], -7);
  t.equal(k.list.length, LIST_CAPACITY);
});

t.test('dotList scores every count right: whole groups, a partial last group, a full list', async (t) => {
  const simd = createKernels();
  const n = 2 * LANE_BYTES;
  const rows = 50;
  simd.ensure(ARENA_RESERVED + (rows + 1) * n);
  let s = 5;
  for (let i = 0; i < (rows + 1) * n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    simd.bytes[ARENA_RESERVED + i] = ((s >>> 16) & 0xff) - 128;
  }
  const q = ARENA_RESERVED;
  const row = (i: number): number => ARENA_RESERVED + (1 + i) * n;
  for (const count of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 19, 33, LIST_CAPACITY - 1, LIST_CAPACITY]) {
    for (let i = 0; i < count; i++) simd.list[i] = row((i * 13) % rows);
    simd.out.fill(-1);
    simd.dotList(q, n, count);
    let ok = true;
    for (let i = 0; i < count; i++) if (simd.out[i] !== simd.dot(q, row((i * 13) % rows), n)) ok = false;
    t.ok(ok, `count ${count}`);
  }
});
