/** Byte and time spellings shared by the RPC and REST encoders. */

export const hexUpper = (b: Uint8Array | undefined): string => (b && b.length > 0 ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase() : '');
export const base64 = (b: Uint8Array | undefined): string => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') : '');
/** base64, or null for empty bytes (how Go's JSON writes a nil []byte) */
export const base64OrNull = (b: Uint8Array | undefined): string | null => (b && b.length > 0 ? base64(b) : null);

/** Go's zero time, which CometBFT writes for absent timestamps. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** RFC 3339 with nanoseconds and trailing zeros trimmed, as Go's time.RFC3339Nano writes UTC times. */
export function rfc3339Nano(t: { seconds: bigint; nanos: number } | undefined): string {
  if (!t || (t.seconds === 0n && t.nanos === 0)) return ZERO_TIME;
  const iso = new Date(Number(t.seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const frac = t.nanos > 0 ? '.' + String(t.nanos).padStart(9, '0').replace(/0+$/, '') : '';
  return iso.slice(0, 19) + frac + 'Z';
}

/** Strict hex (optionally 0x-prefixed) to bytes, or undefined. */
export function parseHex(s: string): Uint8Array | undefined {
  const h = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return undefined;
  return new Uint8Array(Buffer.from(h, 'hex'));
}

/** Strict standard base64 (padding required unless the length is a multiple of 4) to bytes, or undefined. */
export function parseBase64(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}
