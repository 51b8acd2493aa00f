import t from 'tap';
import { DEFAULT_LIMITS, validateWasm, VmError, VmErrorCode, WasmVm } from '../../vm/index.js';
import { contract, wat } from './fixtures.js';

const caps = new Set<string>(['iterator', 'staking']);
const check = (bytes: Uint8Array, limits = DEFAULT_LIMITS) => validateWasm(bytes, limits, caps);

/** Asserts a rejection with the given code and a message matching `pattern`. */
function refuses(tt: Tap.Test, bytes: Uint8Array, code: VmErrorCode, pattern: RegExp, limits = DEFAULT_LIMITS) {
  try {
    check(bytes, limits);
    tt.fail(`expected a rejection matching ${pattern}`);
  } catch (err) {
    tt.ok(VmError.is(err, code), `error code ${code}, got ${(err as VmError).code}: ${(err as Error).message}`);
    tt.match((err as Error).message, pattern);
  }
}

// A valid contract shell around hostile bodies: each test adds one forbidden thing.
const ok = (body = '', memory?: string) => contract(body, memory ? { memory } : {});
const allFeatures = (body: string) =>
  wat(`(module (memory (export "memory") 1)
    (func (export "interface_version_8")) (func (export "allocate") (param i32) (result i32) (i32.const 0))
    (func (export "deallocate") (param i32)) ${body})`, true);

t.test('a well-formed contract passes and is reported', async (t) => {
  const report = check(ok(`(func (export "execute") (param i32 i32 i32) (result i32) (call $ok))
    (func (export "query") (param i32 i32) (result i32) (call $ok))
    (func (export "requires_iterator"))`));
  t.same(report.entryPoints, ['execute', 'query']);
  t.same(report.requiredCapabilities, ['iterator']);
  t.ok(report.imports.includes('db_read'));
  t.equal(report.initialMemoryPages, 1);
  t.equal(report.hasStart, false);
});

t.test('forbidden instructions are named with their function', async (t) => {
  refuses(t, allFeatures('(func $f (export "simd") (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4)))'),
    VmErrorCode.ForbiddenFeature, /SIMD instruction at function 3 \("simd"\)/);
  refuses(t, allFeatures('(func (export "f") (param v128))'), VmErrorCode.ForbiddenFeature, /SIMD value type v128/);
  refuses(t, allFeatures('(func (export "f") (param i32) (result i32) (i32.atomic.load (local.get 0)))'),
    VmErrorCode.ForbiddenFeature, /threads instruction \(atomics\) at function 3/);
  // The table half of bulk memory stays refused (the memory half is accepted, see below).
  refuses(t, allFeatures('(table 2 2 funcref) (func $g) (elem $e (i32.const 0) func $g) (func (export "f") (table.init $e (i32.const 0) (i32.const 0) (i32.const 1)))'),
    VmErrorCode.ForbiddenFeature, /bulk memory instruction \(table.init\) at function 4 \("f"\)/);
  refuses(t, allFeatures('(table 2 2 funcref) (func (export "f") (table.copy (i32.const 0) (i32.const 1) (i32.const 1)))'),
    VmErrorCode.ForbiddenFeature, /bulk memory instruction \(table.copy\) at function 3 \("f"\)/);
  refuses(t, allFeatures('(table 2 2 funcref) (func $g) (elem $e (i32.const 0) func $g) (func (export "f") (elem.drop $e))'),
    VmErrorCode.ForbiddenFeature, /bulk memory instruction \(elem.drop\) at function 4 \("f"\)/);
  refuses(t, allFeatures('(table 2 2 funcref) (func $g) (elem $e func $g)'),
    VmErrorCode.ForbiddenFeature, /bulk memory \/ reference types \(element segment kind 1\) in element segment 0/);
  refuses(t, allFeatures('(memory $b 1) (func (export "f") (memory.copy $b 0 (i32.const 0) (i32.const 8) (i32.const 8)))'),
    VmErrorCode.ForbiddenFeature, /multi-memory \(memory index in memory.copy\) at function 3/);
  refuses(t, allFeatures('(func $g) (elem declare func $g) (func (export "f") (drop (ref.func $g)))'),
    VmErrorCode.ForbiddenFeature, /reference types/);
  refuses(t, allFeatures('(func (export "f") (result i32) (return_call $g)) (func $g (result i32) (i32.const 1))'),
    VmErrorCode.ForbiddenFeature, /tail call instruction \(return_call\)/);
  refuses(t, allFeatures('(tag $e) (func (export "f") (throw $e))'), VmErrorCode.ForbiddenFeature, /exception handling/);
  // Saturating conversions and sign extension are allowed; a relaxed SIMD opcode (0xfd 0x100, hand-placed
  // because no well-typed module reaches it before an ordinary SIMD instruction) is named as such.
  const allowed = ok('(func (export "f") (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0))) (func (export "g") (param i32) (result i32) (i32.extend8_s (local.get 0))) (func (export "h") (nop) (nop) (nop))');
  t.ok(check(allowed));
  const at = Buffer.from(allowed).indexOf(Buffer.from([0x01, 0x01, 0x01, 0x0b]));
  const relaxed = allowed.slice();
  relaxed.set([0xfd, 0x80, 0x02], at);
  refuses(t, relaxed, VmErrorCode.ForbiddenFeature, /relaxed SIMD instruction at function \d+ \("h"\)/);
});

