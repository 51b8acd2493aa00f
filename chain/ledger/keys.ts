/**
 * The ledger's keys in the node's LMDB environment (layout documented in store/buckets.ts), and a node
 * store over any synchronous key-value getter. Proof generation builds a node key per tree level, so these
 * write their bytes directly into one allocation (several times faster than composing u64be + bucketKey).
 */
import { Bucket, writeU64be } from '../store/buckets.js';
import type { LedgerNodeStore } from './accumulator.js';

/** LedgerNode: uint8 level ++ uint64be(index) -> 32-byte frozen node hash. */
export function ledgerNodeKey(level: number, index: bigint): Uint8Array {
  const key = new Uint8Array(10);
  key[0] = Bucket.LedgerNode;
  key[1] = level;
  writeU64be(key, 2, index);
  return key;
}

/** LedgerEntry: uint64be(version) -> the tx's ledger entry (entry.ts). */
export function ledgerEntryKey(version: bigint): Uint8Array {
  const key = new Uint8Array(9);
  key[0] = Bucket.LedgerEntry;
  writeU64be(key, 1, version);
  return key;
}

/** TxByHash: 32-byte tx hash -> uint64be(version). */
export function txByHashKey(txHash: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + txHash.length);
  key[0] = Bucket.TxByHash;
  key.set(txHash, 1);
  return key;
}

/** A LedgerNodeStore reading the LedgerNode bucket through `get` (e.g. an LMDB database's get). */
export function keyValueLedgerNodeStore(get: (key: Uint8Array) => Uint8Array | undefined): LedgerNodeStore {
  return { getNode: (level, index) => get(ledgerNodeKey(level, index)) };
}
