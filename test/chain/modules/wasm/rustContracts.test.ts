import t, { type Test } from 'tap';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { QueryBalanceRequest, QueryBalanceResponse } from 'cosmjs-types/cosmos/bank/v1beta1/query';
import { ContractHarness } from '../../../../chain/modules/wasm/harness.js';
import { WASM_CAPABILITIES } from '../../../../chain/modules/wasm/index.js';
import { WasmVm } from '../../../../vm/index.js';
import { contractWasm } from '../../../contracts/build.js';
import { contract, rustContract } from '../../../vm/fixtures.js';

/**
 * Rust-built CosmWasm contracts (cw-plus: cw20-base, cw721-base, cw3-fixed-multisig, cw1-whitelist) run on the
 * chain's wasm keeper unchanged, next to the AssemblyScript contracts.
 */

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');
const cw20 = rustContract('cw20-base');
const cw721 = rustContract('cw721-base');
const cw3 = rustContract('cw3-fixed-multisig');
const cw1 = rustContract('cw1-whitelist');
const asToken = await contractWasm('token');
const asEscrow = await contractWasm('escrow');

/** Puts the raw answer of query_chain for the execute msg (a QueryRequest) under the key "r". */
const querier = contract(`
  (data (i32.const 2000) "r")
  (data (i32.const 2008) "\\d0\\07\\00\\00\\01\\00\\00\\00\\01\\00\\00\\00")
  (func (export "instantiate") (param i32 i32 i32) (result i32) (call $ok))
  (func (export "execute") (param i32 i32 i32) (result i32)
    (call $db_write (i32.const 2008) (call $query_chain (local.get 2)))
    (call $ok))
`);

/** One VM for every harness (each code is compiled once); uploads need more gas than a call: the code is stored in state. */
const vm = new WasmVm({ capabilities: WASM_CAPABILITIES });
const harness = () => new ContractHarness({ gasLimit: 50_000_000, vm });

function fails(t: Test, fn: () => unknown, re: RegExp): void {
  try {
    fn();
    t.fail(`expected an error matching ${re}`);
  } catch (e) {
    t.match((e as Error).message, re);
  }
}

t.test('the chain offers the capabilities Rust contracts declare', async (t) => {
  for (const cap of ['iterator', 'staking', 'stargate']) t.ok(WASM_CAPABILITIES.includes(cap), cap);
});

t.test('cw20-base: balances, transfers, allowances, mint and burn, send into an AssemblyScript escrow', async (t) => {
  const h = harness();
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => h.addr(n)) as [string, string, string];
  const codeId = h.upload(cw20).codeId;
  const init = { name: 'Rust Token', symbol: 'RST', decimals: 6, initial_balances: [{ address: alice, amount: '1000' }, { address: carol, amount: '5' }], mint: { minter: alice, cap: '5000' } };
  const token = h.instantiate(codeId, alice, init, { label: 'rust cw20' }).address;

  const transfer = h.execute(token, alice, { transfer: { recipient: bob, amount: '10' } });
  t.same(ContractHarness.attributes(transfer.events, 'wasm'), { _contract_address: token, action: 'transfer', from: alice, to: bob, amount: '10' });
  t.same(h.query(token, { balance: { address: bob } }), { balance: '10' });
  fails(t, () => h.execute(token, bob, { transfer: { recipient: carol, amount: '11' } }), /Cannot Sub with 10 and 11/);

  h.execute(token, alice, { increase_allowance: { spender: bob, amount: '50', expires: { at_height: 100 } } });
  h.execute(token, bob, { transfer_from: { owner: alice, recipient: carol, amount: '20' } });
  t.same(h.query(token, { allowance: { owner: alice, spender: bob } }), { allowance: '30', expires: { at_height: 100 } });
  h.execute(token, alice, { decrease_allowance: { spender: bob, amount: '5' } });
  t.same(h.query(token, { all_allowances: { owner: alice } }), { allowances: [{ spender: bob, allowance: '25', expires: { at_height: 100 } }] });
  fails(t, () => h.execute(token, bob, { transfer_from: { owner: alice, recipient: bob, amount: '26' } }), /Cannot Sub/);

  h.execute(token, alice, { mint: { recipient: bob, amount: '100' } });
  fails(t, () => h.execute(token, bob, { mint: { recipient: bob, amount: '1' } }), /Unauthorized/);
  h.execute(token, bob, { burn: { amount: '1' } });
  t.same(h.query(token, { token_info: {} }), { name: 'Rust Token', symbol: 'RST', decimals: 6, total_supply: '1104' });
  t.same(h.query(token, { minter: {} }), { minter: alice, cap: '5000' });
  t.same(h.query<{ accounts: string[] }>(token, { all_accounts: {} }).accounts, [alice, bob, carol].sort());

  // send with the receive hook: the AssemblyScript escrow locks the Rust tokens, then pays them out through them
  const escrow = h.instantiate(h.upload(asEscrow).codeId, alice, {}).address;
  const create = { create: { id: 'e1', arbiter: alice, recipient: carol, title: 'rust tokens', description: 'held' } };
  h.execute(token, bob, { send: { contract: escrow, amount: '40', msg: b64(create) } });
  t.same(h.query(token, { balance: { address: escrow } }), { balance: '40' });
  t.match(h.query(escrow, { details: { id: 'e1' } }), { source: bob, cw20_balance: [{ address: token, amount: '40' }] });
  h.execute(escrow, alice, { approve: { id: 'e1' } });
  t.same(h.query(token, { balance: { address: escrow } }), { balance: '0' });
  t.same(h.query(token, { balance: { address: carol } }), { balance: '65' }, '5 + 20 + the 40 the escrow released');
  fails(t, () => h.execute(token, bob, { send: { contract: token, amount: '1', msg: b64({}) } }), /unknown variant `receive`/);
});

