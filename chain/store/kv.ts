/** Byte-keyed stores. Keys compare as unsigned bytes (LMDB's order), so every store iterates the same way. */

export type Entry = readonly [key: Uint8Array, value: Uint8Array];

export interface KVReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Entries with start <= key < end (end undefined = to the end of the key space), ascending unless reverse. */
  iterate(start: Uint8Array, end: Uint8Array | undefined, reverse?: boolean): Iterable<Entry>;
}

export interface KVStore extends KVReader {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** Unsigned byte-wise comparison (memcmp order). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** The smallest key greater than every key that starts with `prefix` (undefined if none: prefix all 0xff). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A view of `parent` restricted to keys under `prefix`; keys seen by the user exclude the prefix. */
export class PrefixStore implements KVStore {
  constructor(
    private readonly parent: KVStore,
    private readonly prefix: Uint8Array,
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return this.parent.get(concatBytes(this.prefix, key));
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.parent.set(concatBytes(this.prefix, key), value);
  }
  delete(key: Uint8Array): void {
    this.parent.delete(concatBytes(this.prefix, key));
  }
  *iterate(start: Uint8Array, end: Uint8Array | undefined, reverse = false): Iterable<Entry> {
    const s = concatBytes(this.prefix, start);
    const e = end ? concatBytes(this.prefix, end) : prefixEnd(this.prefix);
    const n = this.prefix.length;
    for (const [k, v] of this.parent.iterate(s, e, reverse)) yield [k.subarray(n), v];
  }
}
