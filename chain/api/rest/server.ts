import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { APP_VERSION } from '../../app/application.js';
import type { VivianNode } from '../../node/node.js';
import { apiOptionsFrom, type ApiOptions } from '../options.js';
import { baseServer } from '../server.js';
import { authRoutes } from './auth.js';
import { bankRoutes } from './bank.js';
import { HEIGHT_HEADER, openObject } from './common.js';
import { tendermintRoutes } from './tendermint.js';
import { txRoutes } from './tx.js';
import { vectorRoutes } from './vector/index.js';
import { vivianRoutes } from './vivian/index.js';
import { wasmRoutes } from './wasm/index.js';

/**
 * The Cosmos REST gateway: the paths wallets call, answering JSON as the SDK's gRPC gateway does; errors as
 * {code (gRPC status), message, details} with the matching HTTP status. OpenAPI at /openapi.json, docs at /docs.
 */
export function buildRestServer(node: VivianNode, overrides: Partial<ApiOptions> = {}): FastifyInstance {
  const opts = apiOptionsFrom(node.config, overrides);
  const app = baseServer(opts, { errorBody: (m) => ({ code: m.grpc, message: m.message, details: [] }) });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ code: 5, message: `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}; see /openapi.json`, details: [] });
  });

  void app.register(swagger, {
    openapi: {
      info: {
        title: 'VIVIAN REST gateway',
        description: `Cosmos SDK REST paths (JSON as the gRPC gateway writes it). Query at a past height with the ${HEIGHT_HEADER} header.`,
        version: APP_VERSION,
      },
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });

  void app.register(async (f) => {
    authRoutes(f, node);
    bankRoutes(f, node);
    txRoutes(f, node, opts.txCommitTimeoutMs);
    tendermintRoutes(f, node);
    vectorRoutes(f, node);
    wasmRoutes(f, node);
    await f.register(vivianRoutes, { node });
    f.get('/openapi.json', { schema: { hide: true, response: { 200: openObject } } }, async () => app.swagger());
  });
  return app;
}
