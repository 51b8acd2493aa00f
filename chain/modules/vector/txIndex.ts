import type { CommitParticipant, CommittedBlock } from '../../app/application.js';
import { Bucket, u64be } from '../../store/buckets.js';
import { ChainReader } from '../../store/chainReader.js';
import { concatBytes } from '../../store/kv.js';
import { decodeVersionList, encodeVersionList } from '../../store/versionList.js';
import type { NodeDb, WriteBatch } from '../../store/nodeDb.js';
import { exactSearchList, type Hit, type VectorIndexOptions } from '../../vectorIndex/index.js';
import { checkK, checkVector, type Vector } from '../../vectorIndex/vector.js';
import type { HeldState, OpenReport } from './indexProtocol.js';
import { IndexThread } from './indexThread.js';

export type { OpenReport } from './indexProtocol.js';
export { IndexBusyError } from './indexThread.js';

const enc = new TextEncoder();
const SEP = Uint8Array.of(0);
/** LMDB keys are limited; longer senders or type URLs are not filterable (nothing legitimate is this long). */
const MAX_FILTER_KEY = 1024;
/** Versions sent to the index worker and not yet acknowledged, at most (beyond, they wait in the store). */
const MAX_UNACKED = 32_768;
/** Versions read from the store per message when catching the worker up. */
const FEED_CHUNK = 2_048;
/**
 * A search whose range has more committed versions than this that the worker has not been sent (it is opening,
 * restarting or far behind) waits for the worker to take them instead of scanning them on the main thread.
 */
const MAX_TAIL_SCAN = 4_096;

export type FilterKind = 's' | 't';

/**
 * TxVectorFilter key: utf8 "<kind>:<value>" ++ 0x00 [++ uint64be(height)]; kind s = sender, t = message type URL.
 * One row per block lists the versions that match (chain/store/versionList.ts).
 */
export function filterKey(kind: FilterKind, value: string, height?: bigint | number): Uint8Array {
  const head = concatBytes(enc.encode(`${kind}:${value}`), SEP);
  return height === undefined ? head : concatBytes(head, u64be(height));
}

/** What the vector filters know of a committed tx: its signers (the first pays the fee) and its messages. */
export interface FilteredTx {
  version: bigint;
  signers?: readonly string[];
  tx?: { readonly messages: ReadonlyArray<{ readonly typeUrl: string }> };
}

/** A block's TxVectorFilter rows (key, value): per sender and per message type URL, the versions that match. */
export function vectorFilterRows(height: bigint, txs: readonly FilteredTx[]): Array<[Uint8Array, Uint8Array]> {
  const rows = new Map<string, bigint[]>();
  const add = (row: string, version: bigint) => {
    const list = rows.get(row);
    if (list) list.push(version);
    else rows.set(row, [version]);
  };
  for (const t of txs) {
    const sender = t.signers?.[0];
    if (sender) add(`s\0${sender}`, t.version);
    for (const type of new Set(t.tx?.messages.map((m) => m.typeUrl) ?? [])) add(`t\0${type}`, t.version);
  }
  const out: Array<[Uint8Array, Uint8Array]> = [];
  for (const [row, versions] of rows) {
    const at = row.indexOf('\0');
    const key = filterKey(row.slice(0, at) as FilterKind, row.slice(at + 1), height);
    if (key.length <= MAX_FILTER_KEY) out.push([key, encodeVersionList(versions)]);
  }
  return out;
}

