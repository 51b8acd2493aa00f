import t from 'tap';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import { QueryRawContractStateRequest, QueryRawContractStateResponse } from 'cosmjs-types/cosmwasm/wasm/v1/query';
import { MsgInstantiateContractResponse } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { Bucket } from '../../chain/store/buckets.js';
import { ACCOUNT_PREFIX } from '../../chain/modules/auth/keys.js';
import { BALANCE_PREFIX } from '../../chain/modules/bank/keys.js';
import { makeTestNode, msgSend, secpAccounts, type TestAccount } from '../helpers/chain.js';
import { executeMsg, instantiateMsg, storeCodeMsg, TxSigner } from '../helpers/e2e.js';
import { contract, wat } from '../vm/fixtures.js';

/**
 * Hostile contracts through real signed txs on a node: each is refused at upload or stopped while running with
 * a clear error, uses the same gas every run, leaves no state behind but fees and sequence, and the node goes on
 * committing and answering queries.
 *
 * CheckTx admits txs on their ante alone (as the Cosmos SDK does), so every hostile tx reaches a block and is
 * stopped or refused there.
 */
const te = new TextEncoder();
const [alice, bob] = (await secpAccounts(2)) as [TestAccount, TestAccount];
const tn = makeTestNode([alice.address, bob.address]);
t.teardown(tn.cleanup);
const { node } = tn;

const signer = new TxSigner(node);

/** Signs each message list as one tx from `acc`, puts them all in one block and returns that block. */
async function block(txs: Array<{ from: TestAccount; msgs: Any[]; gas?: bigint }>) {
  for (const { from, msgs, gas } of txs) {
    const added = node.broadcastTx(await signer.sign(from, msgs, { fee: 2500, gas: gas ?? 1_000_000n }));
    if (added.result.code !== 0) throw new Error(`checkTx refused: ${added.result.log}`);
  }
  const committed = node.engine.produceBlock();
  if (committed.txs.length !== txs.length) throw new Error(`block holds ${committed.txs.length} txs, expected ${txs.length}`);
  return committed;
}

const store = (wasm: Uint8Array) => storeCodeMsg(alice.address, wasm);
const instantiate = (codeId: bigint) => instantiateMsg(alice.address, codeId, `hostile ${codeId}`, {});
const execute = (contractAddr: string, msg = '{"go":{}}') => executeMsg(alice.address, contractAddr, te.encode(msg));

function rawState(contractAddr: string, key: string): Uint8Array {
  const r = node.app.query({ path: '/cosmwasm.wasm.v1.Query/RawContractState', data: QueryRawContractStateRequest.encode({ address: contractAddr, queryData: te.encode(key) }).finish(), height: 0n, prove: false });
  if (r.code !== 0) throw new Error(r.log);
  return QueryRawContractStateResponse.decode(r.value).data;
}

/** Keys a failing tx may change: the signer's account (sequence) and balances (fee). */
const feeAndSequenceOnly = (key: Uint8Array) =>
  (key[0] === ACCOUNT_PREFIX[0] && key[1] === ACCOUNT_PREFIX[1]) || (key[0] === BALANCE_PREFIX[0] && key[1] === BALANCE_PREFIX[1]);

// helpers for the WAT contracts: $mk points a fresh Region at static bytes
const HELPERS = `
  (data (i32.const 3100) "k")
  (data (i32.const 3200) "written")
  (func $mk (param $ptr i32) (param $len i32) (result i32) (local $r i32)
    (local.set $r (call $allocate (i32.const 0)))
    (i32.store (local.get $r) (local.get $ptr))
    (i32.store offset=4 (local.get $r) (local.get $len))
    (i32.store offset=8 (local.get $r) (local.get $len))
    (local.get $r))
  (func $write (call $db_write (call $mk (i32.const 3100) (i32.const 1)) (call $mk (i32.const 3200) (i32.const 7))))
  (func (export "instantiate") (param i32 i32 i32) (result i32) (call $ok))`;

/** A contract whose execute writes the key "k", then runs `hostile` (the write must not survive). */
const hostileExecute = (hostile: string, extra = '') =>
  contract(`${HELPERS} ${extra}
  (func (export "execute") (param i32 i32 i32) (result i32)
    (call $write)
    ${hostile})`);

