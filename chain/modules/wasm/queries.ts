import * as Q from 'cosmjs-types/cosmwasm/wasm/v1/query';
import { CodeInfo, ContractCodeHistoryEntry } from 'cosmjs-types/cosmwasm/wasm/v1/types';
import type { QueryContext } from '../../app/context.js';
import { paginate } from '../../app/pagination.js';
import type { QueryRouter } from '../../app/router.js';
import { readU64be } from '../../store/buckets.js';
import { toBech32Address } from '../../crypto/addresses.js';
import { parseAddress } from '../../crypto/addresses.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import { WasmErrors } from './errors.js';
import { checkJsonMsg, type WasmKeeper } from './keeper.js';
import { CODE_INFO_PREFIX, contractsByCodePrefix, contractStorePrefix, historyPrefix } from './keys.js';

function contractAddressBytes(address: string): Uint8Array {
  try {
    return parseAddress(address);
  } catch (e) {
    throw SdkErrors.InvalidAddress(`invalid contract address: ${(e as Error).message}`);
  }
}

function codeInfoResponse(codeId: bigint, info: CodeInfo): Q.CodeInfoResponse {
  return { codeId, creator: info.creator, dataHash: info.codeHash, instantiatePermission: info.instantiateConfig };
}

/** The block a query sees: queries have a height and chain id but no block time. */
function queryBlock(ctx: QueryContext) {
  return { chainId: ctx.chainId, height: ctx.height, timeNs: 0n };
}

/** The gRPC query service /cosmwasm.wasm.v1.Query, as wasmd serves it (and cosmjs's WasmExtension calls it). */
export function registerWasmQueries(router: QueryRouter, keeper: WasmKeeper): void {
  const svc = '/cosmwasm.wasm.v1.Query/';

  router.register(svc + 'ContractInfo', (ctx, req) => {
    const { address } = Q.QueryContractInfoRequest.decode(req);
    const contractInfo = keeper.mustContractInfo(ctx.store, address);
    return Q.QueryContractInfoResponse.encode({ address, contractInfo }).finish();
  });

  router.register(svc + 'ContractHistory', (ctx, req) => {
    const { address, pagination } = Q.QueryContractHistoryRequest.decode(req);
    keeper.mustContractInfo(ctx.store, address);
    const { items, pagination: page } = paginate(ctx.store, historyPrefix(contractAddressBytes(address)), pagination, (_k, v) =>
      ContractCodeHistoryEntry.decode(v),
    );
    return Q.QueryContractHistoryResponse.encode({ entries: items, pagination: page }).finish();
  });

  router.register(svc + 'ContractsByCode', (ctx, req) => {
    const { codeId, pagination } = Q.QueryContractsByCodeRequest.decode(req);
    keeper.mustCodeInfo(ctx.store, codeId);
    // key rest: u64be(height) ++ u64be(tx index) ++ address bytes
    const { items, pagination: page } = paginate(ctx.store, contractsByCodePrefix(codeId), pagination, (k) => toBech32Address(k.slice(16)));
    return Q.QueryContractsByCodeResponse.encode({ contracts: items, pagination: page }).finish();
  });

  router.register(svc + 'AllContractState', (ctx, req) => {
    const { address, pagination } = Q.QueryAllContractStateRequest.decode(req);
    keeper.mustContractInfo(ctx.store, address);
    const { items, pagination: page } = paginate(ctx.store, contractStorePrefix(contractAddressBytes(address)), pagination, (k, v) => ({
      key: Uint8Array.from(k),
      value: v,
    }));
    return Q.QueryAllContractStateResponse.encode({ models: items, pagination: page }).finish();
  });

  router.register(svc + 'RawContractState', (ctx, req) => {
    const { address, queryData } = Q.QueryRawContractStateRequest.decode(req);
    const data = keeper.queryRaw(ctx.store, address, queryData) ?? new Uint8Array();
    return Q.QueryRawContractStateResponse.encode({ data }).finish();
  });

  router.register(svc + 'SmartContractState', (ctx, req) => {
    const { address, queryData } = Q.QuerySmartContractStateRequest.decode(req);
    checkJsonMsg(queryData, 'query data');
    const data = keeper.querySmart(ctx.store, queryBlock(ctx), address, queryData);
    return Q.QuerySmartContractStateResponse.encode({ data }).finish();
  });

  router.register(svc + 'Code', (ctx, req) => {
    const { codeId } = Q.QueryCodeRequest.decode(req);
    const info = keeper.mustCodeInfo(ctx.store, codeId);
    const data = keeper.getCode(ctx.store, info.codeHash);
    if (!data) throw WasmErrors.NotFound(`code bytes of code ${codeId} are missing`);
    return Q.QueryCodeResponse.encode({ codeInfo: codeInfoResponse(codeId, info), data }).finish();
  });

  router.register(svc + 'CodeInfo', (ctx, req) => {
    const { codeId } = Q.QueryCodeInfoRequest.decode(req);
    const info = keeper.mustCodeInfo(ctx.store, codeId);
    return Q.QueryCodeInfoResponse.encode({ codeId, creator: info.creator, checksum: info.codeHash, instantiatePermission: info.instantiateConfig }).finish();
  });

  router.register(svc + 'Codes', (ctx, req) => {
    const { pagination } = Q.QueryCodesRequest.decode(req);
    const { items, pagination: page } = paginate(ctx.store, CODE_INFO_PREFIX, pagination, (k, v) => codeInfoResponse(readU64be(k), CodeInfo.decode(v)));
    return Q.QueryCodesResponse.encode({ codeInfos: items, pagination: page }).finish();
  });
}
