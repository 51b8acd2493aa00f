import t from 'tap';
import { QueryBalanceRequest, QueryBalanceResponse } from 'cosmjs-types/cosmos/bank/v1beta1/query';
import { QueryAccountRequest, QueryAccountResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { MsgMultiSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { moduleAddress } from '../../../chain/modules/auth/keeper.js';
import { parseAddress, toBech32Address } from '../../../chain/crypto/addresses.js';
import { makeTestNode, msgSend, secpAccounts, signTx, type TestAccount } from '../../helpers/chain.js';

const FUNDS = 1_000_000_000_000n;

async function setup(t: Tap.Test, cfg = {}) {
  const accs = await secpAccounts(3);
  const env = makeTestNode([accs[0]!.address, accs[1]!.address], cfg);
  t.teardown(env.cleanup);
  const { node } = env;
  const q = (path: string, data: Uint8Array) => node.app.query({ path, data, height: 0n, prove: false });
  const balance = (addr: string, denom = 'uviv') =>
    BigInt(QueryBalanceResponse.decode(q('/cosmos.bank.v1beta1.Query/Balance', QueryBalanceRequest.encode({ address: addr, denom }).finish()).value).balance!.amount);
  const account = (addr: string) => {
    const r = q('/cosmos.auth.v1beta1.Query/Account', QueryAccountRequest.encode({ address: addr }).finish());
    return r.code === 0 ? BaseAccount.decode(QueryAccountResponse.decode(r.value).account!.value) : undefined;
  };
  /** Puts txs straight into a block (bypassing the mempool) and returns their results. */
  const block = (...txs: Uint8Array[]) => {
    node.app.finalizeBlock({ txs, decidedLastCommit: { round: 0, votes: [] }, misbehavior: [], hash: new Uint8Array(32), height: node.app.height + 1n, time: { seconds: 1_700_000_000n + node.app.height, nanos: 0 }, nextValidatorsHash: new Uint8Array(32), proposerAddress: new Uint8Array(20) });
    node.app.commit();
    return node.app.lastCommittedBlock!.txs.map((x) => x.result);
  };
  const num = (addr: string) => account(addr)!.accountNumber;
  return { node, accs, balance, account, block, q, num };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Tap {
    type Test = import('tap').Test;
  }
}

/** a's account number (1: the fee collector module account is created first at genesis) */
const A_NUM = 1n;
const send = (a: TestAccount, to: string, amount: bigint, seq: bigint, extra: Partial<Parameters<typeof signTx>[2]> = {}) =>
  signTx(a, [msgSend(a.address, to, amount)], { accountNumber: A_NUM, sequence: seq, fee: [{ denom: 'uviv', amount: '1000' }], ...extra });

t.test('signature, chain id, account number and sequence are all enforced', async (t) => {
  const { node, accs, block, balance, account } = await setup(t);
  const [a, b, c] = accs as [TestAccount, TestAccount, TestAccount];
  const accNum = account(a.address)!.accountNumber;
  t.equal(accNum, A_NUM, 'genesis account numbers: module accounts first, then balances by address');

  const wrongChain = await send(a, c.address, 1n, 0n, { accountNumber: accNum, chainId: 'other-chain' });
  const r1 = node.app.checkTx({ tx: wrongChain, type: 0 });
  t.equal(r1.code, 4, 'wrong chain id: unauthorized');
  t.match(r1.log, /signature verification failed/);

  const wrongAccNum = await send(a, c.address, 1n, 0n, { accountNumber: accNum + 7n });
  t.equal(node.app.checkTx({ tx: wrongAccNum, type: 0 }).code, 4, 'wrong account number');

  const future = await send(a, c.address, 1n, 5n, { accountNumber: accNum });
  const r2 = node.app.checkTx({ tx: future, type: 0 });
  t.equal(r2.code, 32);
  t.match(r2.log, /account sequence mismatch, expected 0, got 5/);

  // b signs a tx claiming to be from a: the pubkey does not match the signer
  const forged = await signTx(b, [msgSend(a.address, c.address, 1n)], { accountNumber: accNum, sequence: 0n });
  t.equal(node.app.checkTx({ tx: forged, type: 0 }).code, 8, 'pubkey of another account refused');

  // a flipped signature bit
  const good = await send(a, c.address, 100n, 0n, { accountNumber: accNum });
  const raw = TxRaw.decode(good);
  raw.signatures[0]![10] ^= 1;
  t.equal(node.app.checkTx({ tx: TxRaw.encode(raw).finish(), type: 0 }).code, 4, 'bad signature');
  // truncated signature
  raw.signatures[0] = raw.signatures[0]!.subarray(0, 63);
  t.equal(node.app.checkTx({ tx: TxRaw.encode(raw).finish(), type: 0 }).code, 4, 'truncated signature');

  const before = balance(a.address);
  const [res, replay] = block(good, good);
  t.equal(res!.code, 0, res!.log);
  t.equal(replay!.code, 32, 'the same tx twice: the second is a replay');
  t.equal(balance(c.address), 100n);
  t.equal(balance(a.address), before - 100n - 1000n);
  t.equal(account(a.address)!.sequence, 1n);
  t.ok(account(a.address)!.pubKey, 'pubkey set on first tx');
});

t.test('malformed bytes and bad messages change nothing', async (t) => {
  const { node, accs, block, balance } = await setup(t);
  const [a, , c] = accs as [TestAccount, TestAccount, TestAccount];
  const hashBefore = node.app.appHash;
  for (const junk of [new Uint8Array(), Uint8Array.of(1, 2, 3), new Uint8Array(100).fill(0xff)]) {
    const r = node.app.checkTx({ tx: junk, type: 0 });
    t.equal(r.code, 2, `junk refused: ${r.log}`);
  }
  const unknown = await signTx(a, [{ typeUrl: '/vivian.nope.v1.MsgNope', value: new Uint8Array() }], { accountNumber: A_NUM, sequence: 0n });
  const ru = node.app.checkTx({ tx: unknown, type: 0 });
  t.equal(ru.code, 6);
  t.match(ru.log, /unrecognized message type/);

  const zero = await send(a, c.address, 0n, 0n);
  t.equal(node.app.checkTx({ tx: zero, type: 0 }).code, 10, 'zero amount');
  const badAddr = await signTx(a, [msgSend(a.address, 'vivian1notanaddress', 5n)], { accountNumber: A_NUM, sequence: 0n });
  t.equal(node.app.checkTx({ tx: badAddr, type: 0 }).code, 7, 'invalid address');
  const badDenom = await signTx(a, [msgSend(a.address, c.address, 5n, 'U!')], { accountNumber: A_NUM, sequence: 0n });
  t.equal(node.app.checkTx({ tx: badDenom, type: 0 }).code, 10, 'invalid denom');
  const longMemo = await signTx(a, [msgSend(a.address, c.address, 5n)], { accountNumber: A_NUM, sequence: 0n, memo: 'x'.repeat(300) });
  t.equal(node.app.checkTx({ tx: longMemo, type: 0 }).code, 12, 'memo too long');

  // a block of junk: every tx gets a version and an error; state unchanged apart from nothing
  const results = block(Uint8Array.of(9, 9), zero);
  t.same(results.map((r) => r.code), [2, 10]);
  t.equal(node.reader.ledgerSize(), 2n, 'failed txs still take a version');
  t.equal(balance(a.address), FUNDS);
  t.not(node.app.appHash, hashBefore);
});

t.test('a failed message pays the fee and bumps the sequence but reverts its writes', async (t) => {
  const { accs, block, balance, account } = await setup(t);
  const [a, , c] = accs as [TestAccount, TestAccount, TestAccount];
  const tooMuch = await send(a, c.address, FUNDS * 2n, 0n);
  const [r] = block(tooMuch);
  t.equal(r!.code, 5, r!.log);
  t.match(r!.log, /insufficient funds/);
  t.equal(balance(a.address), FUNDS - 1000n, 'fee paid');
  t.equal(balance(moduleAddress('fee_collector')), 1000n);
  t.equal(account(a.address)!.sequence, 1n, 'sequence bumped');
  t.equal(balance(c.address), 0n);
  t.ok(r!.events.some((e) => e.type === 'tx' && e.attributes.some((x) => x.key === 'fee')), 'ante events kept');
  t.notOk(r!.events.some((e) => e.type === 'transfer' && e.attributes.some((x) => x.value === c.address)), 'message events dropped');
});

t.test('out of gas fails with code 11 and reverts the messages', async (t) => {
  const { accs, block, balance, account } = await setup(t);
  const [a, , c] = accs as [TestAccount, TestAccount, TestAccount];
  // too little even for the ante: nothing at all is written
  const tiny = await send(a, c.address, 10n, 0n, { gas: 100n });
  const [r0] = block(tiny);
  t.equal(r0!.code, 11);
  t.equal(r0!.gasUsed, 100n, 'reported gas never exceeds the limit');
  t.equal(account(a.address)!.sequence, 0n, 'ante failure leaves nothing');
  t.equal(balance(a.address), FUNDS);
  // raise the limit until the ante passes but the transfer's writes do not fit
  let found = false;
  for (let gas = 20_000n; gas < 60_000n && !found; gas += 2_000n) {
    const [r] = block(await send(a, c.address, 10n, 0n, { gas }));
    if (account(a.address)!.sequence === 1n) {
      found = true;
      t.equal(r!.code, 11, r!.log);
      t.match(r!.log, /out of gas in location/);
      t.equal(balance(c.address), 0n, 'the transfer was reverted');
      t.equal(balance(a.address), FUNDS - 1000n, 'the fee was paid');
    } else t.equal(r!.code, 11);
  }
  t.ok(found, 'some gas limit covers the ante but not the message');
});

t.test('min gas price is a CheckTx policy; fees and simulate', async (t) => {
  const { node, accs, q } = await setup(t, { min_gas_price: '0.025uviv' });
  const [a, , c] = accs as [TestAccount, TestAccount, TestAccount];
  const cheap = await signTx(a, [msgSend(a.address, c.address, 10n)], { accountNumber: A_NUM, sequence: 0n, fee: [{ denom: 'uviv', amount: '10' }], gas: 200_000n });
  const r = node.app.checkTx({ tx: cheap, type: 0 });
  t.equal(r.code, 13);
  t.match(r.log, /insufficient fees; got: 10uviv required: 5000uviv/);
  const enough = await signTx(a, [msgSend(a.address, c.address, 10n)], { accountNumber: A_NUM, sequence: 0n, fee: [{ denom: 'uviv', amount: '5000' }], gas: 200_000n });
  t.equal(node.app.checkTx({ tx: enough, type: 0 }).code, 0);

  const { SimulateRequest, SimulateResponse } = await import('cosmjs-types/cosmos/tx/v1beta1/service');
  const sim = q('/cosmos.tx.v1beta1.Service/Simulate', SimulateRequest.encode({ txBytes: enough }).finish());
  t.equal(sim.code, 0, sim.log);
  const used = SimulateResponse.decode(sim.value).gasInfo!.gasUsed;
  t.ok(used > 20_000n && used < 200_000n, `simulated gas ${used}`);
  t.equal(node.reader.ledgerSize(), 0n, 'simulate commits nothing');
});

t.test('bank: multisend, module accounts, queries', async (t) => {
  const { node, accs, block, balance, q } = await setup(t);
  const [a, b, c] = accs as [TestAccount, TestAccount, TestAccount];
  const multi = {
    typeUrl: '/cosmos.bank.v1beta1.MsgMultiSend',
    value: MsgMultiSend.encode({
      inputs: [{ address: a.address, coins: [{ denom: 'uviv', amount: '30' }] }],
      outputs: [
        { address: b.address, coins: [{ denom: 'uviv', amount: '10' }] },
        { address: c.address, coins: [{ denom: 'uviv', amount: '20' }] },
      ],
    }).finish(),
  };
  const [r] = block(await signTx(a, [multi], { accountNumber: A_NUM, sequence: 0n }));
  t.equal(r!.code, 0, r!.log);
  t.equal(balance(c.address), 20n);
  t.equal(balance(b.address), FUNDS + 10n);

  const unbalanced = { ...multi, value: MsgMultiSend.encode({ inputs: [{ address: a.address, coins: [{ denom: 'uviv', amount: '31' }] }], outputs: [{ address: b.address, coins: [{ denom: 'uviv', amount: '30' }] }] }).finish() };
  t.equal(node.app.checkTx({ tx: await signTx(a, [unbalanced], { accountNumber: A_NUM, sequence: 1n }), type: 0 }).code, 10);

  const toModule = await signTx(a, [msgSend(a.address, moduleAddress('fee_collector'), 5n)], { accountNumber: A_NUM, sequence: 1n });
  const [rm] = block(toModule);
  t.equal(rm!.code, 4);
  t.match(rm!.log, /module account/);

  const { QueryTotalSupplyRequest, QueryTotalSupplyResponse, QueryDenomsMetadataRequest, QueryDenomsMetadataResponse, QueryAllBalancesRequest, QueryAllBalancesResponse } = await import('cosmjs-types/cosmos/bank/v1beta1/query');
  const supply = QueryTotalSupplyResponse.decode(q('/cosmos.bank.v1beta1.Query/TotalSupply', QueryTotalSupplyRequest.encode({}).finish()).value);
  t.same(supply.supply, [{ denom: 'uviv', amount: (2n * FUNDS).toString() }], 'supply unchanged by transfers');
  const meta = QueryDenomsMetadataResponse.decode(q('/cosmos.bank.v1beta1.Query/DenomsMetadata', QueryDenomsMetadataRequest.encode({}).finish()).value);
  t.equal(meta.metadatas[0]!.base, 'uviv');
  const all = QueryAllBalancesResponse.decode(q('/cosmos.bank.v1beta1.Query/AllBalances', QueryAllBalancesRequest.encode(QueryAllBalancesRequest.fromPartial({ address: c.address })).finish()).value);
  t.same(all.balances, [{ denom: 'uviv', amount: '20' }]);
  const empty = QueryBalanceResponse.decode(q('/cosmos.bank.v1beta1.Query/Balance', QueryBalanceRequest.encode({ address: toBech32Address(new Uint8Array(20).fill(7)), denom: 'uviv' }).finish()).value);
  t.equal(empty.balance?.amount, '0', 'empty balance answers 0');

  // queries at an older height see the older state
  const old = node.app.query({ path: '/cosmos.bank.v1beta1.Query/Balance', data: QueryBalanceRequest.encode({ address: c.address, denom: 'uviv' }).finish(), height: 1n, prove: false });
  t.equal(QueryBalanceResponse.decode(old.value).balance!.amount, '20');
  const genesisState = node.app.query({ path: '/cosmos.bank.v1beta1.Query/Balance', data: QueryBalanceRequest.encode({ address: c.address, denom: 'uviv' }).finish(), height: 0n + 0n, prove: false });
  t.equal(genesisState.code, 0);
  const future = node.app.query({ path: '/cosmos.bank.v1beta1.Query/Balance', data: new Uint8Array(), height: 99n, prove: false });
  t.equal(future.code, 26);
});

t.test('a failing simulation answers with the tx error, not an internal one', async (t) => {
  const { accs, q } = await setup(t);
  const [a, , c] = accs as [TestAccount, TestAccount, TestAccount];
  const { SimulateRequest } = await import('cosmjs-types/cosmos/tx/v1beta1/service');
  const tooMuch = await send(a, c.address, FUNDS * 2n, 0n);
  const sim = q('/cosmos.tx.v1beta1.Service/Simulate', SimulateRequest.encode({ txBytes: tooMuch }).finish());
  t.equal(sim.code, 5);
  t.equal(sim.codespace, 'sdk');
  t.match(sim.log, /insufficient funds/);
  t.notMatch(sim.log, /internal error/);
});

t.test('CheckTx takes the fee from the payer with the events block execution has, without crediting the collector', async (t) => {
  const { node, accs, block, balance } = await setup(t);
  const [a, , c] = accs as [TestAccount, TestAccount, TestAccount];
  const tx = await send(a, c.address, 5n, 0n);
  const checked = node.app.checkTxDetailed(tx);
  t.equal(checked.result.code, 0, checked.result.log);
  const collector = moduleAddress('fee_collector');
  const feeEvents = (events: typeof checked.result.events) =>
    events.filter((e) => e.attributes.some((x) => x.value === collector)).map((e) => JSON.stringify([e.type, e.attributes.map((x) => [x.key, x.value])]));
  const access = checked.checkAccess!;
  t.ok(access.written.length > 0 && access.read.length > 0, 'the check reports what it read and wrote');
  const collectorKeys = [...access.written, ...access.read].filter((k) => k.includes(Buffer.from(parseAddress(collector)).toString('latin1')));
  t.same(collectorKeys, [], "the check neither read nor wrote the collector's keys");
  const [r] = block(tx);
  t.equal(r!.code, 0, r!.log);
  t.ok(feeEvents(checked.result.events).length >= 2, 'fee events present');
  t.same(feeEvents(checked.result.events), feeEvents(r!.events), 'the same fee events');
  t.equal(balance(collector), 1000n, 'block execution credits the collector');
});

t.test('the same tx bytes in two blocks: both get a ledger version, lookup by hash keeps the first', async (t) => {
  const { node, accs, block } = await setup(t);
  const [a, b] = accs as [TestAccount, TestAccount];
  const tx = await send(a, b.address, 5n, 0n);
  t.equal(block(tx)[0]!.code, 0);
  const first = node.app.lastCommittedBlock!.txs[0]!;
  const replay = block(tx)[0]!;
  t.equal(replay.code, 32, 'a replay fails on its sequence (still recorded in the ledger)');
  const second = node.app.lastCommittedBlock!.txs[0]!;
  t.equal(second.version, first.version + 1n);
  t.equal(node.app.committedVersion(first.hash), first.version, 'the hash still names the first version');
});
