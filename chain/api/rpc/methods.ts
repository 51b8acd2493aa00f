import { headerHash } from '../../consensus/types/header.js';
import { BLOCK_PROTOCOL } from '../../consensus/block.js';
import { sha256 } from '../../crypto/hash.js';
import { TxSearch } from '../../indexer/search.js';
import type { VivianNode } from '../../node/node.js';
import { nodeInfoOther } from '../../node/config.js';
import type { AddResult } from '../../mempool/mempool.js';
import type { StoredTx } from '../../store/chainReader.js';
import { ApiErrors } from '../errors.js';
import { base64, base64OrNull, hexUpper, rfc3339Nano } from '../encoding.js';
import type { ApiOptions } from '../options.js';
import { stateProofJson } from '../rest/vivian/state.js';
import { blockIdJson, blockJson, commitJson, eventsJson, headerJson, pubKeyJson, txJson, txResultJson, validatorJson } from './cometJson.js';
import { readParams, type ParamSpec } from './params.js';

/** The CometBFT release whose RPC this gateway speaks; cosmjs picks its Comet38 client from "0.38.". */
export const COMET_VERSION = '0.38.17';
const P2P_PROTOCOL = '8';
/** CometBFT's reactor channel ids, as status reports them */
const CHANNELS = '40202122233038606100';
const GENESIS_CHUNK_BYTES = 16 * 1024 * 1024;

export interface RpcContext {
  node: VivianNode;
  search: TxSearch;
  opts: ApiOptions;
}

export interface RpcMethod {
  params: ParamSpec[];
  handler(ctx: RpcContext, args: Record<string, any>): unknown;
}

const height: ParamSpec = { name: 'height', kind: 'int' };

/** CometBFT's rule for an optional height: absent = latest; otherwise 1..latest and not before the first block. */
function resolveHeight(node: VivianNode, h: bigint | undefined): bigint {
  const latest = node.reader.latestHeight();
  const base = node.reader.initialHeight();
  if (h === undefined) {
    if (latest < base) throw ApiErrors.NotFound('no block has been committed yet');
    return latest;
  }
  if (h <= 0n) throw ApiErrors.InvalidParams(`height must be greater than 0, but got ${h}`);
  if (h > latest) throw ApiErrors.InvalidParams(`height ${h} must be less than or equal to the current blockchain height ${latest}`);
  if (h < base) throw ApiErrors.NotFound(`height ${h} is not available, lowest height is ${base}`);
  return h;
}

function blockAt(node: VivianNode, h: bigint) {
  const block = node.reader.block(h);
  if (!block) throw ApiErrors.NotFound(`block at height ${h} is not available`);
  return block;
}

function blockIdAt(node: VivianNode, h: bigint) {
  return node.reader.seenCommit(h)?.blockId;
}

function pageOf(page: bigint | undefined, perPage: bigint | undefined, total: number) {
  const per = perPage === undefined || perPage <= 0n ? 30 : Number(perPage > 100n ? 100n : perPage);
  const pages = Math.max(1, Math.ceil(total / per));
  const p = page === undefined ? 1 : Number(page);
  if (page !== undefined && (page < 1n || page > BigInt(pages))) throw ApiErrors.InvalidParams(`page should be within [1, ${pages}] range, given ${page}`);
  return { skip: (p - 1) * per, per };
}

function checkTxJson(r: AddResult['result']) {
  return txResultJson({ ...r, info: '' });
}

/** Waits for `hash` to be committed (resolves with it) or `timeoutMs`. */
function waitForTx(node: VivianNode, hash: Uint8Array, timeoutMs: number): { promise: Promise<StoredTx>; cancel(): void } {
  let off = () => {};
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<StoredTx>((resolve, reject) => {
    off = node.eventBus.onTx((t) => {
      if (Buffer.compare(t.hash, hash) === 0) {
        off();
        clearTimeout(timer);
        resolve(t);
      }
    });
    timer = setTimeout(() => {
      off();
      reject(ApiErrors.Timeout(`timed out waiting for tx ${hexUpper(hash)} to be committed (${timeoutMs} ms); it may still be committed later`));
    }, timeoutMs);
  });
  return {
    promise,
    cancel: () => {
      off();
      clearTimeout(timer);
    },
  };
}

