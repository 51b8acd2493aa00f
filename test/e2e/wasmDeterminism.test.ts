import t from 'tap';
import { MsgInstantiateContractResponse, MsgMigrateContract } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import type { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import type { VivianNode } from '../../chain/node/node.js';
import { contractWasm } from '../contracts/build.js';
import { makeTestNode, msgSend, secpAccounts, type TestAccount } from '../helpers/chain.js';
import { executeMsg, instantiateMsg, querySmart as smart, storeCodeMsg, TxSigner } from '../helpers/e2e.js';
import { contract } from '../vm/fixtures.js';

/**
 * The same contract txs (uploads, instantiations, executes with submessages and replies, a failing execute,
 * a migration) applied to two fresh nodes give the same results and the same app hash at every height.
 */
const te = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const b64json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const [alice, bob] = (await secpAccounts(2)) as [TestAccount, TestAccount];
const nodes = [makeTestNode([alice.address, bob.address]), makeTestNode([alice.address, bob.address])];
t.teardown(async () => {
  for (const n of nodes) await n.cleanup();
});
const [a, b] = nodes.map((n) => n.node) as [VivianNode, VivianNode];

/** A static JSON string as a WAT data segment body. */
const watString = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const PREFIX = '{"ok":{"messages":[{"id":7,"payload":"","msg":';
const SUFFIX = ',"gas_limit":null,"reply_on":"always"}],"attributes":[{"key":"action","value":"forward"}],"events":[],"data":null}}';
/**
 * A proxy: its execute message is a CosmosMsg, which it sends as a submessage with reply_on always; its reply
 * accepts success and failure alike. `version` makes a second code with other bytes to migrate to.
 */
const proxy = (version: number) =>
  contract(`
  (data (i32.const 4096) "${watString(PREFIX)}")
  (data (i32.const 4608) "${watString(SUFFIX)}")
  (data (i32.const 5000) "v${version}")
  (func $copy (param $dst i32) (param $src i32) (param $len i32) (result i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $len)))
      (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
      (local.set $src (i32.add (local.get $src) (i32.const 1)))
      (local.set $len (i32.sub (local.get $len) (i32.const 1)))
      (br $l)))
    (local.get $dst))
  (func (export "instantiate") (param i32 i32 i32) (result i32) (call $ok))
  (func (export "execute") (param i32 i32 i32) (result i32) (local $len i32) (local $out i32) (local $end i32)
    (local.set $len (i32.load offset=8 (local.get 2)))
    (local.set $out (call $allocate (i32.add (local.get $len) (i32.const ${PREFIX.length + SUFFIX.length}))))
    (local.set $end (call $copy (i32.load (local.get $out)) (i32.const 4096) (i32.const ${PREFIX.length})))
    (local.set $end (call $copy (local.get $end) (i32.load (local.get 2)) (local.get $len)))
    (local.set $end (call $copy (local.get $end) (i32.const 4608) (i32.const ${SUFFIX.length})))
    (i32.store offset=8 (local.get $out) (i32.sub (local.get $end) (i32.load (local.get $out))))
    (local.get $out))
  (func (export "reply") (param i32 i32) (result i32) (call $ok))
  (func (export "migrate") (param i32 i32) (result i32) (call $ok))`);

const token = await contractWasm('token');
const store = (wasm: Uint8Array) => storeCodeMsg(alice.address, wasm);
const instantiate = (codeId: bigint, msg: unknown, label: string) => instantiateMsg(alice.address, codeId, label, msg, { admin: alice.address });
const execute = (from: TestAccount, contractAddr: string, msg: unknown) => executeMsg(from.address, contractAddr, msg);
const migrate = (contractAddr: string, codeId: bigint): Any => ({
  typeUrl: '/cosmwasm.wasm.v1.MsgMigrateContract',
  value: MsgMigrateContract.encode({ sender: alice.address, contract: contractAddr, codeId, msg: te.encode('{}') }).finish(),
});
/** The proxy's execute message: a wasm execute of `target` with `msg`, as a CosmosMsg. */
const forward = (target: string, msg: unknown) => ({ wasm: { execute: { contract_addr: target, msg: b64json(msg), funds: [] } } });

const signer = new TxSigner(a);

interface Tx {
  from: TestAccount;
  msgs: Any[];
  /** uviv paid; a higher fee per gas goes first in the block */
  fee?: number;
  gas?: bigint;
}

/** Signs the txs once, sends the same bytes to both nodes, commits a block on each; both blocks' results. */
async function block(tt: Tap.Test, txs: Tx[]) {
  for (const { from, msgs, fee, gas } of txs) {
    const raw = await signer.sign(from, msgs, { fee: fee ?? 2500, gas: gas ?? 1_000_000n });
    for (const node of [a, b]) {
      const added = node.broadcastTx(raw);
      if (added.result.code !== 0) throw new Error(`checkTx refused: ${added.result.log}`);
    }
  }
  const [ba, bb] = [a.engine.produceBlock(), b.engine.produceBlock()];
  tt.equal(ba.height, bb.height);
  const view = (blk: typeof ba) => blk.txs.map((x) => ({ hash: hex(x.hash), code: x.result.code, log: x.result.log, gasUsed: x.result.gasUsed, data: hex(x.result.data), events: JSON.stringify(x.result.events) }));
  tt.same(view(bb), view(ba), `height ${ba.height}: the same tx results on both nodes`);
  tt.equal(hex(bb.appHash), hex(ba.appHash), `height ${ba.height}: the same app hash`);
  return ba;
}

const contractAddress = (data: Uint8Array) => MsgInstantiateContractResponse.decode(TxMsgData.decode(data).msgResponses[0]!.value).address;

t.test('the same contract txs give the same app hash at every height on two fresh nodes', async (t) => {
  t.equal(hex(b.app.appHash), hex(a.app.appHash), 'the same genesis state');

  const uploads = await block(t, [store(token), store(proxy(1)), store(proxy(2))].map((m) => ({ from: alice, msgs: [m], gas: 5_000_000n })));
  uploads.txs.forEach((x) => t.equal(x.result.code, 0, x.result.log));

  const inits = await block(t, [
    { from: alice, msgs: [instantiate(1n, { name: 'Same', symbol: 'SAME', decimals: 0, initial_balances: [{ address: alice.address, amount: '1000' }, { address: bob.address, amount: '500' }] }, 'token')] },
    { from: alice, msgs: [instantiate(2n, {}, 'proxy')] },
  ]);
  inits.txs.forEach((x) => t.equal(x.result.code, 0, x.result.log));
  const [tok, prox] = inits.txs.map((x) => contractAddress(x.result.data)) as [string, string];

  // submessages: one that succeeds and one that fails (reply_on always: the tx succeeds, the failed part reverts)
  const subs = await block(t, [
    { from: alice, msgs: [execute(alice, tok, { transfer: { recipient: prox, amount: '100' } })] },
    { from: alice, msgs: [execute(alice, prox, forward(tok, { transfer: { recipient: bob.address, amount: '30' } }))] },
    { from: alice, msgs: [execute(alice, prox, forward(tok, { transfer: { recipient: bob.address, amount: '1000' } }))] },
  ]);
  subs.txs.forEach((x) => t.equal(x.result.code, 0, x.result.log));
  t.ok(subs.txs[1]!.result.events.some((e) => e.type === 'reply'), 'the reply ran after the submessage succeeded');
  t.ok(subs.txs[2]!.result.events.some((e) => e.type === 'reply'), 'and after it failed');

  // a failing execute in a block: bob's allowance passes CheckTx before alice's transfer_from, but alice's
  // higher fee puts her tx first in the block, where there is no allowance yet; and a migration
  const ordered = await block(t, [
    { from: bob, msgs: [execute(bob, tok, { increase_allowance: { spender: alice.address, amount: '40' } })], fee: 1000 },
    { from: alice, msgs: [execute(alice, tok, { transfer_from: { owner: bob.address, recipient: alice.address, amount: '40' } })], fee: 9000 },
    { from: alice, msgs: [migrate(prox, 3n)] },
  ]);
  // block order: alice's txs (by fee, then sequence) before bob's
  const [transferFrom, migrated, allowance] = [0, 1, 2].map((i) => ordered.txs[i]!.result) as [ExecTxResult, ExecTxResult, ExecTxResult];
  t.not(transferFrom.code, 0, 'the transfer_from ran first and failed');
  t.match(transferFrom.log, /allowance/i);
  t.equal(migrated.code, 0, migrated.log);
  t.equal(allowance.code, 0, allowance.log);

  const after = await block(t, [
    { from: alice, msgs: [execute(alice, prox, forward(tok, { transfer: { recipient: bob.address, amount: '10' } }))] },
    { from: bob, msgs: [msgSend(bob.address, alice.address, 5n)] },
  ]);
  after.txs.forEach((x) => t.equal(x.result.code, 0, x.result.log));

  for (const node of [a, b]) {
    t.same(smart(node, tok, { balance: { address: prox } }), { balance: '60' }, 'the proxy kept 100 - 30 - 10');
    t.same(smart(node, tok, { balance: { address: bob.address } }), { balance: '540' });
    t.same(smart(node, tok, { allowance: { owner: bob.address, spender: alice.address } }), { allowance: '40', expires: { never: {} } });
  }
  const top = a.app.height;
  t.equal(b.app.height, top);
  for (let h = 1n; h <= top; h++) {
    const [ra, rb] = [a.reader.roots(h)!, b.reader.roots(h)!];
    if (hex(ra.appHash) !== hex(rb.appHash) || hex(ra.stateRoot) !== hex(rb.stateRoot)) t.fail(`the nodes disagree at height ${h}`);
  }
  t.pass(`the nodes agree on state root and app hash at heights 1..${top}`);
});
