import type { FastifyInstance } from 'fastify';
import { Tx } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { sha256 } from '../../crypto/hash.js';
import { parseQuery, TxSearch } from '../../indexer/search.js';
import type { VivianNode } from '../../node/node.js';
import type { StoredTx } from '../../store/chainReader.js';
import { VivianError } from '../../types/errors.js';
import { ApiErrors } from '../errors.js';
import { base64, hexUpper, parseBase64, parseHex } from '../encoding.js';
import { eventsJson } from '../rpc/cometJson.js';
import { anySchema, openObject, pageResponseSchema, responses } from './common.js';
import { anyJson, gatewayJson } from './protoJson.js';

const UINT = { type: 'string', pattern: '^[0-9]{1,19}$' } as const;
const txResponseSchema = {
  type: 'object',
  properties: {
    height: { type: 'string' },
    txhash: { type: 'string' },
    codespace: { type: 'string' },
    code: { type: 'integer' },
    data: { type: 'string' },
    raw_log: { type: 'string' },
    logs: { type: 'array', items: openObject },
    info: { type: 'string' },
    gas_wanted: { type: 'string' },
    gas_used: { type: 'string' },
    tx: { anyOf: [anySchema, { type: 'null' }] },
    timestamp: { type: 'string' },
    events: { type: 'array', items: openObject },
  },
} as const;

/** The SDK's TxResponse for a committed tx. */
function txResponseJson(node: VivianNode, t: StoredTx) {
  const block = node.reader.block(t.height);
  const seconds = block?.header?.time?.seconds;
  return {
    height: t.height.toString(),
    txhash: hexUpper(t.hash),
    codespace: t.result.codespace,
    code: t.result.code,
    data: hexUpper(t.result.data),
    raw_log: t.result.log,
    logs: [] as unknown[],
    info: t.result.info,
    gas_wanted: t.result.gasWanted.toString(),
    gas_used: t.result.gasUsed.toString(),
    tx: decodedTxJson(t.tx, true),
    timestamp: seconds === undefined ? '' : new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    events: eventsJson(t.result.events),
  };
}

function decodedTxJson(bytes: Uint8Array, asAny: boolean): unknown {
  try {
    return asAny ? anyJson('/cosmos.tx.v1beta1.Tx', bytes) : gatewayJson(Tx, Tx.decode(bytes));
  } catch {
    return null;
  }
}

function pendingTxResponse(hash: Uint8Array, r: { code: number; codespace: string; log: string }) {
  return {
    height: '0', txhash: hexUpper(hash), codespace: r.codespace, code: r.code, data: '', raw_log: r.log, logs: [], info: '',
    gas_wanted: '0', gas_used: '0', tx: null, timestamp: '', events: [],
  };
}

const MODES: Record<string, 'sync' | 'async' | 'block'> = {
  BROADCAST_MODE_SYNC: 'sync', BROADCAST_MODE_ASYNC: 'async', BROADCAST_MODE_BLOCK: 'block', '2': 'sync', '3': 'async', '1': 'block',
};

