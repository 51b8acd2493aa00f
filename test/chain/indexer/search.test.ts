import t from 'tap';
import { parseQuery, matchesEvents, TxSearch } from '../../../chain/indexer/search.js';
import { pruneTxIndex } from '../../../chain/indexer/prune.js';
import { blockIndexRows, encodeValueRow, valueRowVersions } from '../../../chain/indexer/txIndexer.js';
import { reindexRetiredEventRows } from '../../../chain/indexer/reindex.js';
import { Bucket } from '../../../chain/store/buckets.js';
import { makeTestNode, msgSend, secpAccounts, signTx } from '../../helpers/chain.js';

t.test('parser: the CometBFT query language', async (t) => {
  t.same(parseQuery("tm.event='Tx' AND message.sender='abc'").conditions, [
    { key: 'tm.event', op: '=', operand: { kind: 'string', text: 'Tx' } },
    { key: 'message.sender', op: '=', operand: { kind: 'string', text: 'abc' } },
  ]);
  t.same(parseQuery('tx.height>=5 and tx.height <= 10').conditions.map((c) => [c.op, c.operand?.text]), [['>=', '5'], ['<=', '10']]);
  t.same(parseQuery("transfer.amount CONTAINS 'uviv'").conditions[0]!.op, 'CONTAINS');
  t.same(parseQuery('message.memo EXISTS').conditions[0], { key: 'message.memo', op: 'EXISTS' });
  t.equal(parseQuery('block.time > TIME 2024-01-01T00:00:00Z').conditions[0]!.operand!.kind, 'time');
  t.equal(parseQuery('block.date = DATE 2024-01-01').conditions[0]!.operand!.kind, 'time');
  t.equal(parseQuery('x.y = -1.5').conditions[0]!.operand!.text, '-1.5');
  for (const bad of ['', '   ', "a.b = 'unterminated", 'a.b', 'a.b ==', "a.b = 'x' AND", "a.b = 'x' OR c.d = 'y'", "= 'x'", 'a.b CONTAINS 5', 'a.b = TIME yesterday', 'x'.repeat(600)]) {
    t.throws(() => parseQuery(bad), { codespace: 'indexer', code: 2 }, `refuses ${JSON.stringify(bad.slice(0, 40))}`);
  }
});

t.test('matching one event map (subscriptions)', async (t) => {
  const events = new Map([
    ['tm.event', ['Tx']],
    ['transfer.amount', ['100uviv', '5uviv']],
    ['tx.height', ['12']],
  ]);
  t.ok(matchesEvents(parseQuery("tm.event='Tx'"), events));
  t.notOk(matchesEvents(parseQuery("tm.event='NewBlock'"), events));
  t.ok(matchesEvents(parseQuery("transfer.amount CONTAINS '5u'"), events));
  t.ok(matchesEvents(parseQuery('tx.height > 9 AND tx.height < 13'), events), 'numeric, not lexicographic');
  t.notOk(matchesEvents(parseQuery('tx.height > 100'), events));
  t.ok(matchesEvents(parseQuery('transfer.amount EXISTS'), events));
  t.notOk(matchesEvents(parseQuery('coin_spent.amount EXISTS'), events));
});

