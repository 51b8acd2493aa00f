import t from 'tap';
import { buildRestServer, buildRpcServer } from '../../../chain/api/index.js';
import { TxSearch } from '../../../chain/indexer/search.js';
import { txIndexOffFrom } from '../../../chain/indexer/txIndexSetting.js';
import { VivianNode } from '../../../chain/node/node.js';
import { loadConfig, type NodeConfig } from '../../../chain/node/config.js';
import { Bucket, u64be } from '../../../chain/store/buckets.js';
import { NodeDb } from '../../../chain/store/nodeDb.js';
import { makeTestNode, msgSend, secpAccounts, signTx, type TestAccount } from '../../helpers/chain.js';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INDEX_BUCKETS = [Bucket.TxEventValues, Bucket.TxEventKeys, Bucket.TxVectorFilter] as const;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Every row of the tx index buckets, as "bucket/key=value" strings, optionally only those of one height. */
function indexRows(db: NodeDb, height?: bigint): string[] {
  const out: string[] = [];
  for (const bucket of INDEX_BUCKETS) {
    for (const [k, v] of db.range(bucket, new Uint8Array(), undefined)) {
      if (height !== undefined && Buffer.from(k.subarray(k.length - 8)).readBigUInt64BE() !== height) continue;
      out.push(`${bucket}/${hex(k)}=${hex(v)}`);
    }
  }
  return out.sort();
}

t.test('config tx_index: "kv" or "null", anything else refused by name', async (t) => {
  t.throws(() => loadConfig('/nonexistent-home', { tx_index: 'psql' as NodeConfig['tx_index'] }), /config tx_index must be "kv" or "null", got "psql"/);
  t.equal(loadConfig('/nonexistent-home').tx_index, 'kv', 'indexing is on by default');
});

t.test('a node with tx_index "null" keeps no index; switched back to "kv" it indexes what it skipped', async (t) => {
  const [alice, bob] = (await secpAccounts(2)) as [TestAccount, TestAccount];
  const tn = makeTestNode([alice.address]);
  t.teardown(tn.cleanup);
  let seq = 0n;
  const send = async (node: VivianNode, memo: string) => {
    const tx = await signTx(alice, [msgSend(alice.address, bob.address, 1n)], { accountNumber: 1n, sequence: seq++, memo });
    t.equal(node.broadcastTx(tx).result.code, 0);
    return node.engine.produceBlock().height;
  };
  const open = (tx_index: NodeConfig['tx_index']) => VivianNode.open(tn.home, { ...tn.config, tx_index });

  // height 1 indexed as usual
  await send(tn.node, 'indexed at commit');
  const rowsOfHeight1 = indexRows(tn.node.db, 1n);
  t.ok(rowsOfHeight1.length > 0);
  await tn.node.stop();

  // heights 2 and 3 committed with the index off
  const off = open('null');
  t.equal(off.vectors, null, 'no vector index (and no worker thread)');
  const offHeights = [await send(off, 'rent payment unindexed'), await send(off, 'second unindexed')];
  t.same(offHeights, [2n, 3n]);
  t.equal(txIndexOffFrom(off.db), 2n, 'the gap is recorded from the first unindexed height');
  t.same(indexRows(off.db, 2n).concat(indexRows(off.db, 3n)), [], 'no index rows written');
  t.same(indexRows(off.db), rowsOfHeight1, 'rows of earlier heights are kept');
  const offTx = off.reader.txByVersion(1n)!;
  t.equal(off.reader.txByHash(offTx.hash)?.version, 1n, 'lookup by hash still works (ledger data)');
  t.throws(() => new TxSearch(off.db, off.reader).search(`message.sender='${alice.address}'`), { message: /transaction indexing is disabled on this node \(config tx_index = "null"\)/ });

  const rpc = buildRpcServer(off);
  const rest = buildRestServer(off);
  const viaRpc = (await rpc.inject({ url: `/tx_search?query="message.sender='${alice.address}'"` })).json();
  t.equal(viaRpc.error.code, -32603, 'tx_search: a JSON-RPC error, as CometBFT with the null indexer');
  t.match(viaRpc.error.data, /transaction indexing is disabled/);
  t.equal((await rpc.inject({ url: '/status' })).json().result.node_info.other.tx_index, 'off', 'status says the node does not index');
  t.equal((await rest.inject({ url: '/cosmos/base/tendermint/v1beta1/node_info' })).json().default_node_info.other.tx_index, 'off');
  const viaTx = (await rpc.inject({ url: `/tx?hash=0x${hex(offTx.hash)}` })).json();
  t.equal(viaTx.result.height, '2', 'tx by hash over RPC');
  const events = await rest.inject({ url: `/cosmos/tx/v1beta1/txs?query=${encodeURIComponent(`message.sender='${alice.address}'`)}` });
  t.equal(events.statusCode, 501);
  t.match(events.json().message, /transaction indexing is disabled/);
  const vector = await rest.inject({ method: 'POST', url: '/vivian/vector/v1/search', payload: { text: 'rent payment', k: 3 } });
  t.equal(vector.statusCode, 501);
  t.match(vector.json().message, /vector search is disabled on this node \(config tx_index = "null"\)/);
  const similar = await rest.inject({ url: '/vivian/vector/v1/txs/0/similar' });
  t.equal(similar.statusCode, 501);
  const params = (await rest.inject({ url: '/vivian/vector/v1/params' })).json();
  t.equal(params.index, null, 'params say the node holds no index');
  await rpc.close();
  await rest.close();
  await off.stop();

  // restarted with "null" again: the gap still starts at height 2
  const offAgain = open('null');
  await send(offAgain, 'third unindexed');
  t.equal(txIndexOffFrom(offAgain.db), 2n);
  await offAgain.stop();

  // back to "kv": heights 2..4 are indexed before the node starts
  const on = open('kv');
  t.equal(txIndexOffFrom(on.db), undefined, 'the gap is closed');
  const onRpc = buildRpcServer(on);
  t.equal((await onRpc.inject({ url: '/status' })).json().result.node_info.other.tx_index, 'on');
  await onRpc.close();
  t.same(indexRows(on.db, 1n), rowsOfHeight1, 'rows written at commit are unchanged');
  const found = new TxSearch(on.db, on.reader).search(`message.sender='${alice.address}'`);
  t.same(found.txs.map((x) => x.height), [1n, 2n, 3n, 4n], 'tx_search finds the txs committed while the index was off');
  await on.vectors!.flush();
  const hits = await on.vectors!.search({ vector: on.vectors!.storedVector(1)!, k: 10, sender: alice.address });
  t.same(hits.map((h) => h.id).sort(), [0, 1, 2, 3], 'the vector index and its sender filter hold them too');

  // the rows the catch-up derives from the store are the ones a commit writes: drop the rows of a block
  // committed with the index on, record a gap there, and let the next start write them again
  const h5 = await send(on, 'indexed at commit again');
  const written = indexRows(on.db, h5);
  t.ok(written.length > 0);
  await on.stop();
  const db = NodeDb.open(join(tn.home, 'data', 'vivian.lmdb'));
  db.commit((batch) => {
    for (const bucket of INDEX_BUCKETS) for (const [k] of db.range(bucket, new Uint8Array(), undefined)) if (Buffer.from(k.subarray(k.length - 8)).readBigUInt64BE() === h5) batch.del(bucket, k);
    batch.put(Bucket.Meta, new TextEncoder().encode('tx_index_off_from'), u64be(h5));
  });
  t.same(indexRows(db, h5), []);
  await db.close();
  const rebuilt = open('kv');
  t.same(indexRows(rebuilt.db, h5), written, 'rebuilt rows equal the rows the commit wrote');
  await rebuilt.stop();
});

