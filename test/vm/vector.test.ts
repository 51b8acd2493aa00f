import t from 'tap';
import { ContractVectorCollections } from '../../chain/modules/vector/contractCollections.js';
import { MemoryStore } from '../../chain/store/branch.js';
import {
  DEFAULT_GAS_SCHEDULE,
  VECTOR_CAPABILITY,
  VectorCode,
  VectorMetric,
  VmError,
  VmErrorCode,
  WasmVm,
  decodeVectorHits,
  linearCost,
  type VmCallFailure,
} from '../../vm/index.js';
import { contract, ENV, ENV_IMPORTS_WAT, INFO, testHost } from './fixtures.js';

const VECTOR_IMPORTS_WAT = `
  (import "env" "vivian_vector_insert" (func $insert (param i32 i64 i32) (result i32)))
  (import "env" "vivian_vector_remove" (func $remove (param i32 i64) (result i32)))
  (import "env" "vivian_vector_search" (func $search (param i32 i32 i32 i32) (result i64)))
  (import "env" "vivian_vector_count" (func $count (param i32) (result i64)))
  (import "env" "vivian_vector_dimension" (func $dimension (param i32) (result i32)))`;

/**
 * A contract that runs one vector command from the raw bytes of its message and writes what the import returned
 * to storage: key "c" = the u32 (or u64) result, key "h" = a search's result Region. Commands:
 *   1 insert:    id u64le, name length u8, name, vector
 *   2 remove:    id u64le, name length u8, name
 *   3 search:    k u32le, metric u32le, name length u8, name, query
 *   4 count / 5 dimension: 8 zero bytes, name length u8, name
 * `query` runs the same command without writing the outcome.
 */
const DISPATCH = `
  (func $region (param $off i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $allocate (i32.const 0)))
    (i32.store (local.get $r) (local.get $off))
    (i32.store offset=4 (local.get $r) (local.get $len))
    (i32.store offset=8 (local.get $r) (local.get $len))
    (local.get $r))
  (func $out (param $key i32) (param $value i32)
    (i32.store8 (i32.const 240) (local.get $key))
    (call $db_write (call $region (i32.const 240) (i32.const 1)) (local.get $value)))
  (func $run (param $msg i32) (param $write i32)
    (local $p i32) (local $len i32) (local $op i32) (local $nameLen i32) (local $name i32) (local $rest i32) (local $restLen i32)
    (local $r64 i64)
    (local.set $p (i32.load (local.get $msg)))
    (local.set $len (i32.load offset=8 (local.get $msg)))
    (local.set $op (i32.load8_u (local.get $p)))
    (local.set $nameLen (i32.load8_u offset=9 (local.get $p)))
    (local.set $name (call $region (i32.add (local.get $p) (i32.const 10)) (local.get $nameLen)))
    (local.set $rest (i32.add (i32.add (local.get $p) (i32.const 10)) (local.get $nameLen)))
    (local.set $restLen (i32.sub (i32.sub (local.get $len) (i32.const 10)) (local.get $nameLen)))
    (if (i32.eq (local.get $op) (i32.const 1))
      (then (i64.store (i32.const 256) (i64.extend_i32_u
        (call $insert (local.get $name) (i64.load offset=1 (local.get $p)) (call $region (local.get $rest) (local.get $restLen)))))))
    (if (i32.eq (local.get $op) (i32.const 2))
      (then (i64.store (i32.const 256) (i64.extend_i32_u (call $remove (local.get $name) (i64.load offset=1 (local.get $p)))))))
    (if (i32.eq (local.get $op) (i32.const 3))
      (then
        (local.set $r64 (call $search (local.get $name) (call $region (local.get $rest) (local.get $restLen))
          (i32.load offset=1 (local.get $p)) (i32.load offset=5 (local.get $p))))
        (i64.store (i32.const 256) (i64.shr_u (local.get $r64) (i64.const 32)))
        (if (i32.and (local.get $write) (i64.eqz (i64.shr_u (local.get $r64) (i64.const 32))))
          (then (call $out (i32.const 104) (i32.wrap_i64 (local.get $r64)))))))
    (if (i32.eq (local.get $op) (i32.const 4))
      (then (i64.store (i32.const 256) (call $count (local.get $name)))))
    (if (i32.eq (local.get $op) (i32.const 5))
      (then (i64.store (i32.const 256) (i64.extend_i32_u (call $dimension (local.get $name))))))
    (if (local.get $write) (then (call $out (i32.const 99) (call $region (i32.const 256) (i32.const 8))))))
  (func (export "execute") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (call $run (local.get $msg) (i32.const 1)) (call $ok))
  (func (export "query") (param $env i32) (param $msg i32) (result i32)
    (call $run (local.get $msg) (i32.const 0))
    (i32.const 1100))
  (data (i32.const 1200) "{\\"ok\\":\\"e30=\\"}")
  (data (i32.const 1100) "\\b0\\04\\00\\00\\0d\\00\\00\\00\\0d\\00\\00\\00")`;

