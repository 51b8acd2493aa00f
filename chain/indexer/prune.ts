import type { ChainReader } from '../store/chainReader.js';
import type { WriteBatch } from '../store/nodeDb.js';
import { blockIndexRows } from './txIndexer.js';

/**
 * Removes the event index rows of the blocks [fromHeight, toHeight) — what the node calls in the write
 * transaction that prunes the state of those heights, so tx_search never finds a tx whose data is gone.
 * The keys are re-derived from each block's stored results, exactly as the indexer wrote them (no index scan).
 * Returns how many txs were unindexed.
 */
export function pruneTxIndex(reader: ChainReader, batch: WriteBatch, fromHeight: bigint, toHeight: bigint): number {
  let n = 0;
  for (let h = fromHeight; h < toHeight; h++) {
    const txs = reader.blockTxs(h);
    for (const [bucket, key] of blockIndexRows(h, txs)) batch.del(bucket, key);
    n += txs.length;
  }
  return n;
}
