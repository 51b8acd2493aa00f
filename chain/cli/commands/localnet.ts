import type { Command } from 'commander';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { deriveSecp256k1, generateMnemonic, validateMnemonic } from '../../crypto/hd.js';
import { nodeIdOf } from '../../p2p/secretConnection.js';
import { homePaths } from '../../node/config.js';
import { initHome, readGenesis, readKeyFile, writeGenesis } from '../../node/home.js';
import { CliError, parseIntFlag } from '../io.js';
import { DEV_ACCOUNT_BALANCE } from './node.js';

/** DIR/localnet.json: where each node of a local network lives and listens. */
export interface LocalnetFile {
  chain_id: string;
  mnemonic: string;
  nodes: Array<{ name: string; home: string; rpc: string; api: string; p2p: string }>;
}

export interface LocalnetInitOptions {
  validators: number;
  home: string;
  basePort: number;
  mnemonic: string;
  accounts: number;
  chainId: string;
  blockTimeMs: number;
  overwrite?: boolean;
  /** More addresses funded like the mnemonic's accounts (e.g. benchmark senders). */
  extraAccounts?: readonly string[];
}

/**
 * The pause after each commit (timeout_commit) a localnet's nodes are given unless told otherwise. 100 ms
 * halved finality at 500 tx/s offered against 200 ms (4 validators on 2 cores: p50 ~1.0 s vs ~2.1 s) for the
 * same throughput at saturation; 50 ms cut p50 a further fifth but cost ~5% of the saturation throughput
 * in per-block work (see chain/consensus/README.md).
 */
export const LOCALNET_BLOCK_TIME_MS = 100;

/**
 * The young-generation size of each localnet node's process (node flag), in place of the 256 MiB semi-space the
 * `vivian` launcher gives a node alone: the nodes share this machine's cores and caches. Four validators on two
 * cores at saturation, 20 s runs alternated: 64 MiB committed 1,886-2,048 tx/s, 256 MiB 1,774-1,919.
 */
export const LOCALNET_SEMI_SPACE_FLAG = '--max-semi-space-size=64';

/** The command line that starts one localnet node: this CLI's node flags with the localnet's young generation. */
export function localnetNodeCli(nodeFlags: readonly string[], cliScript: string): string[] {
  return [process.execPath, ...nodeFlags.filter((f) => !f.startsWith('--max-semi-space-size')), LOCALNET_SEMI_SPACE_FLAG, cliScript];
}

/**
 * Signature-check worker threads per localnet node: its validators share this machine's cores, so each gets its
 * share less the one its main thread uses (0 = checks on the main thread). With four nodes on two cores, a worker
 * per node cost ~15% of the saturation throughput (3.8 vs 2.8-3.5 ms of CPU per tx): more threads than cores
 * only add hand-offs.
 */
export function localnetVerifyThreads(validators: number, cores = availableParallelism()): number {
  return Math.max(0, Math.floor(cores / validators) - 1);
}

/** Ports of node k: p2p, rpc and api in a block of 10 from the base port. */
export const localnetPorts = (basePort: number, k: number) => ({ p2p: basePort + 10 * k, rpc: basePort + 10 * k + 1, api: basePort + 10 * k + 2 });

/**
 * Creates DIR/node0..N-1, each a node home with its own keys, one shared genesis naming all N as
 * validators (power 10 each) and funding the mnemonic's accounts, and configs that list each other as
 * persistent peers on loopback.
 */
