/**
 * Every key space in the node's LMDB environment, listed once. A key is `[bucket byte] ++ rest`;
 * the layout of `rest` is documented beside each bucket. Never renumber: data on disk depends on it.
 */
export const Bucket = {
  // ---- application state (what the state tree authenticates) ----
  /** module state key -> value, latest committed version (the hot read path). */
  State: 0x10,
  /** module state key ++ uint64be(MAX - height) -> 0x00 (deleted) | 0x01 ++ value: history for queries at height. */
  StateHistory: 0x11,
  /** state tree nodes, keyed by the tree (see store/stateTree). */
  StateTreeNode: 0x12,
  /** uint64be(height) -> key list (keyList.ts): tree nodes made stale at height, for pruning (earlier releases wrote uint64be(height) ++ node key -> empty). */
  StateTreeStale: 0x13,
  /** uint64be(height) -> key list: state keys changed at height, written only when pruning is on (earlier: uint64be(height) ++ state key -> empty). */
  StateChangedAt: 0x14,

  // ---- the ledger: the vector of transactions ----
  /** uint8 level ++ uint64be(index) -> 32-byte frozen node hash of the RFC 9162 accumulator (levels >= 4 only since
   *  ledger/keys.ts STORED_FROM_LEVEL; the lower ones are hashed up from the LedgerEntry leaves). */
  LedgerNode: 0x20,
  /** uint64be(version) -> TxInfo bytes (the leaf data). Written by earlier releases; now part of LedgerEntry. */
  LedgerLeaf: 0x21,
  /** uint64be(version) -> TxRaw bytes. Written by earlier releases; now part of LedgerEntry. */
  TxRaw: 0x22,
  /** uint64be(version) -> ExecTxResult bytes. Written by earlier releases; now part of LedgerEntry. */
  TxResult: 0x23,
  /** 32-byte tx hash -> uint64be(version). */
  TxByHash: 0x24,
  /** uint64be(version) -> int8 embedding of the tx. Written by earlier releases; now part of LedgerEntry. */
  TxEmbedding: 0x25,
  /** uint64be(version) -> the tx's leaf data, TxRaw, ExecTxResult and embedding in one row (ledger/entry.ts). */
  LedgerEntry: 0x26,

  // ---- blocks ----
  /** uint64be(height) -> tendermint.types.Block bytes. */
  Block: 0x30,
  /** 32-byte block hash -> uint64be(height). */
  BlockByHash: 0x31,
  /** uint64be(height) -> BlockResults bytes (finalize-block events, first version, tx count, validator updates). */
  BlockResults: 0x32,
  /** uint64be(height) -> tendermint.types.Commit bytes that committed this height. */
  SeenCommit: 0x33,
  /** uint64be(height) -> Roots bytes {ledger_size, ledger_root, state_root, app_hash} after this height. */
  Roots: 0x34,

  // ---- indexes ----
  // 0x40-0x42 retired (per-tx rows of the event index, its key index, the vector filters) and 0x43 (rows per
  // "type.key=value" per block; a home that has them is re-indexed at open): never reuse them
  /** utf8 value ++ 0x00 ++ uint64be(height) -> per "type.key", the versions carrying the value: the tx_search index. */
  TxEventValues: 0x45,
  /** utf8 "type.key" ++ 0x00 ++ uint64be(height) -> version list (versionList.ts): txs carrying that attribute. */
  TxEventKeys: 0x46,
  /** utf8 "s:" sender | "t:" msg type URL ++ 0x00 ++ uint64be(height) -> version list: vector search filters (node-local). */
  TxVectorFilter: 0x44,
  /** The retired per-"type.key=value" event index rows (read only to find homes that need re-indexing). */
  RetiredTxEventIndex: 0x43,

  // ---- node metadata ----
  /** utf8 name -> value: last committed height, genesis, etc. */
  Meta: 0x50,
} as const;

export type BucketId = (typeof Bucket)[keyof typeof Bucket];

/** `[bucket] ++ parts...` as one key. */
export function bucketKey(bucket: BucketId, ...parts: Uint8Array[]): Uint8Array {
  let len = 1;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  out[0] = bucket;
  let off = 1;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Unsigned 64-bit big-endian: keys sort in numeric order. */
export function u64be(n: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  writeU64be(out, 0, n);
  return out;
}

/** Writes uint64be(n) at `offset` (n taken modulo 2^64, as DataView.setBigUint64 does). */
export function writeU64be(out: Uint8Array, offset: number, n: bigint | number): void {
  // Heights and versions fit in a double: write them with integer arithmetic. (A DataView would make V8 move
  // a small array's storage off the heap, which costs more than the write; this runs for every key built.)
  const v = typeof n === 'bigint' && n >= 0n && n <= 0x1f_ffff_ffff_ffffn ? Number(n) : n;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) {
    const hi = Math.floor(v / 0x1_0000_0000);
    const lo = v >>> 0;
    out[offset] = hi >>> 24; out[offset + 1] = (hi >>> 16) & 0xff; out[offset + 2] = (hi >>> 8) & 0xff; out[offset + 3] = hi & 0xff;
    out[offset + 4] = lo >>> 24; out[offset + 5] = (lo >>> 16) & 0xff; out[offset + 6] = (lo >>> 8) & 0xff; out[offset + 7] = lo & 0xff;
    return;
  }
  new DataView(out.buffer, out.byteOffset, out.byteLength).setBigUint64(offset, BigInt(n));
}

export function readU64be(b: Uint8Array, offset = 0): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset);
}
