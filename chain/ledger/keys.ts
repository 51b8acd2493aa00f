/**
 * The ledger's keys in the node's LMDB environment (layout documented in store/buckets.ts), and a node
 * store over any synchronous key-value getter. Proof generation builds a node key per tree level, so these
 * write their bytes directly into one allocation (several times faster than composing u64be + bucketKey).
 */
import { Bucket, writeU64be } from '../store/buckets.js';
import type { LedgerNodeStore } from './accumulator.js';
import { decodeLedgerEntry } from './entry.js';
import { leafHash, nodeHash } from './merkle.js';

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

/**
 * Ledger nodes below this level are not stored: a node of level < 4 covers at most 8 leaves, which are in the
 * LedgerEntry rows anyway. Appends then write ~1/8 node per tx instead of ~2; a proof reads up to 15 more
 * entries (its siblings at levels 0-3).
 */
export const STORED_FROM_LEVEL = 4;

/**
 * A LedgerNodeStore reading the LedgerNode bucket through `get` (e.g. an LMDB database's get). Nodes of the
 * levels below STORED_FROM_LEVEL come from their row when there is one (ledgers written before they were left
 * out) and are otherwise hashed up from the leaves of the ledger entries they cover.
 */
export function keyValueLedgerNodeStore(get: (key: Uint8Array) => Uint8Array | undefined): LedgerNodeStore {
  const getNode = (level: number, index: bigint): Uint8Array | undefined => {
    const stored = get(ledgerNodeKey(level, index));
    if (stored !== undefined || level >= STORED_FROM_LEVEL) return stored;
    if (level === 0) {
      const row = get(ledgerEntryKey(index));
      return row === undefined ? undefined : leafHash(decodeLedgerEntry(row).leaf);
    }
    const left = getNode(level - 1, 2n * index);
    const right = left && getNode(level - 1, 2n * index + 1n);
    return right && nodeHash(left!, right);
  };
  return { getNode, storedFromLevel: STORED_FROM_LEVEL };
}
