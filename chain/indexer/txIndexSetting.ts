import type { BucketId } from '../store/buckets.js';
import { Bucket, readU64be, u64be } from '../store/buckets.js';
import type { NodeDb } from '../store/nodeDb.js';

/** Meta row: the first height the node's tx indexes lack, written when the node runs with tx_index "null". */
const OFF_FROM = 'tx_index_off_from';
const enc = new TextEncoder();
/** Heights per write transaction when catching up: bounded memory on a long gap. */
const HEIGHTS_PER_COMMIT = 256;

/** An index row to write: bucket, key, value. */
export type TxIndexRow = readonly [BucketId, Uint8Array, Uint8Array];

/** The first height the tx indexes lack (they were off from it on), if any. */
export function txIndexOffFrom(db: NodeDb): bigint | undefined {
  const b = db.getMeta(OFF_FROM);
  return b === undefined ? undefined : readU64be(b);
}

/**
 * tx_index "null": records that the indexes end before the next height, unless an earlier start of the gap is
 * already recorded. Written before the node commits a block unindexed, so no gap goes unnoticed.
 */
export function markTxIndexOff(db: NodeDb, nextHeight: bigint): void {
  if (txIndexOffFrom(db) !== undefined) return;
  db.commit((batch) => batch.put(Bucket.Meta, enc.encode(OFF_FROM), u64be(nextHeight)));
}

/**
 * tx_index "kv" after "null": writes the index rows of heights [offFrom, lastHeight] (`rowsOfHeight` leaves out
 * what pruning has dropped since), then forgets the gap in the last write transaction. A crash part-way leaves
 * the record, and the next start writes the same rows again. Returns the number of heights indexed.
 */
export function catchUpTxIndex(
  db: NodeDb,
  lastHeight: bigint,
  rowsOfHeight: (height: bigint) => Iterable<TxIndexRow>,
  log: (line: string) => void = () => {},
): number {
  const from = txIndexOffFrom(db);
  if (from === undefined) return 0;
  if (from <= lastHeight) log(`indexing the txs of heights ${from}..${lastHeight} (committed while tx_index was "null")`);
  let h = from;
  do {
    const end = h + BigInt(HEIGHTS_PER_COMMIT);
    db.commit((batch) => {
      for (; h < end && h <= lastHeight; h++) for (const [bucket, key, value] of rowsOfHeight(h)) batch.put(bucket, key, value);
      if (h > lastHeight) batch.del(Bucket.Meta, enc.encode(OFF_FROM));
    });
  } while (h <= lastHeight);
  return from <= lastHeight ? Number(lastHeight - from + 1n) : 0;
}
