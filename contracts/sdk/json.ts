// A small JSON reader (into a tree) and writer. Numbers are kept as their source text: amounts travel as decimal
// strings and integers are read exactly, never through floats.

export enum JsonKind { Null, Bool, Number, String, Array, Object }

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  bool: bool = false;
  /** string content, or the literal text of a number */
  text: string = '';
  items: JsonValue[] = [];
  keys: string[] = [];

  isNull(): bool { return this.kind == JsonKind.Null; }
  isString(): bool { return this.kind == JsonKind.String; }
  isObject(): bool { return this.kind == JsonKind.Object; }
  isArray(): bool { return this.kind == JsonKind.Array; }

  /** The member `key` of an object, or null (absent, or not an object). */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.items[i];
    return null;
  }

  has(key: string): bool { return this.get(key) !== null; }

  /** The single key of an enum-like object `{"variant": {...}}`, or '' when there is not exactly one. */
  variant(): string {
    if (this.kind == JsonKind.String) return this.text;
    if (this.kind != JsonKind.Object || this.keys.length != 1) return '';
    return this.keys[0];
  }
}

class Parser {
  pos: i32 = 0;
  error: string = '';
  constructor(public src: string) {}

  fail(msg: string): JsonValue {
    if (this.error.length == 0) this.error = msg + ' at position ' + this.pos.toString();
    return new JsonValue();
  }

  ws(): void {
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) this.pos++;
      else break;
    }
  }

  value(depth: i32): JsonValue {
    if (depth > 64) return this.fail('JSON nested too deeply');
    this.ws();
    if (this.pos >= this.src.length) return this.fail('unexpected end of JSON');
    const c = this.src.charCodeAt(this.pos);
    const v = new JsonValue();
    if (c == 0x7b) { // {
      v.kind = JsonKind.Object;
      this.pos++;
      this.ws();
      if (this.peek() == 0x7d) { this.pos++; return v; }
      while (true) {
        this.ws();
        if (this.peek() != 0x22) return this.fail('expected a string key');
        const key = this.string();
        if (this.error.length) return v;
        this.ws();
        if (this.peek() != 0x3a) return this.fail("expected ':'");
        this.pos++;
        const item = this.value(depth + 1);
        if (this.error.length) return v;
        v.keys.push(key);
        v.items.push(item);
        this.ws();
        const d = this.peek();
        this.pos++;
        if (d == 0x2c) continue;
        if (d == 0x7d) return v;
        this.pos--;
        return this.fail("expected ',' or '}'");
      }
    }
    if (c == 0x5b) { // [
      v.kind = JsonKind.Array;
      this.pos++;
      this.ws();
      if (this.peek() == 0x5d) { this.pos++; return v; }
      while (true) {
        const item = this.value(depth + 1);
        if (this.error.length) return v;
        v.items.push(item);
        this.ws();
        const d = this.peek();
        this.pos++;
        if (d == 0x2c) continue;
        if (d == 0x5d) return v;
        this.pos--;
        return this.fail("expected ',' or ']'");
      }
    }
    if (c == 0x22) {
      v.kind = JsonKind.String;
      v.text = this.string();
      return v;
    }
    if (this.literal('true')) { v.kind = JsonKind.Bool; v.bool = true; return v; }
    if (this.literal('false')) { v.kind = JsonKind.Bool; return v; }
    if (this.literal('null')) return v;
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = this.pos;
      this.pos++;
      while (this.pos < this.src.length) {
        const d = this.src.charCodeAt(this.pos);
        if ((d >= 0x30 && d <= 0x39) || d == 0x2e || d == 0x65 || d == 0x45 || d == 0x2b || d == 0x2d) this.pos++;
        else break;
      }
      v.kind = JsonKind.Number;
      v.text = this.src.substring(start, this.pos);
      return v;
    }
    return this.fail('unexpected character');
  }

  peek(): i32 {
    return this.pos < this.src.length ? this.src.charCodeAt(this.pos) : -1;
  }

  literal(word: string): bool {
    if (this.src.substr(this.pos, word.length) == word) {
      this.pos += word.length;
      return true;
    }
    return false;
  }

  string(): string {
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c == 0x22) {
        out += this.src.substring(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c == 0x5c) {
        out += this.src.substring(runStart, this.pos);
        this.pos++;
        const e = this.peek();
        this.pos++;
        if (e == 0x22) out += '"';
        else if (e == 0x5c) out += '\\';
        else if (e == 0x2f) out += '/';
        else if (e == 0x62) out += '\b';
        else if (e == 0x66) out += '\f';
        else if (e == 0x6e) out += '\n';
        else if (e == 0x72) out += '\r';
        else if (e == 0x74) out += '\t';
        else if (e == 0x75) {
          const hex = this.src.substr(this.pos, 4);
          if (hex.length != 4) { this.fail('bad \\u escape'); return ''; }
          out += String.fromCharCode(<i32>parseInt(hex, 16));
          this.pos += 4;
        } else { this.fail('bad escape'); return ''; }
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
    this.fail('unterminated string');
    return '';
  }
}