const wasm = contract(`${DISPATCH}\n(func (export "requires_${VECTOR_CAPABILITY}"))`, { imports: ENV_IMPORTS_WAT + VECTOR_IMPORTS_WAT });
const vm = new WasmVm({ capabilities: [VECTOR_CAPABILITY] });
const { checksum } = vm.storeCode(wasm);
const GAS = 50_000_000_000n;

const name = (s: string) => Buffer.from(s);
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const cmd = (op: number, head: Buffer, coll: string, tail: ArrayLike<number> = []) =>
  new Uint8Array(Buffer.concat([Buffer.of(op), head, Buffer.of(coll.length), name(coll), Buffer.from(Int8Array.from(tail).buffer)]));

const insertCmd = (coll: string, id: bigint, v: number[]) => cmd(1, u64(id), coll, v);
const removeCmd = (coll: string, id: bigint) => cmd(2, u64(id), coll);
const searchCmd = (coll: string, q: number[], k: number, metric: number) => cmd(3, Buffer.concat([u32(k), u32(metric)]), coll, q);
const countCmd = (coll: string) => cmd(4, Buffer.alloc(8), coll);
const dimensionCmd = (coll: string) => cmd(5, Buffer.alloc(8), coll);

/** A contract instance's world: its storage (the outcome keys) and its vector collections. */
function world() {
  const host = testHost({ vectors: new ContractVectorCollections(new MemoryStore()) });
  const exec = (msg: Uint8Array, gas = GAS) => {
    const res = vm.execute(checksum, ENV, INFO, msg, host, gas);
    const out = host.storage.get(Uint8Array.of(99));
    const hits = host.storage.get(Uint8Array.of(104));
    host.storage.remove(Uint8Array.of(104));
    return { value: Number(Buffer.from(out!).readBigUInt64LE()), hits: hits && decodeVectorHits(hits), gasUsed: res.gasUsed };
  };
  const fails = (msg: Uint8Array) => {
    try {
      vm.execute(checksum, ENV, INFO, msg, host, GAS);
    } catch (e) {
      if (e instanceof VmError) return e as VmError & VmCallFailure;
      throw e;
    }
    throw new Error('the call succeeded');
  };
  return { host, exec, fails };
}

t.test('insert fixes the dimension; replace, remove and count', async (t) => {
  const { exec } = world();
  t.equal(exec(dimensionCmd('docs')).value, 0, 'no collection yet');
  t.equal(exec(insertCmd('docs', 7n, [1, 2, 3])).value, VectorCode.Ok);
  t.equal(exec(dimensionCmd('docs')).value, 3);
  t.equal(exec(insertCmd('docs', 7n, [3, 2, 1])).value, VectorCode.Replaced);
  t.equal(exec(insertCmd('docs', 2n ** 64n - 1n, [0, 0, 1])).value, VectorCode.Ok, 'ids are full u64');
  t.equal(exec(countCmd('docs')).value, 2);
  t.equal(exec(insertCmd('docs', 8n, [1, 2])).value, VectorCode.WrongDimension);
  t.equal(exec(insertCmd('docs', 8n, [])).value, VectorCode.EmptyVector);
  t.equal(exec(insertCmd('', 8n, [1, 2, 3])).value, VectorCode.InvalidCollection);
  t.equal(exec(insertCmd('other', 8n, [1, 2])).value, VectorCode.Ok, 'each collection has its own dimension');
  t.equal(exec(countCmd('docs')).value, 2);
  t.equal(exec(removeCmd('docs', 9n)).value, VectorCode.NotFound);
  t.equal(exec(removeCmd('docs', 7n)).value, VectorCode.Ok);
  t.equal(exec(removeCmd('docs', 7n)).value, VectorCode.NotFound);
  t.equal(exec(removeCmd('docs', 2n ** 64n - 1n)).value, VectorCode.Ok);
  t.equal(exec(countCmd('docs')).value, 0);
  t.equal(exec(dimensionCmd('docs')).value, 0, 'an emptied collection forgets its dimension');
  t.equal(exec(insertCmd('docs', 1n, [5])).value, VectorCode.Ok);
  t.equal(exec(dimensionCmd('docs')).value, 1);
});

