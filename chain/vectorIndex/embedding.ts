import { sha256 } from '../crypto/hash.js';
import { murmur3 } from './murmur3.js';
import { checkDimension, vectorBytes, type Vector } from './vector.js';

/**
 * The default embedding of a transaction that carries none. It is consensus data (its hash is in the
 * ledger leaf), so it is defined here exactly and computed in integer arithmetic only:
 *
 * 1. Features, each a token string and an integer weight:
 *    - message type URLs  `type:<url>`              weight 4  (first MAX_PER_KIND of this and the next three)
 *    - addresses          `addr:<lower-case addr>`  weight 3
 *    - denoms             `denom:<denom>`           weight 2
 *    - amounts            `amount:<d>`, d = number of decimal digits of |amount| (0 for zero) — log10 buckets
 *                                                   weight 2
 *    - memo words         `word:<token>`            weight 6, each distinct token once, first 64 tokens
 *    - contract messages  `word:<token>` for every key and every string/number value (tokenised the same
 *      way), walked with object keys in sorted order, depth <= 8, first 128 tokens; weight 3
 *    Memo and contract words share the `word:` space, so a text query (see textEmbedding) finds both;
 *    they outweigh the structural features so that a shared word moves a score more than a shared denom.
 * 2. Feature hashing: each token's UTF-8 bytes are hashed with MurmurHash3-x86_32 under seeds
 *    HASH_SEEDS[0] and HASH_SEEDS[1]; each hash h adds `weight` to bucket (h mod dimension), negated when
 *    bit 31 of h is set. Two buckets per feature soften the damage of a collision.
 * 3. Projection to int8: the int32 bucket vector a is scaled to L2 norm TARGET_NORM and rounded,
 *    q_i = round_half_away(a_i * TARGET_NORM / isqrt(sum a_j^2)), clamped to -127..127 (zero stays zero).
 *    Equal norms make the dot product rank like cosine similarity.
 *
 * Tokenisation (tokenize): ASCII letters are lower-cased; ASCII characters that are not letters or digits
 * separate tokens; every non-ASCII character is part of a token, unchanged (no Unicode case tables, whose
 * version would otherwise be consensus data). Tokens are cut to 64 UTF-16 code units.
 */
export interface TxFeatures {
  msgTypes: string[];
  addresses: string[];
  denoms: string[];
  amounts: bigint[];
  memo: string;
  /** Parsed JSON of contract messages (instantiate / execute / migrate bodies). */
  contractMsgs: unknown[];
}

export const HASH_SEEDS = [0x5649_5649, 0x7665_6374] as const; // "VIVI", "vect"
export const TARGET_NORM = 254;
export const WEIGHTS = { msgType: 4, address: 3, denom: 2, amount: 2, memoWord: 6, contractWord: 3 } as const;
/** Message types, addresses, denoms and amounts beyond the first this many of each are ignored. */
export const MAX_PER_KIND = 256;
export const MAX_MEMO_TOKENS = 64;
export const MAX_CONTRACT_TOKENS = 128;
export const MAX_CONTRACT_DEPTH = 8;
export const MAX_TOKEN_LENGTH = 64;

const utf8 = new TextEncoder();

/**
 * Recently hashed tokens -> their signed buckets [b0, s0, b1, s1] (s = +1/-1): the same addresses, denoms and
 * type URLs recur in every block, and hashing is pure, so a hit gives exactly what hashing would.
 */
const tokenBuckets = new Map<string, Int32Array>();
const TOKEN_BUCKET_CACHE = 65_536;

function bucketsOf(token: string, dimension: number): Int32Array {
  const id = `${dimension}:${token}`;
  let b = tokenBuckets.get(id);
  if (b === undefined) {
    const bytes = utf8.encode(token);
    b = new Int32Array(2 * HASH_SEEDS.length);
    HASH_SEEDS.forEach((seed, i) => {
      const h = murmur3(bytes, seed);
      b![2 * i] = h % dimension;
      b![2 * i + 1] = h >= 0x8000_0000 ? -1 : 1;
    });
    if (tokenBuckets.size >= TOKEN_BUCKET_CACHE) tokenBuckets.clear();
    tokenBuckets.set(id, b);
  }
  return b;
}