t.test('the AssemblyScript token and the Rust cw20-base answer the same query shapes with the same JSON', async (t) => {
  const h = harness();
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => h.addr(n)) as [string, string, string];
  const answers = [cw20, asToken].map((wasm) => {
    const init = { name: 'Same', symbol: 'SAME', decimals: 6, initial_balances: [{ address: alice, amount: '1000' }, { address: carol, amount: '5' }], mint: { minter: alice, cap: '99999' } };
    const token = h.instantiate(h.upload(wasm).codeId, alice, init).address;
    h.execute(token, alice, { transfer: { recipient: bob, amount: '10' } });
    h.execute(token, alice, { increase_allowance: { spender: bob, amount: '50', expires: { at_height: 100 } } });
    h.execute(token, alice, { increase_allowance: { spender: carol, amount: '7' } });
    h.execute(token, bob, { transfer_from: { owner: alice, recipient: carol, amount: '20' } });
    h.execute(token, alice, { mint: { recipient: bob, amount: '3' } });
    h.execute(token, alice, { burn: { amount: '1' } });
    const queries = [
      { balance: { address: bob } }, { balance: { address: h.addr('nobody') } }, { token_info: {} }, { minter: {} },
      { allowance: { owner: alice, spender: bob } }, { allowance: { owner: alice, spender: h.addr('nobody') } },
      { all_allowances: { owner: alice } }, { all_allowances: { owner: alice, limit: 1 } },
      { all_accounts: {} }, { all_accounts: { limit: 2 } }, { all_accounts: { start_after: bob } },
    ];
    return queries.map((q) => [q, h.query(token, q)]);
  });
  t.same(answers[1], answers[0]);
  t.same(answers[0]![0]![1], { balance: '13' });
});

t.test('cw721-base: mint, transfer, owner_of, tokens', async (t) => {
  const h = harness();
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => h.addr(n)) as [string, string, string];
  const nft = h.instantiate(h.upload(cw721).codeId, alice, { name: 'Rust NFT', symbol: 'RNFT', minter: alice }).address;
  h.execute(nft, alice, { mint: { token_id: 't1', owner: alice, token_uri: 'ipfs://t1', extension: {} } });
  h.execute(nft, alice, { mint: { token_id: 't2', owner: bob, extension: {} } });
  fails(t, () => h.execute(nft, bob, { mint: { token_id: 't3', owner: bob, extension: {} } }), /Caller is not the contract's current owner|Unauthorized/);
  fails(t, () => h.execute(nft, alice, { mint: { token_id: 't1', owner: bob, extension: {} } }), /token_id already claimed/);
  const moved = h.execute(nft, alice, { transfer_nft: { recipient: carol, token_id: 't1' } });
  t.match(ContractHarness.attributes(moved.events, 'wasm'), { action: 'transfer_nft', sender: alice, recipient: carol, token_id: 't1' });
  fails(t, () => h.execute(nft, alice, { transfer_nft: { recipient: alice, token_id: 't1' } }), /Unauthorized|Caller is not/);
  t.same(h.query(nft, { owner_of: { token_id: 't1' } }), { owner: carol, approvals: [] });
  t.same(h.query(nft, { tokens: { owner: carol } }), { tokens: ['t1'] });
  t.same(h.query(nft, { all_tokens: {} }), { tokens: ['t1', 't2'] });
  t.same(h.query(nft, { num_tokens: {} }), { count: 2 });
  t.same(h.query(nft, { nft_info: { token_id: 't1' } }), { token_uri: 'ipfs://t1', extension: {} });
  t.same(h.query(nft, { contract_info: {} }), { name: 'Rust NFT', symbol: 'RNFT' });
});

