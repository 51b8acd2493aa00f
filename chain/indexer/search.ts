import { Bucket, u64be, type BucketId } from '../store/buckets.js';
import type { ChainReader, StoredTx } from '../store/chainReader.js';
import { concatBytes } from '../store/kv.js';
import type { NodeDb } from '../store/nodeDb.js';
import { IndexerErrors } from './errors.js';
import { txIndexOffFrom } from './txIndexSetting.js';
import { parseQuery, valueMatches, type Condition, type Query } from './query.js';
import { decodeVersionList } from '../store/versionList.js';
import { indexKey, valueRowVersions } from './txIndexer.js';

export { parseQuery, matchesEvents, type Query, type Condition } from './query.js';

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;
/** Most index entries one search may visit before it asks the caller to narrow the query. */
export const DEFAULT_MAX_SCAN = 200_000;

export interface SearchOptions {
  /** 1-based; default 1 */
  page?: number;
  /** default 30, at most 100 (larger values are capped, as CometBFT does) */
  perPage?: number;
  /** "asc" (default) or "desc", by ledger version (= height, then position in the block) */
  orderBy?: string;
}

export interface SearchPage {
  /** every matching tx, not only this page's */
  totalCount: number;
  page: number;
  perPage: number;
  txs: StoredTx[];
}

/**
 * tx_search over the event index: an AND of conditions, evaluated as
 *  1. tx.height conditions become a range of ledger versions (a block's txs are a contiguous version run);
 *  2. one "driver" condition lists candidates from the index (tx.hash by direct get, `=` by an exact-key
 *     range, EXISTS and other operators by scanning that key's values);
 *  3. every other condition is checked per candidate by direct gets or the tx's own events.
 * Counts are exact; results are ordered by version, then paged.
 */
export class TxSearch {
  constructor(
    private readonly db: NodeDb,
    private readonly reader: ChainReader,
    private readonly maxScan = DEFAULT_MAX_SCAN,
  ) {}

  search(query: string | Query, o: SearchOptions = {}): SearchPage {
    const q = typeof query === 'string' ? parseQuery(query) : query;
    const order = (o.orderBy ?? '').toLowerCase();
    if (order !== '' && order !== 'asc' && order !== 'desc') throw IndexerErrors.InvalidOrder(`order_by must be "asc" or "desc", got ${JSON.stringify(o.orderBy)}`);
    const perPage = o.perPage === undefined || o.perPage <= 0 ? DEFAULT_PER_PAGE : Math.min(o.perPage, MAX_PER_PAGE);
    const versions = this.matchingVersions(q);
    if (order === 'desc') versions.reverse();
    const pages = Math.max(1, Math.ceil(versions.length / perPage));
    const page = o.page ?? 1;
    if (!Number.isInteger(page) || page < 1 || page > pages) throw IndexerErrors.InvalidPage(`page should be within [1, ${pages}] range, given ${page}`);
    const slice = versions.slice((page - 1) * perPage, page * perPage);
    return { totalCount: versions.length, page, perPage, txs: slice.map((v) => this.reader.txByVersion(v)!) };
  }

  /** Versions of every tx matching the query, ascending. */
  matchingVersions(q: Query): bigint[] {
    if (txIndexOffFrom(this.db) !== undefined) {
      throw IndexerErrors.Disabled('transaction indexing is disabled on this node (config tx_index = "null"); search on a node that indexes txs, or look txs up by hash');
    }
    const range = this.versionRange(q.conditions.filter(isHeightRange));
    const rest = q.conditions.filter((c) => !isHeightRange(c));
    if (range.lo >= range.hi) return [];
    let driverIndex = pickDriver(rest);
    let candidates: bigint[];
    if (driverIndex < 0) {
      if (range.hi - range.lo > BigInt(this.maxScan)) this.tooMany();
      candidates = [];
      for (let v = range.lo; v < range.hi; v++) candidates.push(v);
    } else {
      const driven = this.drive(rest[driverIndex]!, range);
      candidates = driven.versions;
      if (!driven.exact) driverIndex = -1; // the driver also filters
    }
    const others = rest.filter((_, i) => i !== driverIndex);
    if (others.length === 0) return candidates;
    return candidates.filter((v) => {
      let events: Map<string, string[]> | undefined;
      return others.every((c) => {
        events ??= this.indexedEvents(v);
        const values = events.get(c.key) ?? [];
        return c.op === 'EXISTS' ? values.length > 0 : values.some((value) => valueMatches(c, value));
      });
    });
  }

