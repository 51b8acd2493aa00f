import {
  QueryAccountRequest,
  QueryAccountResponse,
  QueryAccountsRequest,
  QueryAccountsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryModuleAccountByNameRequest,
  QueryModuleAccountByNameResponse,
  Bech32PrefixRequest,
  Bech32PrefixResponse,
  QueryAccountInfoRequest,
  QueryAccountInfoResponse,
} from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { Any } from 'cosmjs-types/google/protobuf/any';
import type { QueryRouter } from '../../app/router.js';
import { paginate } from '../../app/pagination.js';
import { ACCOUNT_PREFIX as BECH32_PREFIX } from '../../crypto/addresses.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import { accAddress, decodeAccount, moduleAddress, type AuthKeeper } from './keeper.js';
import { ACCOUNT_PREFIX, accountKey } from './keys.js';

/**
 * cosmjs recognises a missing account only by this gRPC status text in the log, so "not found" answers
 * carry it (REFERENCE.md: "rpc error: code = NotFound").
 */
export function notFound(what: string) {
  return SdkErrors.KeyNotFound(`rpc error: code = NotFound desc = ${what} not found`);
}

export function registerAuthQueries(router: QueryRouter, keeper: AuthKeeper): void {
  const svc = '/cosmos.auth.v1beta1.Query/';
  router.register(svc + 'Account', (ctx, req) => {
    const { address } = QueryAccountRequest.decode(req);
    const bytes = ctx.store.get(accountKey(accAddress(address)));
    if (!bytes) throw notFound(`account ${address}`);
    return QueryAccountResponse.encode({ account: Any.decode(bytes) }).finish();
  });
  router.register(svc + 'Accounts', (ctx, req) => {
    const { pagination } = QueryAccountsRequest.decode(req);
    const { items, pagination: page } = paginate(ctx.store, ACCOUNT_PREFIX, pagination, (_k, v) => Any.decode(v));
    return QueryAccountsResponse.encode({ accounts: items, pagination: page }).finish();
  });
  router.register(svc + 'Params', (ctx, req) => {
    QueryParamsRequest.decode(req);
    return QueryParamsResponse.encode({ params: keeper.getParams(ctx.store) }).finish();
  });
  router.register(svc + 'ModuleAccountByName', (ctx, req) => {
    const { name } = QueryModuleAccountByNameRequest.decode(req);
    if (!keeper.moduleAccounts.has(name)) throw notFound(`module account ${name}`);
    const bytes = ctx.store.get(accountKey(accAddress(moduleAddress(name))));
    if (!bytes) throw notFound(`module account ${name}`);
    return QueryModuleAccountByNameResponse.encode({ account: Any.decode(bytes) }).finish();
  });
  router.register(svc + 'Bech32Prefix', (_ctx, req) => {
    Bech32PrefixRequest.decode(req);
    return Bech32PrefixResponse.encode({ bech32Prefix: BECH32_PREFIX }).finish();
  });
  router.register(svc + 'AccountInfo', (ctx, req) => {
    const { address } = QueryAccountInfoRequest.decode(req);
    const bytes = ctx.store.get(accountKey(accAddress(address)));
    if (!bytes) throw notFound(`account ${address}`);
    const acc = decodeAccount(bytes);
    return QueryAccountInfoResponse.encode({
      info: { address: acc.address, pubKey: acc.pubKey, accountNumber: acc.accountNumber, sequence: acc.sequence },
    }).finish();
  });
}
