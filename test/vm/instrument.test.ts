import t from 'tap';
import { DEFAULT_GAS_SCHEDULE, DEFAULT_LIMITS, INSTRUMENTED, instrumentWasm, VM_INTERNAL_MODULE, WasmVm } from '../../vm/index.js';
import { contract, testHost } from './fixtures.js';

t.test('floats: NaN results are canonicalised to 0, other values untouched', async (t) => {
  // execute returns a 16-byte Region: the bits of f64 0/0 (NaN) and of f64 sqrt(2.25) = 1.5.
  const body = `(data (i32.const 2000) "\\34\\08\\00\\00\\10\\00\\00\\00\\10\\00\\00\\00")
    (func $div (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
    (func (export "execute") (param i32 i32 i32) (result i32)
      (i64.store (i32.const 2100) (i64.reinterpret_f64 (call $div (f64.load (i32.const 3000)) (f64.load (i32.const 3000)))))
      (i64.store (i32.const 2108) (i64.reinterpret_f64 (f64.sqrt (f64.const 2.25))))
      (i32.const 2000))
    (func (export "query") (param i32 i32) (result i32)
      (i32.store (i32.const 2100) (i32.reinterpret_f32 (f32.sqrt (f32.const -1))))
      (i32.store (i32.const 2104) (i32.const 0)) (i64.store (i32.const 2108) (i64.const 0))
      (i32.const 2000))`;
  const vm = new WasmVm();
  const { checksum } = vm.storeCode(contract(body));
  for (let run = 0; run < 2; run++) {
    const out = vm.call(checksum, 'execute', [new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)], testHost(), 10n ** 10n);
    const view = Buffer.from(out.data);
    t.equal(view.readBigUInt64LE(0), 0n, 'NaN became +0');
    t.equal(view.readDoubleLE(8), 1.5);
  }
  const q = vm.call(checksum, 'query', [new Uint8Array(1), new Uint8Array(1)], testHost(), 10n ** 10n, { readOnly: true });
  t.equal(Buffer.from(q.data).readUInt32LE(0), 0, 'f32 NaN became +0');
});

t.test('the instrumented module exports its gas and depth counters and caps memory', async (t) => {
  const wasm = contract(`(func (export "execute") (param i32 i32 i32) (result i32) (call $ok))`);
  const bytes = instrumentWasm(wasm, { schedule: DEFAULT_GAS_SCHEDULE, limits: DEFAULT_LIMITS });
  const mod = new WebAssembly.Module(bytes);
  const exports = WebAssembly.Module.exports(mod).map((e) => e.name);
  t.ok(exports.includes(INSTRUMENTED.gasGlobal));
  t.ok(exports.includes(INSTRUMENTED.stackGlobal));
  const internal = WebAssembly.Module.imports(mod).filter((i) => i.module === VM_INTERNAL_MODULE).map((i) => i.name).sort();
  t.same(internal, [INSTRUMENTED.outOfGas, INSTRUMENTED.stackExceeded]);
  t.same(Buffer.from(instrumentWasm(wasm, { schedule: DEFAULT_GAS_SCHEDULE, limits: DEFAULT_LIMITS })), Buffer.from(bytes),
    'instrumentation is deterministic (same input, same bytes)');
});

t.test('instrumentation overhead (measured, reported, not asserted)', async (t) => {
  // A compute-heavy call: 200,000 loop iterations with arithmetic and memory traffic.
  const body = `(func (export "execute") (param i32 i32 i32) (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (i32.const 31))))
      (i32.store (i32.const 4000) (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 200000))))
    (call $ok))`;
  const wasm = contract(body);
  const time = (vm: WasmVm) => {
    const { checksum } = vm.storeCode(wasm);
    const args = [new Uint8Array(2), new Uint8Array(2), new Uint8Array(2)];
    for (let i = 0; i < 20; i++) vm.call(checksum, 'execute', args, testHost(), 10n ** 13n);
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = process.hrtime.bigint();
      vm.call(checksum, 'execute', args, testHost(), 10n ** 13n);
      samples.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    return samples.sort((a, b) => a - b)[15]!;
  };
  const metered = time(new WasmVm());
  const bare = time(new WasmVm({ unmetered: true }));
  t.comment(`median call: metered ${metered.toFixed(0)} µs, unmetered ${bare.toFixed(0)} µs, ratio ${(metered / bare).toFixed(2)}`);
  t.ok(metered > 0 && bare > 0);
});
