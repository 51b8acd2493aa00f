import * as Q from 'cosmjs-types/cosmos/bank/v1beta1/query';
import { Metadata } from 'cosmjs-types/cosmos/bank/v1beta1/bank';
import type { QueryRouter } from '../../app/router.js';
import { paginate } from '../../app/pagination.js';
import { validateDenom } from '../../types/coins.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import { accAddress } from '../auth/keeper.js';
import { notFound } from '../auth/queries.js';
import type { BankKeeper } from './keeper.js';
import { balancesPrefix, METADATA_PREFIX, SUPPLY_PREFIX } from './keys.js';

const dec = new TextDecoder();

function requireDenom(denom: string): void {
  if (denom === '') throw SdkErrors.InvalidRequest('invalid denom: empty');
  validateDenom(denom);
}

export function registerBankQueries(router: QueryRouter, keeper: BankKeeper): void {
  const svc = '/cosmos.bank.v1beta1.Query/';
  const balancesPage = (store: Parameters<typeof paginate>[0], address: string, pagination: Q.QueryAllBalancesRequest['pagination']) =>
    paginate(store, balancesPrefix(accAddress(address)), pagination, (k, v) => ({ denom: dec.decode(k), amount: dec.decode(v) }));

  // cosmjs expects a coin even for an empty balance (amount "0")
  router.register(svc + 'Balance', (ctx, req) => {
    const { address, denom } = Q.QueryBalanceRequest.decode(req);
    requireDenom(denom);
    const amount = keeper.getBalance(ctx.store, address, denom);
    return Q.QueryBalanceResponse.encode({ balance: { denom, amount: amount.toString() } }).finish();
  });
  router.register(svc + 'AllBalances', (ctx, req) => {
    const { address, pagination } = Q.QueryAllBalancesRequest.decode(req);
    const { items, pagination: page } = balancesPage(ctx.store, address, pagination);
    return Q.QueryAllBalancesResponse.encode({ balances: items, pagination: page }).finish();
  });
  // no vesting or locks yet: spendable = all
  router.register(svc + 'SpendableBalances', (ctx, req) => {
    const { address, pagination } = Q.QuerySpendableBalancesRequest.decode(req);
    const { items, pagination: page } = balancesPage(ctx.store, address, pagination);
    return Q.QuerySpendableBalancesResponse.encode({ balances: items, pagination: page }).finish();
  });
  router.register(svc + 'SpendableBalanceByDenom', (ctx, req) => {
    const { address, denom } = Q.QuerySpendableBalanceByDenomRequest.decode(req);
    requireDenom(denom);
    const amount = keeper.getBalance(ctx.store, address, denom);
    return Q.QuerySpendableBalanceByDenomResponse.encode({ balance: { denom, amount: amount.toString() } }).finish();
  });
  router.register(svc + 'TotalSupply', (ctx, req) => {
    const { pagination } = Q.QueryTotalSupplyRequest.decode(req);
    const { items, pagination: page } = paginate(ctx.store, SUPPLY_PREFIX, pagination, (k, v) => ({ denom: dec.decode(k), amount: dec.decode(v) }));
    return Q.QueryTotalSupplyResponse.encode({ supply: items, pagination: page }).finish();
  });
  router.register(svc + 'SupplyOf', (ctx, req) => {
    const { denom } = Q.QuerySupplyOfRequest.decode(req);
    requireDenom(denom);
    return Q.QuerySupplyOfResponse.encode({ amount: { denom, amount: keeper.getSupply(ctx.store, denom).toString() } }).finish();
  });
  router.register(svc + 'Params', (ctx, req) => {
    Q.QueryParamsRequest.decode(req);
    return Q.QueryParamsResponse.encode({ params: keeper.getParams(ctx.store) }).finish();
  });
  router.register(svc + 'DenomsMetadata', (ctx, req) => {
    const { pagination } = Q.QueryDenomsMetadataRequest.decode(req);
    const { items, pagination: page } = paginate(ctx.store, METADATA_PREFIX, pagination, (_k, v) => Metadata.decode(v));
    return Q.QueryDenomsMetadataResponse.encode({ metadatas: items, pagination: page }).finish();
  });
  router.register(svc + 'DenomMetadata', (ctx, req) => {
    const { denom } = Q.QueryDenomMetadataRequest.decode(req);
    requireDenom(denom);
    const m = keeper.getMetadata(ctx.store, denom);
    if (!m) throw notFound(`client metadata for denom ${denom}`);
    return Q.QueryDenomMetadataResponse.encode({ metadata: m }).finish();
  });
  router.register(svc + 'SendEnabled', (ctx, req) => {
    const { denoms } = Q.QuerySendEnabledRequest.decode(req);
    const sendEnabled = denoms.map((denom) => ({ denom, enabled: keeper.isSendEnabled(ctx.store, denom) }));
    return Q.QuerySendEnabledResponse.encode({ sendEnabled }).finish();
  });
}