t.test('search: exact scores for both metrics, best first, ties by id ascending', async (t) => {
  const { exec } = world();
  const vectors: Array<[bigint, number[]]> = [
    [30n, [1, 0, 0, 0]],
    [10n, [1, 0, 0, 0]],
    [20n, [0, 2, 0, 0]],
    [40n, [-128, 127, -128, 127]],
    [5n, [1, 0, 0, 0]],
  ];
  for (const [id, v] of vectors) exec(insertCmd('c', id, v));
  const dot = exec(searchCmd('c', [1, 1, 0, 0], 10, VectorMetric.Dot));
  t.equal(dot.value, VectorCode.Ok);
  t.same(dot.hits, [
    { id: 20n, score: 2 },
    { id: 5n, score: 1 },
    { id: 10n, score: 1 },
    { id: 30n, score: 1 },
    { id: 40n, score: -1 },
  ]);
  t.same(exec(searchCmd('c', [1, 1, 0, 0], 2, VectorMetric.Dot)).hits, [{ id: 20n, score: 2 }, { id: 5n, score: 1 }], 'k cuts after the tie order');
  const l2 = exec(searchCmd('c', [1, 0, 0, 0], 3, VectorMetric.L2));
  t.same(l2.hits, [{ id: 5n, score: 0 }, { id: 10n, score: 0 }, { id: 30n, score: 0 }]);
  const far = exec(searchCmd('c', [127, -128, 127, -128], 1, VectorMetric.L2)).hits![0]!;
  t.same(far, { id: 5n, score: -(126 * 126 + 128 * 128 * 2 + 127 * 127) }, 'minus the squared distance');
  t.same(exec(searchCmd('c', [-128, 127, -128, 127], 1, VectorMetric.Dot)).hits, [{ id: 40n, score: 2 * 128 * 128 + 2 * 127 * 127 }], 'extreme components stay exact');
  const none = exec(searchCmd('none', [1, 2], 5, VectorMetric.Dot));
  t.equal(none.value, VectorCode.Ok);
  t.same(none.hits, [], 'an absent collection has no results');
});

t.test('search refuses bad arguments with codes', async (t) => {
  const { exec } = world();
  exec(insertCmd('c', 1n, [1, 2, 3]));
  t.equal(exec(searchCmd('c', [1, 2], 1, VectorMetric.Dot)).value, VectorCode.WrongDimension);
  t.equal(exec(searchCmd('c', [], 1, VectorMetric.Dot)).value, VectorCode.EmptyVector);
  t.equal(exec(searchCmd('c', [1, 2, 3], 0, VectorMetric.Dot)).value, VectorCode.InvalidK);
  t.equal(exec(searchCmd('c', [1, 2, 3], 1001, VectorMetric.Dot)).value, VectorCode.InvalidK);
  t.equal(exec(searchCmd('c', [1, 2, 3], 1000, VectorMetric.Dot)).value, VectorCode.Ok);
  t.equal(exec(searchCmd('c', [1, 2, 3], 1, 0)).value, VectorCode.InvalidMetric);
  t.equal(exec(searchCmd('c', [1, 2, 3], 1, 3)).value, VectorCode.InvalidMetric);
  t.equal(exec(searchCmd('', [1, 2, 3], 1, 1)).value, VectorCode.InvalidCollection);
});

