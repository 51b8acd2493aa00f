import t from 'tap';
import { DEFAULT_GAS_SCHEDULE, OutOfGasError, VmError, VmErrorCode, WasmVm, type VmCallFailure } from '../../vm/index.js';
import { contract, dec, enc, ENV, INFO, testHost } from './fixtures.js';

const GAS = 50_000_000_000n;
const RESPONSE = '{"ok":{"messages":[],"attributes":[{"key":"action","value":"echo"}],"events":[],"data":null}}';

/** Runs `execute` of a contract body and returns the outcome or the VmError. */
function run(vm: WasmVm, body: string, msg = RESPONSE, gas = GAS, host = testHost()) {
  const { checksum } = vm.storeCode(contract(body));
  try {
    return { res: vm.execute(checksum, ENV, INFO, enc(msg), host, gas), host };
  } catch (err) {
    if (!(err instanceof VmError)) throw err;
    return { err: err as VmError & VmCallFailure, host };
  }
}

const vm = new WasmVm({ limits: { maxResultBytes: 4096 } });

t.test('arguments and results cross the boundary as Regions of JSON', async (t) => {
  const echo = `(func (export "execute") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (call $debug (local.get $env)) (call $debug (local.get $info)) (local.get $msg))`;
  const { res, host } = run(vm, echo);
  t.same(res!.result, JSON.parse(RESPONSE));
  t.same(JSON.parse(host.logs[0]!), ENV);
  t.same(JSON.parse(host.logs[1]!), INFO);
  t.ok(res!.gasUsed > 0n);
  const again = run(vm, echo);
  t.equal(again.res!.gasUsed, res!.gasUsed, 'the same call costs the same gas every time');
  const err = run(vm, echo, '{"error":"insufficient funds"}');
  t.same(err.res!.result, { error: 'insufficient funds' });
});

