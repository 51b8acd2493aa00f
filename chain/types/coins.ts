import { SdkErrors } from './sdkErrors.js';

/** A coin with an exact amount: amounts are bigint in the state machine and decimal strings on the wire. */
export interface Coin {
  denom: string;
  amount: bigint;
}

/** The Cosmos SDK's denom rule: a letter, then 2..127 of [a-zA-Z0-9/:._-]. */
const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
/** Amounts are uint256 in the Cosmos SDK; larger values are refused instead of wrapping. */
export const MAX_AMOUNT = (1n << 256n) - 1n;
const AMOUNT_RE = /^[0-9]{1,78}$/;

export function validateDenom(denom: string): void {
  if (!DENOM_RE.test(denom)) throw SdkErrors.InvalidCoins(`invalid denom: ${JSON.stringify(denom)}`);
}

/** Parses a decimal amount string; refuses signs, decimals, leading junk and overflow. */
export function parseAmount(s: string): bigint {
  if (!AMOUNT_RE.test(s)) throw SdkErrors.InvalidCoins(`invalid amount: ${JSON.stringify(s)} (expected a non-negative integer)`);
  const v = BigInt(s);
  if (v > MAX_AMOUNT) throw SdkErrors.InvalidCoins(`amount ${s} overflows 256 bits`);
  return v;
}

/** Wire coins ({denom, amount: string}) to exact coins, checked as the SDK's Coins.Validate: positive, sorted, unique. */
export function parseCoins(coins: ReadonlyArray<{ denom: string; amount: string }>, opts: { allowEmpty?: boolean } = {}): Coin[] {
  if (coins.length === 0 && !opts.allowEmpty) throw SdkErrors.InvalidCoins('no coins given');
  const out: Coin[] = [];
  for (const c of coins) {
    validateDenom(c.denom);
    const amount = parseAmount(c.amount);
    if (amount === 0n) throw SdkErrors.InvalidCoins(`amount of ${c.denom} must be positive, got 0`);
    const prev = out[out.length - 1];
    if (prev && prev.denom >= c.denom) {
      throw SdkErrors.InvalidCoins(
        prev.denom === c.denom ? `duplicate denomination ${c.denom}` : `coins are not sorted by denom: ${prev.denom} before ${c.denom}`,
      );
    }
    out.push({ denom: c.denom, amount });
  }
  return out;
}

/** "100uviv,5ufoo": the SDK's Coins.String() used in events. */
export function coinsToString(coins: readonly Coin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(',');
}

/** Parses "100uviv" or "100uviv,3ufoo" (CLI input); sorts by denom. */
export function parseCoinsString(s: string): Coin[] {
  if (s.trim() === '') return [];
  const coins = s.split(',').map((part) => {
    const m = /^\s*([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})\s*$/.exec(part);
    if (!m) throw SdkErrors.InvalidCoins(`cannot parse coin ${JSON.stringify(part)} (expected e.g. 1000uviv)`);
    return { denom: m[2]!, amount: m[1]! };
  });
  coins.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
  return parseCoins(coins, { allowEmpty: true });
}

export function coinsToWire(coins: readonly Coin[]): Array<{ denom: string; amount: string }> {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

/**
 * A decimal gas price such as "0.025uviv", held exactly as numerator/10^18 so fee checks need no floats.
 */
export interface DecCoin {
  denom: string;
  /** amount × 10^18 */
  atto: bigint;
}

const DEC_SCALE = 10n ** 18n;

export function parseDecCoins(s: string): DecCoin[] {
  if (s.trim() === '') return [];
  return s.split(',').map((part) => {
    const m = /^\s*([0-9]+)(?:\.([0-9]{1,18}))?([a-zA-Z][a-zA-Z0-9/:._-]{2,127})\s*$/.exec(part);
    if (!m) throw SdkErrors.InvalidCoins(`cannot parse gas price ${JSON.stringify(part)} (expected e.g. 0.025uviv)`);
    const frac = (m[2] ?? '').padEnd(18, '0');
    return { denom: m[3]!, atto: BigInt(m[1]!) * DEC_SCALE + BigInt(frac) };
  });
}

/** ceil(price × gas): the least fee a gas price demands for `gas`. */
export function requiredFee(price: DecCoin, gas: bigint): bigint {
  return (price.atto * gas + DEC_SCALE - 1n) / DEC_SCALE;
}

export function decCoinsToString(coins: readonly DecCoin[]): string {
  return coins
    .map((c) => {
      const int = c.atto / DEC_SCALE;
      const frac = (c.atto % DEC_SCALE).toString().padStart(18, '0').replace(/0+$/, '');
      return `${int}${frac ? '.' + frac : ''}${c.denom}`;
    })
    .join(',');
}
