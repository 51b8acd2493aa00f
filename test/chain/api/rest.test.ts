import t from 'tap';
import { buildRestServer } from '../../../chain/api/index.js';
import { makeTestNode, msgSend, secpAccounts, signTx } from '../../helpers/chain.js';

const [alice, bob, carol] = await secpAccounts(3);
const tn = makeTestNode([alice!.address], { max_body_bytes: 32 * 1024 });
const { node } = tn;
node.engine.produceBlock();
node.start();
const rest = buildRestServer(node);
t.teardown(async () => {
  await rest.close();
  await tn.cleanup();
});

const get = async (url: string, headers: Record<string, string> = {}) => {
  const r = await rest.inject({ url, headers });
  return { status: r.statusCode, body: r.json(), headers: r.headers };
};
const post = async (url: string, payload: unknown) => {
  const r = await rest.inject({ method: 'POST', url, payload: payload as object });
  return { status: r.statusCode, body: r.json() };
};
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

t.test('auth and bank routes in gateway JSON', async (t) => {
  const acc = await get(`/cosmos/auth/v1beta1/accounts/${alice!.address}`);
  t.equal(acc.status, 200);
  t.same(acc.body.account, { '@type': '/cosmos.auth.v1beta1.BaseAccount', address: alice!.address, pub_key: null, account_number: '1', sequence: '0' });
  const unknown = await get(`/cosmos/auth/v1beta1/accounts/${bob!.address}`);
  t.equal(unknown.status, 404);
  t.match(unknown.body, { code: 5, message: /not found/, details: [] });
  t.match((await get('/cosmos/auth/v1beta1/params')).body.params, { max_memo_characters: /^\d+$/, tx_sig_limit: /^\d+$/ });

  const bal = await get(`/cosmos/bank/v1beta1/balances/${alice!.address}`);
  t.same(bal.body, { balances: [{ denom: 'uviv', amount: '1000000000000' }], pagination: { next_key: null, total: '0' } });
  t.same((await get(`/cosmos/bank/v1beta1/balances/${bob!.address}`)).body.balances, [], 'empty address: no balances');
  t.same((await get(`/cosmos/bank/v1beta1/balances/${bob!.address}/by_denom?denom=uviv`)).body, { balance: { denom: 'uviv', amount: '0' } });
  t.same((await get(`/cosmos/bank/v1beta1/spendable_balances/${alice!.address}`)).body.balances, [{ denom: 'uviv', amount: '1000000000000' }]);
  const paged = await get(`/cosmos/bank/v1beta1/balances/${alice!.address}?pagination.limit=1&pagination.count_total=true`);
  t.equal(paged.body.pagination.total, '1');
  t.match((await get('/cosmos/bank/v1beta1/supply')).body.supply, [{ denom: 'uviv', amount: /^\d+$/ }]);
  t.match((await get('/cosmos/bank/v1beta1/supply/by_denom?denom=uviv')).body.amount, { denom: 'uviv', amount: /^\d+$/ });
  t.match((await get('/cosmos/bank/v1beta1/denoms_metadata')).body.metadatas, [{ base: 'uviv', denom_units: [{ denom: 'uviv', exponent: 0 }] }]);
  t.match((await get('/cosmos/bank/v1beta1/params')).body.params, { default_send_enabled: true });
  t.equal((await get(`/cosmos/bank/v1beta1/balances/${alice!.address}`, { 'x-cosmos-block-height': '1' })).status, 200, 'query at a height');
});

t.test('tx service: simulate, broadcast, get by hash, search by events', async (t) => {
  const tx = await signTx(alice!, [msgSend(alice!.address, carol!.address, 77n)], { accountNumber: 1n, sequence: 0n, memo: 'rest' });
  const sim = await post('/cosmos/tx/v1beta1/simulate', { tx_bytes: b64(tx) });
  t.equal(sim.status, 200);
  t.match(sim.body.gas_info, { gas_used: /^[1-9]\d*$/ });
  t.equal(sim.body.result.msg_responses[0]['@type'], '/cosmos.bank.v1beta1.MsgSendResponse');

  const sent = await post('/cosmos/tx/v1beta1/txs', { tx_bytes: b64(tx), mode: 'BROADCAST_MODE_BLOCK' });
  t.equal(sent.status, 200);
  const r = sent.body.tx_response;
  t.equal(r.code, 0);
  t.match(r, { txhash: /^[0-9A-F]{64}$/, height: /^[1-9]\d*$/, timestamp: /Z$/ });
  t.equal(r.tx['@type'], '/cosmos.tx.v1beta1.Tx');
  t.same(r.tx.body.messages[0], { '@type': '/cosmos.bank.v1beta1.MsgSend', from_address: alice!.address, to_address: carol!.address, amount: [{ denom: 'uviv', amount: '77' }] });
  t.equal(r.tx.auth_info.signer_infos[0].public_key['@type'], '/cosmos.crypto.secp256k1.PubKey');
  t.equal(r.tx.auth_info.signer_infos[0].mode_info.single.mode, 'SIGN_MODE_DIRECT');

  const byHash = await get(`/cosmos/tx/v1beta1/txs/${r.txhash.toLowerCase()}`);
  t.equal(byHash.status, 200);
  t.equal(byHash.body.tx.body.memo, 'rest');
  t.equal(byHash.body.tx_response.txhash, r.txhash);

  const sync = await post('/cosmos/tx/v1beta1/txs', { tx_bytes: b64(await signTx(alice!, [msgSend(alice!.address, carol!.address, 1n)], { accountNumber: 1n, sequence: 1n })), mode: 'BROADCAST_MODE_SYNC' });
  t.equal(sync.body.tx_response.code, 0);
  t.equal(sync.body.tx_response.height, '0');
  await node.engine.waitForHeight(BigInt(r.height) + 1n);

  const ev = await get(`/cosmos/tx/v1beta1/txs?events=message.sender=${alice!.address}&events=transfer.recipient='${carol!.address}'`);
  t.equal(ev.status, 200);
  t.equal(ev.body.total, '2');
  t.equal(ev.body.tx_responses.length, 2);
  const q = await get(`/cosmos/tx/v1beta1/txs?query=${encodeURIComponent(`tx.height=${r.height}`)}`);
  t.equal(q.body.tx_responses[0].txhash, r.txhash);
  const page = await get(`/cosmos/tx/v1beta1/txs?events=message.sender=${alice!.address}&limit=1&page=2&order_by=ORDER_BY_DESC`);
  t.equal(page.body.tx_responses[0].txhash, r.txhash, 'second page of newest-first');
  t.equal(page.body.pagination.total, '2');
});

