import { BinaryReader } from 'cosmjs-types/binary';

const EMPTY = new Uint8Array(0);

/**
 * A cosmjs-types reader over `bytes` without the copy its constructor makes (one ArrayBuffer per decode, and a
 * tx decodes several messages). Decoded `bytes` fields then view `bytes` itself: use it only for input that is
 * never mutated afterwards (received tx bytes are not).
 */
export function readerOver(bytes: Uint8Array): BinaryReader {
  const r = new BinaryReader(EMPTY);
  r.buf = bytes;
  r.len = bytes.length;
  return r;
}
