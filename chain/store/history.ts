import { Bucket, readU64be, u64be, writeU64be } from './buckets.js';
import { concatBytes, type Entry, type KVReader } from './kv.js';
import type { NodeDb, WriteBatch } from './nodeDb.js';

/**
 * State history: every value a key took, by height, so queries can read the state as of an older height.
 * Key = escape(stateKey) ++ 0x00 0x01 ++ uint64be(MAX - height). The escaping (0x00 -> 0x00 0xff) keeps
 * keys in state-key order and prefix-free, and the inverted height puts the newest version first.
 * Value = 0x00 (deleted at that height) | 0x01 ++ value.
 */
const MAX = 0xffff_ffff_ffff_ffffn;
const TERMINATOR = Uint8Array.of(0x00, 0x01);
const DELETED = Uint8Array.of(0);
const PRESENT = Uint8Array.of(1);

export function escapeKey(key: Uint8Array): Uint8Array {
  let zeros = 0;
  for (const b of key) if (b === 0) zeros++;
  const out = new Uint8Array(key.length + zeros);
  let j = 0;
  for (const b of key) {
    out[j++] = b;
    if (b === 0) out[j++] = 0xff;
  }
  return out;
}

function unescapeKey(esc: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < esc.length; i++) {
    out.push(esc[i]!);
    if (esc[i] === 0) i++; // skip the 0xff that follows an escaped zero
  }
  return Uint8Array.from(out);
}

export function historyKey(key: Uint8Array, height: bigint): Uint8Array {
  let zeros = 0;
  for (let i = 0; i < key.length; i++) if (key[i] === 0) zeros++;
  const out = new Uint8Array(key.length + zeros + 10);
  let j = 0;
  for (let i = 0; i < key.length; i++) {
    out[j++] = key[i]!;
    if (key[i] === 0) out[j++] = 0xff;
  }
  out[j] = TERMINATOR[0]!;
  out[j + 1] = TERMINATOR[1]!;
  // uint64be(MAX - height) is uint64be(height) with every bit flipped
  writeU64be(out, j + 2, height);
  for (let i = j + 2; i < out.length; i++) out[i] = ~out[i]! & 0xff;
  return out;
}

/** Stages the history rows for one block's state changes. */
export function writeHistory(batch: WriteBatch, height: bigint, changes: Array<[Uint8Array, Uint8Array | null]>): void {
  for (const [k, v] of changes) {
    batch.put(Bucket.StateHistory, historyKey(k, height), v === null ? DELETED : concatBytes(PRESENT, v));
  }
}

/** Reads the application state as it was after block `height` was committed. */
export class HistoricalState implements KVReader {
  constructor(
    private readonly db: NodeDb,
    private readonly height: bigint,
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    const prefix = concatBytes(escapeKey(key), TERMINATOR);
    const start = concatBytes(prefix, u64be(MAX - this.height));
    const end = concatBytes(prefix, u64be(MAX), Uint8Array.of(0));
    for (const [, v] of this.db.range(Bucket.StateHistory, start, end, false, 1)) {
      return v[0] === 0 ? undefined : v.subarray(1);
    }
    return undefined;
  }

  *iterate(start: Uint8Array, end: Uint8Array | undefined, reverse = false): Iterable<Entry> {
    // Walk the history rows in key order; for each state key take its newest row at or below `height`.
    const lo = escapeKey(start);
    const hi = end === undefined ? undefined : escapeKey(end);
    const found: Entry[] = [];
    let current: Uint8Array | null = null;
    let done = false;
    for (const [hk, v] of this.db.range(Bucket.StateHistory, lo, hi)) {
      const escaped = hk.subarray(0, hk.length - 10);
      if (current === null || Buffer.compare(escaped, current) !== 0) {
        current = escaped;
        done = false;
      }
      if (done) continue;
      const h = MAX - readU64be(hk, hk.length - 8);
      if (h > this.height) continue;
      done = true;
      if (v[0] === 1) found.push([unescapeKey(escaped), v.subarray(1)]);
    }
    if (reverse) found.reverse();
    yield* found;
  }
}
