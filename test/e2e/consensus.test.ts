import t from 'tap';
import { medianTime } from '../../chain/consensus/engine/blocks.js';
import { toHex } from '../../chain/consensus/types/blockId.js';
import type { VivianNode } from '../../chain/node/node.js';
import { checkAgreement, makeLocalnet, sleep, waitHeight, LOCALNET_CHAIN_ID } from '../chain/consensus/engine/localnetHelper.js';
import { msgSend, secpAccounts, signTx } from '../helpers/chain.js';

t.test('4 validators commit blocks and txs with identical hashes; 1 down keeps committing; 2 down stops; restart resumes without fork', async (t) => {
  const net = await makeLocalnet(4);
  t.teardown(() => net.cleanup());
  for (let k = 0; k < 4; k++) await net.start(k);
  const nodes = () => net.nodes.filter((n): n is VivianNode => n !== null);

  await Promise.all(nodes().map((n) => waitHeight(n, 3n)));
  // txs sent to one node reach the proposers through gossip and commit
  const [alice, bob] = await secpAccounts(2);
  const txHashes: string[] = [];
  for (let seq = 0n; seq < 5n; seq++) {
    const tx = await signTx(alice!, [msgSend(alice!.address, bob!.address, 1000n)], { accountNumber: 1n, sequence: seq, chainId: LOCALNET_CHAIN_ID });
    const res = net.nodes[1]!.broadcastTx(tx);
    t.equal(res.result.code, 0, `tx ${seq} accepted: ${res.result.log}`);
    txHashes.push(toHex(res.hash));
  }
  const until = Date.now() + 20_000;
  while (nodes().some((n) => txHashes.some((h) => n.app.committedVersion(Buffer.from(h, 'hex')) === undefined)) && Date.now() < until) await sleep(50);
  for (const n of nodes()) t.ok(txHashes.every((h) => n.app.committedVersion(Buffer.from(h, 'hex')) !== undefined), 'every node committed the txs');
  const h1 = nodes().reduce((m, n) => (n.app.height < m ? n.app.height : m), 1n << 62n);
  checkAgreement(t, nodes(), h1);
  // BFT time: each block after the first carries the weighted median of its last commit's vote times
  const n0 = nodes()[0]!;
  const bftTimes = Array.from({ length: Number(h1) - 1 }, (_, i) => BigInt(i + 2)).every((h) => {
    const b = n0.reader.block(h)!;
    const m = medianTime(b.lastCommit!, n0.validators);
    return m.seconds === b.header!.time.seconds && m.nanos === b.header!.time.nanos;
  });
  t.ok(bftTimes, `block times 2..${h1} are BFT times`);

  // one of four down: 3 of 4 is more than 2/3
  await net.stop(3);
  const base = nodes()[0]!.app.height;
  await Promise.all(nodes().map((n) => waitHeight(n, base + 3n)));
  t.pass('3 of 4 keep committing');

  // two of four down: no quorum, no block
  await net.stop(2);
  await sleep(300);
  const stalled = net.nodes[0]!.app.height;
  await sleep(2500);
  t.ok(net.nodes[0]!.app.height <= stalled + 1n, `2 of 4 commit nothing new (at ${net.nodes[0]!.app.height}, was ${stalled})`);
  const stuck = Math.max(...nodes().map((n) => Number(n.app.height)));
  t.ok(Math.max(...nodes().map((n) => Number(n.app.height))) === stuck, 'still stalled');

  // restart both: they catch up by block sync and the chain resumes, with no fork
  await net.start(2);
  await net.start(3);
  const target = BigInt(stuck) + 3n;
  await Promise.all(nodes().map((n) => waitHeight(n, target, 30_000)));
  t.equal(nodes().length, 4);
  checkAgreement(t, nodes(), target);
});