t.test('pruning with the index off: rows from before the gap are pruned, the catch-up starts at the oldest kept height', async (t) => {
  const [alice, bob] = (await secpAccounts(2)) as [TestAccount, TestAccount];
  const tn = makeTestNode([alice.address], { pruning_keep_recent: 2 });
  t.teardown(tn.cleanup);
  let seq = 0n;
  const send = async (node: VivianNode) => {
    t.equal(node.broadcastTx(await signTx(alice, [msgSend(alice.address, bob.address, 1n)], { accountNumber: 1n, sequence: seq++ })).result.code, 0);
    return node.engine.produceBlock().height;
  };
  await send(tn.node);
  t.ok(indexRows(tn.node.db, 1n).length > 0);
  await tn.node.stop();

  const off = VivianNode.open(tn.home, { ...tn.config, tx_index: 'null' });
  for (let i = 0; i < 4; i++) await send(off); // heights 2..5; the boundary reaches 3
  t.same(indexRows(off.db, 1n).filter((r) => !r.startsWith(`${Bucket.TxVectorFilter}/`)), [], "height 1's event rows were pruned with its state");
  t.ok(indexRows(off.db, 1n).length > 0, 'its vector filter rows stay (they cover the whole ledger, as the vector index does)');
  t.same([2n, 3n, 4n, 5n].flatMap((h) => indexRows(off.db, h)), [], 'nothing written for the heights after');
  t.equal(off.app.earliestStateHeight(), 3n);
  await off.stop();

  const on = VivianNode.open(tn.home, { ...tn.config, tx_index: 'kv' });
  t.teardown(() => on.stop());
  const heights = new TxSearch(on.db, on.reader).search(`message.sender='${alice.address}'`).txs.map((x) => x.height);
  t.same(heights, [4n, 5n], 'events: the heights whose state is kept are indexed, the pruned ones are not');
  await on.vectors!.flush();
  const hits = await on.vectors!.search({ vector: on.vectors!.storedVector(0)!, k: 10, sender: alice.address });
  t.same(hits.map((h) => h.id).sort(), [0, 1, 2, 3, 4], 'vector filters: every height is indexed');
});

t.test('a chain that starts at a later initial height records its gap from there', async (t) => {
  const [alice] = (await secpAccounts(1)) as [TestAccount];
  const tn = makeTestNode([alice.address]);
  t.teardown(tn.cleanup);
  await tn.node.stop();
  rmSync(join(tn.home, 'data'), { recursive: true, force: true });
  const genesisPath = join(tn.home, 'config', 'genesis.json');
  writeFileSync(genesisPath, JSON.stringify({ ...JSON.parse(readFileSync(genesisPath, 'utf8')), initial_height: '1000' }));
  const off = VivianNode.open(tn.home, { ...tn.config, tx_index: 'null' });
  t.teardown(() => off.stop());
  t.equal(txIndexOffFrom(off.db), 1000n);
});
