import type { StoredTx } from '../../store/chainReader.js';
import type { NewBlockEvent } from '../../node/eventBus.js';
import { matchesEvents, parseQuery, type Query } from '../../indexer/search.js';
import { ApiErrors, mapError } from '../errors.js';
import { base64, hexUpper } from '../encoding.js';
import { blockIdJson, blockJson, eventMap, finalizeBlockJson, headerJson, txResultJson } from './cometJson.js';
import { callMethod, type RpcContext } from './methods.js';
import { rpcErrorResponse, type JsonRpcId } from './jsonrpc.js';

/** The part of a ws WebSocket this module uses. */
export interface WsSocket {
  readonly readyState: number;
  readonly OPEN: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', fn: (data: Buffer | string) => void): void;
  on(event: 'close' | 'error', fn: () => void): void;
}

/** A client that lets this much pile up unread is dropped (CometBFT cancels subscriptions of slow clients). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

interface Subscription {
  query: Query;
  text: string;
  id: JsonRpcId;
  /** the one event kind the query can match (its tm.event = '…'), or undefined when it names none */
  kind: string | undefined;
}

type EventKind = 'NewBlock' | 'NewBlockHeader' | 'Tx';

/** The tm.event a query requires, if it has an equality on it: events of other kinds can never match. */
function requiredKind(query: Query): string | undefined {
  const c = query.conditions.find((c) => c.key === 'tm.event' && c.op === '=' && c.operand?.kind === 'string');
  return c?.operand?.text;
}

/** One websocket connection: ordinary RPC calls plus subscribe / unsubscribe / unsubscribe_all. */
class Session {
  readonly subs = new Map<string, Subscription>();
  constructor(
    readonly socket: WsSocket,
    private readonly hub: SubscriptionHub,
  ) {}

  async onMessage(raw: string): Promise<void> {
    let req: { jsonrpc?: unknown; id?: JsonRpcId; method?: unknown; params?: unknown };
    try {
      req = JSON.parse(raw);
    } catch (e) {
      this.send(rpcErrorResponse(-1, mapError(ApiErrors.ParseError(`invalid JSON: ${(e as Error).message}`))));
      return;
    }
    const id: JsonRpcId = req && typeof req === 'object' && (typeof req.id === 'string' || typeof req.id === 'number') ? req.id : -1;
    try {
      if (!req || typeof req !== 'object' || Array.isArray(req) || req.jsonrpc !== '2.0' || typeof req.method !== 'string') {
        throw ApiErrors.InvalidRequest('expected a JSON-RPC 2.0 request object {jsonrpc: "2.0", id, method, params}');
      }
      let result: unknown;
      if (req.method === 'subscribe') result = this.subscribe(id, req.params);
      else if (req.method === 'unsubscribe') result = this.unsubscribe(req.params);
      else if (req.method === 'unsubscribe_all') result = this.unsubscribeAll();
      else result = await callMethod(this.hub.ctx, req.method, req.params);
      this.send({ jsonrpc: '2.0', id, result });
    } catch (e) {
      this.send(rpcErrorResponse(id, mapError(e)));
    }
  }

  private queryParam(params: unknown): string {
    const q = Array.isArray(params) ? params[0] : (params as { query?: unknown } | undefined)?.query;
    if (typeof q !== 'string') throw ApiErrors.InvalidParams('error converting json params to arguments: query: expected a string');
    return q;
  }

  private subscribe(id: JsonRpcId, params: unknown) {
    const text = this.queryParam(params);
    const query = parseQuery(text);
    const max = this.hub.ctx.opts.maxSubscriptionsPerClient;
    if (this.subs.has(text)) throw ApiErrors.InvalidRequest(`already subscribed to ${JSON.stringify(text)}`);
    if (this.subs.size >= max) {
      throw ApiErrors.TooManySubscriptions(`this connection already holds ${this.subs.size} subscriptions, the limit is ${max} (max_subscriptions_per_client); unsubscribe first or open another connection`);
    }
    this.subs.set(text, { query, text, id, kind: requiredKind(query) });
    return {};
  }