export interface TxVectorIndexOptions extends Omit<VectorIndexOptions, 'dimension'> {
  dimension: number;
  /** file the index is saved to; undefined keeps it in memory only (rebuilt from the store at each start) */
  path?: string;
  /** save after this many inserts since the last save (0 = only on close); default 100,000 */
  saveEvery?: number;
  /** where a worker crash or a failed save is reported; default stderr */
  log?: (line: string) => void;
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

/**
 * The node-local ANN index over committed tx embeddings (id = version), plus the keys its filters use.
 * The HNSW graph lives in a worker thread of its own (indexWorker.ts), so the chain's main thread never runs
 * an insert, a graph walk or a save:
 * - `stage` writes the filter keys (sender, message types) in the block's own LMDB transaction;
 * - `afterCommit` posts the block's embeddings to the worker once the block is durable (one message per
 *   block, bytes handed over), so the graph never holds a version the store has not committed; the worker
 *   acknowledges the last version it holds;
 * - opening loads the saved file in the worker and drops versions the store lacks (lost in a crash); this
 *   thread then sends what the file lacks, read from the store, a bounded chunk at a time;
 * - `search` asks the worker (which answers after every insert posted before the search), then scores exactly
 *   the committed versions it did not hold (the tail: versions not sent yet), so answers never miss a committed
 *   tx; a tail longer than MAX_TAIL_SCAN is waited for instead (the worker is opening or far behind). Every
 *   search is bounded by the committed ledger size read at query time, so none includes an uncommitted tx;
 * - a crashed worker is restarted (it reloads its file and is caught up from the store): the graph is a cache.
 *
 * The worker holds no handle on the store: lmdb-js read transactions in a worker kept an old snapshot across
 * messages, and a worker ended while holding the environment left the main thread's close waiting forever.
 */
export class TxVectorIndex implements CommitParticipant {
  private readonly reader: ChainReader;
  private readonly thread: IndexThread;
  private readonly log: (line: string) => void;
  /** embeddings sent to the worker and not yet acknowledged, by version (the tail of searches reads them here) */
  private readonly unacked = new Map<number, Vector>();
  /** every committed version <= sentUpTo has been sent to the worker; -2 until the worker has loaded */
  private sentUpTo = -2;
  /** what the worker last reported */
  private held: HeldState = { upTo: -1, size: 0, lastId: -1, memoryBytes: 0 };
  private flushes: Array<{ upTo: number; done: () => void }> = [];
  private closed = false;
  /** how opening went, once the worker holds every version committed at open (see `opened`) */
  openReport: OpenReport | undefined;
  /** resolves with the open report once the worker holds every version committed at open */
  readonly opened: Promise<OpenReport>;
  private reportOpened!: (r: OpenReport) => void;

  private constructor(
    private readonly db: NodeDb,
    private readonly opts: TxVectorIndexOptions,
  ) {
    this.reader = new ChainReader(db);
    this.log = opts.log ?? ((line) => console.error(line));
    this.opened = new Promise((resolve) => (this.reportOpened = resolve));
    const { path, saveEvery, log: _log, ...params } = opts;
    this.thread = new IndexThread(() => ({ type: 'open', path, params, saveEvery: saveEvery ?? 100_000, last: this.committedSize() - 1 }), {
      loaded: (state, report) => {
        this.sentUpTo = state.upTo;
        this.onHeld(state, report);
      },
      held: (state, report) => this.onHeld(state, report),
      lost: (restarting) => this.onLost(restarting),
      log: this.log,
    });
  }

  /** Starts the index worker, which loads the saved file (or starts empty) and is caught up with the store. */
  static open(db: NodeDb, opts: TxVectorIndexOptions): TxVectorIndex {
    return new TxVectorIndex(db, opts);
  }

  get dimension(): number {
    return this.opts.dimension;
  }

  /** Vectors held: as the worker last reported. */
  get size(): number {
    return this.held.size;
  }

  /** The last version held (-1 when empty): as the worker last reported. */
  get lastVersion(): number {
    return this.held.lastId;
  }

  /** Bytes of memory the worker's index holds: as it last reported. */
  memoryBytes(): number {
    return this.held.memoryBytes;
  }

  /** Versions 0 .. committedSize-1 are in the committed ledger. */
  committedSize(): number {
    return Number(this.reader.ledgerSize());
  }

