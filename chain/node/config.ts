import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePeerAddress } from '../p2p/switch.js';
import { parseDecCoins } from '../types/coins.js';

/** Everything a node can be told; stored in HOME/config/config.json and overridable by CLI flags. */
export interface NodeConfig {
  moniker: string;
  /** interface the RPC and REST servers listen on */
  listen_address: string;
  rpc_port: number;
  api_port: number;
  p2p_port: number;
  persistent_peers: string[];
  /** `nodeid@host:port` nodes dialled at start and asked for other nodes' addresses (peer exchange) */
  seeds: string[];
  /** most p2p connections, inbound and outbound together */
  max_peers: number;
  /** `host:port` this node advertises to peers; "" = its listen address and p2p port */
  external_address: string;
  /** a seed node only hands out addresses: it closes each connection after answering */
  seed_mode: boolean;
  /** node ids this node never hands out to others (e.g. sentry-protected validators) */
  private_peer_ids: string[];
  /** the least gas price this node accepts into its mempool, e.g. "0.025uviv" (a local policy) */
  min_gas_price: string;
  /**
   * ms to wait after a block before the next height (CometBFT's timeout_commit); 0 = a validator alone makes
   * a block as soon as txs are pending (none while there are none), a network uses the engine's default
   * (100 ms, also what `vivian localnet init` writes: the latency/throughput trade-off measured in
   * chain/consensus/README.md). The 1000 ms default is `vivian dev`'s and a fresh `vivian init` home's.
   */
  block_time_ms: number;
  /** browser origins allowed by CORS ("*" = any) */
  cors_origins: string[];
  /** requests per minute per IP on the RPC and REST servers; 0 = no limit */
  rate_limit_per_minute: number;
  max_body_bytes: number;
  max_ws_connections: number;
  max_subscriptions_per_client: number;
  mempool_max_txs: number;
  mempool_max_bytes: number;
  /** skip fsync on commit (throwaway chains, benchmarks) */
  no_sync: boolean;
  /** heights of state kept readable for queries and proofs; 0 = keep every height (the ledger is never pruned) */
  pruning_keep_recent: number;
  /**
   * "kv": the node indexes committed txs for search (tx_search's event index, the vector index's filters and its
   * HNSW graph); "null": it keeps none of them (CometBFT's tx_index.indexer = "null"), for validators that serve
   * no searches: the node's own index work per tx goes. Lookups by hash and by version, proofs and stored
   * embeddings stay (they are ledger data). Switched back to "kv", the node indexes the heights it skipped
   * before it starts.
   */
  tx_index: 'kv' | 'null';
  /**
   * worker threads that verify incoming txs' signatures before CheckTx, off the thread that executes blocks;
   * "auto" = one per core but one, 0 = verify on the main thread only
   */
  verify_threads: number | 'auto';
  /**
   * TEST ONLY (empty = off): a file of p2p node ids, one per line, whose traffic this node drops both ways
   * while they are listed; re-read when the file changes. Lets a test partition a running network.
   */
  unsafe_blocked_peers_file: string;
  /**
   * TEST ONLY (false = off): this validator signs a second, conflicting prevote and precommit for every
   * one it casts, so that tests can watch the others catch it. Never set on a real validator.
   */
  unsafe_double_sign: boolean;
}

export const DEFAULT_CONFIG: NodeConfig = {
  moniker: 'vivian-node',
  listen_address: '127.0.0.1',
  rpc_port: 26657,
  api_port: 1317,
  p2p_port: 26656,
  persistent_peers: [],
  seeds: [],
  max_peers: 40,
  external_address: '',
  seed_mode: false,
  private_peer_ids: [],
  min_gas_price: '0.025uviv',
  block_time_ms: 1000,
  cors_origins: ['*'],
  rate_limit_per_minute: 6000,
  max_body_bytes: 2 * 1024 * 1024,
  max_ws_connections: 200,
  max_subscriptions_per_client: 5,
  mempool_max_txs: 50_000,
  mempool_max_bytes: 256 * 1024 * 1024,
  no_sync: false,
  pruning_keep_recent: 100_000,
  tx_index: 'kv',
  verify_threads: 'auto',
  unsafe_blocked_peers_file: '',
  unsafe_double_sign: false,
};