/** A tx_search query from the SDK's `events` list ("type.key=value", quoted or not) or its `query` string. */
export function eventsToQuery(events: string[] | undefined, query: string | undefined): string {
  if (query && query.trim() !== '') return query;
  const parts = (events ?? []).map((e) => {
    const m = /^([^=<>\s']+)=(.*)$/.exec(e.trim());
    if (!m) return e.trim();
    const [, key, value] = m;
    if (value!.startsWith("'")) return `${key}=${value}`;
    if (key === 'tx.height' && /^[0-9]+$/.test(value!)) return `${key}=${value}`;
    return `${key}='${value}'`;
  });
  if (parts.length === 0) throw ApiErrors.InvalidParams('query cannot be empty: give query=... or events=type.key=value');
  return parts.join(' AND ');
}

/** cosmos.tx.v1beta1.Service: broadcast, simulate, get by hash, search by events. */
export function txRoutes(f: FastifyInstance, node: VivianNode, commitTimeoutMs: number): void {
  const search = new TxSearch(node.db, node.reader);

  f.post(
    '/cosmos/tx/v1beta1/txs',
    {
      schema: {
        tags: ['tx'],
        summary: 'Broadcast a signed tx (TxRaw bytes, base64)',
        body: {
          type: 'object',
          properties: { tx_bytes: { type: 'string', minLength: 1 }, mode: { anyOf: [{ type: 'string', enum: Object.keys(MODES) }, { type: 'integer', enum: [1, 2, 3] }] } },
          required: ['tx_bytes'],
        },
        response: responses({ type: 'object', properties: { tx_response: txResponseSchema } }),
      },
    },
    async (req) => {
      const body = req.body as { tx_bytes: string; mode?: string | number };
      const bytes = parseBase64(body.tx_bytes);
      if (!bytes || bytes.length === 0) throw ApiErrors.InvalidParams('tx_bytes must be non-empty base64 (TxRaw bytes)');
      const mode = MODES[String(body.mode ?? 'BROADCAST_MODE_SYNC')] ?? 'sync';
      if (mode === 'block') {
        const hash = sha256(bytes);
        let off = () => {};
        const committed = new Promise<StoredTx>((resolve, reject) => {
          const timer = setTimeout(() => (off(), reject(ApiErrors.Timeout(`tx ${hexUpper(hash)} was not committed within ${commitTimeoutMs} ms`))), commitTimeoutMs);
          off = node.eventBus.onTx((t) => {
            if (Buffer.compare(t.hash, hash) === 0) (off(), clearTimeout(timer), resolve(t));
          });
        });
        const r = await node.submitTx(bytes);
        if (r.result.code !== 0) {
          off();
          committed.catch(() => {});
          return { tx_response: pendingTxResponse(r.hash, r.result) };
        }
        return { tx_response: txResponseJson(node, await committed) };
      }
      const r = await node.submitTx(bytes);
      return { tx_response: pendingTxResponse(r.hash, r.result) };
    },
  );

  f.post(
    '/cosmos/tx/v1beta1/simulate',
    {
      schema: {
        tags: ['tx'],
        summary: 'Simulate a tx: gas used and events, without signatures and without keeping anything',
        body: { type: 'object', properties: { tx_bytes: { type: 'string', minLength: 1 } }, required: ['tx_bytes'] },
        response: responses({ type: 'object', properties: { gas_info: { type: 'object', properties: { gas_wanted: { type: 'string' }, gas_used: { type: 'string' } } }, result: openObject } }),
      },
    },
    async (req) => {
      const bytes = parseBase64((req.body as { tx_bytes: string }).tx_bytes);
      if (!bytes) throw ApiErrors.InvalidParams('tx_bytes must be base64 (TxRaw bytes)');
      const out = node.app.simulate(bytes);
      if (out.result.code !== 0) throw new VivianError(out.result.codespace || 'sdk', out.result.code, out.result.log);
      return {
        gas_info: { gas_wanted: out.result.gasWanted.toString(), gas_used: out.result.gasUsed.toString() },
        result: { data: base64(out.result.data), log: out.result.log, events: eventsJson(out.result.events), msg_responses: out.msgResponses.map((a) => anyJson(a.typeUrl, a.value)) },
      };
    },
  );

  f.get(
    '/cosmos/tx/v1beta1/txs/:hash',
    {
      schema: {
        tags: ['tx'],
        summary: 'A committed tx and its result by hash (hex, any case)',
        params: { type: 'object', properties: { hash: { type: 'string', maxLength: 130 } }, required: ['hash'] },
        response: responses({ type: 'object', properties: { tx: { anyOf: [openObject, { type: 'null' }] }, tx_response: txResponseSchema } }),
      },
    },
    async (req) => {
      const text = (req.params as { hash: string }).hash;
      const hash = /^(0x)?[0-9a-fA-F]{64}$/.test(text) ? parseHex(text) : undefined;
      if (!hash) throw ApiErrors.InvalidParams(`tx hash must be 64 hex characters, got ${JSON.stringify(text.slice(0, 80))}`);
      const t = node.reader.txByHash(hash);
      if (!t) throw ApiErrors.NotFound(`tx not found: ${hexUpper(hash)}`);
      return { tx: decodedTxJson(t.tx, false), tx_response: txResponseJson(node, t) };
    },
  );

  f.get(
    '/cosmos/tx/v1beta1/txs',
    {
      schema: {
        tags: ['tx'],
        summary: 'Txs matching events (type.key=value, ANDed) or a CometBFT query',
        querystring: {
          type: 'object',
          properties: {
            events: { type: 'array', items: { type: 'string', maxLength: 512 }, maxItems: 16 },
            query: { type: 'string', maxLength: 512 },
            'pagination.offset': UINT,
            'pagination.limit': UINT,
            'pagination.count_total': { type: 'boolean' },
            'pagination.reverse': { type: 'boolean' },
            'pagination.key': { type: 'string' },
            order_by: { type: 'string', enum: ['ORDER_BY_UNSPECIFIED', 'ORDER_BY_ASC', 'ORDER_BY_DESC', '0', '1', '2'] },
            page: UINT,
            limit: UINT,
          },
        },
        response: responses({
          type: 'object',
          properties: { txs: { type: 'array', items: openObject }, tx_responses: { type: 'array', items: txResponseSchema }, pagination: pageResponseSchema, total: { type: 'string' } },
        }),
      },
    },
    async (req) => {
      const q = req.query as Record<string, any>;
      const query = eventsToQuery(q.events, q.query);
      const limit = Math.min(100, Math.max(1, Number(q.limit ?? q['pagination.limit'] ?? 100) || 100));
      const offset = q.page !== undefined ? (Math.max(1, Number(q.page)) - 1) * limit : Number(q['pagination.offset'] ?? 0);
      const desc = q.order_by === 'ORDER_BY_DESC' || q.order_by === '2' || q['pagination.reverse'] === true;
      const versions = search.matchingVersions(parseQuery(query));
      if (desc) versions.reverse();
      const page = versions.slice(offset, offset + limit).map((v) => node.reader.txByVersion(v)!);
      return {
        txs: page.map((t) => decodedTxJson(t.tx, false)),
        tx_responses: page.map((t) => txResponseJson(node, t)),
        pagination: { next_key: null, total: String(versions.length) },
        total: String(versions.length),
      };
    },
  );
}
