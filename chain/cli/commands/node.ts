import type { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveSecp256k1, generateMnemonic, validateMnemonic } from '../../crypto/hd.js';
import { parseAddress } from '../../crypto/addresses.js';
import { parseCoinsString, coinsToWire } from '../../types/coins.js';
import { DEFAULT_CONFIG, loadConfig, homePaths, type NodeConfig } from '../../node/config.js';
import { addGenesisAccount, initHome } from '../../node/home.js';
import type { VivianNode } from '../../node/node.js';
import { CliError, parseIntFlag } from '../io.js';

export const DEV_ACCOUNT_BALANCE = 1_000_000_000_000n;

/** Flags every node-running command shares; each overrides the config file. */
function addNodeFlags(cmd: Command): Command {
  return cmd
    .option('--rpc-port <port>', 'CometBFT JSON-RPC port')
    .option('--api-port <port>', 'Cosmos REST port')
    .option('--listen-address <addr>', 'interface the RPC and REST servers listen on')
    .option('--min-gas-price <price>', 'least gas price accepted into the mempool, e.g. 0.025uviv')
    .option('--block-time <ms>', 'ms between blocks; 0 = a block as soon as txs are pending')
    .option('--verify-threads <n>', 'worker threads verifying client txs\' signatures: "auto" (cores - 1) or 0..64')
    .option('--tx-index <kv|null>', 'index committed txs for tx_search and vector search ("kv"), or keep no index ("null", for validators)')
    .option('--set <key=value>', 'any config.json setting, the value as JSON or a plain string (repeatable)', collectSettings, []);
}

