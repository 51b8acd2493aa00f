import t from 'tap';
import { DEFAULT_GAS_SCHEDULE, OutOfGasError, VmError, VmErrorCode, WasmVm, type VmCallFailure } from '../../vm/index.js';
import { contract, testHost } from './fixtures.js';

/**
 * A contract using bulk memory as Rust >= 1.87 compiles memcpy/memset and passive data. `execute` reads four
 * u32 LE from its message (op, a, b, c) and returns the 64 bytes at 4096 (a window prefilled by an active
 * segment) as its raw result.
 */
const BULK = contract(`
  (data $passive "0123456789abcdef")
  (data $active (i32.const 4096) "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
  (data (i32.const 3000) "\\00\\10\\00\\00\\40\\00\\00\\00\\40\\00\\00\\00")
  (func (export "execute") (param i32 i32 i32) (result i32) (local $m i32) (local $op i32) (local $a i32) (local $b i32) (local $c i32)
    (local.set $m (i32.load (local.get 2)))
    (local.set $op (i32.load (local.get $m)))
    (local.set $a (i32.load offset=4 (local.get $m)))
    (local.set $b (i32.load offset=8 (local.get $m)))
    (local.set $c (i32.load offset=12 (local.get $m)))
    (if (i32.eq (local.get $op) (i32.const 1)) (then (memory.copy (local.get $a) (local.get $b) (local.get $c))))
    (if (i32.eq (local.get $op) (i32.const 2)) (then (memory.fill (local.get $a) (local.get $b) (local.get $c))))
    (if (i32.eq (local.get $op) (i32.const 3)) (then (memory.init $passive (local.get $a) (local.get $b) (local.get $c))))
    (if (i32.eq (local.get $op) (i32.const 4)) (then (data.drop $passive)))
    (if (i32.eq (local.get $op) (i32.const 5))
      (then (data.drop $passive) (memory.init $passive (local.get $a) (local.get $b) (local.get $c))))
    (if (i32.eq (local.get $op) (i32.const 6)) (then (memory.init $active (local.get $a) (local.get $b) (local.get $c))))
    (if (i32.eq (local.get $op) (i32.const 7))
      ;; operands with side effects of their own, evaluated left to right: a fill, then a copy, then the copy itself
      (then (memory.copy
        (block (result i32) (memory.fill (i32.const 4096) (i32.const 42) (i32.const 4)) (i32.const 4112))
        (block (result i32) (memory.copy (i32.const 4100) (i32.const 4096) (i32.const 2)) (i32.const 4096))
        (i32.const 8))))
    (i32.const 3000))`, { bulkMemory: true });

const WINDOW = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-';
const GAS = 10n ** 12n;
const PER_BYTE = BigInt(DEFAULT_GAS_SCHEDULE.bulkMemoryPerByte);

function msg(op: number, a = 0, b = 0, c = 0): Uint8Array {
  const out = Buffer.alloc(16);
  [op, a, b, c].forEach((v, i) => out.writeUInt32LE(v >>> 0, 4 * i));
  return out;
}

/** One `execute`: the window's text and the gas, or the VM error (with its gas). */
function run(vm: WasmVm, op: number, a = 0, b = 0, c = 0, gas = GAS) {
  const { checksum } = vm.storeCode(BULK);
  try {
    const out = vm.call(checksum, 'execute', [new Uint8Array(1), new Uint8Array(1), msg(op, a, b, c)], testHost(), gas);
    return { window: Buffer.from(out.data).toString('latin1'), gasUsed: out.gasUsed };
  } catch (err) {
    if (!(err instanceof VmError)) throw err;
    return { err: err as VmError & VmCallFailure };
  }
}

const vm = new WasmVm();

t.test('memory.copy, memory.fill and memory.init give the right bytes', async (t) => {
  t.equal(run(vm, 0).window, WINDOW, 'no operation: the active segment as written');
  t.equal(run(vm, 1, 4096 + 2, 4096, 10).window, 'ababcdefghijmnop' + WINDOW.slice(16), 'overlapping copy forwards (memmove)');
  t.equal(run(vm, 1, 4096, 4096 + 2, 10).window, 'cdefghijklklmnop' + WINDOW.slice(16), 'overlapping copy backwards');
  t.equal(run(vm, 2, 4096 + 60, 0x21, 4).window, WINDOW.slice(0, 60) + '!!!!', 'fill to the last byte of the window');
  t.equal(run(vm, 2, 4096, 0x1234, 3).window, '444' + WINDOW.slice(3), 'fill takes the low byte of its value');
  t.equal(run(vm, 3, 4096 + 8, 10, 6).window, WINDOW.slice(0, 8) + 'abcdef' + WINDOW.slice(14), 'init from a passive segment');
  t.equal(run(vm, 7).window, '******' + WINDOW.slice(6, 16) + '******gh' + WINDOW.slice(24),
    'operands evaluated in order, nested bulk operations inside them included');
  t.equal(run(vm, 1, 5000, 4096, 0).window, WINDOW, 'a zero-length copy copies nothing');
});

