import { Bucket } from '../store/buckets.js';
import type { ChainReader } from '../store/chainReader.js';
import type { NodeDb } from '../store/nodeDb.js';
import { blockIndexRows } from './txIndexer.js';

/** Heights (and retired rows deleted) per write transaction: bounded memory on a long chain. */
const HEIGHTS_PER_COMMIT = 256;
const DELETES_PER_COMMIT = 50_000;

/**
 * Rebuilds the event index from the stored tx results when the home still holds rows of the retired layout
 * (one row per "type.key=value" per block), then deletes those rows. The index is node-local, derived data:
 * the same results give the same rows. Returns the number of heights re-indexed (0 when nothing was retired).
 */
export function reindexRetiredEventRows(db: NodeDb, reader: ChainReader, log: (line: string) => void = () => {}): number {
  const retired = () => db.range(Bucket.RetiredTxEventIndex, new Uint8Array(), undefined, false, DELETES_PER_COMMIT);
  if (first(retired()) === undefined) return 0;
  const from = reader.initialHeight();
  const to = reader.latestHeight();
  log(`re-indexing the events of heights ${from}..${to} (the index layout changed)`);
  for (let h = from; h <= to; ) {
    const end = h + BigInt(HEIGHTS_PER_COMMIT);
    db.commit((batch) => {
      for (; h < end && h <= to; h++) {
        for (const [bucket, key, value] of blockIndexRows(h, reader.blockTxs(h))) batch.put(bucket, key, value);
      }
    });
  }
  for (let keys = [...retired()].map(([k]) => k); keys.length > 0; keys = [...retired()].map(([k]) => k)) {
    db.commit((batch) => {
      for (const k of keys) batch.del(Bucket.RetiredTxEventIndex, k);
    });
  }
  return Number(to - from + 1n);
}

function first<T>(it: Iterable<T>): T | undefined {
  for (const x of it) return x;
  return undefined;
}