function blockResultsJson(node: VivianNode, h: bigint) {
  const r = node.reader.blockResults(h);
  if (!r) throw ApiErrors.NotFound(`results of block ${h} are not available`);
  const txs = node.reader.blockTxs(h);
  return {
    height: h.toString(),
    txs_results: txs.length > 0 ? txs.map((t) => txResultJson(t.result)) : null,
    finalize_block_events: eventsJson(r.response.events),
    validator_updates: [] as unknown[],
    consensus_param_updates: null,
    app_hash: base64(r.response.appHash),
  };
}

/** Every method served over HTTP and websocket (subscriptions are added by the websocket handler). */
export const RPC_METHODS: Record<string, RpcMethod> = {
  health: { params: [], handler: () => ({}) },

  status: {
    params: [],
    handler: ({ node }) => {
      const cfg = node.config;
      const latest = node.reader.latestHeight();
      const base = node.reader.initialHeight();
      const latestBlock = latest >= base ? node.reader.block(latest) : undefined;
      const earliestBlock = latest >= base ? node.reader.block(base) : undefined;
      const me = node.validators.getByAddress(node.validatorKey.address);
      return {
        node_info: {
          protocol_version: { p2p: P2P_PROTOCOL, block: BLOCK_PROTOCOL.toString(), app: String(node.app.params.version.app) },
          id: Buffer.from(node.nodeKey.address).toString('hex'),
          listen_addr: `tcp://${cfg.listen_address}:${cfg.p2p_port}`,
          network: node.chainId,
          version: COMET_VERSION,
          channels: CHANNELS,
          moniker: cfg.moniker || 'vivian-node',
          other: nodeInfoOther(cfg),
        },
        sync_info: {
          latest_block_hash: latestBlock ? hexUpper(headerHash(latestBlock.header!) ?? undefined) : '',
          latest_app_hash: hexUpper(node.app.appHash),
          latest_block_height: latest.toString(),
          latest_block_time: latestBlock ? rfc3339Nano(latestBlock.header!.time) : node.genesis.genesis_time,
          earliest_block_hash: earliestBlock ? hexUpper(headerHash(earliestBlock.header!) ?? undefined) : '',
          earliest_app_hash: earliestBlock ? hexUpper(earliestBlock.header!.appHash) : '',
          earliest_block_height: (earliestBlock ? base : 0n).toString(),
          earliest_block_time: earliestBlock ? rfc3339Nano(earliestBlock.header!.time) : node.genesis.genesis_time,
          catching_up: node.bft?.engine.catchingUp ?? false,
        },
        validator_info: {
          address: hexUpper(node.validatorKey.address),
          pub_key: pubKeyJson(node.validatorKey.publicKey),
          voting_power: (me?.validator.votingPower ?? 0n).toString(),
        },
      };
    },
  },

  abci_info: {
    params: [],
    handler: ({ node }) => {
      const i = node.app.info();
      return {
        response: {
          data: i.data,
          version: i.version,
          app_version: i.appVersion.toString(),
          last_block_height: i.lastBlockHeight.toString(),
          last_block_app_hash: base64(i.lastBlockAppHash),
        },
      };
    },
  },

  abci_query: {
    params: [{ name: 'path', kind: 'string' }, { name: 'data', kind: 'hex' }, height, { name: 'prove', kind: 'bool' }],
    handler: ({ node }, a) => {
      if (a.height !== undefined && a.height < 0n) throw ApiErrors.InvalidParams(`height must be non-negative, got ${a.height}`);
      const r = node.app.query({ path: a.path ?? '', data: a.data ?? new Uint8Array(), height: a.height ?? 0n, prove: a.prove ?? false });
      // raw state reads can be proven (see client/stateProofOps.ts); other paths answer without proof, as the SDK's gRPC queries do
      const proofOps = a.prove && r.code === 0 && a.path === '/store/key' ? stateProofJson(node, a.data ?? new Uint8Array(), r.height).proof_ops : null;
      return {
        response: {
          code: r.code,
          log: r.log,
          info: r.info,
          index: r.index.toString(),
          key: base64OrNull(r.key),
          value: base64OrNull(r.value),
          proofOps,
          height: r.height.toString(),
          codespace: r.codespace,
        },
      };
    },
  },

  check_tx: {
    params: [{ name: 'tx', kind: 'bytes', required: true }],
    handler: ({ node }, a) => txResultJson({ ...node.app.checkTxDryRun(a.tx).result, info: '' }),
  },

  broadcast_tx_async: {
    params: [{ name: 'tx', kind: 'bytes', required: true }],
    handler: async ({ node }, a) => {
      const r = await node.submitTx(a.tx);
      // CometBFT answers async broadcasts before CheckTx; a refusal here is still reported, as the tx is gone
      return { code: r.result.code, data: '', log: r.result.log, codespace: r.result.codespace, hash: hexUpper(r.hash) };
    },
  },

  broadcast_tx_sync: {
    params: [{ name: 'tx', kind: 'bytes', required: true }],
    handler: async ({ node }, a) => {
      const r = await node.submitTx(a.tx);
      return { code: r.result.code, data: '', log: r.result.log, codespace: r.result.codespace, hash: hexUpper(r.hash) };
    },
  },

  broadcast_tx_commit: {
    params: [{ name: 'tx', kind: 'bytes', required: true }],
    handler: async ({ node, opts }, a) => {
      const hash = sha256(a.tx);
      const wait = waitForTx(node, hash, opts.txCommitTimeoutMs);
      const r = await node.submitTx(a.tx);
      if (r.result.code !== 0) {
        wait.cancel();
        return { check_tx: checkTxJson(r.result), tx_result: txResultJson({ code: 0, data: new Uint8Array(), log: '', gasWanted: 0n, gasUsed: 0n, events: [], codespace: '' }), hash: hexUpper(r.hash), height: '0' };
      }
      const t = await wait.promise;
      return { check_tx: checkTxJson(r.result), tx_result: txResultJson(t.result), hash: hexUpper(r.hash), height: t.height.toString() };
    },
  },

  tx: {
    params: [{ name: 'hash', kind: 'hash', required: true }, { name: 'prove', kind: 'bool' }],
    handler: ({ node }, a) => {
      const t = node.reader.txByHash(a.hash);
      if (!t) throw ApiErrors.NotFound(`tx (${hexUpper(a.hash)}) not found`);
      return txJson(t, a.prove ? node.reader.block(t.height) : undefined);
    },
  },

  tx_search: {
    params: [
      { name: 'query', kind: 'string', required: true },
      { name: 'prove', kind: 'bool' },
      { name: 'page', kind: 'int' },
      { name: 'per_page', kind: 'int' },
      { name: 'order_by', kind: 'string' },
    ],
    handler: ({ node, search }, a) => {
      const page = a.page === undefined ? undefined : a.page > 1_000_000_000n || a.page < -1n ? 0 : Number(a.page);
      const perPage = a.per_page === undefined ? undefined : Number(a.per_page > 100n ? 100n : a.per_page);
      const r = search.search(a.query, { page, perPage, orderBy: a.order_by });
      const blocks = new Map<bigint, ReturnType<typeof node.reader.block>>();
      const blockOf = (h: bigint) => {
        if (!blocks.has(h)) blocks.set(h, node.reader.block(h));
        return blocks.get(h);
      };
      return { txs: r.txs.map((t) => txJson(t, a.prove ? blockOf(t.height) : undefined)), total_count: String(r.totalCount) };
    },
  },

  block: {
    params: [height],
    handler: ({ node }, a) => {
      const h = resolveHeight(node, a.height);
      return { block_id: blockIdJson(blockIdAt(node, h)), block: blockJson(blockAt(node, h)) };
    },
  },

  block_by_hash: {
    params: [{ name: 'hash', kind: 'hash', required: true }],
    handler: ({ node }, a) => {
      const h = node.reader.heightByBlockHash(a.hash);
      const block = h === undefined ? undefined : node.reader.block(h);
      if (h === undefined || !block) return { block_id: blockIdJson(undefined), block: null };
      return { block_id: blockIdJson(blockIdAt(node, h)), block: blockJson(block) };
    },
  },

  block_results: {
    params: [height],
    handler: ({ node }, a) => blockResultsJson(node, resolveHeight(node, a.height)),
  },

  header: {
    params: [height],
    handler: ({ node }, a) => ({ header: headerJson(blockAt(node, resolveHeight(node, a.height)).header!) }),
  },

  header_by_hash: {
    params: [{ name: 'hash', kind: 'hash', required: true }],
    handler: ({ node }, a) => {
      const h = node.reader.heightByBlockHash(a.hash);
      const block = h === undefined ? undefined : node.reader.block(h);
      return { header: block ? headerJson(block.header!) : null };
    },
  },

  blockchain: {
    params: [
      { name: 'minHeight', kind: 'int' },
      { name: 'maxHeight', kind: 'int' },
    ],
    handler: ({ node }, a) => {
      const latest = node.reader.latestHeight();
      const base = node.reader.initialHeight();
      let max = a.maxHeight === undefined || a.maxHeight === 0n ? latest : a.maxHeight;
      if (max > latest) max = latest;
      let min = a.minHeight === undefined || a.minHeight === 0n ? base : a.minHeight;
      if (min < base) min = base;
      if (max - min >= 20n) min = max - 19n; // CometBFT returns at most 20 metas, newest first
      if (min > max && latest >= base) throw ApiErrors.InvalidParams(`min height ${min} can't be greater than max height ${max}`);
      const metas = [];
      for (let h = max; h >= min && h >= base; h--) {
        const bytes = node.reader.blockBytes(h);
        const block = node.reader.block(h);
        if (!bytes || !block) continue;
        metas.push({
          block_id: blockIdJson(blockIdAt(node, h)),
          block_size: String(bytes.length),
          header: headerJson(block.header!),
          num_txs: String(block.data?.txs.length ?? 0),
        });
      }
      return { last_height: latest.toString(), block_metas: metas };
    },
  },

  commit: {
    params: [height],
    handler: ({ node }, a) => {
      const h = resolveHeight(node, a.height);
      return {
        signed_header: { header: headerJson(blockAt(node, h).header!), commit: commitJson(node.reader.seenCommit(h)) },
        canonical: h < node.reader.latestHeight(),
      };
    },
  },

  validators: {
    params: [height, { name: 'page', kind: 'int' }, { name: 'per_page', kind: 'int' }],
    handler: ({ node }, a) => {
      const h = resolveHeight(node, a.height);
      const all = node.validators.validators;
      const { skip, per } = pageOf(a.page, a.per_page, all.length);
      const page = all.slice(skip, skip + per);
      return { block_height: h.toString(), validators: page.map(validatorJson), count: String(page.length), total: String(all.length) };
    },
  },

  genesis: {
    params: [],
    handler: ({ node }) => {
      const text = JSON.stringify(node.genesis);
      if (text.length > GENESIS_CHUNK_BYTES) throw ApiErrors.InvalidRequest('genesis response is large, please use the genesis_chunked API instead');
      return { genesis: node.genesis };
    },
  },

  genesis_chunked: {
    params: [{ name: 'chunk', kind: 'int' }],
    handler: ({ node }, a) => {
      const bytes = Buffer.from(JSON.stringify(node.genesis));
      const total = Math.max(1, Math.ceil(bytes.length / GENESIS_CHUNK_BYTES));
      const chunk = a.chunk ?? 0n;
      if (chunk < 0n || chunk >= BigInt(total)) throw ApiErrors.InvalidParams(`there are ${total} chunks, ${chunk} is invalid`);
      const i = Number(chunk);
      return { chunk: String(i), total: String(total), data: bytes.subarray(i * GENESIS_CHUNK_BYTES, (i + 1) * GENESIS_CHUNK_BYTES).toString('base64') };
    },
  },

  net_info: {
    params: [],
    handler: ({ node }) => ({
      listening: true,
      listeners: [`Listener(@tcp://${node.config.listen_address}:${node.config.p2p_port})`],
      n_peers: '0',
      peers: [] as unknown[],
    }),
  },

  num_unconfirmed_txs: {
    params: [],
    handler: ({ node }) => ({ n_txs: String(node.mempool.size), total: String(node.mempool.size), total_bytes: String(node.mempool.bytes), txs: null }),
  },

  unconfirmed_txs: {
    params: [{ name: 'limit', kind: 'int' }],
    handler: ({ node }, a) => {
      const limit = a.limit === undefined || a.limit <= 0n ? 30 : Number(a.limit > 100n ? 100n : a.limit);
      const txs = node.mempool.list(limit);
      return { n_txs: String(txs.length), total: String(node.mempool.size), total_bytes: String(node.mempool.bytes), txs: txs.map(base64) };
    },
  },

  consensus_params: {
    params: [height],
    handler: ({ node }, a) => ({ block_height: resolveHeight(node, a.height).toString(), consensus_params: node.app.params }),
  },
};

export function newRpcContext(node: VivianNode, opts: ApiOptions): RpcContext {
  return { node, opts, search: new TxSearch(node.db, node.reader) };
}

/** Runs one method by name with raw params (JSON or URI); throws typed errors. */
export async function callMethod(ctx: RpcContext, method: string, rawParams: unknown, fromUri = false): Promise<unknown> {
  const m = Object.prototype.hasOwnProperty.call(RPC_METHODS, method) ? RPC_METHODS[method] : undefined;
  if (!m) throw ApiErrors.MethodNotFound(`method ${JSON.stringify(method.slice(0, 100))} is not served`);
  return m.handler(ctx, readParams(m.params, rawParams, fromUri));
}
