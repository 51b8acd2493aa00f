import type { CommitParticipant, CommittedBlock } from '../../app/application.js';
import { Bucket, u64be } from '../../store/buckets.js';
import { ChainReader } from '../../store/chainReader.js';
import { concatBytes } from '../../store/kv.js';
import { decodeVersionList, encodeVersionList } from '../../store/versionList.js';
import type { NodeDb, WriteBatch } from '../../store/nodeDb.js';
import { exactSearchList, VectorIndex, type Hit, type VectorIndexOptions } from '../../vectorIndex/index.js';
import { checkK, type Vector } from '../../vectorIndex/vector.js';

const enc = new TextEncoder();
const SEP = Uint8Array.of(0);
/** LMDB keys are limited; longer senders or type URLs are not filterable (nothing legitimate is this long). */
const MAX_FILTER_KEY = 1024;
/** Filter matches up to this many are scored one by one; more go through the index with a filter. */
const EXACT_CANDIDATES = 50_000;
/** versions inserted per event-loop turn by the background drain */
const DRAIN_SLICE = 256;

export type FilterKind = 's' | 't';

/**
 * TxVectorFilter key: utf8 "<kind>:<value>" ++ 0x00 [++ uint64be(height)]; kind s = sender, t = message type URL.
 * One row per block lists the versions that match (chain/store/versionList.ts).
 */
export function filterKey(kind: FilterKind, value: string, height?: bigint | number): Uint8Array {
  const head = concatBytes(enc.encode(`${kind}:${value}`), SEP);
  return height === undefined ? head : concatBytes(head, u64be(height));
}

export interface TxVectorIndexOptions extends Omit<VectorIndexOptions, 'dimension'> {
  dimension: number;
  /** file the index is saved to; undefined keeps it in memory only (rebuilt from the store at each start) */
  path?: string;
  /** save after this many inserts since the last save (0 = only on close); default 100,000 */
  saveEvery?: number;
}

export interface TxSearchRequest {
  vector: Vector;
  k: number;
  /** scan every vector instead of walking the graph */
  exact?: boolean;
  /** inclusive block height bounds */
  minHeight?: bigint;
  maxHeight?: bigint;
  /** the tx's first signer (its fee payer) */
  sender?: string;
  /** a message type URL the tx contains */
  msgType?: string;
  /** a version left out of the answer (the query tx itself, for "similar to") */
  exclude?: number;
}

/** How opening went: whether the saved file was used, why not, and how many versions were (re)inserted. */
export interface OpenReport {
  rebuilt: boolean;
  reason?: string;
  caughtUp: number;
}

/**
 * The node-local ANN index over committed tx embeddings (id = version), plus the keys its filters use.
 * - `stage` writes the filter keys (sender, message types) in the block's own LMDB transaction;
 * - `afterCommit` inserts the block's embeddings once the block is durable, so the index never holds a
 *   version the store has not committed; whatever it missed (a failed insert) is read back from the store;
 * - `open` loads the saved index and catches it up with the store: versions the store lacks (lost in a
 *   crash) are dropped, versions the file lacks are inserted;
 * - every search is bounded by the committed ledger size read from the store at query time.
 */
export class TxVectorIndex implements CommitParticipant {
  private insertsSinceSave = 0;
  /** committed embeddings not yet in the graph, by version */
  private readonly fresh = new Map<number, Vector>();
  private draining = false;
  private closed = false;
  private readonly reader: ChainReader;

  private constructor(
    private readonly db: NodeDb,
    private index: VectorIndex,
    private readonly opts: TxVectorIndexOptions,
    readonly openReport: OpenReport,
  ) {
    this.reader = new ChainReader(db);
  }

  static open(db: NodeDb, opts: TxVectorIndexOptions): TxVectorIndex {
    const { path, saveEvery: _s, ...indexOpts } = opts;
    const opened = path ? VectorIndex.open(path, indexOpts) : { index: VectorIndex.create(indexOpts), rebuilt: true, reason: 'no index file' };
    const report: OpenReport = { rebuilt: opened.rebuilt, caughtUp: 0 };
    if (opened.reason) report.reason = opened.reason;
    const self = new TxVectorIndex(db, opened.index, opts, report);
    report.caughtUp = self.catchUp();
    if (report.caughtUp > 0 && path) self.save();
    return self;
  }

