import type { Metadata } from 'cosmjs-types/cosmos/bank/v1beta1/bank';
import type { Context } from '../../app/context.js';
import { parseCoins } from '../../types/coins.js';
import { SdkErrors } from '../../types/sdkErrors.js';
import { accAddress } from '../auth/keeper.js';
import type { BankKeeper } from './keeper.js';

export const NATIVE_DENOM = 'uviv';

/** The native token: 1 VIV = 10^6 uviv. */
export const UVIV_METADATA: Metadata = {
  description: 'The native staking and fee token of VIVIAN',
  denomUnits: [
    { denom: 'uviv', exponent: 0, aliases: ['microviv'] },
    { denom: 'mviv', exponent: 3, aliases: ['milliviv'] },
    { denom: 'viv', exponent: 6, aliases: [] },
  ],
  base: 'uviv',
  display: 'viv',
  name: 'VIVIAN',
  symbol: 'VIV',
  uri: '',
  uriHash: '',
};

/** app_state.bank in the Cosmos genesis JSON shape (snake_case, amounts as strings). */
export interface BankGenesis {
  params?: { default_send_enabled?: boolean };
  balances?: Array<{ address: string; coins: Array<{ denom: string; amount: string }> }>;
  denom_metadata?: Array<{
    description?: string;
    denom_units: Array<{ denom: string; exponent: number; aliases?: string[] }>;
    base: string;
    display: string;
    name?: string;
    symbol?: string;
  }>;
}

export function defaultBankGenesis(): BankGenesis {
  return { params: { default_send_enabled: true }, balances: [], denom_metadata: [metadataToJson(UVIV_METADATA)] };
}

export function metadataToJson(m: Metadata) {
  return {
    description: m.description,
    denom_units: m.denomUnits.map((u) => ({ denom: u.denom, exponent: u.exponent, aliases: u.aliases })),
    base: m.base,
    display: m.display,
    name: m.name,
    symbol: m.symbol,
  };
}

export function initBankGenesis(ctx: Context, keeper: BankKeeper, state: BankGenesis): void {
  keeper.setParams(ctx.store, { sendEnabled: [], defaultSendEnabled: state.params?.default_send_enabled ?? true });
  const seen = new Set<string>();
  // sorted by address so the account numbers genesis assigns do not depend on the file's order
  const balances = [...(state.balances ?? [])].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  for (const b of balances) {
    accAddress(b.address, 'genesis balance address');
    if (seen.has(b.address)) throw SdkErrors.InvalidRequest(`duplicate genesis balance for ${b.address}`);
    seen.add(b.address);
    keeper.mint(ctx.store, ctx.events, b.address, parseCoins(b.coins));
  }
  const metas = state.denom_metadata ?? [metadataToJson(UVIV_METADATA)];
  for (const m of metas) {
    keeper.setMetadata(ctx.store, {
      description: m.description ?? '',
      denomUnits: m.denom_units.map((u) => ({ denom: u.denom, exponent: u.exponent, aliases: u.aliases ?? [] })),
      base: m.base,
      display: m.display,
      name: m.name ?? '',
      symbol: m.symbol ?? '',
      uri: '',
      uriHash: '',
    });
  }
}
