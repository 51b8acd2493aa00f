// cw-utils' Expiration (never, at a height, at a time) and Duration (a number of blocks or seconds), as contracts
// use them for approvals, allowances, proposals and deadlines. Times are nanoseconds since the Unix epoch, as
// env.block.time; a Duration's time is in seconds, as cw-utils'.
import { JsonKind, JsonValue, JsonWriter } from './json';
import { Env } from './types';
import { parseU64Text } from './fields';

const NS_PER_SECOND: u64 = 1_000_000_000;

export class Expiration {
  /** 'never', 'at_height' or 'at_time' */
  kind: string = 'never';
  /** the height, or the time in nanoseconds */
  at: u64 = 0;

  static never(): Expiration { return new Expiration(); }
  static atHeight(height: u64): Expiration { const e = new Expiration(); e.kind = 'at_height'; e.at = height; return e; }
  static atTime(nanos: u64): Expiration { const e = new Expiration(); e.kind = 'at_time'; e.at = nanos; return e; }

  /** Reads {"never":{}} | {"at_height":N} | {"at_time":"nanos"}; JSON null or absent is never; null when malformed. */
  static parse(v: JsonValue | null): Expiration | null {
    if (v === null || v.isNull()) return Expiration.never();
    const kind = v.variant();
    if (kind == 'never') return Expiration.never();
    if (kind != 'at_height' && kind != 'at_time') return null;
    const n = v.get(kind)!;
    if (n.kind != JsonKind.Number && n.kind != JsonKind.String) return null;
    const at = parseU64Text(n.text);
    if (at < 0) return null;
    const e = new Expiration();
    e.kind = kind;
    e.at = <u64>at;
    return e;
  }

  isNever(): bool { return this.kind == 'never'; }

  /** cw-utils: expired once the block reaches the height or time. */
  isExpired(env: Env): bool {
    if (this.kind == 'at_height') return env.block.height >= this.at;
    if (this.kind == 'at_time') return env.block.timeNanos >= this.at;
    return false;
  }

  /**
   * cw-utils' partial order: -1, 0 or 1; 2 when the two cannot be compared (a height against a time).
   * Never is after everything.
   */
  compare(o: Expiration): i32 {
    if (this.kind == o.kind) {
      if (this.kind == 'never') return 0;
      return this.at < o.at ? -1 : this.at > o.at ? 1 : 0;
    }
    if (this.kind == 'never') return 1;
    if (o.kind == 'never') return -1;
    return 2;
  }

  write(w: JsonWriter): void {
    w.beginObject();
    if (this.kind == 'never') w.key('never').beginObject().endObject();
    else if (this.kind == 'at_height') w.key('at_height').number(this.at);
    else w.key('at_time').string(this.at.toString());
    w.endObject();
  }

  toJson(): string {
    const w = new JsonWriter();
    this.write(w);
    return w.toString();
  }
}

export class Duration {
  /** 'height' (blocks) or 'time' (seconds) */
  kind: string = 'height';
  amount: u64 = 0;

  /** Reads {"height":N} | {"time":seconds}; null when malformed. */
  static parse(v: JsonValue | null): Duration | null {
    if (v === null) return null;
    const kind = v.variant();
    if (kind != 'height' && kind != 'time') return null;
    const n = v.get(kind)!;
    if (n.kind != JsonKind.Number) return null;
    const amount = parseU64Text(n.text);
    if (amount < 0) return null;
    const d = new Duration();
    d.kind = kind;
    d.amount = <u64>amount;
    return d;
  }

  /** The expiration this long after the current block. */
  after(env: Env): Expiration {
    if (this.kind == 'height') return Expiration.atHeight(env.block.height + this.amount);
    return Expiration.atTime(env.block.timeNanos + this.amount * NS_PER_SECOND);
  }

  write(w: JsonWriter): void {
    w.beginObject().key(this.kind).number(this.amount).endObject();
  }
}
