import t from 'tap';
import { QueryBalanceRequest, QueryBalanceResponse } from 'cosmjs-types/cosmos/bank/v1beta1/query';
import { QueryAccountRequest, QueryAccountResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { makeTestNode, msgSend, secpAccounts, signTx } from '../../helpers/chain.js';

t.test('a signed MsgSend commits and moves funds', async (t) => {
  const [a, b] = await secpAccounts(2);
  const env = makeTestNode([a!.address]);
  t.teardown(env.cleanup);
  const { node } = env;

  const balance = (addr: string) => {
    const r = node.app.query({ path: '/cosmos.bank.v1beta1.Query/Balance', data: QueryBalanceRequest.encode({ address: addr, denom: 'uviv' }).finish(), height: 0n, prove: false });
    t.equal(r.code, 0, r.log);
    return BigInt(QueryBalanceResponse.decode(r.value).balance!.amount);
  };
  const accountOf = (addr: string) => {
    const r = node.app.query({ path: '/cosmos.auth.v1beta1.Query/Account', data: QueryAccountRequest.encode({ address: addr }).finish(), height: 0n, prove: false });
    return r;
  };
  const accRes = accountOf(a!.address);
  t.equal(accRes.code, 0);
  const acc = BaseAccount.decode(QueryAccountResponse.decode(accRes.value).account!.value);
  const missing = accountOf(b!.address);
  t.not(missing.code, 0);
  t.match(missing.log, /rpc error: code = NotFound/);

  const tx = await signTx(a!, [msgSend(a!.address, b!.address, 12345n)], { accountNumber: acc.accountNumber, sequence: 0n, fee: [{ denom: 'uviv', amount: '500' }] });
  const added = node.broadcastTx(tx);
  t.equal(added.result.code, 0, added.result.log);
  const committed = node.engine.produceBlock();
  t.equal(committed.txs.length, 1);
  t.equal(committed.txs[0]!.result.code, 0, committed.txs[0]!.result.log);
  t.equal(balance(b!.address), 12345n);
  t.equal(balance(a!.address), 1_000_000_000_000n - 12345n - 500n);

  // replay of the same bytes is refused by the mempool
  const again = node.broadcastTx(tx);
  t.equal(again.result.code, 19);

  // stored in the ledger by version and by hash
  const stored = node.reader.txByHash(committed.txs[0]!.hash);
  t.equal(stored?.version, 0n);
  t.equal(node.reader.ledgerSize(), 1n);
  t.ok(node.reader.block(committed.height));
  t.ok(node.reader.seenCommit(committed.height));
});
