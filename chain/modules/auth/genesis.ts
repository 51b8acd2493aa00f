import type { Context } from '../../app/context.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import { accAddress, type AuthKeeper } from './keeper.js';
import { authParamsFromJson, authParamsToJson, DEFAULT_AUTH_PARAMS } from './params.js';

/** app_state.auth: params and accounts that exist from genesis (funded ones are also created by bank). */
export interface AuthGenesis {
  params?: Record<string, string>;
  accounts?: Array<{ address: string }>;
}

export function defaultAuthGenesis(): AuthGenesis {
  return { params: authParamsToJson(DEFAULT_AUTH_PARAMS), accounts: [] };
}

export function initAuthGenesis(ctx: Context, keeper: AuthKeeper, state: AuthGenesis, moduleAccounts: string[]): void {
  keeper.setParams(ctx.store, authParamsFromJson(state.params));
  for (const name of moduleAccounts) keeper.getOrCreateModuleAccount(ctx.store, name);
  const seen = new Set<string>();
  for (const a of state.accounts ?? []) {
    accAddress(a.address, 'genesis account address');
    if (seen.has(a.address)) throw SdkErrors.InvalidRequest(`duplicate genesis account ${a.address}`);
    seen.add(a.address);
    if (!keeper.getAccount(ctx.store, a.address)) keeper.createAccount(ctx.store, a.address);
  }
}