  stage(batch: WriteBatch, block: CommittedBlock): void {
    for (const [key, value] of vectorFilterRows(block.height, block.txs)) batch.put(Bucket.TxVectorFilter, key, value);
  }

  /**
   * Posts the block's embeddings to the worker (one message, bytes handed over). When the worker is behind by
   * more than MAX_UNACKED versions, restarting, or missing earlier versions, nothing is posted here: `feed`
   * sends them from the store once it has caught up. Until the worker holds a version, searches scan it exactly.
   */
  afterCommit(block: CommittedBlock): void {
    const txs = block.txs;
    if (this.closed || txs.length === 0) return;
    const first = Number(txs[0]!.version);
    const last = Number(txs[txs.length - 1]!.version);
    if (this.sentUpTo !== first - 1 || last - this.held.upTo > MAX_UNACKED || !this.thread.alive) return this.feed();
    const dim = this.dimension;
    let n = 0;
    for (const t of txs) if (t.embedding?.length === dim) n++;
    const ids = new Float64Array(n);
    const vectors = new Int8Array(n * dim);
    let i = 0;
    for (const t of txs) {
      const e = t.embedding;
      if (e?.length !== dim) continue;
      const id = Number(t.version);
      ids[i] = id;
      vectors.set(e, i * dim);
      this.unacked.set(id, e);
      i++;
    }
    this.thread.insert({ type: 'insert', ids, vectors, upTo: last });
    this.sentUpTo = last;
  }

  /** Sends committed versions the worker lacks, read from the store, while fewer than MAX_UNACKED are unacknowledged. */
  private feed(): void {
    if (this.sentUpTo < -1 || !this.thread.alive) return;
    const last = this.committedSize() - 1;
    const dim = this.dimension;
    while (this.sentUpTo < last && this.sentUpTo - this.held.upTo < MAX_UNACKED) {
      const from = this.sentUpTo + 1;
      const to = Math.min(last, this.sentUpTo + FEED_CHUNK);
      const ids: number[] = [];
      const vectors = new Int8Array((to - from + 1) * dim);
      for (let id = from; id <= to; id++) {
        const v = this.storedVector(id);
        if (!v) continue;
        vectors.set(v, ids.length * dim);
        this.unacked.set(id, v);
        ids.push(id);
      }
      this.thread.insert({ type: 'insert', ids: Float64Array.from(ids), vectors, upTo: to });
      this.sentUpTo = to;
    }
  }

  private onHeld(state: HeldState, report?: OpenReport): void {
    this.held = state;
    for (const id of this.unacked.keys()) {
      if (id > state.upTo) break; // sent in ascending order
      this.unacked.delete(id);
    }
    if (report) {
      this.openReport = report;
      this.reportOpened(report);
    }
    this.flushes = this.flushes.filter((f) => (f.upTo <= state.upTo ? (f.done(), false) : true));
    this.feed();
  }

  private onLost(restarting: boolean): void {
    this.sentUpTo = -2;
    this.unacked.clear();
    this.held = { upTo: -1, size: 0, lastId: -1, memoryBytes: 0 };
    if (restarting) return;
    // given up: nothing will be held; searches scan the store, and waiting for the worker ends now
    this.reportOpened({ rebuilt: true, reason: 'the index worker failed', caughtUp: 0 });
    for (const f of this.flushes) f.done();
    this.flushes = [];
  }

  /** Resolves once the worker holds every version committed now (at once if it was given up or closed). */
  flush(): Promise<void> {
    return this.heldUpTo(this.committedSize() - 1);
  }

  /** Resolves once the worker holds every committed version <= upTo (at once if it was given up or closed). */
  private heldUpTo(upTo: number): Promise<void> {
    if (this.held.upTo >= upTo || !this.thread.alive) return Promise.resolve();
    this.feed(); // versions committed without a block (a store written directly) are sent from the store
    const release = this.thread.hold();
    return new Promise((resolve) => this.flushes.push({ upTo, done: () => (release(), resolve()) }));
  }