  get dimension(): number {
    return this.index.dimension;
  }

  /** Vectors held. */
  get size(): number {
    return this.index.size;
  }

  /** The last version held (-1 when empty). */
  get lastVersion(): number {
    return this.index.lastId;
  }

  memoryBytes(): number {
    return this.index.memoryBytes();
  }

  /** Versions 0 .. committedSize-1 are in the committed ledger. */
  committedSize(): number {
    return Number(this.reader.ledgerSize());
  }

  stage(batch: WriteBatch, block: CommittedBlock): void {
    const rows = new Map<string, bigint[]>();
    const add = (row: string, version: bigint) => {
      const list = rows.get(row);
      if (list) list.push(version);
      else rows.set(row, [version]);
    };
    for (const t of block.txs) {
      const sender = t.signers?.[0];
      if (sender) add(`s\0${sender}`, t.version);
      for (const type of new Set(t.tx?.messages.map((m) => m.typeUrl) ?? [])) add(`t\0${type}`, t.version);
    }
    for (const [row, versions] of rows) {
      const at = row.indexOf('\0');
      const key = filterKey(row.slice(0, at) as FilterKind, row.slice(at + 1), block.height);
      if (key.length <= MAX_FILTER_KEY) batch.put(Bucket.TxVectorFilter, key, encodeVersionList(versions));
    }
  }

