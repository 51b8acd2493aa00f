import { IndexerErrors } from './errors.js';

/**
 * The CometBFT event query language (what tx_search and websocket subscriptions take):
 *   condition { AND condition }
 *   condition = key op operand | key EXISTS
 *   op        = "=" | "<" | "<=" | ">" | ">=" | CONTAINS
 *   operand   = 'string' | number | TIME rfc3339 | DATE yyyy-mm-dd
 * Keys are "type.attribute" (plus tm.event, tx.hash, tx.height). Parsing is pure; evaluation over the
 * index lives in search.ts, evaluation over one event map (subscriptions) here.
 */
export type Operator = '=' | '<' | '<=' | '>' | '>=' | 'CONTAINS' | 'EXISTS';

export type Operand =
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  /** TIME and DATE operands, as ms since the epoch */
  | { kind: 'time'; text: string; ms: number };

export interface Condition {
  key: string;
  op: Operator;
  /** absent for EXISTS */
  operand?: Operand;
}

export interface Query {
  conditions: Condition[];
}

export const MAX_QUERY_LENGTH = 512;
export const MAX_CONDITIONS = 16;

const KEY = /^[^\s()"'=<>]+/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?/;

/** Parses a query; every refusal names the position and what was expected. */
export function parseQuery(text: string): Query {
  if (typeof text !== 'string') throw IndexerErrors.InvalidQuery('the query must be a string');
  if (text.length > MAX_QUERY_LENGTH) throw IndexerErrors.InvalidQuery(`the query is ${text.length} characters, the limit is ${MAX_QUERY_LENGTH}`);
  let pos = 0;
  const fail = (what: string): never => {
    throw IndexerErrors.InvalidQuery(`${what} at position ${pos} of ${JSON.stringify(text)}`);
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const word = (w: string) => {
    const s = text.slice(pos, pos + w.length);
    if (s.toUpperCase() !== w) return false;
    const after = text[pos + w.length];
    if (after !== undefined && /[A-Za-z0-9_]/.test(after)) return false;
    pos += w.length;
    return true;
  };
  const conditions: Condition[] = [];
  skipSpace();
  if (pos === text.length) fail('empty query');
  for (;;) {
    skipSpace();
    const km = KEY.exec(text.slice(pos));
    if (!km) fail('expected a key such as message.sender');
    const key = km![0];
    pos += key.length;
    skipSpace();
    let op: Operator | undefined;
    if (word('EXISTS')) op = 'EXISTS';
    else if (word('CONTAINS')) op = 'CONTAINS';
    else {
      for (const o of ['<=', '>=', '=', '<', '>'] as const) {
        if (text.startsWith(o, pos)) {
          op = o;
          pos += o.length;
          break;
        }
      }
    }
    if (!op) fail(`expected an operator (=, <, <=, >, >=, CONTAINS, EXISTS) after ${key}`);
    const cond: Condition = { key, op: op! };
    if (op !== 'EXISTS') {
      skipSpace();
      cond.operand = parseOperand();
      if (op === 'CONTAINS' && cond.operand.kind !== 'string') fail('CONTAINS needs a quoted string');
    }
    conditions.push(cond);
    if (conditions.length > MAX_CONDITIONS) fail(`more than ${MAX_CONDITIONS} conditions`);
    skipSpace();
    if (pos === text.length) break;
    if (!word('AND')) fail('expected AND or the end of the query');
    skipSpace();
    if (pos === text.length) fail('expected a condition after AND');
  }
  return { conditions };

  function parseOperand(): Operand {
    if (text[pos] === "'") {
      const end = text.indexOf("'", pos + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return { kind: 'string', text: s };
    }
    for (const [kw, re] of [
      ['TIME', /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})/],
      ['DATE', /^[0-9]{4}-[0-9]{2}-[0-9]{2}/],
    ] as const) {
      if (word(kw)) {
        skipSpace();
        const m = re.exec(text.slice(pos));
        const ms = m ? Date.parse(m[0]) : NaN;
        if (!m || Number.isNaN(ms)) fail(`expected a ${kw === 'TIME' ? 'RFC 3339 time' : 'date YYYY-MM-DD'} after ${kw}`);
        pos += m![0].length;
        return { kind: 'time', text: m![0], ms };
      }
    }
    const nm = NUMBER.exec(text.slice(pos));
    if (nm) {
      pos += nm[0].length;
      return { kind: 'number', text: nm[0] };
    }
    return fail("expected a value: 'string', a number, TIME or DATE");
  }
}

const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/** Compares as numbers when both sides are numbers (exactly for integers), else as strings. */
function compare(value: string, operand: Operand): number | undefined {
  if (operand.kind === 'time') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : Math.sign(ms - operand.ms);
  }
  if (operand.kind === 'number') {
    if (INTEGER.test(value) && INTEGER.test(operand.text)) {
      const a = BigInt(value);
      const b = BigInt(operand.text);
      return a < b ? -1 : a > b ? 1 : 0;
    }
    if (!DECIMAL.test(value)) return undefined;
    return Math.sign(Number(value) - Number(operand.text));
  }
  return value < operand.text ? -1 : value > operand.text ? 1 : 0;
}

/** Does one attribute value satisfy a (non-EXISTS) condition? */
export function valueMatches(c: Condition, value: string): boolean {
  const operand = c.operand!;
  if (c.op === 'CONTAINS') return value.includes(operand.text);
  const cmp = compare(value, operand);
  if (cmp === undefined) return false;
  switch (c.op) {
    case '=':
      return cmp === 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    default:
      return false;
  }
}

/** Evaluates a query against one event map ("type.key" -> values), as a websocket subscription does. */
export function matchesEvents(q: Query, events: ReadonlyMap<string, readonly string[]>): boolean {
  return q.conditions.every((c) => {
    const values = events.get(c.key);
    if (!values || values.length === 0) return false;
    return c.op === 'EXISTS' || values.some((v) => valueMatches(c, v));
  });
}
