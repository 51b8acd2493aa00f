import t from 'tap';
import { QueryBalanceRequest, QueryBalanceResponse } from 'cosmjs-types/cosmos/bank/v1beta1/query';
import { StatePruner } from '../../../chain/store/pruning.js';
import { Bucket, u64be, type BucketId } from '../../../chain/store/buckets.js';
import { escapeKey, historyKey } from '../../../chain/store/history.js';
import { concatBytes } from '../../../chain/store/kv.js';
import { decodeKeyList, encodeKeyList } from '../../../chain/store/keyList.js';
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
  const indexed = (height: number) => [...node.db.range(Bucket.TxEventValues, new Uint8Array(), undefined)].some(([k]) => k[k.length - 1] === height && k[k.length - 9] === 0);
  t.notOk(indexed(1), 'tx of height 1 unindexed');
  t.ok(indexed(6), 'tx of height 6 indexed');
  t.ok(node.reader.txByVersion(0n), 'the ledger is never pruned');
});

t.test('pruning reads the per-height key lists and the one-row-per-key layout of earlier releases alike', async (t) => {
  const [a, b] = (await secpAccounts(2)) as [TestAccount, TestAccount];
  const env = makeTestNode([a.address]);
  t.teardown(env.cleanup);
  const { node } = env;
  node.app.addParticipant(new StatePruner(node.db, node.reader, 2n));
  // legacy rows for height 3 (as earlier releases wrote them): a stale tree node and a changed state key
  const legacyNode = Uint8Array.of(0xee, 1, 2, 3);
  const legacyStateKey = Uint8Array.of(0x7f, 0x00, 0x01);
  const oldHistory = historyKey(legacyStateKey, 1n).subarray(0);
  node.db.commit((batch) => {
    batch.put(Bucket.StateTreeNode, legacyNode, Uint8Array.of(1));
    batch.put(Bucket.StateTreeStale, concatBytes(u64be(3n), legacyNode), new Uint8Array());
    batch.put(Bucket.StateChangedAt, concatBytes(u64be(3n), legacyStateKey), new Uint8Array());
    batch.put(Bucket.StateHistory, oldHistory, Uint8Array.of(1, 42));
  });
  for (let seq = 0n; seq < 5n; seq++) {
    node.broadcastTx(await signTx(a, [msgSend(a.address, b.address, 10n)], { accountNumber: 1n, sequence: seq }));
    node.engine.produceBlock();
  }
  t.equal(node.app.earliestStateHeight(), 3n);
  t.equal(node.db.get(Bucket.StateTreeNode, legacyNode), undefined, 'the legacy stale node is deleted');
  t.equal(node.db.get(Bucket.StateHistory, oldHistory), undefined, 'history older than the boundary is deleted');
  const rowsUpTo = (bucket: BucketId, height: bigint) => [...node.db.range(bucket, new Uint8Array(), u64be(height + 1n))].length;
  t.equal(rowsUpTo(Bucket.StateTreeStale, 3n), 0, 'no stale-node rows left at or below the boundary');
  t.equal(rowsUpTo(Bucket.StateChangedAt, 3n), 0, 'no changed-key rows left at or below the boundary');
  // newer heights keep one row each (keyList.ts), listing what pruning will need
  const row = node.db.get(Bucket.StateChangedAt, u64be(5n))!;
  t.ok(decodeKeyList(row).some((k) => Buffer.from(k).equals(Buffer.from(balanceKey(parseAddress(b.address), 'uviv')))), "height 5 lists b's balance key");
  t.ok(decodeKeyList(node.db.get(Bucket.StateTreeStale, u64be(5n))!).length > 0, 'height 5 lists its stale tree nodes');
});

t.test('key lists round-trip and refuse truncated input', async (t) => {
  const items = [new Uint8Array(0), Uint8Array.of(0), new Uint8Array(300).fill(7), Uint8Array.of(1, 2, 3)];
  const enc = encodeKeyList(items);
  t.same(decodeKeyList(enc).map((x) => [...x]), items.map((x) => [...x]));
  t.same(decodeKeyList(new Uint8Array(0)), []);
  t.throws(() => decodeKeyList(enc.subarray(0, enc.length - 1)), /truncated item/);
  t.throws(() => decodeKeyList(Uint8Array.of(0)), /truncated length/);
  t.throws(() => encodeKeyList([new Uint8Array(0x10000)]), /exceeds/);
});
