/** Test localnets: N validator homes with a shared genesis on loopback ports chosen at random, run in-process. */
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initLocalnet, type LocalnetFile } from '../../../../chain/cli/commands/localnet.js';
import { loadConfig } from '../../../../chain/node/config.js';
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
export async function makeLocalnet(n: number, opts: { blockTimeMs?: number; log?: boolean } = {}): Promise<TestLocalnet> {
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
      const node = VivianNode.open(file.nodes[k]!.home, { ...loadConfig(file.nodes[k]!.home), no_sync: true });
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
    node.bft!.engine.waitForHeight(height).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