  /**
   * Queues the block's embeddings; they are inserted into the graph in the background, a slice per event-loop
   * turn, so HNSW inserts stay off the commit path. Until a version is in the graph, searches scan it exactly
   * (see `search`), so answers never miss a committed tx.
   */
  afterCommit(block: CommittedBlock): void {
    for (const t of block.txs) if (t.embedding) this.fresh.set(Number(t.version), t.embedding);
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.draining || this.closed) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      if (this.closed) return;
      const size = this.committedSize();
      const last = Math.min(size - 1, this.index.lastId + DRAIN_SLICE);
      this.catchUp((id) => this.fresh.get(id), last);
      if (this.index.lastId < size - 1) this.scheduleDrain();
    });
  }

  /** Inserts every committed version the index lacks up to `upTo` (drops any beyond the ledger); returns how many. */
  catchUp(known?: (id: number) => Vector | undefined, upTo?: number): number {
    const size = this.committedSize();
    const last = upTo === undefined ? size - 1 : Math.min(upTo, size - 1);
    const n = this.index.catchUp(0, last, (id) => known?.(id) ?? this.storedVector(id));
    for (const id of this.fresh.keys()) if (id <= this.index.lastId) this.fresh.delete(id);
    this.insertsSinceSave += n;
    const every = this.opts.saveEvery ?? 100_000;
    if (this.opts.path && every > 0 && this.insertsSinceSave >= every) this.save();
    return n;
  }

  /** A committed version's embedding, from the store (the authority; the index is a cache of it). */
  storedVector(version: number | bigint): Vector | undefined {
    const b = this.reader.embedding(version);
    if (!b || b.length !== this.dimension) return undefined;
    return new Int8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  }

  /** Top-k committed versions by dot product with the request's vector, best first (ties to the smaller version). */
  search(req: TxSearchRequest): Hit[] {
    checkK(req.k);
    const range = this.versionRange(req.minHeight, req.maxHeight);
    if (!range) return [];
    const want = req.exclude === undefined ? req.k : req.k + 1;
    let candidates: number[] | undefined;
    if (req.sender !== undefined) candidates = this.filterMatches('s', req.sender, range);
    if (req.msgType !== undefined) {
      const byType = this.filterMatches('t', req.msgType, range);
      candidates = candidates === undefined ? byType : intersectSorted(candidates, byType);
    }
    let hits: Hit[];
    if (candidates === undefined) {
      hits = this.index.search(req.vector, { k: Math.min(want, 1000), exact: req.exact, minId: range.min, maxId: range.max });
    } else if (candidates.length <= EXACT_CANDIDATES) {
      hits = exactSearchList(req.vector, this.candidateVectors(candidates), Math.min(want, 1000));
    } else {
      const set = new Set(candidates);
      hits = this.index.search(req.vector, { k: Math.min(want, 1000), exact: req.exact, minId: range.min, maxId: range.max, filter: (id) => set.has(id) });
    }
    if (candidates === undefined || candidates.length > EXACT_CANDIDATES) hits = this.withUnindexedTail(req.vector, hits, range, want, candidates);
    if (req.exclude !== undefined) hits = hits.filter((h) => h.id !== req.exclude);
    return hits.slice(0, req.k);
  }

  /** Merges an exact scan of committed versions the graph does not hold yet (queued inserts) into `hits`. */
  private withUnindexedTail(query: Vector, hits: Hit[], range: { min: number; max: number }, want: number, candidates?: number[]): Hit[] {
    const from = Math.max(this.index.lastId + 1, range.min);
    const to = Math.min(range.max, this.committedSize() - 1);
    if (from > to) return hits;
    const allowed = candidates ? new Set(candidates) : undefined;
    const self = this;
    function* tail() {
      for (let id = from; id <= to; id++) {
        if (allowed && !allowed.has(id)) continue;
        const vector = self.fresh.get(id) ?? self.storedVector(id);
        if (vector) yield { id, vector };
      }
    }
    const extra = exactSearchList(query, tail(), Math.min(want, 1000));
    return [...hits, ...extra].sort((a, b) => (b.score !== a.score ? b.score - a.score : a.id - b.id)).slice(0, want);
  }

  /** Saves what is queued and stops the background inserts (before the store closes). */
  close(): void {
    this.save();
    this.closed = true;
  }

  /** Writes the index file (atomically) after inserting everything queued; a no-op for an in-memory index. */
  save(): void {
    if (!this.opts.path) return;
    this.catchUp((id) => this.fresh.get(id));
    this.index.save(this.opts.path);
    this.insertsSinceSave = 0;
  }

  /** The committed versions of the height range, bounded by the committed ledger; undefined when empty. */
  private versionRange(minHeight?: bigint, maxHeight?: bigint): VersionRange | undefined {
    const size = this.committedSize();
    let min = 0;
    let max = size - 1;
    const last = this.reader.latestHeight();
    const first = this.reader.initialHeight();
    const heights = { hMin: minHeight !== undefined && minHeight > first ? minHeight : first, hMax: maxHeight !== undefined && maxHeight < last ? maxHeight : last };
    if (minHeight !== undefined) {
      if (minHeight > last) return undefined;
      const r = this.reader.blockResults(minHeight < first ? first : minHeight);
      if (r) min = Number(r.firstVersion);
    }
    if (maxHeight !== undefined) {
      if (maxHeight < first) return undefined;
      const r = this.reader.blockResults(maxHeight > last ? last : maxHeight);
      if (r) max = Math.min(max, Number(r.firstVersion) + r.txCount - 1);
    }
    return min <= max ? { min, max, ...heights } : undefined;
  }

  /** Versions in `range` whose filter key matches, ascending. */
  private filterMatches(kind: FilterKind, value: string, range: VersionRange): number[] {
    const head = filterKey(kind, value);
    if (head.length + 8 > MAX_FILTER_KEY) return [];
    const out: number[] = [];
    for (const [, row] of this.db.range(Bucket.TxVectorFilter, concatBytes(head, u64be(range.hMin)), concatBytes(head, u64be(range.hMax + 1n)))) {
      for (const v of decodeVersionList(row)) if (v >= range.min && v <= range.max) out.push(Number(v));
    }
    return out;
  }

  private *candidateVectors(ids: number[]): Iterable<{ id: number; vector: Vector }> {
    for (const id of ids) {
      const vector = this.index.vector(id) ?? this.storedVector(id);
      if (vector) yield { id, vector };
    }
  }
}

/** Committed versions [min, max] and the heights [hMin, hMax] they lie in. */
interface VersionRange {
  min: number;
  max: number;
  hMin: bigint;
  hMax: bigint;
}

function intersectSorted(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out.push(a[i]!);
      i++;
      j++;
    }
  }
  return out;
}
