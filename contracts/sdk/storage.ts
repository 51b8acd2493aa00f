// Contract storage: raw access through the ABI, and typed Item/Map with storage-plus compatible keys
// (a Map key is u16-BE length of the namespace, the namespace, then the key; composite keys prefix each
// part but the last with its u16-BE length), so the layout matches cw-storage-plus contracts.
import { db_next, db_read, db_remove, db_scan, db_write } from './imports';
import { consumeRegion, fromUtf8, regionOf, utf8 } from './region';
import { JsonValue, parseJson, quote } from './json';
import { Uint128 } from './uint128';

export enum Order { Ascending = 1, Descending = 2 }

export function storageGet(key: Uint8Array): Uint8Array | null {
  const ptr = db_read(<u32>regionOf(key));
  if (ptr == 0) return null;
  return consumeRegion(ptr);
}

export function storageSet(key: Uint8Array, value: Uint8Array): void {
  db_write(<u32>regionOf(key), <u32>regionOf(value));
}

export function storageRemove(key: Uint8Array): void {
  db_remove(<u32>regionOf(key));
}

export class KV {
  constructor(public key: Uint8Array, public value: Uint8Array) {}
}

/** Records with start <= key < end (null = open) in `order`. */
export class StorageIterator {
  private id: u32;
  constructor(start: Uint8Array | null, end: Uint8Array | null, order: Order) {
    this.id = db_scan(start !== null ? <u32>regionOf(start) : 0, end !== null ? <u32>regionOf(end) : 0, <i32>order);
  }

  next(): KV | null {
    const all = consumeRegion(db_next(this.id));
    // sections: key ++ u32be(len key) ++ value ++ u32be(len value); an empty key ends the iteration
    const n = all.length;
    const vlen = <i32>readU32be(all, n - 4);
    const vstart = n - 4 - vlen;
    const klen = <i32>readU32be(all, vstart - 4);
    if (klen == 0) return null;
    const kstart = vstart - 4 - klen;
    return new KV(all.slice(kstart, kstart + klen), all.slice(vstart, vstart + vlen));
  }
}

function readU32be(b: Uint8Array, at: i32): u32 {
  return (<u32>b[at] << 24) | (<u32>b[at + 1] << 16) | (<u32>b[at + 2] << 8) | <u32>b[at + 3];
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** u16-BE length ++ bytes: how storage-plus prefixes a namespace or a non-final key part. */
export function lengthPrefixed(part: Uint8Array): Uint8Array {
  const out = new Uint8Array(part.length + 2);
  out[0] = <u8>(part.length >> 8);
  out[1] = <u8>part.length;
  out.set(part, 2);
  return out;
}

/** The smallest key after every key starting with `prefix` (null: none). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | null {
  const end = prefix.slice(0);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.slice(0, i + 1);
    }
  }
  return null;
}

/** How a stored value is (de)serialised. Values are JSON, as cosmwasm-std's `to_json_vec` writes them. */
export abstract class Codec<T> {
  abstract encode(value: T): string;
  abstract decode(json: JsonValue): T;
}

export class StringCodec extends Codec<string> {
  encode(value: string): string { return quote(value); }
  decode(json: JsonValue): string { return json.text; }
}

export class Uint128Codec extends Codec<Uint128> {
  encode(value: Uint128): string { return quote(value.toString()); }
  decode(json: JsonValue): Uint128 {
    const v = Uint128.parse(json.text);
    if (v === null) abort('stored Uint128 is malformed');
    return v!;
  }
}

/** u64 counters (stored as JSON numbers), boxed so Item/Map can hold them. */
export class U64Box { constructor(public value: u64) {} }
export class U64Codec extends Codec<U64Box> {
  encode(v: U64Box): string { return v.value.toString(); }
  decode(json: JsonValue): U64Box { return new U64Box(U64.parseInt(json.text)); }
}

function encodeValue<T>(codec: Codec<T>, value: T): Uint8Array {
  return utf8(codec.encode(value));
}

function decodeValue<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const p = parseJson(fromUtf8(bytes));
  if (!p.ok) abort('stored value is not JSON: ' + p.error);
  return codec.decode(p.value);
}

/** One value under a fixed key. */
export class Item<T> {
  private key: Uint8Array;
  constructor(namespace: string, private codec: Codec<T>) {
    this.key = utf8(namespace);
  }

  has(): bool { return storageGet(this.key) !== null; }

