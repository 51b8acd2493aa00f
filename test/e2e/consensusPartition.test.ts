import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VivianNode } from '../../chain/node/node.js';
import { checkAgreement, makeLocalnet, nodeIdOfAddress, sleep, waitHeight } from '../chain/consensus/engine/localnetHelper.js';

/**
 * A 2|2 partition through each node's unsafe_blocked_peers_file (the switch drops the listed peers'
 * traffic both ways): neither half has 2/3 of the power, so nothing commits; healed, the chain resumes
 * and every node holds the same blocks.
 */
t.test('a 2|2 partition commits nothing; healed, commits resume with the same hashes everywhere', async (t) => {
  const hooks = mkdtempSync(join(tmpdir(), 'vivian-partition-'));
  const blockedFile = (k: number) => join(hooks, `blocked-${k}`);
  const net = await makeLocalnet(4, { config: (k) => ({ unsafe_blocked_peers_file: blockedFile(k) }) });
  t.teardown(async () => {
    await net.cleanup();
    rmSync(hooks, { recursive: true, force: true });
  });
  for (let k = 0; k < 4; k++) await net.start(k);
  const nodes = () => net.nodes as VivianNode[];
  await Promise.all(nodes().map((n) => waitHeight(n, 3n)));

  const ids = net.file.nodes.map((n) => nodeIdOfAddress(n.p2p));
  const halves = [[0, 1], [2, 3]];
  for (const [mine, theirs] of [[halves[0]!, halves[1]!], [halves[1]!, halves[0]!]]) {
    for (const k of mine!) writeFileSync(blockedFile(k), theirs!.map((j) => ids[j]).join('\n'));
  }
  // the file is polled every 100 ms; a height already decided when the partition fell may still commit
  await sleep(800);
  const frozen = nodes().map((n) => n.app.height);
  await sleep(3000);
  t.same(nodes().map((n) => n.app.height), frozen, `no node commits while partitioned (heights ${frozen.join(', ')})`);
  // (rounds need not move on either: prevote and precommit timeouts start only on 2/3+ of any votes)

  for (let k = 0; k < 4; k++) writeFileSync(blockedFile(k), '');
  const top = frozen.reduce((a, b) => (a > b ? a : b));
  await Promise.all(nodes().map((n) => waitHeight(n, top + 3n, 30_000)));
  t.pass('healed: every node commits again');
  checkAgreement(t, nodes(), top + 3n);
});
