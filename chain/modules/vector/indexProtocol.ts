/**
 * The messages between TxVectorIndex (main thread) and the index worker (indexWorker.ts), which owns the
 * HNSW graph. Messages on one port arrive in order, so a search is answered after every insert posted
 * before it; `upTo` in each answer says what the graph held at that moment.
 */
import type { Hit, VectorIndexOptions } from '../../vectorIndex/index.js';

/** Load the saved file at `path` (or start empty) and drop versions above `last` (the committed ledger's last). */
export interface OpenMessage {
  type: 'open';
  path?: string;
  params: VectorIndexOptions;
  /** save after this many inserts since the last save (0 = only at close) */
  saveEvery: number;
  last: number;
}

/**
 * Versions to insert (ascending, each above what the graph holds; `vectors` packs them at `dimension` bytes
 * each) and `upTo`: the sender has now sent every committed version <= upTo that has an embedding.
 */
export interface InsertMessage {
  type: 'insert';
  ids: Float64Array;
  vectors: Int8Array;
  upTo: number;
}

/** Top-k of the graph's versions in [minId, maxId], among `candidates` (ascending) when given. */
export interface SearchMessage {
  type: 'search';
  id: number;
  query: Int8Array;
  k: number;
  exact: boolean;
  minId: number;
  maxId: number;
  candidates?: Float64Array;
}

/** Save (when the index has a file) and answer `closed`. */
export interface CloseMessage {
  type: 'close';
}

export type ToWorker = OpenMessage | InsertMessage | SearchMessage | CloseMessage;

/** What the worker holds: every committed version <= upTo that has an embedding, and nothing above upTo. */
export interface HeldState {
  upTo: number;
  size: number;
  /** the last version in the graph (-1 when empty) */
  lastId: number;
  memoryBytes: number;
}

/** How opening went: whether the saved file was used, why not, and how many versions were (re)inserted. */
export interface OpenReport {
  rebuilt: boolean;
  reason?: string;
  caughtUp: number;
}

/** The file is loaded (or the index is empty): the sender goes on from `state.upTo`. */
export interface LoadedMessage {
  type: 'loaded';
  state: HeldState;
  /** present once the graph holds every version committed when it was opened */
  report?: OpenReport;
}

/** An insert message was done. */
export interface HeldMessage {
  type: 'held';
  state: HeldState;
  report?: OpenReport;
}

export interface HitsMessage {
  type: 'hits';
  id: number;
  hits: Hit[];
  /** the graph held every committed version <= upTo when it answered */
  upTo: number;
  /** a search that failed in the worker (a bug: requests are checked before they are sent) */
  error?: string;
}

export interface ClosedMessage {
  type: 'closed';
}

/** Something the node operator should see (a failed save); the index goes on working. */
export interface LogMessage {
  type: 'log';
  line: string;
}

export type FromWorker = LoadedMessage | HeldMessage | HitsMessage | ClosedMessage | LogMessage;
