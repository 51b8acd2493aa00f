import type { FastifyRequest } from 'fastify';
import type { PageRequest, PageResponse } from 'cosmjs-types/cosmos/base/query/v1beta1/pagination';
import { parseAddress } from '../../crypto/addresses.js';
import type { VivianNode } from '../../node/node.js';
import { VivianError } from '../../types/errors.js';
import { ApiErrors } from '../errors.js';
import { base64OrNull, parseBase64 } from '../encoding.js';

export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
  fromPartial(object: any): T;
}

/** The header the Cosmos gateway reads a query height from. */
export const HEIGHT_HEADER = 'x-cosmos-block-height';

/** Runs a gRPC query method through the app (as the SDK's gateway does) at the requested height. */
export function grpcQuery<Req, Res>(node: VivianNode, req: FastifyRequest, path: string, reqCodec: MessageCodec<Req>, resCodec: MessageCodec<Res>, request: Partial<Req>): Res {
  const r = node.app.query({ path, data: reqCodec.encode(reqCodec.fromPartial(request)).finish(), height: heightOf(req), prove: false });
  if (r.code !== 0) throw new VivianError(r.codespace || 'sdk', r.code, r.log);
  return resCodec.decode(r.value);
}

function heightOf(req: FastifyRequest): bigint {
  const h = req.headers[HEIGHT_HEADER];
  if (h === undefined) return 0n;
  if (typeof h !== 'string' || !/^[0-9]{1,19}$/.test(h)) throw ApiErrors.InvalidParams(`${HEIGHT_HEADER} must be a non-negative integer, got ${JSON.stringify(h)}`);
  return BigInt(h);
}

/** A bech32 account address, checked before it reaches a keeper (so the answer names what is wrong). */
export function checkAddress(address: string): string {
  parseAddress(address);
  return address;
}

export interface PaginationQuery {
  'pagination.key'?: string;
  'pagination.offset'?: string;
  'pagination.limit'?: string;
  'pagination.count_total'?: boolean;
  'pagination.reverse'?: boolean;
}

const UINT = { type: 'string', pattern: '^[0-9]{1,19}$' } as const;

export const paginationQuerySchema = {
  'pagination.key': { type: 'string', maxLength: 1024, description: 'next_key of the previous page (base64)' },
  'pagination.offset': UINT,
  'pagination.limit': UINT,
  'pagination.count_total': { type: 'boolean' },
  'pagination.reverse': { type: 'boolean' },
} as const;

export function pageRequest(q: PaginationQuery): PageRequest {
  let key: Uint8Array = new Uint8Array();
  if (q['pagination.key']) {
    const k = parseBase64(q['pagination.key']) ?? parseBase64(q['pagination.key'].replace(/-/g, '+').replace(/_/g, '/'));
    if (!k) throw ApiErrors.InvalidParams('pagination.key must be base64');
    key = k;
  }
  return {
    key,
    offset: BigInt(q['pagination.offset'] ?? '0'),
    limit: BigInt(q['pagination.limit'] ?? '0'),
    countTotal: q['pagination.count_total'] ?? false,
    reverse: q['pagination.reverse'] ?? false,
  };
}

export function pageResponseJson(p: PageResponse | undefined) {
  return { next_key: base64OrNull(p?.nextKey), total: (p?.total ?? 0n).toString() };
}

// ---- response schemas (they also make serialisation fast) ----

export const coinSchema = {
  type: 'object',
  properties: { denom: { type: 'string' }, amount: { type: 'string' } },
  required: ['denom', 'amount'],
} as const;

export const pageResponseSchema = {
  type: 'object',
  properties: { next_key: { type: ['string', 'null'] }, total: { type: 'string' } },
} as const;

/** A protobuf Any in gateway JSON: "@type" plus the message's own fields. */
export const anySchema = { type: 'object', properties: { '@type': { type: 'string' } }, additionalProperties: true } as const;
export const openObject = { type: 'object', additionalProperties: true } as const;

export const errorSchema = {
  type: 'object',
  properties: { code: { type: 'integer' }, message: { type: 'string' }, details: { type: 'array', items: {} } },
  required: ['code', 'message'],
} as const;

export const addressParams = {
  type: 'object',
  properties: { address: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['address'],
} as const;

export const denomQuery = {
  type: 'object',
  properties: { denom: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['denom'],
} as const;

/** Response schema map with the shared error shape for 4xx/5xx. */
export function responses(ok: object) {
  return { 200: ok, '4xx': errorSchema, '5xx': errorSchema };
}