/** Stopped while running. */
const RUNTIME = {
  'infinite loop': { wasm: hostileExecute('(loop $l (br $l)) (call $ok)'), error: /out of gas/ },
  'unbounded memory.grow': { wasm: hostileExecute('(loop $l (drop (memory.grow (i32.const 1))) (br $l)) (call $ok)'), error: /out of gas/ },
  'deep recursion': {
    wasm: hostileExecute('(drop (call $r (i32.const 0))) (call $ok)', '(func $r (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1))))'),
    error: /stack budget/,
  },
  'huge return value': {
    // a Region at 2000 claiming 9 MiB of result from offset 64 KiB (memory grown to hold it)
    wasm: hostileExecute(`(drop (memory.grow (i32.const 160)))
      (i32.store (i32.const 2000) (i32.const 65536)) (i32.store (i32.const 2004) (i32.const 9437184)) (i32.store (i32.const 2008) (i32.const 9437184))
      (i32.const 2000)`),
    error: /contract result is 9437184 bytes, more than the limit of 8388608/,
  },
};

// Refused at upload, each naming the reason.
const shell = (body: string, features = true) =>
  wat(`(module (memory (export "memory") 1) (func (export "interface_version_8"))
    (func (export "allocate") (param i32) (result i32) (i32.const 0)) (func (export "deallocate") (param i32)) ${body})`, features);
const REFUSED = {
  'unknown imports': { wasm: contract('', { imports: '(import "env" "seed" (func $seed (result f64))) (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))' }), error: /unsupported imports: "env.seed", "wasi_snapshot_preview1.fd_write"/ },
  SIMD: { wasm: shell('(func (export "execute") (param i32 i32 i32) (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4)))'), error: /SIMD instruction at function 3 \("execute"\)/ },
  threads: { wasm: shell('(func (export "execute") (param i32 i32 i32) (result i32) (i32.atomic.load (local.get 0)))'), error: /threads instruction \(atomics\) at function 3/ },
  'a second memory': { wasm: contract('', { memory: '(memory (export "memory") 1) (memory $second 1)' }), error: /exactly one memory, it defines 2/ },
};

// NaN-producing floats run, with NaN made canonical: the stored bits are the same on every run and machine.
const NAN = contract(`${HELPERS} (func (export "execute") (param i32 i32 i32) (result i32) (f64.store (i32.const 3300) (f64.div (f64.load (i32.const 3400)) (f64.load (i32.const 3400))))
  (call $db_write (call $mk (i32.const 3100) (i32.const 1)) (call $mk (i32.const 3300) (i32.const 8))) (call $ok))`);

const runtimeNames = Object.keys(RUNTIME) as Array<keyof typeof RUNTIME>;
const refusedNames = Object.keys(REFUSED) as Array<keyof typeof REFUSED>;
const addresses = new Map<string, string>();

t.test('setup: the runnable hostile contracts upload and instantiate', async (t) => {
  await block([{ from: bob, msgs: [msgSend(bob.address, alice.address, 1n)] }]);
  const names = [...runtimeNames, 'NaN floats'];
  const stored = await block(names.map((n) => ({ from: alice, msgs: [store(n === 'NaN floats' ? NAN : RUNTIME[n as keyof typeof RUNTIME].wasm)] })));
  stored.txs.forEach((x, i) => t.equal(x.result.code, 0, `${names[i]} uploads: ${x.result.log}`));
  const inst = await block(names.map((_, i) => ({ from: alice, msgs: [instantiate(BigInt(i + 1))] })));
  inst.txs.forEach((x, i) => {
    t.equal(x.result.code, 0, x.result.log);
    addresses.set(names[i]!, MsgInstantiateContractResponse.decode(TxMsgData.decode(x.result.data).msgResponses[0]!.value).address);
  });
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The whole application state, key -> value (hex). */
function stateSnapshot(): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of node.db.bucketReader(Bucket.State).iterate(new Uint8Array(0), undefined)) m.set(hex(k), hex(v));
  return m;
}

