import type { FastifyInstance } from 'fastify';
import * as Q from 'cosmjs-types/cosmos/auth/v1beta1/query';
import type { VivianNode } from '../../node/node.js';
import { addressParams, anySchema, checkAddress, grpcQuery, openObject, responses } from './common.js';
import { anyJson, gatewayJson } from './protoJson.js';

const AUTH = '/cosmos.auth.v1beta1.Query/';

/** x/auth: accounts and params. */
export function authRoutes(f: FastifyInstance, node: VivianNode): void {
  f.get(
    '/cosmos/auth/v1beta1/accounts/:address',
    { schema: { tags: ['auth'], summary: 'An account (BaseAccount or module account) by address', params: addressParams, response: responses({ type: 'object', properties: { account: anySchema } }) } },
    async (req) => {
      const address = checkAddress((req.params as { address: string }).address);
      const r = grpcQuery(node, req, AUTH + 'Account', Q.QueryAccountRequest, Q.QueryAccountResponse, { address });
      const account = anyJson(r.account!.typeUrl, r.account!.value) as Record<string, unknown>;
      // the gateway writes every field; cosmjs-types leaves an unset pubkey out
      if (account['@type'] === '/cosmos.auth.v1beta1.BaseAccount' && !('pub_key' in account)) account.pub_key = null;
      return { account };
    },
  );

  f.get(
    '/cosmos/auth/v1beta1/params',
    { schema: { tags: ['auth'], summary: 'x/auth parameters', response: responses({ type: 'object', properties: { params: openObject } }) } },
    async (req) => gatewayJson(Q.QueryParamsResponse, grpcQuery(node, req, AUTH + 'Params', Q.QueryParamsRequest, Q.QueryParamsResponse, {})),
  );
}
