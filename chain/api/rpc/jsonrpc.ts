import type { MappedError } from '../errors.js';

export type JsonRpcId = string | number;

/** A JSON-RPC error response as CometBFT writes it: the standard message, the detail in `data`. */
export function rpcErrorResponse(id: JsonRpcId, e: MappedError) {
  return { jsonrpc: '2.0' as const, id, error: { code: e.jsonRpc.code, message: e.jsonRpc.message, data: e.message } };
}

const errorSchema = {
  type: 'object',
  properties: { code: { type: 'integer' }, message: { type: 'string' }, data: { type: 'string' } },
  required: ['code', 'message'],
} as const;

/** One JSON-RPC response (the result's shape depends on the method). */
export const responseSchema = {
  $id: 'JsonRpcResponse',
  type: 'object',
  properties: { jsonrpc: { type: 'string' }, id: {}, result: {}, error: errorSchema },
  required: ['jsonrpc', 'id'],
} as const;

/** A JSON-RPC request: the envelope is checked here, the params by each method. */
export const requestSchema = {
  type: 'object',
  properties: {
    jsonrpc: { type: 'string', const: '2.0' },
    // any JSON here (a typed schema would coerce 1 into "1"); runOne checks it is a string or a number
    id: {},
    method: { type: 'string', minLength: 1, maxLength: 64 },
    params: { anyOf: [{ type: 'object' }, { type: 'array', maxItems: 16 }, { type: 'null' }] },
  },
  required: ['jsonrpc', 'method'],
} as const;
