/** Test localnets: N validator homes with a shared genesis on loopback ports chosen at random, run in-process. */
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../../../chain/consensus/types/blockId.js';
import { headerHash } from '../../../../chain/consensus/types/header.js';
import { initLocalnet, type LocalnetFile } from '../../../../chain/cli/commands/localnet.js';
import { loadConfig, type NodeConfig } from '../../../../chain/node/config.js';
import { VivianNode } from '../../../../chain/node/node.js';
import { TEST_MNEMONIC } from '../../../helpers/chain.js';

export const LOCALNET_CHAIN_ID = 'vivian-localnet-test';

/** Free TCP ports on loopback (bound, read, released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface TestLocalnet {
  dir: string;
  file: LocalnetFile;
  nodes: Array<VivianNode | null>;
  /** Opens and starts node k (again). */
  start(k: number): Promise<VivianNode>;
  stop(k: number): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * A localnet of `n` validators. Ports: a base port with room for 10 per node, found free at random
 * (retried by the caller's test if taken meanwhile, which is rare).
 */
export async function makeLocalnet(
  n: number,
  opts: { blockTimeMs?: number; log?: boolean; config?: (k: number) => Partial<NodeConfig> } = {},
): Promise<TestLocalnet> {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-localnet-'));
  const [probe] = await freePorts(1);
  const basePort = 20000 + ((probe! * 7) % 30000);
  const file = initLocalnet({
    validators: n,
    home: dir,
    basePort,
    mnemonic: TEST_MNEMONIC,
    accounts: 4,
    chainId: LOCALNET_CHAIN_ID,
    blockTimeMs: opts.blockTimeMs ?? 50,
  });
  const nodes: Array<VivianNode | null> = file.nodes.map(() => null);
  const net: TestLocalnet = {
    dir,
    file,
    nodes,
    async start(k) {
      const node = VivianNode.open(file.nodes[k]!.home, { ...loadConfig(file.nodes[k]!.home), no_sync: true, ...opts.config?.(k) });
      if (opts.log) node.onLog = (l) => process.stderr.write(`[node${k}] ${l}\n`);
      nodes[k] = node;
      await node.start();
      return node;
    },
    async stop(k) {
      const node = nodes[k];
      nodes[k] = null;
      await node?.stop();
    },
    async cleanup() {
      for (let k = 0; k < nodes.length; k++) await net.stop(k);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return net;
}

/** Resolves when `node` has committed `height`, or rejects after `ms` (a liveness bound, not a speed assertion). */
export function waitHeight(node: VivianNode, height: bigint, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`height ${height} not reached in ${ms} ms (at ${node.app.height})`)), ms);
    node.engine.waitForHeight(height).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export { sleep } from '../../../helpers/wait.js';

/** Block hash and app hash every node reports at each height 1..upTo (they must all have it). */
export function checkAgreement(t: { pass(m: string): void; fail(m: string): void }, nodes: VivianNode[], upTo: bigint): void {
  for (let h = 1n; h <= upTo; h++) {
    const hashes = new Set(nodes.map((n) => toHex(headerHash(n.reader.block(h)!.header!)!)));
    const apps = new Set(nodes.map((n) => toHex(n.reader.roots(h)!.appHash)));
    if (hashes.size !== 1 || apps.size !== 1) t.fail(`nodes disagree at height ${h}`);
  }
  t.pass(`${nodes.length} nodes agree on block and app hashes at heights 1..${upTo}`);
}

/** The node id part of a `nodeid@host:port` address. */
export const nodeIdOfAddress = (p2p: string) => p2p.split('@')[0]!;