/** The result of parsing: the value, or an error message naming the position. */
export class JsonParse {
  constructor(public value: JsonValue, public error: string) {}
  get ok(): bool { return this.error.length == 0; }
}

export function parseJson(src: string): JsonParse {
  const p = new Parser(src);
  const v = p.value(0);
  if (p.error.length == 0) {
    p.ws();
    if (p.pos != src.length) p.fail('trailing characters after JSON');
  }
  return new JsonParse(v, p.error);
}

/** Escapes `s` as a JSON string literal (with quotes). */
export function quote(s: string): string {
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c || c < 0x20) {
      out += s.substring(runStart, i);
      if (c == 0x22) out += '\\"';
      else if (c == 0x5c) out += '\\\\';
      else if (c == 0x0a) out += '\\n';
      else if (c == 0x0d) out += '\\r';
      else if (c == 0x09) out += '\\t';
      else {
        const h = c.toString(16);
        out += '\\u' + '0000'.substring(h.length) + h;
      }
      runStart = i + 1;
    }
  }
  return out + s.substring(runStart) + '"';
}

/**
 * Builds a JSON document. `key()` before a value inside an object; commas are placed automatically.
 *   new JsonWriter().beginObject().key('balance').string('5').endObject().toString()
 */
export class JsonWriter {
  private parts: string[] = [];
  private needComma: bool[] = [false];

  private sep(): void {
    const top = this.needComma.length - 1;
    if (this.needComma[top]) this.parts.push(',');
    this.needComma[top] = true;
  }

  beginObject(): JsonWriter { this.sep(); this.parts.push('{'); this.needComma.push(false); return this; }
  endObject(): JsonWriter { this.needComma.pop(); this.parts.push('}'); return this; }
  beginArray(): JsonWriter { this.sep(); this.parts.push('['); this.needComma.push(false); return this; }
  endArray(): JsonWriter { this.needComma.pop(); this.parts.push(']'); return this; }

  /** An object key; the value written next belongs to it. */
  key(k: string): JsonWriter {
    this.sep();
    this.parts.push(quote(k) + ':');
    // the value that follows must not add a comma
    this.needComma[this.needComma.length - 1] = false;
    return this;
  }
  private value(text: string): JsonWriter {
    this.sep();
    this.parts.push(text);
    return this;
  }

  string(s: string): JsonWriter { return this.value(quote(s)); }
  /** A number written as is (integers only: no floats in contract state). */
  number<T>(n: T): JsonWriter { return this.value(n.toString()); }
  bool(b: bool): JsonWriter { return this.value(b ? 'true' : 'false'); }
  null(): JsonWriter { return this.value('null'); }
  /** Pre-serialised JSON inserted verbatim. */
  raw(json: string): JsonWriter { return this.value(json); }

  toString(): string { return this.parts.join(''); }
}
