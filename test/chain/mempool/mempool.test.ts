import t from 'tap';
import { makeTestNode, msgSend, secpAccounts, signTx, type TestAccount } from '../../helpers/chain.js';
import { Mempool } from '../../../chain/mempool/mempool.js';

const NUM = 1n; // the first funded account's number (the fee collector is 0)

t.test('priority, per-account sequence order, duplicates, gaps and caps', async (t) => {
  const [a, b, c] = (await secpAccounts(3)) as [TestAccount, TestAccount, TestAccount];
  const env = makeTestNode([a.address, b.address]);
  t.teardown(env.cleanup);
  const { node } = env;
  const numOf = (x: TestAccount) => (x === a ? NUM : NUM + 1n);
  const tx = (from: TestAccount, seq: bigint, fee: bigint) =>
    signTx(from, [msgSend(from.address, c.address, 1n)], { accountNumber: numOf(from), sequence: seq, fee: [{ denom: 'uviv', amount: fee.toString() }], gas: 100_000n });

  const pool = node.mempool;
  const a0 = await tx(a, 0n, 100n);
  const a1 = await tx(a, 1n, 100_000n);
  const b0 = await tx(b, 0n, 5_000n);
  t.equal(pool.add(a0).result.code, 0);
  t.equal(pool.add(a0).result.code, 19, 'duplicate refused');
  t.equal(pool.add(b0).result.code, 0);
  t.equal(pool.add(a1).result.code, 0);
  // a1 pays most but must come after a0; b0 outbids a0
  const order = pool.reap(1 << 20, -1n);
  t.same(order, [b0, a0, a1]);
  t.same(pool.reap(a0.length + b0.length, -1n), [b0, a0], 'byte budget respected');
  t.same(pool.reap(1 << 20, 150_000n), [b0], 'gas budget respected');

  // a future sequence waits and is promoted when the gap closes
  const a3 = await tx(a, 3n, 100n);
  const a2 = await tx(a, 2n, 100n);
  const w = pool.add(a3);
  t.equal(w.result.code, 0);
  t.ok(w.waiting, 'sequence 3 waits for 2');
  t.equal(pool.size, 3);
  t.equal(pool.add(a2).result.code, 0);
  t.equal(pool.size, 5, 'sequence 3 promoted after 2 arrived');
  const far = await tx(a, 100n, 100n);
  t.equal(pool.add(far).result.code, 32, 'too far ahead is refused');

  const committed = node.engine.produceBlock();
  t.equal(committed.txs.length, 5);
  t.ok(committed.txs.every((x) => x.result.code === 0));
  t.equal(pool.size, 0, 'included txs leave the pool');
  const again = pool.add(b0);
  t.equal(again.result.code, 19);
  t.match(again.result.log, /already committed at ledger version/);

  // caps
  const small = new Mempool(node.app, { maxTxs: 1 });
  t.equal(small.add(await tx(b, 1n, 10n)).result.code, 0);
  const full = small.add(await tx(a, 4n, 10n));
  t.equal(full.result.code, 20);
  t.match(full.result.log, /limit is 1/);
});

t.test('recheck after commit drops txs that became invalid', async (t) => {
  const [a, , c] = (await secpAccounts(3)) as [TestAccount, TestAccount, TestAccount];
  const env = makeTestNode([a.address]);
  t.teardown(env.cleanup);
  const { node } = env;
  const tx0 = await signTx(a, [msgSend(a.address, c.address, 1n)], { accountNumber: NUM, sequence: 0n, fee: [{ denom: 'uviv', amount: '1' }] });
  const other0 = await signTx(a, [msgSend(a.address, c.address, 2n)], { accountNumber: NUM, sequence: 0n, fee: [{ denom: 'uviv', amount: '1' }] });
  t.equal(node.mempool.add(tx0).result.code, 0);
  // a conflicting tx with the same sequence is included by another route (straight into a block)
  node.app.finalizeBlock({ txs: [other0], decidedLastCommit: { round: 0, votes: [] }, misbehavior: [], hash: new Uint8Array(32), height: node.app.height + 1n, time: { seconds: 1_700_000_000n, nanos: 0 }, nextValidatorsHash: new Uint8Array(32), proposerAddress: new Uint8Array(20) });
  node.app.commit();
  node.mempool.update([node.app.lastCommittedBlock!.txs[0]!.hash]);
  t.equal(node.mempool.size, 0, 'stale sequence dropped on recheck');
});
