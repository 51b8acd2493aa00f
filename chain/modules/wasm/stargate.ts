import * as AuthQ from 'cosmjs-types/cosmos/auth/v1beta1/query';
import * as BankQ from 'cosmjs-types/cosmos/bank/v1beta1/query';
import type { Context } from '../../app/context.js';
import type { MsgRouter, QueryRouter } from '../../app/router.js';
import type { KVReader } from '../../store/kv.js';
import { WasmErrors } from './errors.js';

/**
 * The `stargate` capability: contracts reach the app's own gRPC query routes (`QueryRequest::Stargate` answers
 * JSON, `QueryRequest::Grpc` protobuf) and send any SDK message it routes (`CosmosMsg::Stargate` / `Any`),
 * with the contract as the only signer.
 */

/** A response type of an accepted query route: how to decode it and write it as JSON. */
interface ResponseType {
  decode(bytes: Uint8Array): unknown;
  toJSON(message: never): unknown;
}

/**
 * The query routes a contract may call (wasmd's AcceptListStargateQuerier): only routes that read state through
 * the store they are given, so the answer is the same on every node and paid for as storage reads. Routes whose
 * JSON would carry an Any (accounts) are left out: their JSON form is not the one wasmd gives.
 */
export const ACCEPTED_QUERIES: Readonly<Record<string, ResponseType>> = Object.freeze({
  '/cosmos.bank.v1beta1.Query/Balance': BankQ.QueryBalanceResponse,
  '/cosmos.bank.v1beta1.Query/AllBalances': BankQ.QueryAllBalancesResponse,
  '/cosmos.bank.v1beta1.Query/SpendableBalances': BankQ.QuerySpendableBalancesResponse,
  '/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom': BankQ.QuerySpendableBalanceByDenomResponse,
  '/cosmos.bank.v1beta1.Query/TotalSupply': BankQ.QueryTotalSupplyResponse,
  '/cosmos.bank.v1beta1.Query/SupplyOf': BankQ.QuerySupplyOfResponse,
  '/cosmos.bank.v1beta1.Query/Params': BankQ.QueryParamsResponse,
  '/cosmos.bank.v1beta1.Query/DenomMetadata': BankQ.QueryDenomMetadataResponse,
  '/cosmos.bank.v1beta1.Query/DenomsMetadata': BankQ.QueryDenomsMetadataResponse,
  '/cosmos.bank.v1beta1.Query/SendEnabled': BankQ.QuerySendEnabledResponse,
  '/cosmos.auth.v1beta1.Query/Params': AuthQ.QueryParamsResponse,
  '/cosmos.auth.v1beta1.Query/Bech32Prefix': AuthQ.Bech32PrefixResponse,
});

/** A route that is not accepted: the contract gets the system error `unsupported_request`. */
export class UnsupportedQueryPath extends Error {
  constructor(readonly path: string) {
    super(`'${path}' path is not allowed from the contract`);
  }
}

/** snake_case field names, as the Go SDK's JSON has them (the generated toJSON writes camelCase). */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = snakeKeys(v);
  return out;
}

const te = new TextEncoder();

/** A protobuf message as the Go SDK writes it in JSON (proto field names), for answers to contracts. */
export function protoJson<T>(type: { toJSON(message: T): unknown }, message: T): unknown {
  return snakeKeys(type.toJSON(message));
}

/**
 * Runs an accepted query route against `store` (the calling contract's view of state, so reads are metered
 * with the call). `format` 'json' answers as wasmd's Stargate query does (the response as JSON with the proto
 * field names); 'proto' as its Grpc query (the protobuf bytes).
 */
export function runAcceptedQuery(
  queries: QueryRouter,
  store: KVReader,
  scope: { height: bigint; chainId: string },
  path: string,
  request: Uint8Array,
  format: 'json' | 'proto',
): Uint8Array {
  const type = Object.hasOwn(ACCEPTED_QUERIES, path) ? ACCEPTED_QUERIES[path] : undefined;
  const handler = type && queries.get(path);
  if (!type || !handler) throw new UnsupportedQueryPath(path);
  const response = handler({ store, height: scope.height, chainId: scope.chainId }, request);
  if (format === 'proto') return response;
  return te.encode(JSON.stringify(protoJson(type, type.decode(response) as never)));
}

/** SDK messages a contract may not send this way: wasm's own go through WasmMsg, which keeps the depth limits. */
const REFUSED_MSG_PREFIX = '/cosmwasm.';

/**
 * Runs an SDK message a contract sent as `CosmosMsg::Stargate` / `Any`: decoded and checked by the app's
 * router, signed by the contract alone (as wasmd requires), handled in the caller's branch.
 */
export function runSdkMsg(msgs: MsgRouter, ctx: Context, contract: string, typeUrl: string, value: Uint8Array): { data: Uint8Array; typeUrl: string } {
  if (typeUrl.startsWith(REFUSED_MSG_PREFIX)) {
    throw WasmErrors.UnknownMsg(`${typeUrl} cannot be sent as a stargate message; use the wasm message (WasmMsg)`);
  }
  if (!msgs.has(typeUrl)) throw WasmErrors.UnknownMsg(`the chain routes no message ${typeUrl}`);
  const decoded = msgs.decode({ typeUrl, value });
  const signers = decoded.handler.signers(decoded.msg);
  if (signers.length === 0 || signers.some((s) => s !== contract)) {
    throw WasmErrors.Unauthorized(`contract ${contract} cannot send ${typeUrl} signed by ${signers.join(', ') || 'nobody'}`);
  }
  const response = decoded.handler.handle(ctx, decoded.msg);
  return { data: response.value, typeUrl: response.typeUrl };
}