  /** A committed version's embedding, from the store (the authority; the index is a cache of it). */
  storedVector(version: number | bigint): Vector | undefined {
    const b = this.reader.embedding(version);
    if (!b || b.length !== this.dimension) return undefined;
    return new Int8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  }

  /** Top-k committed versions by dot product with the request's vector, best first (ties to the smaller version). */
  async search(req: TxSearchRequest): Promise<Hit[]> {
    checkK(req.k);
    checkVector(req.vector, this.dimension);
    const range = this.versionRange(req.minHeight, req.maxHeight);
    if (!range) return [];
    const want = req.exclude === undefined ? req.k : req.k + 1;
    let candidates: number[] | undefined;
    if (req.sender !== undefined) candidates = this.filterMatches('s', req.sender, range);
    if (req.msgType !== undefined) {
      const byType = this.filterMatches('t', req.msgType, range);
      candidates = candidates === undefined ? byType : intersectSorted(candidates, byType);
    }
    if (candidates?.length === 0) return [];
    // what the worker will hold when it answers: everything sent to it before this search
    if (range.max - Math.max(this.sentUpTo, this.held.upTo) > MAX_TAIL_SCAN) await this.heldUpTo(range.max);
    const k = Math.min(want, 1000);
    // a copy: a view would take its whole underlying buffer along to the worker
    const answer = await this.thread.search({ query: req.vector.slice(), k, exact: req.exact ?? false, minId: range.min, maxId: range.max, candidates });
    let hits = this.withUnindexedTail(req.vector, answer.hits, range, k, answer.upTo, candidates);
    if (req.exclude !== undefined) hits = hits.filter((h) => h.id !== req.exclude);
    return hits.slice(0, req.k);
  }

  /** Merges an exact scan of the committed versions in `range` above `upTo` (not in the graph yet) into `hits`. */
  private withUnindexedTail(query: Vector, hits: Hit[], range: VersionRange, k: number, upTo: number, candidates?: number[]): Hit[] {
    const from = Math.max(upTo + 1, range.min);
    const to = Math.min(range.max, this.committedSize() - 1);
    if (from > to) return hits;
    const self = this;
    function* ids(): Iterable<number> {
      if (candidates === undefined) {
        for (let id = from; id <= to; id++) yield id;
        return;
      }
      for (let i = lowerBound(candidates, from); i < candidates.length && candidates[i]! <= to; i++) yield candidates[i]!;
    }
    function* tail(): Iterable<{ id: number; vector: Vector }> {
      for (const id of ids()) {
        const vector = self.unacked.get(id) ?? self.storedVector(id);
        if (vector) yield { id, vector };
      }
    }
    const extra = exactSearchList(query, tail(), k);
    if (extra.length === 0) return hits;
    return [...hits, ...extra].sort((a, b) => (b.score !== a.score ? b.score - a.score : a.id - b.id)).slice(0, k);
  }

  /**
   * Lets the worker take what is committed (when it is not far behind: a long catch-up is left to the next
   * start), save its file, and end. Await it before the store closes.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.committedSize() - 1 - this.held.upTo <= MAX_UNACKED) await this.flush();
    await this.thread.close();
    for (const f of this.flushes) f.done();
    this.flushes = [];
    this.reportOpened({ rebuilt: true, reason: 'closed before the index caught up with the store', caughtUp: 0 }); // no-op once opened
  }

  /** Test hook: ends the worker thread as a crash would (it is restarted). */
  crashWorker(): Promise<void> {
    return this.thread.crash();
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
}

/** Committed versions [min, max] and the heights [hMin, hMax] they lie in. */
interface VersionRange {
  min: number;
  max: number;
  hMin: bigint;
  hMax: bigint;
}

/** The first index of ascending `xs` whose value is >= x. */
function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