/** cw3-fixed-multisig with three voters of weight 1 and a threshold of 2, funded with 1,000 uviv. */
function multisig(h: ContractHarness) {
  const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => h.addr(n)) as [string, string, string, string];
  const init = { voters: [alice, bob, carol].map((addr) => ({ addr, weight: 1 })), threshold: { absolute_count: { weight: 2 } }, max_voting_period: { height: 100 } };
  const ms = h.instantiate(h.upload(cw3).codeId, alice, init).address;
  h.mint(ms, [{ denom: 'uviv', amount: 1000n }]);
  /** alice proposes (her yes counts), bob votes yes; returns the proposal id */
  const pass = (msgs: unknown[]): number => {
    const r = h.execute(ms, alice, { propose: { title: 'pay', description: 'pay dave', msgs } });
    const id = Number(ContractHarness.attributes(r.events, 'wasm').proposal_id);
    h.execute(ms, bob, { vote: { proposal_id: id, vote: 'yes' } });
    return id;
  };
  return { ms, alice, bob, carol, dave, pass };
}

t.test('cw3-fixed-multisig: a passed proposal burns coins (BankMsg::Burn): the balance and the supply shrink', async (t) => {
  const h = harness();
  const { ms, carol, pass } = multisig(h);
  const supplyBefore = h.bank.getSupply(h.store, 'uviv');
  const burn = { bank: { burn: { amount: [{ denom: 'uviv', amount: '200' }] } } };
  const exec = h.execute(ms, carol, { execute: { proposal_id: pass([burn]) } });
  t.match(ContractHarness.attributes(exec.events, 'burn'), { burner: ms, amount: '200uviv' });
  t.equal(h.balance(ms, 'uviv'), 800n);
  t.equal(h.bank.getSupply(h.store, 'uviv'), supplyBefore - 200n, 'the supply shrinks by what was burnt');
  const tooMuch = { bank: { burn: { amount: [{ denom: 'uviv', amount: '5000' }] } } };
  fails(t, () => h.execute(ms, carol, { execute: { proposal_id: pass([tooMuch]) } }), /insufficient|smaller than/i);
  t.equal(h.balance(ms, 'uviv'), 800n, 'a failed burn changes nothing');
  t.equal(h.bank.getSupply(h.store, 'uviv'), supplyBefore - 200n);
});

t.test('cw3-fixed-multisig: propose, vote and execute a bank send', async (t) => {
  const h = harness();
  const { ms, alice, carol, dave, pass } = multisig(h);
  const send = { bank: { send: { to_address: dave, amount: [{ denom: 'uviv', amount: '300' }] } } };
  const r = h.execute(ms, alice, { propose: { title: 'pay', description: 'pay dave', msgs: [send] } });
  const id = Number(ContractHarness.attributes(r.events, 'wasm').proposal_id);
  t.equal(id, 1);
  t.match(h.query(ms, { proposal: { proposal_id: id } }), { id, status: 'open', msgs: [send], proposer: alice });
  fails(t, () => h.execute(ms, alice, { execute: { proposal_id: id } }), /Proposal must have passed and not yet been executed/);
  h.execute(ms, carol, { vote: { proposal_id: id, vote: 'yes' } });
  t.match(h.query(ms, { proposal: { proposal_id: id } }), { status: 'passed' });
  const exec = h.execute(ms, dave, { execute: { proposal_id: id } });
  t.ok(exec.events.some((e) => e.type === 'transfer'), 'the bank send ran as the multisig');
  t.equal(h.balance(dave, 'uviv'), 300n);
  t.equal(h.balance(ms, 'uviv'), 700n);
  t.match(h.query(ms, { proposal: { proposal_id: id } }), { status: 'executed' });
  t.same(h.query(ms, { threshold: {} }), { absolute_count: { weight: 2, total_weight: 3 } });
  t.same(h.query(ms, { vote: { proposal_id: id, voter: carol } }), { vote: { proposal_id: id, voter: carol, vote: 'yes', weight: 1 } });
  void pass;
});