t.test('gas grows by the published figure per byte, the same on every run', async (t) => {
  const gasOf = (op: number, c: number) => run(vm, op, 10_000, [0, 4096, 7, 0][op], c).gasUsed!;
  for (const op of [1, 2, 3]) {
    const g0 = gasOf(op, 0);
    const g10 = gasOf(op, 10);
    const g16 = gasOf(op, 16);
    t.equal(g10 - g0, 10n * PER_BYTE, `op ${op}: 10 bytes cost 10 × ${PER_BYTE}`);
    t.equal(g16 - g0, 16n * PER_BYTE, `op ${op}: 16 bytes cost 16 × ${PER_BYTE}`);
    t.equal(gasOf(op, 10), g10, `op ${op}: the same call costs the same gas again`);
  }
  // bulk operations nested in another's operands: charged on every run alike
  const nested = [run(vm, 7).gasUsed!, run(vm, 7).gasUsed!];
  t.equal(nested[0], nested[1]);
  const fresh = new WasmVm({ instancePoolSize: 0 });
  t.equal(run(fresh, 1, 10_000, 4096, 16).gasUsed, gasOf(1, 16), 'a fresh instance per call costs the same');
});

t.test('a huge length runs out of gas before copying; out of bounds traps after paying', async (t) => {
  const limit = 10n ** 10n; // less than 100 gas × 2^32 - 1 bytes
  for (const op of [1, 2, 3]) {
    const { err } = run(vm, op, 0, 0, 0xffffffff, limit);
    t.ok(err instanceof OutOfGasError, `op ${op}: out of gas`);
    t.equal(err!.gasUsed, limit);
  }
  // With gas for it, the same length is out of bounds: the engine traps, the length has been paid.
  const { err: oob } = run(vm, 1, 0, 0, 0xffffffff, 10n ** 13n);
  t.equal(oob!.code, VmErrorCode.ContractTrap);
  t.match(oob!.message, /contract trapped: .*out of bounds/);
  t.ok(oob!.gasUsed! > 0xffffffffn * PER_BYTE);
  // A region is charged on entry, so a copy that traps costs what the same copy in bounds costs, but for the
  // VM's reading of the 64-byte result that the trap never returns.
  const resultRead = 64n * BigInt(DEFAULT_GAS_SCHEDULE.regionRead.perItem);
  const inBounds = run(vm, 1, 65536 - 16, 4096, 16).gasUsed! - resultRead;
  for (const [op, a, b] of [[1, 65536 - 8, 4096], [1, 4096, 65536 - 8], [2, 65536 - 8, 0], [3, 0, 8]] as const) {
    const { err } = run(vm, op, a, b, 16);
    t.equal(err?.code, VmErrorCode.ContractTrap, `op ${op} out of bounds traps`);
    t.match(err!.message, /out of bounds/);
    if (op === 1) t.equal(err!.gasUsed, inBounds, 'gas charged as for the copy in bounds');
  }
  t.equal(run(vm, 0).window, WINDOW, 'the VM runs the next call normally');
});

t.test('data.drop: a dropped segment is empty for the rest of the call, and whole again in the next', async (t) => {
  t.equal(run(vm, 5, 4096, 0, 0).window, WINDOW, 'init of 0 bytes from a dropped segment is allowed');
  const dropped = run(vm, 5, 4096, 0, 1);
  t.equal(dropped.err?.code, VmErrorCode.ContractTrap, 'init of 1 byte from a dropped segment traps');
  t.match(dropped.err!.message, /out of bounds/);
  t.equal(run(vm, 5, 4096, 1, 0).err?.code, VmErrorCode.ContractTrap, 'an offset past the empty segment traps');
  t.equal(run(vm, 5, 65537, 0, 0).err?.code, VmErrorCode.ContractTrap, 'a destination past memory still traps');
  t.equal(run(vm, 6, 4096, 0, 0).window, WINDOW, 'an active segment is dropped by instantiation: 0 bytes are fine');
  t.equal(run(vm, 6, 4096, 0, 1).err?.code, VmErrorCode.ContractTrap, '... and 1 byte traps');
  // The pool reuses the instance: a drop in one call must not leak into the next.
  const outcomes = (v: WasmVm) => [
    run(v, 4).window, run(v, 3, 4096, 0, 4).window, run(v, 5, 4096, 0, 4).err?.code, run(v, 3, 4096, 4, 4).window,
  ];
  const reused = outcomes(new WasmVm());
  t.same(reused, [WINDOW, '0123' + WINDOW.slice(4), VmErrorCode.ContractTrap, '4567' + WINDOW.slice(4)]);
  t.same(outcomes(new WasmVm({ instancePoolSize: 0 })), reused, 'identical to a fresh instance per call');
  t.same(outcomes(new WasmVm({ unmetered: true })), reused, 'and in an unmetered VM (measurement only)');
});