t.test('memories: exactly one, no maximum, no sharing, initial size capped', async (t) => {
  refuses(t, ok('', '(memory (export "memory") 1) (memory $second 1)'), VmErrorCode.LimitExceeded, /exactly one memory, it defines 2/);
  refuses(t, ok('', '(memory (export "memory") 1 10)'), VmErrorCode.LimitExceeded, /memory sets a maximum/);
  refuses(t, ok('', '(memory (export "memory") 513)'), VmErrorCode.LimitExceeded, /513 pages, more than the limit of 512/);
  refuses(t, allFeatures('').slice(0, 8) && wat(`(module (memory 1 1 shared) (func (export "interface_version_8")))`, true),
    VmErrorCode.ForbiddenFeature, /threads \(shared memory\)/);
  refuses(t, wat('(module (func (export "interface_version_8")) (func (export "allocate") (param i32) (result i32) (i32.const 0)) (func (export "deallocate") (param i32)))'),
    VmErrorCode.LimitExceeded, /exactly one memory, it defines 0/);
});

t.test('imports: unknown ones are named, signatures must match, only functions', async (t) => {
  refuses(t, contract('', { imports: '(import "env" "seed" (func $seed (result f64))) (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))' }),
    VmErrorCode.UnsupportedImport, /unsupported imports: "env.seed", "wasi_snapshot_preview1.fd_write"/);
  refuses(t, contract('', { imports: '(import "env" "db_read" (func (param i32 i32) (result i32)))' }),
    VmErrorCode.UnsupportedImport, /"env.db_read" has signature \(i32,i32->i32\), expected \(i32->i32\)/);
  refuses(t, contract('', { imports: '(import "env" "g" (global i32))' }), VmErrorCode.UnsupportedImport, /only function imports/);
  refuses(t, contract('', { imports: '(import "env" "abort" (func (param i32 i32 i32 i32)))' }), VmErrorCode.UnsupportedImport, /env.abort/);
});

t.test('bulk memory: memory.copy/fill/init, data.drop and passive data segments are accepted', async (t) => {
  const bulk = contract(`(data $p "passive bytes")
    (func (export "execute") (param i32 i32 i32) (result i32)
      (memory.copy (i32.const 4096) (i32.const 1024) (i32.const 8))
      (memory.fill (i32.const 4096) (i32.const 0) (i32.const 8))
      (memory.init $p (i32.const 4096) (i32.const 0) (i32.const 7))
      (data.drop $p)
      (call $ok))`, { bulkMemory: true });
  t.same(check(bulk).entryPoints, ['execute']);
  t.ok(new WasmVm().storeCode(bulk).checksum, 'and instrumented, compiled and stored');
});

