/**
 * The ledger's keys in the node's LMDB environment (layout documented in store/buckets.ts), and a node
 * store over any synchronous key-value getter.
 */
import { Bucket, bucketKey, u64be } from '../store/buckets.js';
import type { LedgerNodeStore } from './accumulator.js';

/** LedgerNode: uint8 level ++ uint64be(index) -> 32-byte frozen node hash. */
export function ledgerNodeKey(level: number, index: bigint): Uint8Array {
  return bucketKey(Bucket.LedgerNode, Uint8Array.of(level), u64be(index));
}

/** LedgerLeaf: uint64be(version) -> TxInfo bytes. */
export function ledgerLeafKey(version: bigint): Uint8Array {
  return bucketKey(Bucket.LedgerLeaf, u64be(version));
}

/** TxByHash: 32-byte tx hash -> uint64be(version). */
export function txByHashKey(txHash: Uint8Array): Uint8Array {
  return bucketKey(Bucket.TxByHash, txHash);
}

/** A LedgerNodeStore reading the LedgerNode bucket through `get` (e.g. an LMDB database's get). */
export function keyValueLedgerNodeStore(get: (key: Uint8Array) => Uint8Array | undefined): LedgerNodeStore {
  return { getNode: (level, index) => get(ledgerNodeKey(level, index)) };
}
