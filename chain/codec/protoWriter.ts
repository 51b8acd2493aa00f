import { pooledBytes } from './bytePool.js';
import { utf8Length, utf8Write } from 'cosmjs-types/utf8';

// One scratch buffer per thread, reused by every writer (allocating a buffer per message costs more than writing
// it). A writer started while another is unfinished gets a buffer of its own.
let scratch = Buffer.allocUnsafeSlow(16 * 1024);
let scratchInUse = false;

/**
 * A minimal protobuf writer for the few messages the node encodes once per transaction (tx results, ledger
 * leaves, accounts). cosmjs-types' writer allocates an operation object per field and per varint; this one writes
 * straight into one growing buffer, sizing nested messages first. Its bytes are exactly cosmjs-types' bytes for the
 * same message: strings go through the same UTF-8 encoder (an ASCII fast path writes the same bytes), int64 fields
 * take the 10-byte two's complement for negatives, and callers apply proto3's zero-value omission as ts-proto does.
 * Use it through `encodeProto`, which hands the scratch buffer back even when filling throws.
 */
export class ProtoWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly usesScratch: boolean;
  private released = false;

  constructor() {
    this.usesScratch = !scratchInUse;
    if (this.usesScratch) {
      scratchInUse = true;
      this.buf = scratch;
    } else {
      this.buf = Buffer.allocUnsafeSlow(1024);
    }
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    if (this.usesScratch) scratch = next;
  }

  /** A non-negative integer below 2^53 as a varint. */
  varint(n: number): this {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    if (n < 0x8000_0000) {
      while (n > 0x7f) {
        b[p++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
    } else {
      while (n > 0x7f) {
        b[p++] = (n % 0x80) | 0x80;
        n = Math.floor(n / 0x80);
      }
    }
    b[p++] = n;
    this.pos = p;
    return this;
  }

  /** An int64/uint64 value as a varint (negative int64 as its 64-bit two's complement, 10 bytes). */
  varint64(v: bigint): this {
    let u = BigInt.asUintN(64, v);
    if (u <= 0x1f_ffff_ffff_ffffn) return this.varint(Number(u));
    this.ensure(10);
    while (u > 0x7fn) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** Length-delimited bytes (the caller writes the tag). */
  bytes(value: Uint8Array): this {
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** Length-delimited UTF-8 (the caller writes the tag). */
  string(value: string): this {
    const n = value.length;
    if (n <= SHORT_STRING) {
      // event types, keys, addresses, amounts: copied char by char as if ASCII (cheaper than two native calls),
      // and written again below when a char turns out not to be
      const start = this.pos;
      this.varint(n);
      this.ensure(n);
      const b = this.buf;
      const p = this.pos;
      let seen = 0;
      for (let i = 0; i < n; i++) {
        const c = value.charCodeAt(i);
        seen |= c;
        b[p + i] = c;
      }
      if (seen <= 0x7f) {
        this.pos = p + n;
        return this;
      }
      this.pos = start;
    }
    const len = stringLength(value);
    this.varint(len);
    this.ensure(len);
    if (len === value.length) this.buf.write(value, this.pos, len, 'latin1');
    else utf8Write(value, this.buf, this.pos);
    this.pos += len;
    return this;
  }

  /**
   * Starts a length-delimited field whose length is not known yet (the caller wrote the tag): one byte is kept for
   * the length. Returns the mark `endDelimited` takes. Nested messages are written in one pass this way.
   */
  beginDelimited(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the field begun at `mark`: its length goes in the kept byte, the content moving on when it needs more. */
  endDelimited(mark: number): void {
    const start = mark + 1;
    let len = this.pos - start;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    const extra = varintLength(len) - 1;
    this.ensure(extra);
    this.buf.copyWithin(start + extra, start, this.pos);
    this.pos += extra;
    let p = mark;
    while (len > 0x7f) {
      this.buf[p++] = (len & 0x7f) | 0x80;
      len >>>= 7;
    }
    this.buf[p] = len;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** The bytes written, in a pooled slab (see bytePool.ts); the writer is done. */
  finish(): Uint8Array {
    const out = pooledBytes(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    this.release();
    return out;
  }

  /** Gives the scratch buffer back (finish does; after a throw, encodeProto does). */
  release(): void {
    if (this.usesScratch && !this.released) scratchInUse = false;
    this.released = true;
  }
}

/** Runs `fill` on a fresh writer and returns its bytes; the writer's scratch buffer is released whatever happens. */
export function encodeProto(fill: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter();
  try {
    fill(w);
    return w.finish();
  } finally {
    w.release();
  }
}

/** Bytes of a varint. */
export function varintLength(n: number): number {
  let len = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

/** Bytes of an int64/uint64 varint (negative int64 values take 10). */
export function varint64Length(v: bigint): number {
  let u = BigInt.asUintN(64, v);
  if (u <= 0x1f_ffff_ffff_ffffn) return varintLength(Number(u));
  let len = 1;
  while (u > 0x7fn) {
    u >>= 7n;
    len++;
  }
  return len;
}

/**
 * UTF-8 length of a string, as cosmjs-types counts it. Every non-ASCII UTF-16 unit takes two or more bytes (a lone
 * surrogate three, both here and in cosmjs-types), so a byte length equal to the string's length means ASCII.
 */
export function stringLength(s: string): number {
  if (s.length <= SHORT_STRING && isAscii(s)) return s.length;
  const n = Buffer.byteLength(s, 'utf8');
  return n === s.length ? n : utf8Length(s);
}

/** Strings up to this length are checked for ASCII in JS rather than measured by a native call. */
const SHORT_STRING = 96;

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Bytes of a length-delimited field with a one-byte tag: tag + length + payload. */
export function delimitedFieldLength(payload: number): number {
  return 1 + varintLength(payload) + payload;
}
