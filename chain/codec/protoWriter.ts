import { utf8Length, utf8Write } from 'cosmjs-types/utf8';

/**
 * A minimal protobuf writer for the few messages the node encodes once per transaction (tx results, ledger
 * leaves). cosmjs-types' writer allocates an operation object per field and per varint; this one writes straight
 * into one growing buffer, sizing nested messages first. Its bytes are exactly cosmjs-types' bytes for the same
 * message: strings go through the same UTF-8 encoder (an ASCII fast path writes the same bytes), int64 fields
 * take the 10-byte two's complement for negatives, and callers apply proto3's zero-value omission as ts-proto does.
 */
export class ProtoWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** A non-negative integer below 2^53 as a varint. */
  varint(n: number): this {
    this.ensure(10);
    const b = this.buf;
    while (n > 0x7f) {
      b[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[this.pos++] = n;
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
    const len = stringLength(value);
    this.varint(len);
    this.ensure(len);
    if (len === value.length) {
      const b = this.buf;
      for (let i = 0; i < len; i++) b[this.pos + i] = value.charCodeAt(i);
    } else {
      utf8Write(value, this.buf, this.pos);
    }
    this.pos += len;
    return this;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** The bytes written so far, in a buffer of their own. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
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

/** UTF-8 length of a string, as cosmjs-types counts it (an ASCII string is its own length). */
export function stringLength(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return utf8Length(s);
  return s.length;
}

/** Bytes of a length-delimited field with a one-byte tag: tag + length + payload. */
export function delimitedFieldLength(payload: number): number {
  return 1 + varintLength(payload) + payload;
}
