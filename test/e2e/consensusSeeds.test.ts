import t from 'tap';
import { until } from '../helpers/wait.js';
import type { VivianNode } from '../../chain/node/node.js';
import { checkAgreement, makeLocalnet, nodeIdOfAddress, waitHeight } from '../chain/consensus/engine/localnetHelper.js';


t.test('validators that know only a seed find each other by peer exchange and keep committing without it', async (t) => {
  let seed = '';
  // no persistent peers anywhere: node0 knows nobody, node1..3 know only node0, as a seed
  const net = await makeLocalnet(4, { config: (k) => ({ persistent_peers: [], seeds: k === 0 ? [] : [seed] }) });
  seed = net.file.nodes[0]!.p2p;
  t.teardown(() => net.cleanup());
  for (let k = 0; k < 4; k++) await net.start(k);
  const ids = net.file.nodes.map((n) => nodeIdOfAddress(n.p2p));
  const nodes = () => net.nodes.filter((n): n is VivianNode => n !== null);

  // node1..3 discover each other through node0's answers (and the addresses each advertises)
  const others = (k: number) => [1, 2, 3].filter((j) => j !== k);
  const meshed = await until(() => [1, 2, 3].every((k) => others(k).every((j) => net.nodes[k]!.bft!.p2p.peerIds.includes(ids[j]!))), 20_000);
  t.ok(meshed, `node1..3 connected to each other: ${[1, 2, 3].map((k) => net.nodes[k]!.bft!.p2p.peerIds.length).join(',')} peers`);
  // each learnt the others' advertised addresses (a `self` message follows each connection)
  const learnt = await until(() => [1, 2, 3].every((k) => others(k).every((j) => net.nodes[k]!.bft!.pex.book.get(ids[j]!)?.proven === true)), 5_000);
  t.ok(learnt, 'node1..3 hold each other\'s proven addresses');
  const seedLearnt = await until(() => [1, 2, 3].every((j) => net.nodes[0]!.bft!.pex.book.get(ids[j]!)?.proven === true), 5_000);
  t.ok(seedLearnt, 'the seed learnt the addresses the three nodes that dialled it advertise');

  await Promise.all(nodes().map((n) => waitHeight(n, 3n)));
  checkAgreement(t, nodes(), 3n);

  // the seed goes away: the others are connected among themselves and 3 of 4 is a quorum
  await net.stop(0);
  const base = nodes().reduce((m, n) => (n.app.height > m ? n.app.height : m), 0n);
  await Promise.all(nodes().map((n) => waitHeight(n, base + 3n)));
  const upTo = nodes().reduce((m, n) => (n.app.height < m ? n.app.height : m), 1n << 62n);
  checkAgreement(t, nodes(), upTo);
});
