// JSON that a contract keeps as given (a proposal's messages, an NFT's extension) and passes on unchanged.
import { JsonKind, JsonValue, JsonWriter, quote } from './json';
import { CosmosMsg } from './types';

/** Serialises a parsed value back to compact JSON (numbers keep their source text). */
export function stringify(v: JsonValue): string {
  if (v.kind == JsonKind.Null) return 'null';
  if (v.kind == JsonKind.Bool) return v.bool ? 'true' : 'false';
  if (v.kind == JsonKind.Number) return v.text;
  if (v.kind == JsonKind.String) return quote(v.text);
  const parts: string[] = [];
  if (v.kind == JsonKind.Array) {
    for (let i = 0; i < v.items.length; i++) parts.push(stringify(v.items[i]));
    return '[' + parts.join(',') + ']';
  }
  for (let i = 0; i < v.keys.length; i++) parts.push(quote(v.keys[i]) + ':' + stringify(v.items[i]));
  return '{' + parts.join(',') + '}';
}

/** A CosmosMsg already in its JSON form (e.g. one a multisig proposal carries). */
export class RawMsg extends CosmosMsg {
  constructor(public json: string) { super(); }
  write(w: JsonWriter): void { w.raw(this.json); }
}