t.test('search over the event index of a real node', async (t) => {
  const [a, b, c] = await secpAccounts(3);
  const tn = makeTestNode([a!.address, b!.address]);
  t.teardown(tn.cleanup);
  const { node } = tn;
  // block 1: a->c 10 and b->c 20; block 2: a->c 30; block 3: a->b 40
  const send = (from: typeof a, to: string, amount: bigint, sequence: bigint, accountNumber: bigint) =>
    signTx(from!, [msgSend(from!.address, to, amount)], { accountNumber, sequence });
  const accNum = (addr: string) => node.app.auth.getAccount(node.db.bucketReader(Bucket.State), addr)!.accountNumber;
  const [na, nb] = [accNum(a!.address), accNum(b!.address)];
  for (const tx of [await send(a, c!.address, 10n, 0n, na), await send(b, c!.address, 20n, 0n, nb)]) t.equal(node.broadcastTx(tx).result.code, 0);
  node.engine.produceBlock();
  t.equal(node.broadcastTx(await send(a, c!.address, 30n, 1n, na)).result.code, 0);
  node.engine.produceBlock();
  t.equal(node.broadcastTx(await send(a, b!.address, 40n, 2n, na)).result.code, 0);
  node.engine.produceBlock();
  node.engine.produceBlock(); // an empty block at the end

  const s = new TxSearch(node.db, node.reader);
  const amounts = (q: string, o = {}) => s.search(q, o).txs.map((x) => x.result.events.find((e) => e.type === 'transfer')!.attributes.find((at) => at.key === 'amount')!.value);
  t.same(amounts(`message.sender='${a!.address}'`), ['10uviv', '30uviv', '40uviv']);
  t.same(amounts(`message.sender='${a!.address}'`, { orderBy: 'desc' }), ['40uviv', '30uviv', '10uviv']);
  t.same(amounts(`transfer.recipient='${c!.address}' AND message.sender='${a!.address}'`), ['10uviv', '30uviv'], 'across event types');
  t.same(amounts(`transfer.recipient='${c!.address}' AND transfer.sender='${b!.address}'`), ['20uviv'], 'same event type');
  t.same(amounts('tx.height=1'), ['10uviv', '20uviv']);
  t.same(amounts('tx.height>1 AND tx.height<=3'), ['30uviv', '40uviv'], 'height range');
  t.same(amounts('tx.height>=3'), ['40uviv']);
  t.same(amounts('tx.height>4'), [], 'beyond the chain');
  t.same(amounts('tx.height>2 AND tx.height<2'), [], 'empty range');
  t.same(amounts("transfer.amount CONTAINS '0uviv'"), ['10uviv', '20uviv', '30uviv', '40uviv']);
  t.same(amounts("transfer.amount > '25uviv'"), ['30uviv', '40uviv'], 'string comparison for quoted values');
  t.same(amounts('message.msg_index EXISTS AND tx.height=2'), ['30uviv']);
  t.same(amounts("message.sender='nobody'"), []);
  const first = s.search('tx.height=1').txs[0]!;
  const hex = Buffer.from(first.hash).toString('hex');
  t.same(amounts(`tx.hash='${hex}'`), ['10uviv'], 'tx.hash in lower case');
  t.same(amounts(`tx.hash='${hex.toUpperCase()}' AND tx.height=2`), [], 'hash outside the height range');
  // tx.hash and tx.height are not in the event index: other operators on them filter a scan of the range
  t.same(amounts(`tx.hash CONTAINS '${hex.toUpperCase().slice(0, 12)}'`), ['10uviv'], 'tx.hash CONTAINS');
  t.same(amounts(`tx.hash EXISTS AND tx.height=2`), ['30uviv']);
  t.same(amounts(`message.sender='${a!.address}' AND tx.height EXISTS AND transfer.amount EXISTS`), ['10uviv', '30uviv', '40uviv'], 'EXISTS as a filter');
  t.same(amounts(`tx.height=3 AND transfer.sender EXISTS`), ['40uviv'], 'EXISTS as the driver');
  t.same(amounts('coin_spent.nothing EXISTS'), [], 'EXISTS of an unknown key');

  const page = s.search('message.action EXISTS', { perPage: 2, page: 2 });
  t.equal(page.totalCount, 4, 'exact total');
  t.equal(page.txs.length, 2);
  t.throws(() => s.search('message.action EXISTS', { perPage: 2, page: 3 }), /page should be within \[1, 2\] range, given 3/);
  t.throws(() => s.search('message.action EXISTS', { page: 0 }), /page should be within/);
  t.throws(() => s.search('tx.height=1', { orderBy: 'sideways' }), /order_by/);
  t.equal(s.search('message.action EXISTS', { perPage: 1000 }).perPage, 100, 'per_page capped at 100');

  const small = new TxSearch(node.db, node.reader, 2);
  t.throws(() => small.search('message.action EXISTS'), { codespace: 'indexer', code: 5 }, 'a scan cap names the fix');

  // pruning the index of block 1 removes exactly its txs from search
  node.db.commit((batch) => t.equal(pruneTxIndex(node.reader, batch, 1n, 2n), 2));
  t.same(amounts(`message.sender='${a!.address}'`), ['30uviv', '40uviv']);
  t.same(amounts('tx.height=1'), ['10uviv', '20uviv'], 'height ranges come from block results, not the index');
  t.same(amounts(`tx.height=1 AND message.sender='${a!.address}'`), []);
});

