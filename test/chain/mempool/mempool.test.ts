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
  // a block from a peer carries copies: they map to the arrays CheckTx saw, unknown txs stay as they are
  const copy = Uint8Array.from(b0);
  t.equal(pool.sameTx(copy), b0, 'a copy of a pending tx maps to the pending array');
  const unknown = await tx(b, 9n, 1n);
  t.equal(pool.sameTx(unknown), unknown, 'a tx the pool does not hold maps to itself');
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

t.test('after a commit only the pending txs whose keys the block touched are checked again; the others keep their effects', async (t) => {
  const [a, b, d, c] = (await secpAccounts(4)) as [TestAccount, TestAccount, TestAccount, TestAccount];
  const env = makeTestNode([a.address, b.address, d.address]);
  t.teardown(env.cleanup);
  const { node } = env;
  const num = new Map([[a, NUM], [b, NUM + 1n], [d, NUM + 2n]]);
  const fee = [{ denom: 'uviv', amount: '100' }];
  const send = (from: TestAccount, seq: bigint, to = c, amount = 1n) => signTx(from, [msgSend(from.address, to.address, amount)], { accountNumber: num.get(from)!, sequence: seq, fee });
  const rechecked: Uint8Array[] = [];
  const check = node.app.checkTxDetailed.bind(node.app);
  node.app.checkTxDetailed = (tx: Uint8Array, recheck?: boolean) => {
    if (recheck) rechecked.push(tx);
    return check(tx, recheck);
  };
  const commitDirectly = (txs: Uint8Array[]) => {
    node.app.finalizeBlock({ txs, decidedLastCommit: { round: 0, votes: [] }, misbehavior: [], hash: new Uint8Array(32), height: node.app.height + 1n, time: { seconds: 1_700_000_000n, nanos: 0 }, nextValidatorsHash: new Uint8Array(32), proposerAddress: new Uint8Array(20) });
    node.app.commit();
    node.mempool.update(node.app.lastCommittedBlock!.txs.map((x) => x.hash));
  };

  const [a0, b0, b1, d0] = [await send(a, 0n), await send(b, 0n), await send(b, 1n), await send(d, 0n)];
  for (const x of [a0, b0, b1, d0]) t.equal(node.mempool.add(x).result.code, 0);
  // a block holding another tx of a's with sequence 0 touches a's keys only
  const aOther = await send(a, 0n, c, 2n);
  commitDirectly([aOther]);
  t.same(rechecked, [a0], "only a's pending tx was checked again");
  t.equal(node.mempool.size, 3, "a0 (sequence used) dropped; b's and d's kept");
  // b's and d's carried check effects: their next sequences are admitted right away; a continues from 1
  t.equal(node.mempool.add(await send(b, 2n)).result.code, 0, 'b2 follows the carried b0, b1');
  t.equal(node.mempool.add(await send(d, 1n)).result.code, 0, 'd1 follows the carried d0');
  t.equal(node.mempool.add(await send(a, 1n)).result.code, 0, 'a1 follows the committed a sequence');
  t.equal(node.mempool.waitingSize, 0, 'nothing parked');

  // coins sent to b change b's balance: b's pending txs are checked again (in sequence order), d's are not
  rechecked.length = 0;
  const dToB = await signTx(d, [msgSend(d.address, b.address, 5n)], { accountNumber: num.get(d)!, sequence: 0n, fee });
  commitDirectly([dToB]);
  const hex = (x: Uint8Array) => Buffer.from(x).toString('hex');
  t.same(rechecked.map(hex).sort(), [b0, b1, await send(b, 2n), d0, await send(d, 1n)].map(hex).sort(), "b's txs (balance changed) and d's (sequence used by the block) checked again");
  t.equal(node.mempool.size, 5, 'd0 (its sequence taken by the block) dropped; a1, b0, b1, b2, d1 kept');

  // everything left executes in the next block
  commitDirectly(node.mempool.reap(1 << 20, -1n));
  const next = node.app.lastCommittedBlock!;
  t.equal(next.txs.length, 5, 'a1, b0, b1, b2, d1');
  t.ok(next.txs.every((x) => x.result.code === 0), next.txs.map((x) => x.result.log).join('; '));
  t.equal(node.mempool.size, 0);
});