/** The default embedding of a transaction described by `features`. */
export function defaultEmbedding(features: TxFeatures, dimension: number): Vector {
  checkDimension(dimension);
  const acc = new Int32Array(dimension);
  const add = (token: string, weight: number): void => {
    const b = bucketsOf(token, dimension);
    for (let i = 0; i < b.length; i += 2) acc[b[i]!] += b[i + 1]! * weight;
  };
  const first = <T>(items: T[]): T[] => items.slice(0, MAX_PER_KIND);
  for (const t of first(features.msgTypes)) add(`type:${t}`, WEIGHTS.msgType);
  for (const a of first(features.addresses)) add(`addr:${asciiLower(a)}`, WEIGHTS.address);
  for (const d of first(features.denoms)) add(`denom:${d}`, WEIGHTS.denom);
  for (const a of first(features.amounts)) add(`amount:${decimalDigits(a)}`, WEIGHTS.amount);
  for (const w of distinct(tokenize(features.memo), MAX_MEMO_TOKENS)) add(`word:${w}`, WEIGHTS.memoWord);
  const contractTokens: string[] = [];
  for (const m of features.contractMsgs) jsonTokens(m, 0, contractTokens);
  for (const w of contractTokens) add(`word:${w}`, WEIGHTS.contractWord);
  return project(acc);
}

/** The embedding of free text: that of a transaction whose only content is `text` as its memo. */
export function textEmbedding(text: string, dimension: number): Vector {
  return defaultEmbedding({ msgTypes: [], addresses: [], denoms: [], amounts: [], memo: text, contractMsgs: [] }, dimension);
}

/** SHA-256 of the vector's bytes: what the ledger leaf commits to. */
export function embeddingHash(vec: Vector): Uint8Array {
  return sha256(vectorBytes(vec));
}

/** Splits text into tokens as documented above. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    const upper = c >= 0x41 && c <= 0x5a;
    if (upper) c += 0x20;
    const word = upper || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c >= 0x80;
    if (word) {
      if (cur.length < MAX_TOKEN_LENGTH) cur += String.fromCharCode(c);
    } else if (cur) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Tokens of keys and string/number values, keys in sorted order, until MAX_CONTRACT_TOKENS. */
function jsonTokens(value: unknown, depth: number, out: string[]): void {
  if (out.length >= MAX_CONTRACT_TOKENS || depth > MAX_CONTRACT_DEPTH) return;
  const push = (text: string): void => {
    for (const t of tokenize(text)) {
      if (out.length >= MAX_CONTRACT_TOKENS) return;
      out.push(t);
    }
  };
  if (typeof value === 'string') push(value);
  else if (typeof value === 'number' && Number.isFinite(value)) push(String(value));
  else if (typeof value === 'bigint') push(value.toString());
  else if (Array.isArray(value)) for (const v of value) jsonTokens(v, depth + 1, out);
  else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj).sort(compareCodeUnits)) {
      push(key);
      jsonTokens(obj[key], depth + 1, out);
    }
  }
}

/** The first `max` distinct items, in order of first appearance. */
function distinct(items: string[], max: number): string[] {
  const seen = new Set<string>();
  for (const t of items) {
    if (seen.size >= max) break;
    seen.add(t);
  }
  return [...seen];
}

/** Number of decimal digits of |n|; 0 for zero. */
function decimalDigits(n: bigint): number {
  if (n === 0n) return 0;
  return (n < 0n ? -n : n).toString().length;
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x20));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Step 3: scale to TARGET_NORM, round half away from zero, clamp. Integer-only. */
function project(acc: Int32Array): Vector {
  // The caps bound |a_i| by 2 * (256 * (4+3+2+2) + 64 * 6 + 128 * 3) < 2^13, so sumSq < 2^26 * 4096 = 2^38:
  // every sum and product below is an exact integer.
  let sumSq = 0;
  for (let i = 0; i < acc.length; i++) sumSq += acc[i]! * acc[i]!;
  const out = new Int8Array(acc.length);
  if (sumSq === 0) return out;
  const norm = isqrt(sumSq);
  for (let i = 0; i < acc.length; i++) {
    const a = acc[i]!;
    if (a === 0) continue;
    const m = Math.abs(a);
    const q = idiv(2 * m * TARGET_NORM + norm, 2 * norm);
    const c = q > 127 ? 127 : q;
    out[i] = a < 0 ? -c : c;
  }
  return out;
}

/** floor(a / b) for non-negative integers below 2^53: `%` is exact, so the division is too. */
function idiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/** floor(sqrt(n)) for an integer 0 <= n < 2^53, corrected to be exact whatever sqrt rounding did. */
function isqrt(n: number): number {
  let r = Math.floor(Math.sqrt(n));
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}
