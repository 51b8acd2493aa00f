// cosmwasm-std's Decimal: a fixed-point number with 18 fractional digits, as a decimal string in JSON ("0.5").
// Used for voting thresholds; arithmetic is exact integer arithmetic on the atomics, never floats.
import { Uint128 } from './uint128';

const FRACTIONAL_DIGITS: i32 = 18;
const ONE_ATOMICS: u64 = 1_000_000_000_000_000_000;

export class Decimal {
  constructor(public atomics: Uint128) {}

  static one(): Decimal { return new Decimal(Uint128.from(ONE_ATOMICS)); }
  static zero(): Decimal { return new Decimal(Uint128.zero()); }
  /** n percent */
  static percent(n: u64): Decimal { return new Decimal(Uint128.from(n * (ONE_ATOMICS / 100))); }

  /** Parses "1", "0.5", "0.333333333333333333"; null when malformed or with more than 18 decimals. */
  static parse(s: string): Decimal | null {
    const dot = s.indexOf('.');
    const whole = dot < 0 ? s : s.substring(0, dot);
    let frac = dot < 0 ? '' : s.substring(dot + 1);
    if (whole.length == 0 || (dot >= 0 && frac.length == 0) || frac.length > FRACTIONAL_DIGITS) return null;
    for (let i = 0; i < frac.length; i++) {
      const c = frac.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return null;
    }
    while (frac.length < FRACTIONAL_DIGITS) frac += '0';
    const atomics = Uint128.parse(whole + frac);
    return atomics === null ? null : new Decimal(atomics);
  }

  isZero(): bool { return this.atomics.isZero(); }
  cmp(o: Decimal): i32 { return this.atomics.cmp(o.atomics); }

  /** 1 - this (this must not exceed one). */
  oneMinus(): Decimal { return new Decimal(Uint128.from(ONE_ATOMICS).sub(this.atomics)); }

  /** ceil(n * this), as cosmwasm-std's Uint128::mul_ceil; this must not exceed one. */
  mulCeil(n: u64): u64 {
    const one = Uint128.from(ONE_ATOMICS);
    const product = Uint128.from(n).mul(this.atomics);
    return product.add(one.sub(Uint128.from(1))).div(one).lo;
  }

  /** The shortest form cosmwasm-std writes: no trailing zeros, no dot for whole numbers. */
  toString(): string {
    let digits = this.atomics.toString();
    while (digits.length <= FRACTIONAL_DIGITS) digits = '0' + digits;
    const whole = digits.substring(0, digits.length - FRACTIONAL_DIGITS);
    let frac = digits.substring(digits.length - FRACTIONAL_DIGITS);
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) == 0x30) end--;
    frac = frac.substring(0, end);
    return frac.length ? whole + '.' + frac : whole;
  }
}
