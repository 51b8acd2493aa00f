import type { FastifyInstance } from 'fastify';
import * as Q from 'cosmjs-types/cosmos/bank/v1beta1/query';
import type { VivianNode } from '../../node/node.js';
import {
  addressParams,
  checkAddress,
  coinSchema,
  denomQuery,
  grpcQuery,
  openObject,
  pageRequest,
  pageResponseJson,
  pageResponseSchema,
  paginationQuerySchema,
  responses,
  type PaginationQuery,
} from './common.js';
import { gatewayJson } from './protoJson.js';

const BANK = '/cosmos.bank.v1beta1.Query/';
const pageQuery = { type: 'object', properties: paginationQuerySchema } as const;
const balancesResponse = responses({ type: 'object', properties: { balances: { type: 'array', items: coinSchema }, pagination: pageResponseSchema } });
const coin = (c: { denom: string; amount: string } | undefined) => ({ denom: c?.denom ?? '', amount: c?.amount ?? '0' });

/** x/bank: balances, supply, metadata, params. */
export function bankRoutes(f: FastifyInstance, node: VivianNode): void {
  f.get(
    '/cosmos/bank/v1beta1/balances/:address',
    { schema: { tags: ['bank'], summary: 'All balances of an address', params: addressParams, querystring: pageQuery, response: balancesResponse } },
    async (req) => {
      const address = checkAddress((req.params as { address: string }).address);
      const r = grpcQuery(node, req, BANK + 'AllBalances', Q.QueryAllBalancesRequest, Q.QueryAllBalancesResponse, {
        address,
        pagination: pageRequest(req.query as PaginationQuery),
      });
      return { balances: r.balances.map(coin), pagination: pageResponseJson(r.pagination) };
    },
  );

  f.get(
    '/cosmos/bank/v1beta1/balances/:address/by_denom',
    { schema: { tags: ['bank'], summary: 'The balance of one denom (amount "0" when empty)', params: addressParams, querystring: denomQuery, response: responses({ type: 'object', properties: { balance: coinSchema } }) } },
    async (req) => {
      const address = checkAddress((req.params as { address: string }).address);
      const r = grpcQuery(node, req, BANK + 'Balance', Q.QueryBalanceRequest, Q.QueryBalanceResponse, { address, denom: (req.query as { denom: string }).denom });
      return { balance: coin(r.balance) };
    },
  );

  f.get(
    '/cosmos/bank/v1beta1/spendable_balances/:address',
    { schema: { tags: ['bank'], summary: 'Spendable balances of an address', params: addressParams, querystring: pageQuery, response: balancesResponse } },
    async (req) => {
      const address = checkAddress((req.params as { address: string }).address);
      const r = grpcQuery(node, req, BANK + 'SpendableBalances', Q.QuerySpendableBalancesRequest, Q.QuerySpendableBalancesResponse, {
        address,
        pagination: pageRequest(req.query as PaginationQuery),
      });
      return { balances: r.balances.map(coin), pagination: pageResponseJson(r.pagination) };
    },
  );

  f.get(
    '/cosmos/bank/v1beta1/supply',
    { schema: { tags: ['bank'], summary: 'Total supply of every denom', querystring: pageQuery, response: responses({ type: 'object', properties: { supply: { type: 'array', items: coinSchema }, pagination: pageResponseSchema } }) } },
    async (req) => {
      const r = grpcQuery(node, req, BANK + 'TotalSupply', Q.QueryTotalSupplyRequest, Q.QueryTotalSupplyResponse, { pagination: pageRequest(req.query as PaginationQuery) });
      return { supply: r.supply.map(coin), pagination: pageResponseJson(r.pagination) };
    },
  );

  f.get(
    '/cosmos/bank/v1beta1/supply/by_denom',
    { schema: { tags: ['bank'], summary: 'Total supply of one denom', querystring: denomQuery, response: responses({ type: 'object', properties: { amount: coinSchema } }) } },
    async (req) => {
      const r = grpcQuery(node, req, BANK + 'SupplyOf', Q.QuerySupplyOfRequest, Q.QuerySupplyOfResponse, { denom: (req.query as { denom: string }).denom });
      return { amount: coin(r.amount) };
    },
  );

  f.get(
    '/cosmos/bank/v1beta1/denoms_metadata',
    { schema: { tags: ['bank'], summary: 'Client metadata of every denom', querystring: pageQuery, response: responses({ type: 'object', properties: { metadatas: { type: 'array', items: openObject }, pagination: pageResponseSchema } }) } },
    async (req) => {
      const r = grpcQuery(node, req, BANK + 'DenomsMetadata', Q.QueryDenomsMetadataRequest, Q.QueryDenomsMetadataResponse, { pagination: pageRequest(req.query as PaginationQuery) });
      return { ...gatewayJson(Q.QueryDenomsMetadataResponse, r), pagination: pageResponseJson(r.pagination) };
    },
  );

  f.get(
    '/cosmos/bank/v1beta1/params',
    { schema: { tags: ['bank'], summary: 'x/bank parameters', response: responses({ type: 'object', properties: { params: openObject } }) } },
    async (req) => gatewayJson(Q.QueryParamsResponse, grpcQuery(node, req, BANK + 'Params', Q.QueryParamsRequest, Q.QueryParamsResponse, {})),
  );
}
