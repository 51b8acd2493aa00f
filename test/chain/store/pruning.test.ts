import t from 'tap';
import { QueryBalanceRequest, QueryBalanceResponse } from 'cosmjs-types/cosmos/bank/v1beta1/query';
import { StatePruner } from '../../../chain/store/pruning.js';
import { Bucket } from '../../../chain/store/buckets.js';
import { escapeKey } from '../../../chain/store/history.js';
import { balanceKey } from '../../../chain/modules/bank/keys.js';
import { parseAddress } from '../../../chain/crypto/addresses.js';
import { makeTestNode, msgSend, secpAccounts, signTx, type TestAccount } from '../../helpers/chain.js';

t.test('pruning keeps the last N heights readable and forgets older state, tree nodes and index entries', async (t) => {
  const [a, b] = (await secpAccounts(2)) as [TestAccount, TestAccount];
  const env = makeTestNode([a.address]);
  t.teardown(env.cleanup);
  const { node } = env;
  node.app.addParticipant(new StatePruner(node.db, node.reader, 2n));
  const balanceAt = (height: bigint) => {
    const r = node.app.query({ path: '/cosmos.bank.v1beta1.Query/Balance', data: QueryBalanceRequest.encode({ address: b.address, denom: 'uviv' }).finish(), height, prove: false });
    return r.code === 0 ? BigInt(QueryBalanceResponse.decode(r.value).balance!.amount) : r;
  };
  for (let seq = 0n; seq < 6n; seq++) {
    node.broadcastTx(await signTx(a, [msgSend(a.address, b.address, 10n)], { accountNumber: 1n, sequence: seq }));
    const blk = node.engine.produceBlock();
    t.equal(blk.txs[0]!.result.code, 0);
  }
  // heights 1..6 committed, each sending 10: keep 2 => boundary 4 is the earliest readable height
  t.equal(node.app.height, 6n);
  t.equal(node.app.earliestStateHeight(), 4n);
  t.equal(balanceAt(6n), 60n);
  t.equal(balanceAt(4n), 40n, 'the boundary height still reads correctly');
  const pruned = balanceAt(3n);
  t.equal(typeof pruned, 'object');
  t.match((pruned as { log: string }).log, /pruned or before genesis; the earliest queryable height is 4/);

  // history of b's balance: only rows at heights >= 4 remain
  const prefix = new Uint8Array([...escapeKey(balanceKey(parseAddress(b.address), 'uviv')), 0, 1]);
  const rows = [...node.db.range(Bucket.StateHistory, prefix, new Uint8Array([...prefix, ...new Uint8Array(9).fill(0xff)]))];
  t.equal(rows.length, 3, 'rows for heights 4, 5, 6');
  // proofs at the boundary still work, older tree versions are gone
  t.ok(node.app.stateProof(balanceKey(parseAddress(b.address), 'uviv'), 4n).value);
  t.throws(() => node.app.stateProof(balanceKey(parseAddress(b.address), 'uviv'), 2n));
  // the index of pruned blocks is gone, newer blocks stay searchable; the ledger keeps every tx
  // index rows are keyed by height
  const indexed = (height: number) => [...node.db.range(Bucket.TxEventIndex, new Uint8Array(), undefined)].some(([k]) => k[k.length - 1] === height && k[k.length - 9] === 0);
  t.notOk(indexed(1), 'tx of height 1 unindexed');
  t.ok(indexed(6), 'tx of height 6 indexed');
  t.ok(node.reader.txByVersion(0n), 'the ledger is never pruned');
});