t.test('stargate messages: an SDK message the contract signs runs; one it does not sign, or a wasm one, is refused', async (t) => {
  const h = harness();
  const { ms, alice, dave, pass } = multisig(h);
  const msgSend = (from: string) => ({
    stargate: { type_url: '/cosmos.bank.v1beta1.MsgSend', value: Buffer.from(MsgSend.encode({ fromAddress: from, toAddress: dave, amount: [{ denom: 'uviv', amount: '25' }] }).finish()).toString('base64') },
  });
  h.execute(ms, dave, { execute: { proposal_id: pass([msgSend(ms)]) } });
  t.equal(h.balance(dave, 'uviv'), 25n, 'MsgSend from the multisig, through the bank module');
  fails(t, () => h.execute(ms, dave, { execute: { proposal_id: pass([msgSend(alice)]) } }), /cannot send \/cosmos.bank.v1beta1.MsgSend signed by/);
  const wasmMsg = { stargate: { type_url: '/cosmwasm.wasm.v1.MsgExecuteContract', value: '' } };
  fails(t, () => h.execute(ms, dave, { execute: { proposal_id: pass([wasmMsg]) } }), /use the wasm message/);
  fails(t, () => h.execute(ms, dave, { execute: { proposal_id: pass([{ stargate: { type_url: '/nope.Msg', value: '' } }]) } }), /routes no message \/nope.Msg/);
  t.equal(h.balance(dave, 'uviv'), 25n, 'failed executions moved nothing');

  // cw1-whitelist: an admin's messages run as the contract
  const wl = h.instantiate(h.upload(cw1).codeId, alice, { admins: [alice], mutable: false }).address;
  h.mint(wl, [{ denom: 'uviv', amount: 100n }]);
  h.execute(wl, alice, { execute: { msgs: [msgSend(wl)] } });
  t.equal(h.balance(dave, 'uviv'), 50n);
  fails(t, () => h.execute(wl, dave, { execute: { msgs: [msgSend(wl)] } }), /Unauthorized/);
});

t.test('staking: declared, answered as a chain with no bonded validators; staking messages refused', async (t) => {
  const h = harness();
  const { ms, dave, pass } = multisig(h);
  const delegate = { staking: { delegate: { validator: 'vivianvaloper1xyz', amount: { denom: 'uviv', amount: '10' } } } };
  fails(t, () => h.execute(ms, dave, { execute: { proposal_id: pass([delegate]) } }), /staking.delegate needs a staking module, which this chain does not have/);
  const withdraw = { distribution: { withdraw_delegator_reward: { validator: 'vivianvaloper1xyz' } } };
  fails(t, () => h.execute(ms, dave, { execute: { proposal_id: pass([withdraw]) } }), /distribution.withdraw_delegator_reward needs a staking module/);
  t.equal(h.balance(ms, 'uviv'), 1000n);
});