t.test('oversized vectors and names fail the call; the largest dimension works', async (t) => {
  const { exec, fails } = world();
  const big = Array.from({ length: 4096 }, (_, i) => (i % 255) - 127);
  t.equal(exec(insertCmd('big', 1n, big)).value, VectorCode.Ok);
  t.same(exec(searchCmd('big', big, 1, VectorMetric.Dot)).hits, [{ id: 1n, score: big.reduce((s, x) => s + x * x, 0) }]);
  const tooLong = fails(insertCmd('big', 2n, [...big, 1]));
  t.equal(tooLong.code, VmErrorCode.TooLarge);
  t.match(tooLong.message, /vector is 4097 bytes, more than the limit of 4096/);
  t.equal(fails(searchCmd('big', [...big, 1], 1, 1)).code, VmErrorCode.TooLarge);
  t.match(fails(countCmd('x'.repeat(65))).message, /vector collection name is 65 bytes, more than the limit of 64/);
});

t.test('gas: charged per vector compared and per dimension, identical on every run', async (t) => {
  const a = world();
  const b = world();
  const dim = 16;
  const v = (i: number) => Array.from({ length: dim }, (_, j) => ((i * 31 + j * 7) % 200) - 100);
  const search = searchCmd('g', v(0), 1, VectorMetric.Dot);
  const gas: bigint[] = [];
  for (let i = 0; i < 6; i++) {
    const ia = a.exec(insertCmd('g', BigInt(i), v(i)));
    t.equal(ia.gasUsed, b.exec(insertCmd('g', BigInt(i), v(i))).gasUsed, 'inserts cost the same on two hosts');
    const sa = a.exec(search);
    t.equal(sa.gasUsed, b.exec(search).gasUsed, 'searches cost the same on two hosts');
    gas.push(sa.gasUsed);
  }
  const perVector = BigInt(linearCost(DEFAULT_GAS_SCHEDULE.vectorCompare, dim));
  for (let i = 1; i < gas.length; i++) t.equal(gas[i]! - gas[i - 1]!, perVector, 'each more vector compared costs the published figure');
  // out of gas before the scan: a limit below the charge fails without searching
  t.throws(() => vm.execute(checksum, ENV, INFO, search, a.host, gas[5]! - perVector), { code: VmErrorCode.OutOfGas });
});

t.test('queries may search but not write', async (t) => {
  const { exec, host } = world();
  exec(insertCmd('q', 1n, [1, 2]));
  t.ok(vm.query(checksum, ENV, searchCmd('q', [1, 2], 1, 1), host, GAS).gasUsed > 0n);
  for (const msg of [insertCmd('q', 2n, [1, 2]), removeCmd('q', 1n)]) {
    t.throws(() => vm.query(checksum, ENV, msg, host, GAS), { code: VmErrorCode.WriteAccessDenied });
  }
  t.equal(exec(countCmd('q')).value, 1);
});

t.test('the capability: declared to import, offered by the chain, served by the host', async (t) => {
  const undeclared = contract(DISPATCH, { imports: ENV_IMPORTS_WAT + VECTOR_IMPORTS_WAT });
  t.throws(() => vm.storeCode(undeclared), /imports env\.vivian_vector_count, env\.vivian_vector_dimension, env\.vivian_vector_insert, env\.vivian_vector_remove, env\.vivian_vector_search without declaring the capability: export requires_vivian_vector/);
  t.throws(() => new WasmVm().storeCode(wasm), /requires capabilities this chain does not offer: vivian_vector/);
  const wrongSig = contract(`(func (export "requires_${VECTOR_CAPABILITY}"))`, {
    imports: ENV_IMPORTS_WAT + `(import "env" "vivian_vector_count" (func (param i32) (result i32)))`,
  });
  t.throws(() => vm.storeCode(wrongSig), /import "env.vivian_vector_count" has signature \(i32->i32\), expected \(i32->i64\)/);
  t.ok(vm.report(checksum).imports.includes('vivian_vector_search'));
  const noVectors = testHost();
  t.throws(() => vm.execute(checksum, ENV, INFO, countCmd('x'), noVectors, GAS), /this chain offers no vector collections/);
});
