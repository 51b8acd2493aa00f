import type { NodeConfig } from '../node/config.js';

/** What the gateway servers can be told (from the node config, or directly in tests and benchmarks). */
export interface ApiOptions {
  /** browser origins allowed by CORS; ["*"] = any; [] = CORS off */
  corsOrigins: string[];
  /** requests per minute per client IP; 0 = no limit */
  rateLimitPerMinute: number;
  /** largest request body accepted */
  maxBodyBytes: number;
  /** open websocket connections at once */
  maxWsConnections: number;
  /** subscriptions one websocket connection may hold */
  maxSubscriptionsPerClient: number;
  /** how long broadcast_tx_commit waits for its block */
  txCommitTimeoutMs: number;
  /** most requests in one JSON-RPC batch */
  maxBatchSize: number;
  /** fastify's request log */
  logger: boolean;
}

export const DEFAULT_API_OPTIONS: ApiOptions = {
  corsOrigins: ['*'],
  rateLimitPerMinute: 0,
  maxBodyBytes: 2 * 1024 * 1024,
  maxWsConnections: 200,
  maxSubscriptionsPerClient: 5,
  txCommitTimeoutMs: 10_000,
  maxBatchSize: 100,
  logger: false,
};

export function apiOptionsFrom(config: NodeConfig, overrides: Partial<ApiOptions> = {}): ApiOptions {
  return {
    ...DEFAULT_API_OPTIONS,
    corsOrigins: config.cors_origins,
    rateLimitPerMinute: config.rate_limit_per_minute,
    maxBodyBytes: config.max_body_bytes,
    maxWsConnections: config.max_ws_connections,
    maxSubscriptionsPerClient: config.max_subscriptions_per_client,
    ...overrides,
  };
}
