import t from 'tap';
import { QueryAccountRequest, QueryAccountResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { buildRpcServer } from '../../../chain/api/index.js';
import { rootFromInclusion } from '../../../chain/ledger/proofs.js';
import { makeTestNode, msgSend, secpAccounts, signTx } from '../../helpers/chain.js';

const [alice, bob] = await secpAccounts(2);
const tn = makeTestNode([alice!.address], { max_body_bytes: 64 * 1024 });
const { node } = tn;
node.engine.produceBlock();
node.start();
const rpc = buildRpcServer(node);
t.teardown(async () => {
  await rpc.close();
  await tn.cleanup();
});

let nextId = 1;
async function call(method: string, params: unknown = {}) {
  const res = await rpc.inject({ method: 'POST', url: '/', payload: { jsonrpc: '2.0', id: nextId++, method, params } });
  return { status: res.statusCode, body: res.json() };
}
const result = async (method: string, params: unknown = {}) => {
  const r = await call(method, params);
  if (r.body.error) throw new Error(`${method}: ${JSON.stringify(r.body.error)}`);
  return r.body.result;
};
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const accountNumber = 1n;
const sendTx = (seq: bigint, amount = 5n) => signTx(alice!, [msgSend(alice!.address, bob!.address, amount)], { accountNumber, sequence: seq });

t.test('status, health, abci_info as cosmjs reads them', async (t) => {
  const s = await result('status');
  t.match(s.node_info, { network: 'vivian-test-1', moniker: /.+/, listen_addr: /^tcp:\/\//, protocol_version: { p2p: '8', block: '11', app: '0' } });
  t.match(s.node_info.version, /^0\.38\./);
  t.match(s.node_info.id, /^[0-9a-f]{40}$/);
  t.match(s.sync_info, { latest_block_hash: /^[0-9A-F]{64}$/, latest_app_hash: /^[0-9A-F]{64}$/, latest_block_height: '1', catching_up: false });
  t.match(s.sync_info.latest_block_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  t.match(s.validator_info, { address: /^[0-9A-F]{40}$/, pub_key: { type: 'tendermint/PubKeyEd25519' }, voting_power: '10' });
  t.same(await result('health'), {});
  t.match((await result('abci_info')).response, { data: 'vivian', last_block_height: '1' });
});

t.test('abci_query: gRPC path, hex request, non-zero height; NotFound for an unknown account', async (t) => {
  const data = Buffer.from(QueryAccountRequest.encode({ address: alice!.address }).finish()).toString('hex');
  const r = (await result('abci_query', { path: '/cosmos.auth.v1beta1.Query/Account', data })).response;
  t.equal(r.code, 0);
  t.equal(r.height, '1');
  t.equal(QueryAccountResponse.decode(Buffer.from(r.value, 'base64')).account?.typeUrl, '/cosmos.auth.v1beta1.BaseAccount');
  const missing = (await result('abci_query', { path: '/cosmos.auth.v1beta1.Query/Account', data: Buffer.from(QueryAccountRequest.encode({ address: bob!.address }).finish()).toString('hex') })).response;
  t.equal(missing.code, 22);
  t.match(missing.log, /rpc error: code = NotFound/);
  const future = (await result('abci_query', { path: '/cosmos.auth.v1beta1.Query/Account', data, height: '999' })).response;
  t.equal(future.code, 26, 'a future height is refused in the answer');
});

t.test('check_tx keeps nothing; broadcast_tx_sync / commit; tx with proof', async (t) => {
  const tx0 = await sendTx(0n);
  const checked = await result('check_tx', { tx: b64(tx0) });
  t.equal(checked.code, 0);
  t.match(checked, { gas_wanted: /^\d+$/, gas_used: /^\d+$/ });
  const again = await result('check_tx', { tx: b64(tx0) });
  t.equal(again.code, 0, 'the same sequence is still expected: check_tx kept nothing');

  const committed = await result('broadcast_tx_commit', { tx: b64(tx0) });
  t.equal(committed.check_tx.code, 0);
  t.equal(committed.tx_result.code, 0);
  t.match(committed.hash, /^[0-9A-F]{64}$/);
  t.ok(Number(committed.height) >= 2);

  const dup = await result('broadcast_tx_sync', { tx: b64(tx0) });
  t.equal(dup.code, 19, 'a committed tx is refused as a duplicate');
  const wrongSeq = await result('broadcast_tx_sync', { tx: b64(await sendTx(0n, 6n)) });
  t.equal(wrongSeq.code, 32);
  t.match(wrongSeq.log, /account sequence mismatch, expected 1, got 0/);

  const found = await result('tx', { hash: Buffer.from(committed.hash, 'hex').toString('base64'), prove: true });
  t.equal(found.hash, committed.hash);
  t.equal(found.height, committed.height);
  t.equal(found.index, 0);
  t.equal(found.tx, b64(tx0));
  t.ok(found.tx_result.events.every((e: { attributes: Array<{ key: string }> }) => e.attributes.every((a) => a.key.length > 0)), 'event keys are non-empty');
  const p = found.proof;
  const header = (await result('header', { height: found.height })).header;
  t.equal(p.root_hash, header.data_hash);
  const root = rootFromInclusion(Buffer.from(p.proof.leaf_hash, 'base64'), BigInt(p.proof.index), BigInt(p.proof.total), p.proof.aunts.map((a: string) => Buffer.from(a, 'base64')));
  t.equal(Buffer.from(root!).toString('hex').toUpperCase(), header.data_hash, 'the proof verifies against data_hash');
  t.same(await result('tx', { hash: committed.hash.toLowerCase() }).then((x) => x.hash), committed.hash, 'hash as hex, any case');
  const missing = await call('tx', { hash: '00'.repeat(32) });
  t.match(missing.body.error, { code: -32603, message: 'Internal error', data: /not found/ });

  const search = await result('tx_search', { query: `tx.hash='${committed.hash}'` });
  t.equal(search.total_count, '1');
  const async = await result('broadcast_tx_async', { tx: b64(await sendTx(1n)) });
  t.equal(async.code, 0);
  await node.engine.waitForHeight(BigInt(committed.height) + 1n);
  const bySender = await rpc.inject({ url: `/tx_search?query="message.sender='${alice!.address}'"&per_page=1&page=2&order_by="desc"` });
  t.equal(bySender.statusCode, 200);
  t.equal(bySender.json().result.total_count, '2');
  t.equal(bySender.json().result.txs[0].hash, committed.hash, 'desc order, second page');
});

t.test('blocks, headers, commits, results, validators, genesis, mempool, params', async (t) => {
  const latest = Number((await result('status')).sync_info.latest_block_height);
  const b = await result('block', { height: '1' });
  t.match(b.block_id, { hash: /^[0-9A-F]{64}$/, parts: { total: 1, hash: /^[0-9A-F]{64}$/ } });
  t.same(b.block.last_commit, { height: '0', round: 0, block_id: { hash: '', parts: { total: 0, hash: '' } }, signatures: [] });
  const b2 = await result('block', { height: '2' });
  t.equal(b2.block.header.last_block_id.hash, b.block_id.hash, 'chained');
  t.match(b2.block.last_commit.signatures[0], { block_id_flag: 2, validator_address: /^[0-9A-F]{40}$/, signature: /=$/ });
  t.equal(b2.block.data.txs.length, 1);
  t.same((await result('block_by_hash', { hash: b.block_id.hash })).block.header.height, '1');
  t.same((await result('block_by_hash', { hash: 'AA'.repeat(32) })).block, null);
  t.equal((await result('header_by_hash', { hash: b2.block_id.hash })).header.height, '2');
  t.equal((await result('commit', { height: '2' })).signed_header.commit.height, '2');
  const br = await result('block_results', { height: '2' });
  t.equal(br.txs_results.length, 1);
  t.equal(br.txs_results[0].code, 0);
  t.equal((await result('block_results', { height: '1' })).txs_results, null);
  const chain = await result('blockchain', { minHeight: '1', maxHeight: String(latest) });
  t.equal(chain.block_metas.length, latest);
  t.equal(chain.block_metas[0].header.height, String(latest), 'newest first');
  t.match((await result('validators')).validators[0], { voting_power: '10', proposer_priority: '0' });
  t.equal((await result('genesis')).genesis.chain_id, 'vivian-test-1');
  const chunk = await result('genesis_chunked', { chunk: '0' });
  t.equal(JSON.parse(Buffer.from(chunk.data, 'base64').toString()).chain_id, 'vivian-test-1');
  t.match(await result('num_unconfirmed_txs'), { n_txs: '0', total: '0', total_bytes: '0' });
  t.same((await result('unconfirmed_txs')).txs, []);
  t.match(await result('net_info'), { listening: true, n_peers: '0' });
  t.match((await result('consensus_params')).consensus_params.block, { max_bytes: /^\d+$/ });
});

t.test('GET with URI arguments, the endpoint list and batches', async (t) => {
  const r = await rpc.inject({ url: '/block?height=1' });
  t.equal(r.json().result.block.header.height, '1');
  const q = await rpc.inject({ url: '/abci_query?path="/cosmos.bank.v1beta1.Query/Params"&data=0x' });
  t.equal(q.json().result.response.code, 0);
  t.match((await rpc.inject({ url: '/' })).body, /broadcast_tx_sync/);
  const batch = await rpc.inject({ method: 'POST', url: '/', payload: [{ jsonrpc: '2.0', id: 'a', method: 'health' }, { jsonrpc: '2.0', id: 7, method: 'nope' }] });
  const [one, two] = batch.json();
  t.same(one, { jsonrpc: '2.0', id: 'a', result: {} });
  t.equal(two.id, 7, 'numeric ids stay numbers');
  t.equal(two.error.code, -32601);
});

t.test('bad input: clear errors with the right codes, and the server keeps serving', async (t) => {
  const raw = (payload: string) => rpc.inject({ method: 'POST', url: '/', payload, headers: { 'content-type': 'application/json' } });
  const notJson = await raw('{"jsonrpc":');
  t.equal(notJson.statusCode, 400);
  t.equal(notJson.json().error.code, -32700);
  const textBody = await rpc.inject({ method: 'POST', url: '/', payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'health' }), headers: { 'content-type': 'text/plain' } });
  t.same(textBody.json().result, {}, 'any content type carrying JSON is served');
  const envelope = await raw(JSON.stringify({ id: 1, method: 'status' }));
  t.equal(envelope.statusCode, 400);
  t.equal(envelope.json().error.code, -32600, 'no jsonrpc field: invalid request');
  t.equal((await call('no_such_method')).body.error.code, -32601);
  t.equal((await call('block', { height: 'abc' })).body.error.code, -32602);
  t.match((await call('block', { height: '99999999999999999999' })).body.error, { code: -32602, data: /int64|integer/ });
  t.match((await call('block', { height: '-3' })).body.error, { code: -32602, data: /greater than 0/ });
  t.match((await call('block', { height: '1000000' })).body.error, { code: -32602, data: /less than or equal to the current blockchain height/ });
  t.match((await call('tx', { hash: 'xyz' })).body.error, { code: -32602, data: /32-byte hash/ });
  t.match((await call('tx', {})).body.error, { code: -32602, data: /hash: missing/ });
  t.match((await call('broadcast_tx_sync', { tx: '%%%' })).body.error, { code: -32602, data: /base64/ });
  const garbageTx = await result('broadcast_tx_sync', { tx: b64(Uint8Array.of(1, 2, 3)) });
  t.equal(garbageTx.code, 2, 'undecodable tx: sdk code 2');
  t.match((await call('tx_search', { query: "tx.height = 'x' OR" })).body.error, { code: -32603, data: /invalid query/ });
  t.match((await call('tx_search', { query: 'tx.height>0', page: '99' })).body.error, { data: /page should be within/ });
  t.match((await call('subscribe', { query: "tm.event='NewBlock'" })).body.error, { code: -32601, data: /websocket/ });
  t.equal((await call('status', 'not-params')).body.error.code, -32602, 'a string is not a params list');
  const huge = await raw(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'broadcast_tx_sync', params: { tx: 'A'.repeat(100 * 1024) } }));
  t.equal(huge.statusCode, 413);
  t.equal((await rpc.inject({ url: '/nope_method' })).statusCode, 404);
  const deep = await rpc.inject({ url: '/a/b/c' });
  t.equal(deep.statusCode, 404);
  t.equal(deep.json().error.code, -32601, 'unknown paths answer a JSON-RPC error too');
  t.equal((await rpc.inject({ url: '/block?height=abc' })).statusCode, 400);
  t.equal((await call('health')).status, 200, 'still serving');
});