  /**
   * [lo, hi) of ledger versions allowed by the tx.height conditions (all committed txs when there are none),
   * with the heights [hLo, hHi] they span.
   */
  private versionRange(heightConds: Condition[]): VersionRange {
    let hLo = this.reader.initialHeight();
    let hHi = this.reader.latestHeight();
    for (const c of heightConds) {
      const h = BigInt(c.operand!.text);
      if (c.op === '=') {
        if (h > hLo) hLo = h;
        if (h < hHi) hHi = h;
      } else if (c.op === '>' || c.op === '>=') {
        const lo = c.op === '>' ? h + 1n : h;
        if (lo > hLo) hLo = lo;
      } else {
        const hi = c.op === '<' ? h - 1n : h;
        if (hi < hHi) hHi = hi;
      }
    }
    if (heightConds.length === 0) return { lo: 0n, hi: this.reader.ledgerSize(), hLo, hHi };
    if (hLo > hHi) return { lo: 0n, hi: 0n, hLo, hHi };
    const first = this.reader.blockResults(hLo);
    const last = this.reader.blockResults(hHi);
    const lo = first ? first.firstVersion : 0n;
    const hi = last ? last.firstVersion + BigInt(last.txCount) : this.reader.ledgerSize();
    return { lo, hi, hLo, hHi };
  }

  /**
   * Candidates for the driver condition: exact for tx.hash, `=` on a string (the value's rows) and EXISTS (the
   * key's rows); for the other operators, every tx carrying the key, which the caller then filters (`exact` false).
   */
  private drive(c: Condition, range: VersionRange): { versions: bigint[]; exact: boolean } {
    if (c.key === 'tx.hash' && c.op === '=') {
      const hex = c.operand!.text;
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) return { versions: [], exact: true };
      const v = this.reader.versionByHash(Buffer.from(hex, 'hex'));
      return { versions: v !== undefined && v >= range.lo && v < range.hi ? [v] : [], exact: true };
    }
    if (c.op === '=' && c.operand!.kind === 'string') {
      return { versions: this.versionsUnder(Bucket.TxEventValues, c.operand!.text, range, (row) => valueRowVersions(row, c.key)), exact: true };
    }
    return { versions: this.versionsUnder(Bucket.TxEventKeys, c.key, range, decodeVersionList), exact: c.op === 'EXISTS' };
  }

  /** Versions in `range` that the rows `head` ++ 0x00 ++ uint64be(height) of `bucket` list, ascending. */
  private versionsUnder(bucket: BucketId, head: string, range: VersionRange, listed: (row: Uint8Array) => bigint[]): bigint[] {
    const prefix = indexKey(head);
    const out: bigint[] = [];
    for (const [key, value] of this.db.range(bucket, concatBytes(prefix, u64be(range.hLo)), concatBytes(prefix, u64be(range.hHi + 1n)))) {
      // a longer value that starts with `head` ++ 0x00 could sort inside the range: only exact keys count
      if (key.length !== prefix.length + 8) continue;
      for (const v of listed(value)) {
        if (v < range.lo || v >= range.hi) continue;
        if (out.length >= this.maxScan) this.tooMany();
        out.push(v);
      }
    }
    return out;
  }

  /** The indexed attributes of one tx as "type.key" -> values (plus tx.hash and tx.height). */
  private indexedEvents(version: bigint): Map<string, string[]> {
    const m = new Map<string, string[]>();
    const t = this.reader.txByVersion(version);
    if (!t) return m;
    const add = (k: string, v: string) => {
      const list = m.get(k);
      if (list) list.push(v);
      else m.set(k, [v]);
    };
    add('tx.hash', Buffer.from(t.hash).toString('hex').toUpperCase());
    add('tx.height', t.height.toString());
    for (const e of t.result.events) for (const a of e.attributes) if (a.index) add(`${e.type}.${a.key}`, a.value);
    return m;
  }

  private tooMany(): never {
    throw IndexerErrors.TooManyResults(`more than ${this.maxScan} index entries; narrow the query (e.g. with tx.height >= N AND tx.height <= M)`);
  }
}

/** tx.height with a numeric comparison becomes a version range rather than an index condition. */
function isHeightRange(c: Condition): boolean {
  return c.key === 'tx.height' && c.op !== 'EXISTS' && c.op !== 'CONTAINS' && /^-?[0-9]+$/.test(c.operand!.text) && BigInt(c.operand!.text) >= 0n;
}

/** A [lo, hi) range of ledger versions and the heights [hLo, hHi] it spans. */
interface VersionRange {
  lo: bigint;
  hi: bigint;
  hLo: bigint;
  hHi: bigint;
}

/** tx.hash and tx.height are not in the event index (TxByHash and the block's version run answer them). */
function isTxKey(key: string): boolean {
  return key === 'tx.hash' || key === 'tx.height';
}

/**
 * The cheapest condition to list candidates from: tx.hash, then an exact match, then EXISTS, then any; other
 * tx.hash/tx.height conditions only filter (-1 when nothing can drive: the version range is scanned).
 */
function pickDriver(conds: Condition[]): number {
  const rank = (c: Condition) =>
    c.key === 'tx.hash' && c.op === '=' ? 0 : isTxKey(c.key) ? Infinity : c.op === '=' && c.operand!.kind === 'string' ? 1 : c.op === 'EXISTS' ? 2 : 3;
  let best = -1;
  for (let i = 0; i < conds.length; i++) if (rank(conds[i]!) < (best < 0 ? Infinity : rank(conds[best]!))) best = i;
  return best;
}