function collectSettings(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** --set key=value pairs as config overrides: the value is read as JSON when it parses, else as a string. */
function settingsFrom(pairs: string[]): Partial<NodeConfig> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`--set needs key=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at);
    if (!(key in DEFAULT_CONFIG)) throw new CliError(`--set: unknown config setting ${JSON.stringify(key)} (known: ${Object.keys(DEFAULT_CONFIG).join(', ')})`);
    const raw = pair.slice(at + 1);
    try {
      out[key] = JSON.parse(raw);
    } catch {
      out[key] = raw;
    }
  }
  return out as Partial<NodeConfig>;
}

function overridesFrom(o: Record<string, unknown>): Partial<NodeConfig> {
  const flag = (name: string) => o[name] as string | undefined;
  const threads = flag('verifyThreads');
  const flags: Partial<NodeConfig> = {
    rpc_port: parseIntFlag('--rpc-port', flag('rpcPort')),
    api_port: parseIntFlag('--api-port', flag('apiPort')),
    listen_address: flag('listenAddress'),
    min_gas_price: flag('minGasPrice'),
    block_time_ms: parseIntFlag('--block-time', flag('blockTime')),
    verify_threads: threads === 'auto' ? 'auto' : parseIntFlag('--verify-threads', threads),
    tx_index: flag('txIndex') as NodeConfig['tx_index'] | undefined,
  };
  // a flag that was not given must not hide the same setting given with --set
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  return { ...settingsFrom((o.set as string[] | undefined) ?? []), ...given };
}

/** The home's config with the command line's overrides; a bad setting is a one-line CLI error. */
function nodeConfig(home: string, overrides: Partial<NodeConfig>): NodeConfig {
  try {
    return loadConfig(home, overrides);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** Starts the node and its servers; stops cleanly on SIGINT/SIGTERM. */
async function runNode(home: string, config: NodeConfig, banner: (node: VivianNode, urls: { rpcUrl: string; apiUrl: string }) => void, onExit?: () => void) {
  // loaded on demand: the node pulls in the VM, the gateway and p2p, which key and query commands never need
  const { VivianNode } = await import('../../node/node.js');
  const node = VivianNode.open(home, config);
  node.onLog = (line) => process.stderr.write(`${line}\n`);
  try {
    await node.start();
  } catch (e) {
    await node.stop();
    throw new CliError(`cannot start the node: ${(e as Error).message}`);
  }
  const { startServers } = await import('../../api/index.js');
  let servers: Awaited<ReturnType<typeof startServers>>;
  try {
    servers = await startServers(node);
  } catch (e) {
    await node.stop();
    throw new CliError(`cannot start the servers: ${(e as Error).message}`);
  }
  banner(node, servers);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nstopping…\n');
    await servers.close();
    await node.stop();
    onExit?.();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function registerNodeCommands(program: Command): void {
  addNodeFlags(
    program
      .command('dev')
      .description('run a one-validator development chain with funded accounts (like ganache or anvil)')
      .option('--home <dir>', 'node home; initialised on first run, resumed later (default: a temp dir removed at exit)')
      .option('--mnemonic <words>', 'mnemonic whose accounts 0..N-1 are funded (default: a new one, printed)')
      .option('--accounts <n>', 'how many accounts to fund', '10')
      .option('--chain-id <id>', 'chain id', 'vivian-dev-1'),
  ).action(async (o) => {
    const accounts = parseIntFlag('--accounts', o.accounts)!;
    if (accounts < 1 || accounts > 1000) throw new CliError('--accounts must be between 1 and 1000');
    const temp = !o.home;
    const home: string = o.home ?? mkdtempSync(join(tmpdir(), 'vivian-dev-'));
    const devFile = join(home, 'config', 'dev.json');
    let mnemonic: string;
    if (existsSync(homePaths(home).genesis)) {
      if (!existsSync(devFile)) throw new CliError(`${home} is a node home but not a dev chain's; use \`vivian start --home ${home}\``);
      const saved = JSON.parse(readFileSync(devFile, 'utf8'));
      if (o.mnemonic && o.mnemonic.trim() !== saved.mnemonic) throw new CliError(`${home} was created with another mnemonic; omit --mnemonic to resume it`);
      mnemonic = saved.mnemonic;
    } else {
      mnemonic = o.mnemonic?.trim() ?? generateMnemonic(24);
      if (!validateMnemonic(mnemonic)) throw new CliError('--mnemonic is not a valid BIP-39 mnemonic');
      const balances = Array.from({ length: accounts }, (_, i) => ({
        address: deriveSecp256k1(mnemonic, i).address,
        coins: [{ denom: 'uviv', amount: DEV_ACCOUNT_BALANCE.toString() }],
      }));
      initHome(home, { chainId: o.chainId, moniker: 'dev', balances, config: { min_gas_price: '0uviv', rate_limit_per_minute: 0 } });
      writeFileSync(devFile, JSON.stringify({ mnemonic, accounts }, null, 2) + '\n', { mode: 0o600 });
    }
    const config = nodeConfig(home, { min_gas_price: '0uviv', rate_limit_per_minute: 0, ...overridesFrom(o) });
    const saved = JSON.parse(readFileSync(devFile, 'utf8'));
    await runNode(
      home,
      config,
      (node, urls) => {
        const lines = [
          '',
          'VIVIAN dev chain',
          '================',
          `chain id     ${node.chainId}`,
          `height       ${node.app.height}`,
          `rpc          ${urls.rpcUrl}   (CometBFT JSON-RPC; websocket ${urls.rpcUrl.replace(/^http/, 'ws')}/websocket)`,
          `rest         ${urls.apiUrl}   (Cosmos REST; docs at ${urls.apiUrl}/docs)`,
          `home         ${home}${temp ? ' (temporary: removed at exit)' : ''}`,
          `block time   ${config.block_time_ms === 0 ? 'on demand' : config.block_time_ms + ' ms'}`,
          `min gas      ${config.min_gas_price}`,
          '',
          `mnemonic     ${mnemonic}`,
          '',
          `accounts (secp256k1, m/44'/118'/0'/0/i, ${DEV_ACCOUNT_BALANCE} uviv each at genesis)`,
          ...Array.from({ length: saved.accounts as number }, (_, i) => `  (${i}) ${deriveSecp256k1(mnemonic, i).address}`),
          '',
          'Ctrl-C to stop.',
        ];
        process.stdout.write(lines.join('\n') + '\n');
      },
      temp ? () => rmSync(home, { recursive: true, force: true }) : undefined,
    );
  });

  program
    .command('init')
    .description('create a node home: config, node key, ed25519 validator key and a genesis with this node as validator')
    .requiredOption('--home <dir>', 'node home directory')
    .requiredOption('--chain-id <id>', 'chain id')
    .option('--moniker <name>', 'a name for this node', 'vivian-node')
    .option('--overwrite', 'replace an existing home')
    .action((o) => {
      const { validator, genesis } = initHome(o.home, { chainId: o.chainId, moniker: o.moniker, overwrite: !!o.overwrite });
      process.stdout.write(
        [
          `initialised ${o.home}`,
          `chain id        ${genesis.chain_id}`,
          `validator addr  ${Buffer.from(validator.address).toString('hex').toUpperCase()}`,
          `validator key   ${homePaths(o.home).validatorKey}`,
          `genesis         ${homePaths(o.home).genesis}`,
          `next: vivian genesis add-account ADDR AMOUNT --home ${o.home}; vivian start --home ${o.home}`,
        ].join('\n') + '\n',
      );
    });

  const genesis = program.command('genesis').description('edit the genesis file of a node home');
  genesis
    .command('add-account <address> <amount>')
    .description('fund ADDRESS at genesis with AMOUNT (e.g. 1000000uviv or 10uviv,5ufoo)')
    .requiredOption('--home <dir>', 'node home directory')
    .action((address: string, amount: string, o) => {
      try {
        parseAddress(address);
      } catch (e) {
        throw new CliError(`invalid address ${address}: ${(e as Error).message}`);
      }
      const coins = parseCoinsString(amount);
      if (coins.length === 0) throw new CliError('AMOUNT must name at least one coin, e.g. 1000000uviv');
      addGenesisAccount(o.home, address, coinsToWire(coins));
      process.stdout.write(`added ${amount} for ${address} to ${homePaths(o.home).genesis}\n`);
    });

  addNodeFlags(
    program.command('start').description('run a node from its home').requiredOption('--home <dir>', 'node home directory'),
  ).action(async (o) => {
    if (!existsSync(homePaths(o.home).genesis)) throw new CliError(`${o.home} has no genesis; run \`vivian init --home ${o.home} --chain-id ID\` first`);
    const config = nodeConfig(o.home, overridesFrom(o));
    await runNode(o.home, config, (node, urls) => {
      process.stdout.write(`node ${config.moniker} on chain ${node.chainId} at height ${node.app.height}\nrpc ${urls.rpcUrl}\nrest ${urls.apiUrl}\n`);
    });
  });
}
