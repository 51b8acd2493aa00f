import t from 'tap';
import type { Test } from 'tap';
import { MsgExecuteContractResponse } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import type { CommittedBlock } from '../../chain/app/application.js';
import { parseAddress } from '../../chain/crypto/addresses.js';
import { CONTRACT_VECTORS_PREFIX } from '../../chain/modules/wasm/keys.js';
import { contractWasm } from '../contracts/build.js';
import { makeTestNode, secpAccounts, type TestAccount } from '../helpers/chain.js';
import { executeMsg, instantiatedContracts, instantiateMsg, querySmart, storeCodeMsg, TxSigner } from '../helpers/e2e.js';

const wasm = await contractWasm('vectorstore');
const [alice, bob] = await secpAccounts(2);

const storeCode = () => storeCodeMsg(alice!.address, wasm);
const instantiate = () => instantiateMsg(alice!.address, 1n, 'vectors', { public: true });
const execute = (contract: string, msg: unknown, sender = alice!) => executeMsg(sender.address, contract, msg);

const DOCS: Array<[string, number[]]> = [
  ['1', [10, 0, 0, 0]],
  ['2', [0, 10, 0, 0]],
  ['3', [7, 7, 0, 0]],
  ['4', [10, 0, 0, 0]],
];
const insertMsg = (items: Array<[string, number[]]>, collection = 'docs') => ({ insert: { collection, items: items.map(([id, vector]) => ({ id, vector })) } });

/**
 * A fresh node that runs the same signed txs: upload, instantiate, an insert, then one block where a tx fails
 * after its first message inserted a vector, and a search in a tx. CheckTx runs messages in arrival order and the
 * block runs txs by fee: bob's tx (low fee) arrives first and passes against an empty collection "fresh"; alice's
 * (high fee) arrives next, clears "fresh" and makes it 4-dimensional, and runs first in the block, so bob's
 * 2-dimensional insert into "fresh" fails there, after his first message inserted into "docs".
 */
async function run(t: Test) {
  const env = makeTestNode([alice!.address, bob!.address]);
  t.teardown(env.cleanup);
  const { node } = env;
  const signer = new TxSigner(node);
  const submit = async (acc: TestAccount, fee: bigint, ...msgs: Any[]) => {
    const added = node.broadcastTx(await signer.sign(acc, msgs, { fee, gas: 20_000_000n }));
    t.equal(added.result.code, 0, added.result.log);
  };
  const ok = (block: CommittedBlock) => {
    for (const tx of block.txs) t.equal(tx.result.code, 0, tx.result.log);
    return block;
  };
  await submit(alice!, 1n, storeCode());
  ok(node.engine.produceBlock());
  await submit(alice!, 1n, instantiate());
  const inst = ok(node.engine.produceBlock());
  const contract = instantiatedContracts(inst.txs[0]!.result.events)[0]!;
  const vectorPrefix = Buffer.concat([CONTRACT_VECTORS_PREFIX, parseAddress(contract)]);
  const vectorKeysChanged = (b: CommittedBlock) =>
    b.changedKeys.map((k) => Buffer.from(k)).filter((k) => k.subarray(0, vectorPrefix.length).equals(vectorPrefix)).map((k) => k.subarray(vectorPrefix.length));

  await submit(alice!, 1n, execute(contract, insertMsg(DOCS)));
  const inserted = ok(node.engine.produceBlock());
  await submit(bob!, 1n, execute(contract, insertMsg([['5', [5, 5, 5, 5]]]), bob), execute(contract, insertMsg([['9', [1, 1]]], 'fresh'), bob));
  await submit(alice!, 1_000n, execute(contract, { remove: { collection: 'fresh', ids: ['9'] } }), execute(contract, insertMsg([['1', [1, 1, 1, 1]]], 'fresh')));
  const failed = node.engine.produceBlock();
  await submit(alice!, 1n, execute(contract, { search: { collection: 'docs', query: [1, 1, 0, 0], k: 2 } }));
  const searched = ok(node.engine.produceBlock());

  const query = (msg: unknown) => querySmart(node, contract, msg);
  return { node, contract, inserted, failed, searched, query, vectorKeysChanged };
}

/** Key of a vector in a contract's vector space: u8(name length) ++ name ++ 0x01 ++ uint64be(id). */
const vectorKey = (collection: string, id: bigint) => {
  const idBytes = Buffer.alloc(8);
  idBytes.writeBigUInt64BE(id);
  return Buffer.concat([Buffer.of(collection.length), Buffer.from(collection), Buffer.of(1), idBytes]);
};

t.test('contract vector collections through signed txs on a node', async (t) => {
  const a = await run(t);
  t.equal(a.vectorKeysChanged(a.inserted).length, DOCS.length + 1, 'the insert wrote one key per vector and the collection record');
  const [fresh, mixed] = a.failed.txs;
  t.equal(a.failed.txs.length, 2);
  t.equal(fresh!.result.code, 0, fresh!.result.log);
  t.not(mixed!.result.code, 0, 'the tx whose second message has the wrong dimension fails in the block');
  t.match(mixed!.result.log, /items\[0\]: collection fresh has dimension 4, got 2 components/);
  const changed = a.vectorKeysChanged(a.failed);
  t.equal(changed.length, 2, 'only the first tx of the block wrote vectors (its vector and collection record)');
  t.notOk(changed.some((k) => k.equals(vectorKey('docs', 5n))), 'the failed tx left no vector behind, not even the one its first message inserted');
  t.ok(changed.some((k) => k.equals(vectorKey('fresh', 1n))));
  t.same(a.query({ collection: { collection: 'docs' } }), { count: '4', dimension: 4 });
  t.same(a.query({ collection: { collection: 'fresh' } }), { count: '1', dimension: 4 });
  t.same(a.query({ search: { collection: 'docs', query: [1, 0, 0, 0], k: 3 } }).results, [
    { id: '1', score: 10 },
    { id: '4', score: 10 },
    { id: '3', score: 7 },
  ]);
  t.same(a.query({ search: { collection: 'docs', query: [10, 0, 0, 0], k: 2, metric: 'l2' } }).results, [
    { id: '1', score: 0 },
    { id: '4', score: 0 },
  ]);
  const response = MsgExecuteContractResponse.decode(TxMsgData.decode(a.searched.txs[0]!.result.data).msgResponses[0]!.value);
  t.same(JSON.parse(Buffer.from(response.data).toString()), { results: [{ id: '3', score: 14 }, { id: '1', score: 10 }] }, 'a search in a tx answers in its data');

  const b = await run(t);
  t.equal(b.contract, a.contract);
  for (const [what, x, y] of [['insert', a.inserted, b.inserted], ['failed insert', a.failed, b.failed], ['search', a.searched, b.searched]] as const) {
    t.same(x.txs.map((tx) => tx.result.gasUsed), y.txs.map((tx) => tx.result.gasUsed), `${what}: the same gas on both nodes`);
    t.equal(Buffer.from(x.appHash).toString('hex'), Buffer.from(y.appHash).toString('hex'), `${what}: the same app hash on both nodes`);
  }
  t.equal(Buffer.from(a.node.app.appHash).toString('hex'), Buffer.from(b.node.app.appHash).toString('hex'));
});