export const homePaths = (home: string) => ({
  config: join(home, 'config', 'config.json'),
  genesis: join(home, 'config', 'genesis.json'),
  validatorKey: join(home, 'config', 'priv_validator_key.json'),
  nodeKey: join(home, 'config', 'node_key.json'),
  /** peers' addresses learnt by peer exchange, kept across restarts (as CometBFT's) */
  addrBook: join(home, 'config', 'addrbook.json'),
  data: join(home, 'data'),
});

/** Reads HOME/config/config.json over the defaults, then `overrides` (from flags) over that; checks every value. */
export function loadConfig(home: string, overrides: Partial<NodeConfig> = {}): NodeConfig {
  const path = homePaths(home).config;
  let fromFile: Partial<NodeConfig> = {};
  if (existsSync(path)) {
    try {
      fromFile = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const cfg: NodeConfig = { ...DEFAULT_CONFIG, ...fromFile, ...stripUndefined(overrides) };
  validateConfig(cfg);
  return cfg;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function validateConfig(c: NodeConfig): void {
  const port = (name: keyof NodeConfig) => {
    const v = c[name] as number;
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`config ${name} must be a port number 0-65535, got ${JSON.stringify(v)}`);
  };
  port('rpc_port');
  port('api_port');
  port('p2p_port');
  if (!Number.isInteger(c.block_time_ms) || c.block_time_ms < 0) throw new Error(`config block_time_ms must be a non-negative integer, got ${c.block_time_ms}`);
  parseDecCoins(c.min_gas_price);
  for (const k of ['persistent_peers', 'seeds'] as const) {
    if (!Array.isArray(c[k])) throw new Error(`config ${k} must be a list of "nodeid@host:port", got ${JSON.stringify(c[k])}`);
    // checked here so that a bad address fails at load, not at the first dial
    for (const a of c[k]) {
      try {
        parsePeerAddress(String(a));
      } catch (e) {
        throw new Error(`config ${k}: ${(e as Error).message}`);
      }
    }
  }
  if (!Array.isArray(c.private_peer_ids) || c.private_peer_ids.some((id) => !/^[0-9a-fA-F]{40}$/.test(String(id)))) {
    throw new Error(`config private_peer_ids must be a list of 40-hex-digit node ids, got ${JSON.stringify(c.private_peer_ids)}`);
  }
  if (!Number.isInteger(c.max_peers) || c.max_peers < 1 || c.max_peers > 10_000) throw new Error(`config max_peers must be an integer 1-10000, got ${JSON.stringify(c.max_peers)}`);
  if (c.external_address !== '') {
    try {
      parsePeerAddress(`${'0'.repeat(40)}@${c.external_address}`);
    } catch {
      throw new Error(`config external_address must be host:port or "", got ${JSON.stringify(c.external_address)}`);
    }
  }
  if (c.tx_index !== 'kv' && c.tx_index !== 'null') throw new Error(`config tx_index must be "kv" or "null", got ${JSON.stringify(c.tx_index)}`);
  if (c.verify_threads !== 'auto' && (!Number.isInteger(c.verify_threads) || c.verify_threads < 0 || c.verify_threads > 64)) {
    throw new Error(`config verify_threads must be "auto" or an integer 0-64, got ${JSON.stringify(c.verify_threads)}`);
  }
  for (const k of ['pruning_keep_recent', 'rate_limit_per_minute', 'max_body_bytes', 'max_ws_connections', 'max_subscriptions_per_client', 'mempool_max_txs', 'mempool_max_bytes'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 0) throw new Error(`config ${k} must be a non-negative integer, got ${JSON.stringify(c[k])}`);
  }
}

/** node_info.other as CometBFT reports it: whether txs are indexed ("on"/"off") and where the RPC listens. */
export function nodeInfoOther(c: NodeConfig): { tx_index: 'on' | 'off'; rpc_address: string } {
  return { tx_index: c.tx_index === 'null' ? 'off' : 'on', rpc_address: `tcp://${c.listen_address}:${c.rpc_port}` };
}
