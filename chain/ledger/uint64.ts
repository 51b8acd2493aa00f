import { ErrInvalidNumber } from './errors.js';

/** Versions, sizes and indexes are uint64; callers may pass a bigint or a safe-integer number. */
export type Uint64Input = bigint | number;

const MAX_UINT64 = (1n << 64n) - 1n;

/** The value as a bigint, or undefined when it is not an integer in [0, 2^64) (never throws). */
export function toUint64(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n && value <= MAX_UINT64 ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

/** As toUint64, throwing a typed error that names `what` and the value. */
export function requireUint64(value: Uint64Input, what: string): bigint {
  const v = toUint64(value);
  if (v === undefined) throw ErrInvalidNumber(`${what} ${String(value)} is not an integer in [0, 2^64)`);
  return v;
}
