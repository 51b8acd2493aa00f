import { VivianError, registerError } from '../types/errors.js';

/** Errors of the wallet gateway (codespace "api"). Codes are never renumbered; code 1 is left unused. */
export const ApiErrors = {
  InvalidParams: registerError('api', 2, 'invalid parameters'),
  MethodNotFound: registerError('api', 3, 'method not found'),
  NotFound: registerError('api', 4, 'not found'),
  TooManySubscriptions: registerError('api', 5, 'too many subscriptions'),
  TooManyConnections: registerError('api', 6, 'too many websocket connections'),
  Timeout: registerError('api', 7, 'timed out'),
  InvalidRequest: registerError('api', 8, 'invalid request'),
  ParseError: registerError('api', 9, 'parse error'),
} as const;

/** gRPC status codes (what the Cosmos REST gateway puts in `code`). */
export const GrpcCode = {
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  ResourceExhausted: 8,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
} as const;

/** JSON-RPC 2.0 error codes, with the messages CometBFT writes beside them. */
export const JsonRpcCode = {
  ParseError: { code: -32700, message: 'Parse error. Invalid JSON' },
  InvalidRequest: { code: -32600, message: 'Invalid Request' },
  MethodNotFound: { code: -32601, message: 'Method not found' },
  InvalidParams: { code: -32602, message: 'Invalid params' },
  InternalError: { code: -32603, message: 'Internal error' },
  ServerError: { code: -32000, message: 'Server error' },
} as const;

export interface MappedError {
  /** HTTP status */
  status: number;
  grpc: number;
  jsonRpc: { code: number; message: string };
  message: string;
}

const BAD_INPUT = new Set([
  'api/2', 'api/8', 'api/9', 'sdk/2', 'sdk/7', 'sdk/10', 'sdk/18', 'sdk/21', 'sdk/26', 'sdk/29',
  'crypto/2', 'crypto/3', 'indexer/2', 'indexer/3', 'indexer/4', 'indexer/5',
]);
const NOT_FOUND = new Set(['api/4', 'sdk/22', 'sdk/38']);

/**
 * The one mapping from any thrown value to HTTP status, gRPC code and JSON-RPC code. Typed errors keep
 * their message; fastify's own errors (validation, body size, rate limit) keep their status; anything
 * else is an internal error whose details stay in the server log.
 */
export function mapError(err: unknown): MappedError {
  if (err instanceof VivianError) {
    const id = `${err.codespace}/${err.code}`;
    if (id === 'api/3') return { status: 404, grpc: GrpcCode.Unimplemented, jsonRpc: JsonRpcCode.MethodNotFound, message: err.message };
    if (id === 'api/9') return { status: 400, grpc: GrpcCode.InvalidArgument, jsonRpc: JsonRpcCode.ParseError, message: err.message };
    if (id === 'api/8') return { status: 400, grpc: GrpcCode.InvalidArgument, jsonRpc: JsonRpcCode.InvalidRequest, message: err.message };
    if (id === 'api/5' || id === 'api/6') return { status: 429, grpc: GrpcCode.ResourceExhausted, jsonRpc: JsonRpcCode.InternalError, message: err.message };
    if (id === 'api/7') return { status: 504, grpc: GrpcCode.DeadlineExceeded, jsonRpc: JsonRpcCode.InternalError, message: err.message };
    // as CometBFT's tx_search on a node with the null indexer: a JSON-RPC internal error; over REST, 501
    if (id === 'indexer/6') return { status: 501, grpc: GrpcCode.Unimplemented, jsonRpc: JsonRpcCode.InternalError, message: err.message };
    if (NOT_FOUND.has(id)) return { status: 404, grpc: GrpcCode.NotFound, jsonRpc: JsonRpcCode.InternalError, message: err.message };
    if (BAD_INPUT.has(id)) {
      return { status: 400, grpc: GrpcCode.InvalidArgument, jsonRpc: id === 'api/2' ? JsonRpcCode.InvalidParams : JsonRpcCode.InternalError, message: err.message };
    }
    return { status: 400, grpc: GrpcCode.Unknown, jsonRpc: JsonRpcCode.InternalError, message: err.message };
  }
  const e = err as { statusCode?: number; code?: string; message?: string; validation?: unknown; validationContext?: string };
  const status = typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  if (status === 500) return { status, grpc: GrpcCode.Internal, jsonRpc: JsonRpcCode.InternalError, message: 'internal error' };
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return { status: 400, grpc: GrpcCode.InvalidArgument, jsonRpc: JsonRpcCode.ParseError, message: e.message ?? 'invalid JSON' };
  }
  const grpc = status === 404 ? GrpcCode.NotFound : status === 413 || status === 429 ? GrpcCode.ResourceExhausted : status === 415 ? GrpcCode.InvalidArgument : status < 500 ? GrpcCode.InvalidArgument : GrpcCode.Unavailable;
  const jsonRpc = e.validation ? (e.validationContext === 'body' ? JsonRpcCode.InvalidRequest : JsonRpcCode.InvalidParams) : status === 429 || status === 413 ? JsonRpcCode.ServerError : JsonRpcCode.InvalidRequest;
  return { status, grpc, jsonRpc, message: e.message ?? `HTTP ${status}` };
}
