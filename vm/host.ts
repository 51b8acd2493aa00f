/**
 * What the VM needs from its embedder (the chain's wasm module, or a test harness). The VM never reaches
 * state any other way. Every method is synchronous: a call runs to completion inside one state branch.
 */

export enum Order {
  Ascending = 1,
  Descending = 2,
}

/** A storage iterator; the VM keeps the ones a call opens and drops them when the call ends. */
export interface StorageIterator {
  /** The next record in the scan order, or undefined at the end. */
  next(): [key: Uint8Array, value: Uint8Array] | undefined;
}

/** The contract's own key space (the chain prefixes keys with the contract address). */
export interface Storage {
  get(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): void;
  remove(key: Uint8Array): void;
  /** Keys in [start, end) (either bound open when undefined), in the given order. */
  scan(start: Uint8Array | undefined, end: Uint8Array | undefined, order: Order): StorageIterator;
}

/** Address handling: the chain supplies bech32 with its prefix. Errors are returned as messages, not thrown. */
export interface Api {
  addrValidate(human: string): { ok: true } | { error: string };
  addrCanonicalize(human: string): { ok: Uint8Array } | { error: string };
  addrHumanize(canonical: Uint8Array): { ok: string } | { error: string };
}

/** The answer of the chain to a contract's query, with the gas the query used (VM gas units). */
export interface QueryAnswer {
  /** JSON of SystemResult<ContractResult<Binary>>: {"ok":{"ok":"<base64>"}} / {"ok":{"error":".."}} / {"error":{..}}. */
  readonly result: Uint8Array;
  readonly gasUsed: bigint;
}

export interface Querier {
  /**
   * Answers a QueryRequest (JSON bytes). `gasLimit` is what remains of the caller's gas; a nested contract
   * query should run with it. `stackUsed` is the caller's call-depth usage, to pass on to a nested VM call.
   */
  queryChain(request: Uint8Array, gasLimit: bigint, stackUsed: number): QueryAnswer;
}

export type StorageOp = 'read' | 'write' | 'remove' | 'scan' | 'next';

/**
 * Storage gas as the chain decides it, in VM gas units (wasmd: SDK KV gas × 140,000). When absent, the VM's
 * schedule applies (the same Cosmos KV costs).
 */
export type StorageGas = (op: StorageOp, keyBytes: number, valueBytes: number) => number;

/** How a vector search scores: integer dot product, or minus the squared Euclidean distance. Higher is better. */
export enum VectorMetric {
  Dot = 1,
  L2 = 2,
}

/** A collection exists while it holds vectors; its dimension is fixed by its first insert. */
export interface VectorCollectionInfo {
  readonly dimension: number;
  readonly count: number;
}

/** A search result: the vector's id and its exact integer score. */
export interface VectorHit {
  readonly id: bigint;
  readonly score: number;
}

/**
 * The contract's int8 vector collections (capability `vivian_vector`), in a key space of their own that only
 * these calls reach. The VM checks arguments (sizes, dimension, k, metric) and charges its gas before it calls
 * a method; the host stores, scans and charges its own storage costs. Everything must be deterministic.
 */
export interface VectorCollections {
  /** Undefined when the collection holds no vectors. */
  info(collection: Uint8Array): VectorCollectionInfo | undefined;
  /** Stores `vector` (of the collection's dimension, or the first) under `id`; true when it replaced one. */
  insert(collection: Uint8Array, id: bigint, vector: Int8Array): boolean;
  /** Removes `id`; false when it was not there. */
  remove(collection: Uint8Array, id: bigint): boolean;
  /** Exact top-k of `query` (the collection's dimension), best first, ties to the smaller id. */
  search(collection: Uint8Array, query: Int8Array, k: number, metric: VectorMetric): VectorHit[];
}

export interface Host {
  readonly storage: Storage;
  readonly api: Api;
  readonly querier: Querier;
  readonly storageGas?: StorageGas;
  /** Vector collections, on chains that offer the `vivian_vector` capability. */
  readonly vectors?: VectorCollections;
  /** Receives `debug` messages (off on validators: leave it undefined). */
  readonly debug?: (message: string) => void;
}