  private unsubscribe(params: unknown) {
    const text = this.queryParam(params);
    if (!this.subs.delete(text)) throw ApiErrors.NotFound(`subscription ${JSON.stringify(text)} not found`);
    return {};
  }

  private unsubscribeAll() {
    if (this.subs.size === 0) throw ApiErrors.NotFound('subscription not found: this connection has none');
    this.subs.clear();
    return {};
  }

  send(msg: unknown): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(1008, 'client is not reading events fast enough');
      return;
    }
    this.socket.send(JSON.stringify(msg));
  }
}

/**
 * All websocket sessions of one RPC server and the single event-bus listener that fans committed blocks and
 * txs out to matching subscriptions (each event's JSON is built once, only if someone matches).
 */
export class SubscriptionHub {
  private readonly sessions = new Set<Session>();
  private readonly offs: Array<() => void> = [];

  constructor(readonly ctx: RpcContext) {}

  get connections(): number {
    return this.sessions.size;
  }

  start(): void {
    if (this.offs.length > 0) return;
    this.offs.push(this.ctx.node.eventBus.onBlock((e, txs) => this.onBlock(e, txs)));
    this.offs.push(this.ctx.node.eventBus.onTx((t) => this.onTx(t)));
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    for (const s of this.sessions) s.socket.close(1001, 'server shutting down');
  }

  attach(socket: WsSocket): void {
    const s = new Session(socket, this);
    this.sessions.add(s);
    socket.on('message', (data) => void s.onMessage(data.toString()));
    socket.on('close', () => this.sessions.delete(s));
    socket.on('error', () => this.sessions.delete(s));
  }

  /**
   * Sends an event to the subscriptions it matches. Its attribute map (`events`) and JSON (`value`) are built
   * only when some subscription could match its kind, and once: a node serving a wallet that follows new blocks
   * does no work per tx for Tx events nobody asked for.
   */
  private publish(kind: EventKind, events: () => Map<string, string[]>, value: () => unknown): void {
    let map: Map<string, string[]> | undefined;
    let built: unknown;
    let eventsObj: Record<string, string[]> | undefined;
    for (const s of this.sessions) {
      for (const sub of s.subs.values()) {
        if (sub.kind !== undefined && sub.kind !== kind) continue;
        map ??= events();
        if (!matchesEvents(sub.query, map)) continue;
        built ??= value();
        eventsObj ??= Object.fromEntries(map);
        s.send({ jsonrpc: '2.0', id: sub.id, result: { query: sub.text, data: { type: `tendermint/event/${kind}`, value: built }, events: eventsObj } });
      }
    }
  }

  private onBlock(e: NewBlockEvent, txs: readonly StoredTx[]): void {
    if (this.sessions.size === 0) return;
    const height = e.block.header!.height.toString();
    const results = () => txs.map((t) => t.result);
    this.publish(
      'NewBlock',
      () => eventMap(e.finalize.events, { 'tm.event': 'NewBlock', 'block.height': height }),
      () => ({ block: blockJson(e.block), block_id: blockIdJson(e.blockId), result_finalize_block: finalizeBlockJson(e.finalize, results()) }),
    );
    this.publish('NewBlockHeader', () => eventMap(e.finalize.events, { 'tm.event': 'NewBlockHeader', 'block.height': height }), () => ({ header: headerJson(e.block.header!) }));
  }

  private onTx(t: StoredTx): void {
    if (this.sessions.size === 0) return;
    const events = () => eventMap(t.result.events, { 'tm.event': 'Tx', 'tx.hash': hexUpper(t.hash), 'tx.height': t.height.toString() });
    this.publish('Tx', events, () => ({ TxResult: { height: t.height.toString(), index: t.index, tx: base64(t.tx), result: txResultJson(t.result) } }));
  }
}
