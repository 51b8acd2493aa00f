// Reading typed fields of a message: required strings and addresses, u64 numbers, flags, pagination limits.
// Each failure names the field, so a wrong message gets an error that says what to fix.
import { addrValidate } from './api';
import { JsonKind, JsonValue } from './json';
import { invalidInput, Result } from './result';

/** A u64 below 2^63 from decimal digits (no sign, no exponent); -1 when the text is not one. */
export function parseU64Text(s: string): i64 {
  // at most 19 digits: no u64 overflow; values above i64::MAX (heights, ids, weights, times) are refused
  if (s.length == 0 || s.length > 19) return -1;
  let n: u64 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + <u64>(c - 0x30);
  }
  if (<i64>n < 0) return -1;
  return <i64>n;
}

/** The required string member `key`. */
export function stringOf(m: JsonValue, key: string): Result<string> {
  const v = m.get(key);
  if (v === null || !v.isString()) return invalidInput<string>(key + ' must be a string');
  return Result.ok<string>(v.text);
}

/** The optional string member `key`: '' when absent or null. */
export function optionalStringOf(m: JsonValue, key: string): Result<string> {
  const v = m.get(key);
  if (v === null || v.isNull()) return Result.ok<string>('');
  if (!v.isString()) return invalidInput<string>(key + ' must be a string or null');
  return Result.ok<string>(v.text);
}

/** The required address member `key`, validated by the chain. */
export function addressOf(m: JsonValue, key: string): Result<string> {
  const v = m.get(key);
  if (v === null || !v.isString()) return invalidInput<string>('missing address ' + key);
  return addrValidate(v.text);
}

/** The required u64 member `key` (a JSON number, as serde writes u64). */
export function u64Of(m: JsonValue, key: string): Result<u64> {
  const v = m.get(key);
  if (v === null || v.kind != JsonKind.Number) return invalidInput<u64>(key + ' must be a non-negative integer');
  const n = parseU64Text(v.text);
  if (n < 0) return invalidInput<u64>(key + ' is not a valid u64: ' + v.text);
  return Result.ok<u64>(<u64>n);
}

/** The optional u64 member `key`: -1 when absent or null. */
export function optionalU64Of(m: JsonValue, key: string): Result<i64> {
  const v = m.get(key);
  if (v === null || v.isNull()) return Result.ok<i64>(-1);
  const r = u64Of(m, key);
  if (r.isErr) return r.cast<i64>();
  return Result.ok<i64>(<i64>r.value);
}

/** The optional bool member `key` (absent or null: `fallback`). */
export function boolOf(m: JsonValue, key: string, fallback: bool): bool {
  const v = m.get(key);
  if (v === null || v.kind != JsonKind.Bool) return fallback;
  return v.bool;
}

/** A page size as cw-plus reads it: `limit` or `defaultLimit`, capped at `maxLimit`. */
export function pageLimit(m: JsonValue, defaultLimit: i32, maxLimit: i32): i32 {
  const v = m.get('limit');
  if (v === null || v.kind != JsonKind.Number) return defaultLimit;
  const n = parseU64Text(v.text);
  if (n < 0) return defaultLimit;
  return n > <i64>maxLimit ? maxLimit : <i32>n;
}