/** Keys whose value differs between two snapshots, sorted. */
function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** Runs the named hostiles, one tx each, in one block; returns their results. */
async function runInBlock(names: Array<keyof typeof RUNTIME>, gas?: bigint) {
  const b = await block(names.map((n) => ({ from: alice, msgs: [execute(addresses.get(n)!)], gas })));
  return b.txs.map((x) => x.result);
}

t.test('stopped while running: a clear error in the tx result, the same gas twice, no state but fee and sequence', async (t) => {
  const runs: Array<Awaited<ReturnType<typeof runInBlock>>> = [];
  for (let run = 0; run < 2; run++) {
    const before = stateSnapshot();
    runs.push(await runInBlock(runtimeNames));
    const changed = changedKeys(before, stateSnapshot());
    t.ok(changed.length > 0, 'fees and sequences changed');
    t.same(changed.filter((k) => !feeAndSequenceOnly(Buffer.from(k, 'hex'))), [], `run ${run + 1}: only accounts and balances changed`);
  }
  runtimeNames.forEach((name, i) => {
    const [first, second] = [runs[0]![i]!, runs[1]![i]!];
    t.not(first.code, 0, `${name}: the tx fails in the block`);
    t.match(first.log, RUNTIME[name].error, `${name}: ${first.log}`);
    t.equal(second.gasUsed, first.gasUsed, `${name}: the same gas on both runs (${first.gasUsed})`);
    t.equal(second.log, first.log, `${name}: the same error on both runs`);
    t.equal(rawState(addresses.get(name)!, 'k').length, 0, `${name}: its storage write was rolled back`);
  });
});

t.test('refused at upload with the reason, the same gas twice, nothing stored', async (t) => {
  const runs: Array<Array<{ code: number; codespace: string; log: string; gasUsed: bigint }>> = [];
  for (let run = 0; run < 2; run++) {
    const before = stateSnapshot();
    const b = await block(refusedNames.map((name) => ({ from: alice, msgs: [store(REFUSED[name].wasm)], gas: 5_000_000n })));
    runs.push(b.txs.map((x) => x.result));
    const changed = changedKeys(before, stateSnapshot());
    t.same(changed.filter((k) => !feeAndSequenceOnly(Buffer.from(k, 'hex'))), [], `run ${run + 1}: no code stored, only fees and sequences changed`);
  }
  refusedNames.forEach((name, i) => {
    const [first, second] = [runs[0]![i]!, runs[1]![i]!];
    t.not(first.code, 0, `${name}: refused`);
    t.equal(first.codespace, 'wasm');
    t.match(first.log, REFUSED[name].error, `${name}: ${first.log}`);
    t.equal(second.gasUsed, first.gasUsed, `${name}: the same gas on both runs (${first.gasUsed})`);
    t.equal(second.log, first.log);
  });
});

t.test('NaN-producing floats run deterministically', async (t) => {
  const addr = addresses.get('NaN floats')!;
  const results = [];
  for (let run = 0; run < 2; run++) {
    const b = await block([{ from: alice, msgs: [execute(addr)] }]);
    t.equal(b.txs[0]!.result.code, 0, b.txs[0]!.result.log);
    results.push(b.txs[0]!.result.gasUsed);
    t.same(Buffer.from(rawState(addr, 'k')), Buffer.alloc(8), 'the NaN was stored as canonical +0');
  }
  t.equal(results[1], results[0], 'the same gas on both runs');
});

t.test('the node is unaffected: it commits the next block and answers queries', async (t) => {
  const before = node.app.height;
  const b = await block([{ from: bob, msgs: [msgSend(bob.address, alice.address, 7n)] }]);
  t.equal(b.height, before + 1n);
  t.equal(b.txs[0]!.result.code, 0, b.txs[0]!.result.log);
  t.equal(rawState(addresses.get('NaN floats')!, 'k').length, 8, 'contract state is still served');
  const [late] = await runInBlock(['infinite loop'], 200_000n);
  t.match(late!.log, /out of gas/, 'and hostile contracts are still stopped');
  t.equal(late!.gasUsed, 200_000n, 'out of gas uses exactly the gas limit');
});