t.test('tendermint service', async (t) => {
  const info = await get('/cosmos/base/tendermint/v1beta1/node_info');
  t.match(info.body.default_node_info, { network: 'vivian-test-1', version: /^0\.38\./ });
  t.same((await get('/cosmos/base/tendermint/v1beta1/syncing')).body, { syncing: false });
  const latest = await get('/cosmos/base/tendermint/v1beta1/blocks/latest');
  t.match(latest.body.block_id, { hash: /=$/, part_set_header: { total: 1 } });
  t.match(latest.body.sdk_block.header.proposer_address, /^vivianvalcons1/);
  t.equal((await get('/cosmos/base/tendermint/v1beta1/blocks/1')).body.block.header.height, '1');
  const vs = await get('/cosmos/base/tendermint/v1beta1/validatorsets/latest');
  t.match(vs.body.validators[0], { address: /^vivianvalcons1/, pub_key: { '@type': '/cosmos.crypto.ed25519.PubKey' }, voting_power: '10' });
});

t.test('OpenAPI document and docs page', async (t) => {
  const doc = await get('/openapi.json');
  t.equal(doc.status, 200);
  t.ok(doc.body.paths['/cosmos/bank/v1beta1/balances/{address}'], 'routes documented');
  t.ok(doc.body.paths['/cosmos/tx/v1beta1/txs'].post);
  const page = await rest.inject({ url: '/docs/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /html/);
});

t.test('bad input: typed errors as {code, message} with the right status', async (t) => {
  t.match(await get('/cosmos/bank/v1beta1/balances/notanaddress'), { status: 400, body: { code: 3, message: /bech32/ } });
  t.match(await get(`/cosmos/bank/v1beta1/balances/${alice!.address.slice(0, -1)}x`), { status: 400, body: { code: 3 } });
  t.match(await get(`/cosmos/bank/v1beta1/balances/${alice!.address}/by_denom`), { status: 400, body: { code: 3, message: /denom/ } });
  t.match(await get(`/cosmos/bank/v1beta1/balances/${alice!.address}/by_denom?denom=%20bad`), { status: 400 });
  t.match(await get(`/cosmos/bank/v1beta1/balances/${alice!.address}?pagination.limit=-1`), { status: 400 });
  t.match(await get(`/cosmos/bank/v1beta1/balances/${alice!.address}?pagination.limit=5000`), { status: 400, body: { message: /limit/ } });
  t.match(await get(`/cosmos/bank/v1beta1/balances/${alice!.address}`, { 'x-cosmos-block-height': '99999' }), { status: 400, body: { message: /future/ } });
  t.match(await get('/cosmos/tx/v1beta1/txs/1234'), { status: 400, body: { message: /64 hex/ } });
  t.match(await get(`/cosmos/tx/v1beta1/txs/${'AB'.repeat(32)}`), { status: 404, body: { code: 5 } });
  t.match(await get('/cosmos/tx/v1beta1/txs'), { status: 400, body: { message: /query cannot be empty/ } });
  t.match(await get(`/cosmos/tx/v1beta1/txs?query=${encodeURIComponent("a.b = 'x' OR")}`), { status: 400, body: { message: /invalid query/ } });
  t.match(await get('/cosmos/base/tendermint/v1beta1/blocks/99999999999'), { status: 400, body: { message: /bigger than the chain length/ } });
  t.match(await get('/cosmos/base/tendermint/v1beta1/blocks/-1'), { status: 400 });
  t.match(await get('/no/such/path'), { status: 404, body: { code: 5 } });
  t.match(await post('/cosmos/tx/v1beta1/txs', { tx_bytes: 5 }), { status: 400 });
  t.match(await post('/cosmos/tx/v1beta1/txs', { tx_bytes: '!!!', mode: 'BROADCAST_MODE_SYNC' }), { status: 400, body: { message: /base64/ } });
  t.match(await post('/cosmos/tx/v1beta1/txs', { mode: 'BROADCAST_MODE_SYNC' }), { status: 400, body: { code: 3 } });
  t.match(await post('/cosmos/tx/v1beta1/simulate', { tx_bytes: b64(Uint8Array.of(9, 9)) }), { status: 400, body: { code: 3, message: /tx parse error/ } });
  const notJson = await rest.inject({ method: 'POST', url: '/cosmos/tx/v1beta1/txs', payload: '{oops', headers: { 'content-type': 'application/json' } });
  t.equal(notJson.statusCode, 400);
  t.equal(notJson.json().code, 3);
  const big = await rest.inject({ method: 'POST', url: '/cosmos/tx/v1beta1/txs', payload: { tx_bytes: 'A'.repeat(64 * 1024) } });
  t.equal(big.statusCode, 413);
  t.equal(big.json().code, 8);
  t.equal((await get('/cosmos/bank/v1beta1/params')).status, 200, 'still serving');
});