t.test('index rows: one per distinct value and per distinct key of a block', async (t) => {
  const ev = (type: string, attrs: Array<[string, string, boolean?]>) => ({ type, attributes: attrs.map(([key, value, index]) => ({ key, value, index: index ?? true })) });
  const rows = blockIndexRows(7n, [
    { version: 10n, result: { events: [ev('message', [['sender', 'alice']]), ev('transfer', [['sender', 'alice'], ['recipient', 'bob'], ['amount', '5uviv']])] } },
    { version: 11n, result: { events: [ev('message', [['sender', 'bob']]), ev('transfer', [['sender', 'bob'], ['recipient', 'alice'], ['amount', '5uviv']]), ev('tx', [['signature', 'c2ln', false]])] } },
  ]);
  const values = rows.filter(([b]) => b === Bucket.TxEventValues).map(([, k]) => Buffer.from(k.subarray(0, k.length - 9)).toString());
  t.same(values.sort(), ['5uviv', 'alice', 'bob'], 'a value shared by keys and txs is one row; unindexed attributes are left out');
  const keys = rows.filter(([b]) => b === Bucket.TxEventKeys).map(([, k]) => Buffer.from(k.subarray(0, k.length - 9)).toString());
  t.same(keys.sort(), ['message.sender', 'transfer.amount', 'transfer.recipient', 'transfer.sender']);
  const alice = rows.find(([b, k]) => b === Bucket.TxEventValues && Buffer.from(k).toString().startsWith('alice\0'))!;
  t.same(Buffer.from(alice[1].subarray(alice[1].length - 8)).readBigUInt64BE(), 7n, 'keys end in the height');
  t.same(valueRowVersions(alice[2], 'message.sender'), [10n]);
  t.same(valueRowVersions(alice[2], 'transfer.sender'), [10n]);
  t.same(valueRowVersions(alice[2], 'transfer.recipient'), [11n]);
  t.same(valueRowVersions(alice[2], 'transfer.amount'), [], 'a key the value was not carried under');
  t.same(valueRowVersions(alice[2], 'message.sende'), [], 'keys compare whole');

  const long = new Map([['k'.repeat(300), Array.from({ length: 200 }, (_, i) => BigInt(i) * 1_000_000_007n)], ['x.y', [2n ** 60n]]]);
  const row = encodeValueRow(long);
  t.same(valueRowVersions(row, 'k'.repeat(300)), long.get('k'.repeat(300)), 'multi-byte lengths and counts round-trip');
  t.same(valueRowVersions(row, 'x.y'), [2n ** 60n]);
  t.throws(() => valueRowVersions(row.subarray(0, 1), 'x.y'), /truncated/);
});

t.test('a home with rows of the retired layout is re-indexed when the node opens', async (t) => {
  const [a, b] = await secpAccounts(2);
  const tn = makeTestNode([a!.address]);
  t.teardown(tn.cleanup);
  const accountNumber = tn.node.app.auth.getAccount(tn.node.db.bucketReader(Bucket.State), a!.address)!.accountNumber;
  for (let seq = 0n; seq < 3n; seq++) {
    t.equal(tn.node.broadcastTx(await signTx(a!, [msgSend(a!.address, b!.address, 1n + seq)], { accountNumber, sequence: seq })).result.code, 0);
    tn.node.engine.produceBlock();
  }
  await tn.node.stop();
  // make the home look like one written before the layout changed: old rows, none of the new ones
  const { NodeDb } = await import('../../../chain/store/nodeDb.js');
  const { join } = await import('node:path');
  const db = NodeDb.open(join(tn.home, 'data', 'vivian.lmdb'));
  const all = (bucket: number) => [...db.range(bucket as never, new Uint8Array(), undefined)].map(([k]) => k);
  const written = all(Bucket.TxEventValues).length + all(Bucket.TxEventKeys).length;
  t.ok(written > 0);
  db.commit((batch) => {
    for (const k of all(Bucket.TxEventValues)) batch.del(Bucket.TxEventValues, k);
    for (const k of all(Bucket.TxEventKeys)) batch.del(Bucket.TxEventKeys, k);
    batch.put(Bucket.RetiredTxEventIndex, Buffer.from(`message.sender=${a!.address}\0\0\0\0\0\0\0\0\x01`), new Uint8Array(8));
  });
  await db.close();
  const reopened = tn.reopen();
  t.teardown(() => reopened.stop());
  const s = new TxSearch(reopened.db, reopened.reader);
  t.equal(s.search(`message.sender='${a!.address}'`).totalCount, 3, 'found again after the re-index');
  t.equal([...reopened.db.range(Bucket.RetiredTxEventIndex, new Uint8Array(), undefined)].length, 0, 'retired rows deleted');
  t.equal(reindexRetiredEventRows(reopened.db, reopened.reader), 0, 'nothing to do the next time');
});
