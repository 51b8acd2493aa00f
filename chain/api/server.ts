import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { mapError, type MappedError } from './errors.js';
import type { ApiOptions } from './options.js';

export interface ServerShape {
  /** the error body this server speaks (JSON-RPC error object or the REST gateway's {code, message}) */
  errorBody(e: MappedError, req: FastifyRequest): unknown;
  /** HTTP status for an error (the RPC answers method errors with 200, as CometBFT does) */
  errorStatus?(e: MappedError): number;
}

/**
 * A fastify instance with what both gateway servers share: body limit, CORS, per-IP rate limit (429 with
 * Retry-After), one error handler mapping typed errors, and a not-found handler in the same shape.
 * Routes go in plugins registered after this, so the CORS and rate-limit hooks cover them.
 */
export function baseServer(opts: ApiOptions, shape: ServerShape): FastifyInstance {
  const app = Fastify({
    logger: opts.logger,
    bodyLimit: opts.maxBodyBytes,
    // querystring arrays (events=a&events=b) and strict numbers: input is checked by each route's schema
    routerOptions: { maxParamLength: 500 },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
  if (opts.corsOrigins.length > 0) {
    void app.register(cors, { origin: opts.corsOrigins.includes('*') ? true : opts.corsOrigins, methods: ['GET', 'POST', 'OPTIONS'] });
  }
  if (opts.rateLimitPerMinute > 0) {
    void app.register(rateLimit, { max: opts.rateLimitPerMinute, timeWindow: 60_000 });
  }
  app.setErrorHandler((err, req, reply: FastifyReply) => {
    const m = mapError(err);
    if (m.status >= 500 && m.grpc === 13) req.log.error(err);
    void reply.status(shape.errorStatus?.(m) ?? m.status).send(shape.errorBody(m, req));
  });
  return app;
}