t.test('exports: marker, allocate/deallocate, entry point signatures, capabilities', async (t) => {
  const shell = (exports: string) => wat(`(module (memory (export "memory") 1) ${exports})`);
  refuses(t, shell('(func (export "allocate") (param i32) (result i32) (i32.const 0)) (func (export "deallocate") (param i32))'),
    VmErrorCode.InvalidExports, /missing the marker export interface_version_8/);
  refuses(t, shell('(func (export "interface_version_7")) (func (export "allocate") (param i32) (result i32) (i32.const 0)) (func (export "deallocate") (param i32))'),
    VmErrorCode.InvalidExports, /unsupported interface version interface_version_7/);
  refuses(t, shell('(func (export "interface_version_8")) (func (export "deallocate") (param i32))'),
    VmErrorCode.InvalidExports, /missing the required export "allocate"/);
  refuses(t, ok('(func (export "execute") (param i32 i32) (result i32) (i32.const 0))'),
    VmErrorCode.InvalidExports, /"execute" has signature \(i32,i32->i32\), expected \(i32,i32,i32->i32\)/);
  refuses(t, ok('(func (export "requires_cosmwasm_9_9")) (func (export "requires_nft"))'),
    VmErrorCode.UnavailableCapability, /does not offer: cosmwasm_9_9, nft/);
});

t.test('static limits', async (t) => {
  refuses(t, ok('(table 10 funcref)'), VmErrorCode.LimitExceeded, /no maximum size/);
  refuses(t, ok('(table 10 3000 funcref)'), VmErrorCode.LimitExceeded, /3000 entries, more than the limit of 2500/);
  const locals = Array.from({ length: 101 }, () => 'i32').join(' ');
  refuses(t, ok(`(func (export "f") (local ${locals}))`), VmErrorCode.LimitExceeded, /function \d+ \("f"\) has more than 100 locals/);
  const params = Array.from({ length: 101 }, () => 'i32').join(' ');
  refuses(t, ok(`(func (export "f") (param ${params}))`), VmErrorCode.LimitExceeded, /101 parameters/);
  refuses(t, ok('(func (export "f") (result i32 i32) (i32.const 1) (i32.const 2))'), VmErrorCode.LimitExceeded, /2 results/);
  refuses(t, ok(), VmErrorCode.LimitExceeded, /more than the limit of 100/, { ...DEFAULT_LIMITS, maxWasmBytes: 100 });
  refuses(t, ok(), VmErrorCode.LimitExceeded, /imports, more than the limit of 3/, { ...DEFAULT_LIMITS, maxImports: 3 });
});

t.test('malformed bytes are refused with a reason, never a crash', async (t) => {
  refuses(t, new Uint8Array([1, 2, 3]), VmErrorCode.InvalidWasm, /magic header/);
  refuses(t, Uint8Array.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]), VmErrorCode.InvalidWasm, /binary version/);
  const good = ok('(func (export "execute") (param i32 i32 i32) (result i32) (call $ok))');
  refuses(t, good.slice(0, good.length - 5), VmErrorCode.InvalidWasm, /invalid wasm/);
  // Type errors are not the scanner's job: the engine finds them, and storeCode reports them.
  const vm = new WasmVm();
  t.throws(() => vm.storeCode(ok('(func (export "f") (result i32) (i64.const 1))')), /invalid wasm: .*type/i);
  let seed = 7;
  for (let i = 0; i < 200; i++) {
    const mutated = good.slice();
    for (let j = 0; j < 4; j++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      mutated[8 + (seed % (mutated.length - 8))] = seed >>> 24;
    }
    try {
      vm.storeCode(mutated);
    } catch (err) {
      if (!(err instanceof VmError)) t.fail(`mutation ${i} threw a non-VM error: ${(err as Error).message}`);
    }
  }
  t.pass('200 mutated modules: each stored or refused with a VmError');
});
