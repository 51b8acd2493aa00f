import { ApiErrors } from '../errors.js';
import { parseBase64, parseHex } from '../encoding.js';

/**
 * JSON-RPC parameters, typed. Over POST they come as JSON (named object or positional array); over GET as
 * URI query strings, where CometBFT quotes strings ("...") and writes bytes as 0x-hex.
 *  int    int64 (JSON number or decimal string)    -> bigint
 *  string                                          -> string
 *  bool                                            -> boolean
 *  bytes  base64 in JSON; 0x-hex or "raw" in URIs  -> Uint8Array
 *  hash   32 bytes: hex (any case, 0x optional) or base64 -> Uint8Array
 *  hex    hex string (abci_query data)             -> Uint8Array
 */
export type ParamKind = 'int' | 'string' | 'bool' | 'bytes' | 'hash' | 'hex';
export interface ParamSpec {
  name: string;
  kind: ParamKind;
  required?: boolean;
}

const INT64_MAX = (1n << 63n) - 1n;

function invalid(name: string, what: string): never {
  throw ApiErrors.InvalidParams(`error converting json params to arguments: ${name}: ${what}`);
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

function coerce(spec: ParamSpec, v: unknown, fromUri: boolean): unknown {
  const { name } = spec;
  switch (spec.kind) {
    case 'int': {
      const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' ? unquote(v) : undefined;
      if (s === undefined || !/^-?[0-9]{1,20}$/.test(s)) invalid(name, `expected an integer, got ${JSON.stringify(v)}`);
      const n = BigInt(s!);
      if (n > INT64_MAX || n < -INT64_MAX) invalid(name, `${s} is out of the int64 range`);
      return n;
    }
    case 'string':
      if (typeof v !== 'string') invalid(name, `expected a string, got ${JSON.stringify(v)}`);
      return fromUri ? unquote(v as string) : v;
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return invalid(name, `expected true or false, got ${JSON.stringify(v)}`);
    case 'bytes': {
      if (typeof v !== 'string') invalid(name, `expected a base64 string, got ${typeof v}`);
      const s = v as string;
      if (fromUri) {
        if (s.startsWith('0x')) return parseHex(s) ?? invalid(name, 'malformed hex after 0x');
        if (s.startsWith('"')) return new TextEncoder().encode(unquote(s));
      }
      return parseBase64(s) ?? invalid(name, 'expected base64 (or 0x-hex in a URI)');
    }
    case 'hash': {
      if (typeof v !== 'string') invalid(name, `expected a hash, got ${typeof v}`);
      const s = unquote(v as string);
      const bytes = /^(0x)?[0-9a-fA-F]{64}$/.test(s) ? parseHex(s) : parseBase64(s);
      if (!bytes || bytes.length !== 32) invalid(name, `expected a 32-byte hash as 64 hex characters or base64, got ${JSON.stringify(s.slice(0, 80))}`);
      return bytes;
    }
    case 'hex': {
      if (typeof v !== 'string') invalid(name, `expected a hex string, got ${typeof v}`);
      return parseHex(unquote(v as string)) ?? invalid(name, 'expected hex');
    }
  }
}

/** Reads `raw` (object, array or nothing) against the method's parameter list. */
export function readParams(specs: readonly ParamSpec[], raw: unknown, fromUri = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let get: (spec: ParamSpec, i: number) => unknown;
  if (raw === undefined || raw === null) get = () => undefined;
  else if (Array.isArray(raw)) {
    if (raw.length > specs.length) throw ApiErrors.InvalidParams(`expected at most ${specs.length} params, got ${raw.length}`);
    get = (_s, i) => raw[i];
  } else if (typeof raw === 'object') get = (s) => (raw as Record<string, unknown>)[s.name];
  else throw ApiErrors.InvalidParams('params must be an object or an array');
  specs.forEach((spec, i) => {
    const v = get(spec, i);
    if (v === undefined || v === null || (fromUri && v === '')) {
      if (spec.required) invalid(spec.name, 'missing');
      return;
    }
    out[spec.name] = coerce(spec, v, fromUri);
  });
  return out;
}