export function initLocalnet(o: LocalnetInitOptions): LocalnetFile {
  const dir = resolve(o.home);
  const manifest = join(dir, 'localnet.json');
  if (existsSync(manifest) && !o.overwrite) throw new CliError(`${dir} already holds a localnet (${manifest}); use --overwrite to replace it`);
  mkdirSync(dir, { recursive: true });
  const balances = [...Array.from({ length: o.accounts }, (_, i) => deriveSecp256k1(o.mnemonic, i).address), ...(o.extraAccounts ?? [])].map((address) => ({
    address,
    coins: [{ denom: 'uviv', amount: DEV_ACCOUNT_BALANCE.toString() }],
  }));
  const genesisTime = new Date().toISOString();
  const homes = Array.from({ length: o.validators }, (_, k) => join(dir, `node${k}`));
  const validators = homes.map((home, k) => {
    const ports = localnetPorts(o.basePort, k);
    initHome(home, {
      chainId: o.chainId,
      moniker: `node${k}`,
      balances,
      genesisTime,
      overwrite: o.overwrite,
      config: { p2p_port: ports.p2p, rpc_port: ports.rpc, api_port: ports.api, min_gas_price: '0uviv', rate_limit_per_minute: 0, block_time_ms: o.blockTimeMs, verify_threads: localnetVerifyThreads(o.validators) },
    });
    return readGenesis(home).validators[0]!;
  });
  const genesis = { ...readGenesis(homes[0]!), validators };
  const peers = homes.map((home, k) => `${nodeIdOf(readKeyFile(homePaths(home).nodeKey).publicKey)}@127.0.0.1:${localnetPorts(o.basePort, k).p2p}`);
  homes.forEach((home, k) => {
    writeGenesis(home, genesis);
    const cfgPath = homePaths(home).config;
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
    cfg.persistent_peers = peers.filter((_, j) => j !== k);
    writeFileSync(cfgPath, JSON.stringify(cfg, null, 2) + '\n');
  });
  const file: LocalnetFile = {
    chain_id: o.chainId,
    mnemonic: o.mnemonic,
    nodes: homes.map((home, k) => {
      const ports = localnetPorts(o.basePort, k);
      return { name: `node${k}`, home, rpc: `http://127.0.0.1:${ports.rpc}`, api: `http://127.0.0.1:${ports.api}`, p2p: peers[k]! };
    }),
  };
  writeFileSync(manifest, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  return file;
}

export interface NodeProcess {
  readonly child: ChildProcess;
  /** Resolves once the node's servers listen (its banner's `rest` line); rejects if it exits first. */
  readonly ready: Promise<void>;
}

/**
 * Runs `vivian start --home HOME` as a child process; `cli` is the command that runs the CLI (e.g.
 * [node, bin/vivian.js]). Every line it prints goes to `onLine`.
 */
export function spawnNodeProcess(cli: readonly string[], home: string, onLine: (line: string) => void): NodeProcess {
  const child = spawn(cli[0]!, [...cli.slice(1), 'start', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        onLine(line);
        if (/^rest\s+http/.test(line)) resolve();
      });
    }
    child.once('exit', (code, signal) => reject(new Error(`the node in ${home} exited (${signal ?? code}) before it was ready`)));
  });
  ready.catch(() => {}); // a caller that never waits is told through onLine and the exit event
  return { child, ready };
}

export function readLocalnet(home: string): LocalnetFile {
  const path = join(resolve(home), 'localnet.json');
  if (!existsSync(path)) throw new CliError(`${home} has no localnet.json; run \`vivian localnet init --home ${home}\` first`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function registerLocalnetCommands(program: Command): void {
  const localnet = program.command('localnet').description('a network of validators on this machine');
  localnet
    .command('init')
    .description('create DIR/node0..N-1 with a shared genesis, wired to each other, and DIR/localnet.json')
    .requiredOption('--home <dir>', 'directory for the nodes')
    .option('--validators <n>', 'number of validators', '4')
    .option('--base-port <port>', 'node k listens on p2p P+10k, rpc P+10k+1, api P+10k+2', '26600')
    .option('--mnemonic <words>', 'mnemonic whose accounts 0..N-1 are funded (default: a new one, printed)')
    .option('--accounts <n>', 'how many accounts to fund', '10')
    .option('--chain-id <id>', 'chain id', 'vivian-localnet-1')
    .option('--block-time <ms>', 'pause after each commit before the next height', String(LOCALNET_BLOCK_TIME_MS))
    .option('--overwrite', 'replace an existing localnet')
    .action((o) => {
      const validators = parseIntFlag('--validators', o.validators)!;
      if (validators < 1 || validators > 64) throw new CliError('--validators must be between 1 and 64');
      const basePort = parseIntFlag('--base-port', o.basePort)!;
      if (basePort < 1024 || basePort + 10 * validators > 65535) throw new CliError('--base-port leaves no room for the nodes\' ports');
      const accounts = parseIntFlag('--accounts', o.accounts)!;
      const mnemonic: string = o.mnemonic?.trim() ?? generateMnemonic(24);
      if (!validateMnemonic(mnemonic)) throw new CliError('--mnemonic is not a valid BIP-39 mnemonic');
      const file = initLocalnet({
        validators,
        home: o.home,
        basePort,
        mnemonic,
        accounts,
        chainId: o.chainId,
        blockTimeMs: parseIntFlag('--block-time', o.blockTime)!,
        overwrite: !!o.overwrite,
      });
      const lines = [
        `localnet ${file.chain_id}: ${validators} validators in ${resolve(o.home)}`,
        ...file.nodes.map((n) => `  ${n.name}  rpc ${n.rpc}  api ${n.api}  p2p ${n.p2p}`),
        `mnemonic  ${mnemonic}`,
        `start all: vivian localnet start --home ${o.home}   (or one: vivian start --home ${file.nodes[0]!.home})`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });

  localnet
    .command('start')
    .description('start every node of a localnet; Ctrl-C stops them all')
    .requiredOption('--home <dir>', 'directory given to `localnet init`')
    .action(async (o) => {
      const file = readLocalnet(o.home);
      const cli = localnetNodeCli(process.execArgv, process.argv[1]!);
      const children: ChildProcess[] = file.nodes.map((n) => {
        const { child } = spawnNodeProcess(cli, n.home, (line) => process.stdout.write(`[${n.name}] ${line}\n`));
        child.on('exit', (code, signal) => process.stdout.write(`[${n.name}] exited (${signal ?? code})\n`));
        return child;
      });
      const stop = () => {
        for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
    });
}