t.test('contract queries of the chain: stargate (JSON), grpc (protobuf), staking, bank supply', async (t) => {
  const h = harness();
  const alice = h.addr('alice');
  h.mint(alice, [{ denom: 'uviv', amount: 777n }]);
  const q = h.instantiate(h.upload(querier).codeId, alice, {}).address;
  const ask = (request: unknown) => {
    h.execute(q, alice, request);
    return JSON.parse(Buffer.from(h.keeper.queryRaw(h.store, q, new TextEncoder().encode('r'))!).toString());
  };
  const okJson = (answer: { ok: { ok: string } }) => JSON.parse(Buffer.from(answer.ok.ok, 'base64').toString());
  const balanceReq = Buffer.from(QueryBalanceRequest.encode({ address: alice, denom: 'uviv' }).finish()).toString('base64');
  const path = '/cosmos.bank.v1beta1.Query/Balance';

  t.same(okJson(ask({ stargate: { path, data: balanceReq } })), { balance: { denom: 'uviv', amount: '777' } });
  const grpc = ask({ grpc: { path, data: balanceReq } });
  t.same(QueryBalanceResponse.decode(Buffer.from(grpc.ok.ok, 'base64')).balance, { denom: 'uviv', amount: '777' });
  t.same(okJson(ask({ stargate: { path: '/cosmos.bank.v1beta1.Query/Params', data: '' } })), { params: { send_enabled: [], default_send_enabled: true } });
  t.same(ask({ stargate: { path: '/cosmwasm.wasm.v1.Query/SmartContractState', data: '' } }), {
    error: { unsupported_request: { kind: "'/cosmwasm.wasm.v1.Query/SmartContractState' path is not allowed from the contract" } },
  });
  t.match(ask({ stargate: { path, data: b64('\u00ff\u00ff') } }), { ok: { error: /./ } }, 'a request that does not decode is the contract\'s error');

  t.same(okJson(ask({ staking: { bonded_denom: {} } })), { denom: 'uviv' });
  t.same(okJson(ask({ staking: { all_validators: {} } })), { validators: [] });
  t.same(okJson(ask({ staking: { validator: { address: 'vivianvaloper1xyz' } } })), { validator: null });
  t.same(okJson(ask({ staking: { all_delegations: { delegator: alice } } })), { delegations: [] });
  t.same(okJson(ask({ staking: { delegation: { delegator: alice, validator: 'vivianvaloper1xyz' } } })), { delegation: null });
  t.match(ask({ staking: { all_delegations: { delegator: 'nope' } } }), { ok: { error: /delegator/ } });
  t.same(okJson(ask({ distribution: { delegator_withdraw_address: { delegator_address: alice } } })), { withdraw_address: alice });
  t.same(okJson(ask({ bank: { supply: { denom: 'uviv' } } })), { amount: { denom: 'uviv', amount: '777' } });
  t.same(ask({ staking: { nope: {} } }), { error: { unsupported_request: { kind: 'staking.nope' } } });
  // all_denom_metadata (cosmwasm_1_3), paged by key as the SDK pages
  for (const base of ['uaaa', 'ubbb', 'uccc']) {
    h.bank.setMetadata(h.store, { description: base, denomUnits: [{ denom: base, exponent: 0, aliases: [] }], base, display: base, name: base, symbol: base, uri: '', uriHash: '' });
  }
  const first = okJson(ask({ bank: { all_denom_metadata: { pagination: { key: null, limit: 2, reverse: false } } } }));
  t.same(first.metadata.map((m: { base: string }) => m.base), ['uaaa', 'ubbb']);
  t.match(first.metadata[0], { description: 'uaaa', denom_units: [{ denom: 'uaaa', exponent: 0 }], display: 'uaaa' });
  t.type(first.next_key, 'string', 'more pages: a next key');
  const second = okJson(ask({ bank: { all_denom_metadata: { pagination: { key: first.next_key, limit: 2, reverse: false } } } }));
  t.same(second.metadata.map((m: { base: string }) => m.base), ['uccc']);
  t.equal(second.next_key, null, 'the last page');
  t.same(okJson(ask({ bank: { all_denom_metadata: {} } })).metadata.length, 3, 'without pagination: the default page');
  t.match(ask({ bank: { all_denom_metadata: { pagination: { key: null, limit: 1.5, reverse: false } } } }), { ok: { error: /pagination limit 1.5 is not a u32/ } }, 'a bad limit is the contract\'s error');
  t.match(ask({ bank: { all_denom_metadata: { pagination: { key: 7, limit: 1, reverse: false } } } }), { ok: { error: /pagination key is not base64/ } });
});

t.test('deterministic: the same Rust contract calls use the same gas on two fresh chains', async (t) => {
  const run = () => {
    const h = harness();
    const alice = h.addr('alice');
    const gas: number[] = [];
    const up = h.upload(cw20);
    gas.push(up.gasUsed);
    const init = h.instantiate(up.codeId, alice, { name: 'Rust Token', symbol: 'RST', decimals: 6, initial_balances: [{ address: alice, amount: '1000' }] });
    gas.push(init.gasUsed);
    for (const n of ['bob', 'carol', 'bob']) gas.push(h.execute(init.address, alice, { transfer: { recipient: h.addr(n), amount: '3' } }).gasUsed);
    const { ms, dave, pass } = multisig(h);
    gas.push(h.execute(ms, dave, { execute: { proposal_id: pass([{ bank: { send: { to_address: dave, amount: [{ denom: 'uviv', amount: '1' }] } } }]) } }).gasUsed);
    return gas;
  };
  const a = run();
  const b = run();
  t.same(b, a, `SDK gas per call: ${a.join(', ')}`);
  t.ok(a.every((g) => g > 0));
});