  /** The value; aborts naming the namespace when it was never saved. */
  load(): T {
    const b = storageGet(this.key);
    if (b === null) abort('item ' + fromUtf8(this.key) + ' not found');
    return decodeValue<T>(this.codec, b!);
  }

  loadOr(fallback: T): T {
    const b = storageGet(this.key);
    return b === null ? fallback : decodeValue<T>(this.codec, b);
  }

  save(value: T): void { storageSet(this.key, encodeValue<T>(this.codec, value)); }
  remove(): void { storageRemove(this.key); }
}

export class Entry<T> {
  constructor(public key: string, public value: T) {}
}

/** Values under string keys (addresses, token ids), iterable in key order. */
export class Map<T> {
  protected prefix: Uint8Array;
  constructor(namespace: string, protected codec: Codec<T>) {
    this.prefix = lengthPrefixed(utf8(namespace));
  }

  protected keyOf(key: string): Uint8Array { return concat(this.prefix, utf8(key)); }

  has(key: string): bool { return storageGet(this.keyOf(key)) !== null; }

  load(key: string): T {
    const b = storageGet(this.keyOf(key));
    if (b === null) abort('no entry ' + key + ' in ' + fromUtf8(this.prefix.slice(2)));
    return decodeValue<T>(this.codec, b!);
  }

  loadOr(key: string, fallback: T): T {
    const b = storageGet(this.keyOf(key));
    return b === null ? fallback : decodeValue<T>(this.codec, b);
  }

  /** The value, or null when there is none (one read, for reference types). */
  mayLoad(key: string): T | null {
    const b = storageGet(this.keyOf(key));
    return b === null ? null : decodeValue<T>(this.codec, b);
  }

  save(key: string, value: T): void { storageSet(this.keyOf(key), encodeValue<T>(this.codec, value)); }
  remove(key: string): void { storageRemove(this.keyOf(key)); }

  /** Up to `limit` entries with keys after `startAfter` ('' = from the start), in `order`. */
  range(startAfter: string, limit: i32, order: Order = Order.Ascending): Entry<T>[] {
    return rangeUnder<T>(this.prefix, this.codec, startAfter, limit, order);
  }
}

/** Values under (string, string) keys, with iteration over one first part: e.g. allowances[owner][spender]. */
export class Map2<T> {
  private prefix: Uint8Array;
  constructor(namespace: string, private codec: Codec<T>) {
    this.prefix = lengthPrefixed(utf8(namespace));
  }

  private sub(k1: string): Uint8Array { return concat(this.prefix, lengthPrefixed(utf8(k1))); }
  private keyOf(k1: string, k2: string): Uint8Array { return concat(this.sub(k1), utf8(k2)); }

  has(k1: string, k2: string): bool { return storageGet(this.keyOf(k1, k2)) !== null; }

  loadOr(k1: string, k2: string, fallback: T): T {
    const b = storageGet(this.keyOf(k1, k2));
    return b === null ? fallback : decodeValue<T>(this.codec, b);
  }

  /** The value, or null when there is none (one read, for reference types). */
  mayLoad(k1: string, k2: string): T | null {
    const b = storageGet(this.keyOf(k1, k2));
    return b === null ? null : decodeValue<T>(this.codec, b);
  }

  save(k1: string, k2: string, value: T): void { storageSet(this.keyOf(k1, k2), encodeValue<T>(this.codec, value)); }
  remove(k1: string, k2: string): void { storageRemove(this.keyOf(k1, k2)); }

  /** Entries (k2 -> value) under `k1`. */
  prefixRange(k1: string, startAfter: string, limit: i32, order: Order = Order.Ascending): Entry<T>[] {
    return rangeUnder<T>(this.sub(k1), this.codec, startAfter, limit, order);
  }
}

function rangeUnder<T>(prefix: Uint8Array, codec: Codec<T>, startAfter: string, limit: i32, order: Order): Entry<T>[] {
  let start: Uint8Array | null = prefix;
  let end: Uint8Array | null = prefixEnd(prefix);
  if (startAfter.length) {
    const after = concat(prefix, utf8(startAfter));
    if (order == Order.Ascending) start = concat(after, new Uint8Array(1)); // exclusive
    else end = after;
  }
  const it = new StorageIterator(start, end, order);
  const out: Entry<T>[] = [];
  while (out.length < limit) {
    const kv = it.next();
    if (kv === null) break;
    out.push(new Entry<T>(fromUtf8(kv.key.slice(prefix.length)), decodeValue<T>(codec, kv.value)));
  }
  return out;
}