t.test('what a re-check after a commit covers: readers of changed keys, and everything built on their writes', async (t) => {
  // a fake app: each tx's check reads and writes the keys given below; the commit changed `changed`
  const access = new Map<string, { written: string[]; read: string[]; ranged: boolean }>();
  const txs = new Map<string, Uint8Array>();
  const tx = (name: string, sender: string, seq: bigint, written: string[], read: string[], ranged = false) => {
    const bytes = new TextEncoder().encode(name);
    txs.set(name, bytes);
    access.set(Buffer.from(bytes).toString(), { written, read, ranged });
    return { name, bytes, sender, seq };
  };
  const specs = [
    tx('x0', 'x', 0n, ['acc:x', 'bal:x'], ['params']),
    tx('x1', 'x', 1n, ['acc:x', 'bal:x'], ['params']),
    tx('y0', 'y', 0n, ['acc:y', 'bal:y'], ['params']),
    // z's tx also signs for x (a second signer): it reads and writes x's account
    tx('z0', 'z', 0n, ['acc:z', 'bal:z', 'acc:x'], ['params']),
    tx('w0', 'w', 0n, ['acc:w'], [], true),
  ];
  const bySpec = new Map(specs.map((s) => [Buffer.from(s.bytes).toString(), s]));
  const rechecked: string[] = [];
  let carried: string[] = [];
  let changed = new Set<string>();
  const app = {
    checkTxDetailed: (bytes: Uint8Array, recheck?: boolean) => {
      const s = bySpec.get(Buffer.from(bytes).toString())!;
      if (recheck) rechecked.push(s.name);
      return { result: { code: 0, codespace: '', log: '', data: new Uint8Array(), gasWanted: 1n, gasUsed: 1n, events: [], info: '' }, signers: [s.sender], priority: 1n, sequence: s.seq, msgResponses: [], checkAccess: access.get(Buffer.from(bytes).toString()) };
    },
    resetCheckState: () => {},
    lastCommitChangedKeys: () => changed,
    rebaseCheckState: (keys: Iterable<string>) => { carried = [...keys].sort(); },
    committedVersion: () => undefined,
  };
  const pool = new Mempool(app);
  for (const s of specs) t.equal(pool.add(s.bytes).result.code, 0);

  changed = new Set(['bal:y']);
  pool.update([]);
  t.same(rechecked.sort(), ['w0', 'y0'], "y's balance changed: y0; w0 iterated a range, so it is always checked again");
  t.same(carried, ['acc:x', 'acc:x', 'acc:x', 'acc:z', 'bal:x', 'bal:x', 'bal:z'], "x's and z's writes carried over");

  rechecked.length = 0;
  changed = new Set(['acc:x']);
  pool.update([]);
  t.same(rechecked.sort(), ['w0', 'x0', 'x1', 'z0'], 'every tx that touched x\'s account, and nothing else');
  t.same(carried, ['acc:y', 'bal:y']);

  rechecked.length = 0;
  changed = new Set(['params']);
  pool.update([]);
  t.same(rechecked.sort(), ['w0', 'x0', 'x1', 'y0', 'z0'], 'a changed key every check read: all of them');
  t.same(carried, []);
});

t.test('a check that runs between a commit and the re-check makes the re-check cover every pending tx', async (t) => {
  const [a, b, c] = (await secpAccounts(3)) as [TestAccount, TestAccount, TestAccount];
  const env = makeTestNode([a.address, b.address]);
  t.teardown(env.cleanup);
  const { node } = env;
  const fee = [{ denom: 'uviv', amount: '100' }];
  const send = (from: TestAccount, num: bigint, seq: bigint) => signTx(from, [msgSend(from.address, c.address, 1n)], { accountNumber: num, sequence: seq, fee });
  t.equal(node.mempool.add(await send(b, NUM + 1n, 0n)).result.code, 0);
  const other = await send(a, NUM, 0n);
  node.app.finalizeBlock({ txs: [other], decidedLastCommit: { round: 0, votes: [] }, misbehavior: [], hash: new Uint8Array(32), height: node.app.height + 1n, time: { seconds: 1_700_000_000n, nanos: 0 }, nextValidatorsHash: new Uint8Array(32), proposerAddress: new Uint8Array(20) });
  node.app.commit();
  t.ok(node.app.lastCommitChangedKeys(), 'the replaced check state is kept for the rebase');
  // a new tx arrives before the mempool's update
  t.equal(node.mempool.add(await send(a, NUM, 1n)).result.code, 0);
  t.equal(node.app.lastCommitChangedKeys(), undefined, 'the carry is forfeited');
  node.mempool.update(node.app.lastCommittedBlock!.txs.map((x) => x.hash));
  // both pending txs were re-checked on the fresh state, so both senders continue where they are
  t.equal(node.mempool.add(await send(a, NUM, 2n)).result.code, 0, "a's next sequence follows the tx that arrived in between");
  t.equal(node.mempool.add(await send(b, NUM + 1n, 1n)).result.code, 0);
  t.equal(node.mempool.waitingSize, 0);
  t.equal(node.mempool.size, 4);
});
