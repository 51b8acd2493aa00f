import { BinaryReader } from 'cosmjs-types/binary';
import { utf8Read } from 'cosmjs-types/utf8';

/**
 * cosmjs-types reads every protobuf string through a JavaScript UTF-8 decoder that builds an array of char codes
 * and spreads it into String.fromCharCode: the largest single source of garbage in a transfer (addresses, denoms
 * and type URLs are all strings). This replaces BinaryReader.string, once per process, with the platform's
 * decoder for well-formed UTF-8 — the same string for the same bytes — and keeps cosmjs-types' own decoder for
 * malformed input, so even invalid bytes decode exactly as before (decoding stays deterministic and unchanged).
 */
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readString(this: BinaryReader): string {
  const bytes = this.bytes();
  if (bytes.length === 0) return '';
  try {
    return strict.decode(bytes);
  } catch {
    return utf8Read(bytes, 0, bytes.length);
  }
}

(BinaryReader.prototype as unknown as { string: () => string }).string = readString;