t.test('results that are not ContractResult JSON are refused', async (t) => {
  const echo = `(func (export "execute") (param i32 i32 i32) (result i32) (local.get 2))`;
  t.equal(run(vm, echo, 'not json').err?.code, VmErrorCode.InvalidResult);
  t.equal(run(vm, echo, '{"ok":{},"error":"x"}').err?.code, VmErrorCode.InvalidResult);
  const huge = `{"error":"${'x'.repeat(5000)}"}`;
  const tooBig = run(vm, echo, huge).err!;
  t.equal(tooBig.code, VmErrorCode.TooLarge);
  t.match(tooBig.message, /contract result is 5012 bytes, more than the limit of 4096/);
  const lying = `(func (export "execute") (param i32 i32 i32) (result i32)
    (i32.store offset=8 (i32.const 1000) (i32.const 0x7fffffff)) (i32.store offset=4 (i32.const 1000) (i32.const 0x7fffffff)) (call $ok))`;
  t.match(run(vm, lying).err!.message, /outside the contract's memory/);
  t.equal(run(vm, lying).err!.code, VmErrorCode.RegionError);
});

t.test('storage: read, write, remove, and writes refused in queries', async (t) => {
  const body = `(func (export "execute") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (local $v i32)
    (call $db_write (local.get $msg) (local.get $info))
    (local.set $v (call $db_read (local.get $msg)))
    (call $debug (local.get $v))
    (if (i32.ne (call $db_read (local.get $env)) (i32.const 0)) (then unreachable))
    (call $db_write (local.get $env) (local.get $env))
    (call $db_remove (local.get $env))
    (call $ok))
    (func (export "query") (param $env i32) (param $msg i32) (result i32)
      (call $db_write (local.get $msg) (local.get $msg)) (call $ok))`;
  const host = testHost();
  const { checksum } = vm.storeCode(contract(body));
  const res = vm.execute(checksum, ENV, INFO, enc('key'), host, GAS);
  t.same(res.result, JSON.parse(dec(new Uint8Array(Buffer.from('{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}')))));
  t.same(JSON.parse(dec(host.storage.get(enc('key'))!)), INFO);
  t.equal(host.storage.map.size, 1, 'the removed key is gone');
  t.same(JSON.parse(host.logs[0]!), INFO);
  t.ok(res.externalGasUsed >= BigInt(DEFAULT_GAS_SCHEDULE.storageWrite.base * 2), 'storage gas is charged and reported');
  t.throws(() => vm.query(checksum, ENV, enc('k'), host, GAS), { code: VmErrorCode.WriteAccessDenied });
  t.equal(host.storage.get(enc('k')), undefined);
});

t.test('db_scan iterates in both orders; db_next returns sections', async (t) => {
  const body = `(func (export "execute") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (local $it i32) (local $k i32)
    ;; order comes as the first byte of msg: '1' or '2'
    (local.set $it (call $db_scan (i32.const 0) (i32.const 0)
      (i32.sub (i32.load8_u (i32.load (local.get $msg))) (i32.const 48))))
    (block $done (loop $next
      (local.set $k (call $db_next_key (local.get $it)))
      (br_if $done (i32.eqz (local.get $k)))
      (call $debug (local.get $k))
      (br $next)))
    (local.set $it (call $db_scan (i32.const 0) (i32.const 0) (i32.const 1)))
    (call $debug (call $db_next (local.get $it)))
    (call $debug (call $db_next_value (local.get $it)))
    (call $ok))`;
  const { checksum } = vm.storeCode(contract(body));
  const host = testHost();
  for (const k of ['b', 'a', 'c']) host.storage.set(enc(k), enc(`value-${k}`));
  vm.execute(checksum, ENV, INFO, enc('1'), host, GAS);
  t.same(host.logs.slice(0, 3), ['a', 'b', 'c']);
  t.equal(host.logs[3], 'a\0\0\0\x01value-a\0\0\0\x07', 'db_next: key || u32be(len) || value || u32be(len)');
  t.equal(host.logs[4], 'value-b');
  host.logs.length = 0;
  vm.execute(checksum, ENV, INFO, enc('2'), host, GAS);
  t.same(host.logs.slice(0, 3), ['c', 'b', 'a']);
  t.throws(() => vm.execute(checksum, ENV, INFO, enc('7'), host, GAS), { code: VmErrorCode.InvalidHostCall });
  const bad = run(vm, `(func (export "execute") (param i32 i32 i32) (result i32) (drop (call $db_next (i32.const 9))) (call $ok))`);
  t.equal(bad.err!.code, VmErrorCode.IteratorNotFound);
});

t.test('addresses and queries go through the host', async (t) => {
  const body = `(func (export "execute") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (local $r i32)
    (local.set $r (call $addr_validate (local.get $msg)))
    (if (local.get $r) (then (call $debug (local.get $r))) (else (call $debug (i32.const 1000))))
    (call $debug (call $query_chain (local.get $msg)))
    (call $ok))`;
  const { checksum } = vm.storeCode(contract(body));
  const host = testHost();
  const res = vm.execute(checksum, ENV, INFO, enc('cosmos1xyz'), host, GAS);
  t.equal(host.logs[0], 'invalid address cosmos1xyz');
  t.equal(host.logs[1], `{"ok":{"ok":"${Buffer.from('cosmos1xyz').toString('base64')}"}}`);
  t.equal(res.externalGasUsed, 1000n, 'query gas reported by the host is charged');
  vm.execute(checksum, ENV, INFO, enc('vivian1abc'), host, GAS);
  t.match(host.logs[2], /"messages"/, 'valid address returns 0');
});

t.test('abort and traps end the call with a clear error and the gas used', async (t) => {
  const aborted = run(vm, `(func (export "execute") (param i32 i32 i32) (result i32) (call $abort (local.get 2)) (call $ok))`, 'panicked at overflow');
  t.equal(aborted.err!.code, VmErrorCode.ContractAborted);
  t.match(aborted.err!.message, /contract aborted: panicked at overflow/);
  t.ok(aborted.err!.gasUsed! > 0n);
  const trap = run(vm, `(func (export "execute") (param i32 i32 i32) (result i32) (i32.div_u (i32.const 1) (i32.const 0)))`);
  t.equal(trap.err!.code, VmErrorCode.ContractTrap);
  t.match(trap.err!.message, /contract trapped: .*divi/i);
  const oob = run(vm, `(func (export "execute") (param i32 i32 i32) (result i32) (i32.load (i32.const -4)))`);
  t.equal(oob.err!.code, VmErrorCode.ContractTrap);
  const { checksum } = vm.storeCode(contract(`(func (export "execute") (param i32 i32 i32) (result i32) (call $ok))`));
  t.throws(() => vm.migrate(checksum, ENV, enc('{}'), testHost(), GAS), { code: VmErrorCode.MissingEntryPoint, message: /no "migrate" entry point/ });
  t.throws(() => vm.execute(new Uint8Array(32), ENV, INFO, enc('{}'), testHost(), GAS), { code: VmErrorCode.CodeNotFound });
});

t.test('infinite loop: out of gas, gas used = limit, same every run, VM still usable', async (t) => {
  const loop = `(func (export "execute") (param i32 i32 i32) (result i32) (loop $l (br $l)) (call $ok))`;
  for (const limit of [10_000_000n, 10_000_000n, 123_456_789n]) {
    const { err } = run(vm, loop, RESPONSE, limit);
    t.ok(err instanceof OutOfGasError);
    t.equal(err!.gasUsed, limit);
    t.match(err!.message, /out of gas/);
  }
  t.ok(run(vm, `(func (export "execute") (param i32 i32 i32) (result i32) (local.get 2))`).res, 'next call runs normally');
});

t.test('gas is exact and deterministic for a counted loop', async (t) => {
  const counted = (n: number) => `(func (export "execute") (param i32 i32 i32) (result i32) (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const ${n}))))
    (call $ok))`;
  const g10 = run(vm, counted(10)).res!.gasUsed;
  const g20 = run(vm, counted(20)).res!.gasUsed;
  const g30 = run(vm, counted(30)).res!.gasUsed;
  t.equal(g20 - g10, g30 - g20, 'each iteration costs the same');
  // loop body: local.set, i32.add, local.get, const, br_if, i32.lt_u, local.get, const → 7 operators + 1 branch
  const s = DEFAULT_GAS_SCHEDULE;
  t.equal((g20 - g10) / 10n, BigInt(7 * s.operator + s.controlOperator));
});

t.test('memory.grow is charged per page and capped at 32 MiB', async (t) => {
  const grow = `(func (export "execute") (param i32 i32 i32) (result i32)
    (block $full (loop $l (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br $l)))
    (if (i32.ne (memory.size) (i32.const 512)) (then unreachable))
    (if (i32.ne (memory.grow (i32.const 100000)) (i32.const -1)) (then unreachable))
    (call $ok))`;
  const { res } = run(vm, grow);
  t.ok(res, 'grows until the cap, then memory.grow returns -1');
  t.ok(res!.gasUsed > BigInt(500 * DEFAULT_GAS_SCHEDULE.memoryGrowPerPage), 'pages are charged');
  const poor = run(vm, grow, RESPONSE, 100_000_000n);
  t.ok(poor.err instanceof OutOfGasError, 'growing without gas runs out of gas');
});

t.test('deep recursion stops at the VM depth budget, not the engine stack', async (t) => {
  const locals = Array.from({ length: 100 }, () => 'i64').join(' ');
  for (const fn of [
    `(func $r (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1))))`,
    `(func $r (param i32) (result i32) (return (i32.add (call $r (local.get 0)) (i32.const 1))))`,
    `(func $r (param i32) (result i32) (local ${locals}) (i32.add (call $r (local.get 0)) (i32.const 1)))`,
  ]) {
    const { err } = run(vm, `${fn} (func (export "execute") (param i32 i32 i32) (result i32) (drop (call $r (i32.const 0))) (call $ok))`);
    t.equal(err?.code, VmErrorCode.CallDepthExceeded);
    t.match(err!.message, /stack budget/, 'the VM counter, not V8');
  }
  // Balanced calls leave the counter where it started: many sequential calls never trip it.
  const { res } = run(vm, `(func $leaf (param i32) (result i32) (if (local.get 0) (then (return (i32.const 1)))) (i32.const 2))
    (func (export "execute") (param i32 i32 i32) (result i32) (local $i i32)
      (loop $l (drop (call $leaf (local.get $i))) (drop (call $leaf (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))
      (call $ok))`);
  t.ok(res, '200,000 balanced calls, returns through both paths');
});

t.test('module cache: LRU by checksum, reloads from the code source', async (t) => {
  const codes = new Map<string, Uint8Array>();
  const small = new WasmVm({ cacheSize: 1, loadCode: (c) => codes.get(Buffer.from(c).toString('hex')) });
  const a = contract(`(func (export "execute") (param i32 i32 i32) (result i32) (local.get 2))`);
  const b = contract(`(func (export "execute") (param i32 i32 i32) (result i32) (call $ok))`);
  const ca = small.storeCode(a).checksum;
  codes.set(Buffer.from(ca).toString('hex'), a);
  const cb = small.storeCode(b).checksum;
  t.equal(small.isCached(ca), false, 'evicted');
  t.equal(small.isCached(cb), true);
  const res = small.execute(ca, ENV, INFO, enc(RESPONSE), testHost(), GAS);
  t.same(res.result, JSON.parse(RESPONSE), 'reloaded, re-instrumented and run');
  t.equal(small.isCached(ca), true);
  t.equal(Buffer.from(WasmVm.checksum(a)).toString('hex'), Buffer.from(ca).toString('hex'));
});

t.test('a start function runs under gas before the entry point', async (t) => {
  const { res, host } = run(vm, `(func $init (call $debug (i32.const 1000))) (start $init)
    (func (export "execute") (param i32 i32 i32) (result i32) (call $ok))`);
  t.ok(res);
  t.equal(host.logs.length, 1, 'start ran once');
  const { err } = run(vm, `(func $init (loop $l (br $l))) (start $init) (func (export "execute") (param i32 i32 i32) (result i32) (call $ok))`, RESPONSE, 5_000_000n);
  t.ok(err instanceof OutOfGasError, 'an endless start function runs out of gas instead of hanging instantiation');
});

t.test('instances are reused between calls, each call starting from a fresh instance state', async (t) => {
  // traps when it sees a global or memory byte a previous call set; "x" dirties both and traps, "g" grows memory
  const body = `(global $n (mut i32) (i32.const 0))
    (func $fresh (if (i32.or (global.get $n) (i32.load8_u (i32.const 2000))) (then unreachable)))
    (func (export "execute") (param i32 i32 i32) (result i32) (local $first i32)
      (call $fresh)
      (global.set $n (i32.const 1))
      (i32.store8 (i32.const 2000) (i32.const 7))
      (local.set $first (i32.load8_u (i32.load (local.get 2))))
      (if (i32.eq (local.get $first) (i32.const 120)) (then unreachable))
      (if (i32.eq (local.get $first) (i32.const 103)) (then (drop (memory.grow (i32.const 1)))))
      (if (i32.eq (local.get $first) (i32.const 113)) (then (drop (call $query_chain (local.get 2)))))
      (if (i32.ne (global.get $n) (i32.const 1)) (then unreachable))
      (call $ok))
    (func (export "query") (param i32 i32) (result i32) (call $fresh) (global.set $n (i32.const 1)) (call $ok))`;
  const code = contract(body);
  const calls = ['{}', 'x', '{}', 'g', '{}', 'q', '{}', '{}'];
  const outcomes = (pooled: WasmVm) => {
    const { checksum } = pooled.storeCode(code);
    // "q" queries the same contract from inside the call: the nested call needs an instance of its own
    const host = testHost({
      querier: {
        queryChain: () => {
          pooled.query(checksum, ENV, enc('{}'), testHost(), GAS);
          return { result: enc('{"ok":{"ok":"e30="}}'), gasUsed: 0n };
        },
      },
    });
    return calls.map((msg) => {
      try {
        return pooled.execute(checksum, ENV, INFO, enc(msg), host, GAS).gasUsed;
      } catch (err) {
        return (err as VmError).code;
      }
    });
  };
  const reused = outcomes(new WasmVm());
  t.equal(reused[1], VmErrorCode.ContractTrap, 'the dirtying call traps as written');
  t.ok(reused.every((r, i) => i === 1 || typeof r === 'bigint'), 'every other call succeeds');
  t.equal(reused[2], reused[0], 'after a trap: fresh state, same gas');
  t.equal(reused[4], reused[0], 'after memory grew: fresh state, same gas');
  t.equal(reused[6], reused[0], 'after a nested call of the same code: fresh state, same gas');
  t.same(outcomes(new WasmVm({ instancePoolSize: 0 })), reused, 'identical to a fresh instance per call');
});
