import type { FastifyInstance, FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import type { VivianNode } from '../../node/node.js';
import { ApiErrors, mapError } from '../errors.js';
import { apiOptionsFrom, type ApiOptions } from '../options.js';
import { baseServer } from '../server.js';
import { rpcErrorResponse, requestSchema, responseSchema, type JsonRpcId } from './jsonrpc.js';
import { callMethod, newRpcContext, RPC_METHODS, type RpcContext } from './methods.js';
import { SubscriptionHub, type WsSocket } from './websocket.js';

interface RpcRequest {
  jsonrpc: '2.0';
  id?: JsonRpcId;
  method: string;
  params?: unknown;
}

const WS_ONLY = new Set(['subscribe', 'unsubscribe', 'unsubscribe_all']);

async function runOne(ctx: RpcContext, req: RpcRequest) {
  const id = typeof req.id === 'string' || typeof req.id === 'number' ? req.id : -1;
  try {
    if (req.id !== undefined && req.id !== null && typeof req.id !== 'string' && typeof req.id !== 'number') throw ApiErrors.InvalidRequest('id must be a string or a number');
    if (WS_ONLY.has(req.method)) throw ApiErrors.MethodNotFound(`${req.method} is only served over the websocket at /websocket`);
    return { jsonrpc: '2.0', id, result: await callMethod(ctx, req.method, req.params) };
  } catch (e) {
    return rpcErrorResponse(id, mapError(e));
  }
}

function requestId(req: FastifyRequest): JsonRpcId {
  const b = req.body as { id?: unknown } | undefined;
  return b && typeof b === 'object' && (typeof b.id === 'string' || typeof b.id === 'number') ? b.id : -1;
}

/**
 * CometBFT 0.38 JSON-RPC: POST / (single or batch), GET /<method>?args (URI form), and /websocket with
 * subscriptions. Method errors answer HTTP 200 with a JSON-RPC error object (as CometBFT does, so clients
 * read the detail); malformed requests answer 400, oversized bodies 413, rate-limited clients 429.
 */
export function buildRpcServer(node: VivianNode, overrides: Partial<ApiOptions> = {}): FastifyInstance {
  const opts = apiOptionsFrom(node.config, overrides);
  const ctx = newRpcContext(node, opts);
  const hub = new SubscriptionHub(ctx);
  const app = baseServer(opts, {
    errorBody: (m, req) => rpcErrorResponse(requestId(req), m),
  });

  // any content type: JSON-RPC clients are not all careful with headers; the body must still be JSON
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      done(ApiErrors.ParseError(`the body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });
  app.addSchema(responseSchema);
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(rpcErrorResponse(-1, mapError(ApiErrors.MethodNotFound(`no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}; GET / lists the methods`))));
  });

  void app.register(websocket, { options: { maxPayload: opts.maxBodyBytes } });
  void app.register(async (f) => {
    f.post(
      '/',
      {
        schema: {
          body: { anyOf: [requestSchema, { type: 'array', items: requestSchema, minItems: 1, maxItems: opts.maxBatchSize }] },
          response: { 200: { anyOf: [{ $ref: 'JsonRpcResponse#' }, { type: 'array', items: { $ref: 'JsonRpcResponse#' } }] } },
        },
      },
      async (req, reply) => {
        const body = req.body as RpcRequest | RpcRequest[];
        if (Array.isArray(body)) {
          const out = await Promise.all(body.filter((r) => r.id !== undefined).map((r) => runOne(ctx, r)));
          return reply.send(out);
        }
        return reply.send(await runOne(ctx, body));
      },
    );

    f.get('/websocket', {
      websocket: true,
      preValidation: async () => {
        if (hub.connections >= opts.maxWsConnections) {
          throw ApiErrors.TooManyConnections(`the server holds ${hub.connections} websocket connections, the limit is ${opts.maxWsConnections} (max_ws_connections); try again later`);
        }
      },
      handler: (socket: unknown) => hub.attach(socket as WsSocket),
    });

    f.get('/', { schema: { response: { 200: { type: 'string' } } } }, async (_req, reply) => {
      const names = Object.keys(RPC_METHODS).sort();
      const rows = names.map((n) => `<a href="/${n}">/${n}${RPC_METHODS[n]!.params.length ? '?' + RPC_METHODS[n]!.params.map((p) => `${p.name}=_`).join('&') : ''}</a>`);
      return reply.type('text/html').send(`<html><body><br>Available endpoints:<br>${rows.join('<br>')}<br>Websocket: /websocket (subscribe, unsubscribe, unsubscribe_all)</body></html>`);
    });

    f.get(
      '/:method',
      {
        schema: {
          params: { type: 'object', properties: { method: { type: 'string', pattern: '^[a-z_]{1,64}$' } }, required: ['method'] },
          querystring: { type: 'object', additionalProperties: { type: 'string', maxLength: opts.maxBodyBytes } },
          response: { 200: { $ref: 'JsonRpcResponse#' }, '4xx': { $ref: 'JsonRpcResponse#' } },
        },
      },
      async (req, reply) => {
        const { method } = req.params as { method: string };
        try {
          if (WS_ONLY.has(method)) throw ApiErrors.MethodNotFound(`${method} is only served over the websocket at /websocket`);
          return reply.send({ jsonrpc: '2.0', id: -1, result: await callMethod(ctx, method, req.query, true) });
        } catch (e) {
          const m = mapError(e);
          // unknown method 404, bad arguments 400; errors of a valid call answer 200 as over POST
          const status = m.jsonRpc.code === -32601 ? 404 : m.jsonRpc.code === -32602 ? 400 : 200;
          return reply.status(status).send(rpcErrorResponse(-1, m));
        }
      },
    );
  });

  app.addHook('onReady', async () => hub.start());
  app.addHook('onClose', async () => hub.stop());
  return app;
}
