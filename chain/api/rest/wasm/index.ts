import type { FastifyInstance } from 'fastify';
import * as Q from 'cosmjs-types/cosmwasm/wasm/v1/query';
import { accessTypeToJSON, type AccessConfig, type ContractInfo } from 'cosmjs-types/cosmwasm/wasm/v1/types';
import type { VivianNode } from '../../../node/node.js';
import { base64, hexUpper, parseBase64 } from '../../encoding.js';
import { ApiErrors } from '../../errors.js';
import { VivianError } from '../../../types/errors.js';
import {
  addressParams,
  checkAddress,
  grpcQuery as anyGrpcQuery,
  openObject,
  pageRequest,
  pageResponseJson,
  paginationQuerySchema,
  responses,
  type PaginationQuery,
} from '../common.js';

const WASM = '/cosmwasm.wasm.v1.Query/';
/** wasm's "not found" codes (no such code / contract) */
const WASM_NOT_FOUND = new Set([8, 22, 28]);

/** The shared gRPC bridge, with the wasm module's not-found errors answered as 404. */
const grpcQuery: typeof anyGrpcQuery = (...args) => {
  try {
    return anyGrpcQuery(...args);
  } catch (e) {
    if (e instanceof VivianError && e.codespace === 'wasm' && WASM_NOT_FOUND.has(e.code)) throw ApiErrors.NotFound(e.message);
    throw e;
  }
};
const pageQuery = { type: 'object', properties: paginationQuerySchema } as const;
const codeIdParams = { type: 'object', properties: { code_id: { type: 'string', pattern: '^[0-9]{1,19}$' } }, required: ['code_id'] } as const;
const dataParams = {
  type: 'object',
  properties: { address: { type: 'string', minLength: 1, maxLength: 128 }, query_data: { type: 'string', maxLength: 65536 } },
  required: ['address', 'query_data'],
} as const;
const ok = responses(openObject);

/** Base64 from a path segment (standard or URL-safe alphabet). */
function pathBase64(s: string, what: string): Uint8Array {
  const b = parseBase64(s) ?? parseBase64(s.replace(/-/g, '+').replace(/_/g, '/'));
  if (!b) throw ApiErrors.InvalidParams(`${what} must be base64`);
  return b;
}

const accessJson = (a: AccessConfig | undefined) => ({ permission: accessTypeToJSON(a?.permission ?? 0), addresses: a?.addresses ?? [] });

function contractInfoJson(c: ContractInfo) {
  return {
    code_id: c.codeId.toString(),
    creator: c.creator,
    admin: c.admin,
    label: c.label,
    created: c.created ? { block_height: c.created.blockHeight.toString(), tx_index: c.created.txIndex.toString() } : null,
    ibc_port_id: c.ibcPortId,
    ibc2_port_id: c.ibc2PortId,
    extension: null,
  };
}

function codeInfoJson(c: Q.CodeInfoResponse) {
  return { code_id: c.codeId.toString(), creator: c.creator, data_hash: hexUpper(c.dataHash), instantiate_permission: accessJson(c.instantiatePermission) };
}

/** x/wasm as wasmd's gRPC gateway serves it: contracts, smart and raw state, codes. */
export function wasmRoutes(f: FastifyInstance, node: VivianNode): void {
  f.get(
    '/cosmwasm/wasm/v1/contract/:address',
    { schema: { tags: ['wasm'], summary: 'A contract: code id, creator, admin, label', params: addressParams, response: ok } },
    async (req) => {
      const address = checkAddress((req.params as { address: string }).address);
      const r = grpcQuery(node, req, WASM + 'ContractInfo', Q.QueryContractInfoRequest, Q.QueryContractInfoResponse, { address });
      return { address: r.address, contract_info: contractInfoJson(r.contractInfo) };
    },
  );

  f.get(
    '/cosmwasm/wasm/v1/contract/:address/smart/:query_data',
    { schema: { tags: ['wasm'], summary: "A contract's answer to a JSON query (base64 in the path)", params: dataParams, response: ok } },
    async (req) => {
      const p = req.params as { address: string; query_data: string };
      const address = checkAddress(p.address);
      const queryData = pathBase64(p.query_data, 'query_data');
      const r = grpcQuery(node, req, WASM + 'SmartContractState', Q.QuerySmartContractStateRequest, Q.QuerySmartContractStateResponse, { address, queryData });
      return { data: JSON.parse(new TextDecoder().decode(r.data)) as unknown };
    },
  );

  f.get(
    '/cosmwasm/wasm/v1/contract/:address/raw/:query_data',
    { schema: { tags: ['wasm'], summary: "The raw value at a key of a contract's storage (base64 key in the path)", params: dataParams, response: ok } },
    async (req) => {
      const p = req.params as { address: string; query_data: string };
      const address = checkAddress(p.address);
      const queryData = pathBase64(p.query_data, 'query_data');
      const r = grpcQuery(node, req, WASM + 'RawContractState', Q.QueryRawContractStateRequest, Q.QueryRawContractStateResponse, { address, queryData });
      return { data: base64(r.data) };
    },
  );

  f.get('/cosmwasm/wasm/v1/code', { schema: { tags: ['wasm'], summary: 'Uploaded codes', querystring: pageQuery, response: ok } }, async (req) => {
    const r = grpcQuery(node, req, WASM + 'Codes', Q.QueryCodesRequest, Q.QueryCodesResponse, { pagination: pageRequest(req.query as PaginationQuery) });
    return { code_infos: r.codeInfos.map(codeInfoJson), pagination: pageResponseJson(r.pagination) };
  });

  f.get(
    '/cosmwasm/wasm/v1/code/:code_id',
    { schema: { tags: ['wasm'], summary: 'A code with its bytes', params: codeIdParams, response: ok } },
    async (req) => {
      const codeId = BigInt((req.params as { code_id: string }).code_id);
      const r = grpcQuery(node, req, WASM + 'Code', Q.QueryCodeRequest, Q.QueryCodeResponse, { codeId });
      return { code_info: r.codeInfo ? codeInfoJson(r.codeInfo) : null, data: base64(r.data) };
    },
  );

  f.get(
    '/cosmwasm/wasm/v1/code/:code_id/contracts',
    { schema: { tags: ['wasm'], summary: 'Contracts instantiated from a code', params: codeIdParams, querystring: pageQuery, response: ok } },
    async (req) => {
      const codeId = BigInt((req.params as { code_id: string }).code_id);
      const r = grpcQuery(node, req, WASM + 'ContractsByCode', Q.QueryContractsByCodeRequest, Q.QueryContractsByCodeResponse, {
        codeId,
        pagination: pageRequest(req.query as PaginationQuery),
      });
      return { contracts: r.contracts, pagination: pageResponseJson(r.pagination) };
    },
  );
}
