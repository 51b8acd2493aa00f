import t from 'tap';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../../chain/consensus/types/blockId.js';
import { headerHash } from '../../chain/consensus/types/header.js';
import { buildRpcServer } from '../../chain/api/rpc/server.js';
import { homePaths, loadConfig } from '../../chain/node/config.js';
import { initHome } from '../../chain/node/home.js';
import { VivianNode } from '../../chain/node/node.js';
import { freePorts, makeLocalnet, waitHeight, LOCALNET_CHAIN_ID } from '../chain/consensus/engine/localnetHelper.js';

t.test('a fresh full node block-syncs from genesis to the same blocks and app hash', async (t) => {
  const net = await makeLocalnet(4);
  t.teardown(() => net.cleanup());
  for (let k = 0; k < 4; k++) await net.start(k);
  await Promise.all(net.nodes.map((n) => waitHeight(n!, 8n)));

  const home = join(net.dir, 'follower');
  initHome(home, { chainId: LOCALNET_CHAIN_ID, moniker: 'follower' });
  copyFileSync(homePaths(net.file.nodes[0]!.home).genesis, homePaths(home).genesis);
  const [p2p] = await freePorts(1);
  const cfgPath = homePaths(home).config;
  writeFileSync(cfgPath, JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, 'utf8')), p2p_port: p2p, persistent_peers: net.file.nodes.map((n) => n.p2p) }));
  const follower = VivianNode.open(home, { ...loadConfig(home), no_sync: true });
  t.teardown(() => follower.stop());
  t.equal(follower.bft?.engine.validatorSets.current.getByAddress(follower.validatorKey.address), null, 'not a validator');
  const rpc = buildRpcServer(follower);
  t.teardown(() => rpc.close());
  const catchingUp = async () => ((await rpc.inject({ method: 'GET', url: '/status' })).json() as { result: { sync_info: { catching_up: boolean } } }).result.sync_info.catching_up;
  await follower.start();

  const target = net.nodes[0]!.app.height + 2n;
  await waitHeight(follower, target, 30_000);
  // (peers commit every ~100 ms: a moment's lag of two heights is not a failure, so allow it to settle)
  let level = await catchingUp();
  for (let i = 0; i < 50 && level; i++) level = await new Promise((r) => setTimeout(r, 100)).then(catchingUp);
  t.equal(level, false, 'status: not catching up once level with its peers');
  // a peer reporting heights well ahead puts the node in block-sync mode until it is level (or the peer leaves)
  follower.bft!.engine.receive('ffffffffffffffffffffffffffffffffffffffff', { kind: 'status', height: follower.app.height + 50n });
  t.equal(await catchingUp(), true, 'status: catching up while a peer is ahead');
  follower.bft!.engine.peerGone('ffffffffffffffffffffffffffffffffffffffff');
  t.equal(await catchingUp(), false, 'status: not catching up once that peer is gone');
  for (let h = 1n; h <= target; h++) {
    const mine = follower.reader.block(h)!;
    const theirs = net.nodes[0]!.reader.block(h);
    if (theirs === undefined) continue;
    t.equal(toHex(headerHash(mine.header!)!), toHex(headerHash(theirs.header!)!), `block ${h}`);
    t.equal(toHex(follower.reader.roots(h)!.appHash), toHex(net.nodes[0]!.reader.roots(h)!.appHash), `app hash ${h}`);
  }
});
