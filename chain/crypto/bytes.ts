/** Byte helpers shared by the verifiers: they see untrusted input, so every check tolerates any value. */

/** True when `value` is a Uint8Array (of `length` bytes, when given). */
export function isBytes(value: unknown, length?: number): value is Uint8Array {
  return value instanceof Uint8Array && (length === undefined || value.length === length);
}

/** Big-endian bytes of a non-negative integer, left-padded to `length`. */
export function bigintToBytesBE(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  if (value !== 0n) throw new RangeError(`integer does not fit in ${length} bytes`);
  return out;
}

/** Compares the big-endian integer in `bytes[offset, offset + limit.length)` with `limit`: -1, 0 or 1. */
export function compareBE(bytes: Uint8Array, offset: number, limit: Uint8Array): number {
  for (let i = 0; i < limit.length; i++) {
    const a = bytes[offset + i];
    const b = limit[i];
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** Compares the little-endian integer in `bytes[offset, offset + limit.length)` with little-endian `limit`. */
export function compareLE(bytes: Uint8Array, offset: number, limit: Uint8Array): number {
  for (let i = limit.length - 1; i >= 0; i--) {
    const a = bytes[offset + i];
    const b = limit[i];
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** True when `bytes[offset, offset + length)` are all zero. */
export function isZero(bytes: Uint8Array, offset: number, length: number): boolean {
  for (let i = offset; i < offset + length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** True when `bytes[offset, offset + other.length)` equals `other`. */
export function equalsAt(bytes: Uint8Array, offset: number, other: Uint8Array): boolean {
  for (let i = 0; i < other.length; i++) if (bytes[offset + i] !== other[i]) return false;
  return true;
}

/**
 * The bytes as a latin1 string (one char per byte: lossless, and string order is byte order), for map keys.
 * Short arrays go through String.fromCharCode: a fresh array of up to 64 bytes lives inside V8's heap, and
 * reaching for its `.buffer` (as Buffer.from(b.buffer, ...) must) first moves it to a malloc'd store of its own,
 * which made building a key string ~4x slower than the string itself.
 */
export function latin1(bytes: Uint8Array): string {
  if (bytes.length <= 64) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
