import type { CommitParticipant, CommittedBlock } from '../app/application.js';
import { pruneTxIndex } from '../indexer/prune.js';
import { txIndexOffFrom } from '../indexer/txIndexSetting.js';
import { Bucket, u64be, type BucketId } from './buckets.js';
import { decodeKeyList, encodeKeyList } from './keyList.js';
import type { ChainReader } from './chainReader.js';
import { escapeKey } from './history.js';
import { concatBytes } from './kv.js';
import type { NodeDb, WriteBatch } from './nodeDb.js';

const enc = new TextEncoder();
const MAX = 0xffff_ffff_ffff_ffffn;

/**
 * Keeps the state of the last `keepRecent` heights readable and deletes what only older heights need, in the
 * same write transaction as each block: state-tree nodes that became stale at the boundary height, history
 * rows superseded at or before it, and the tx event index of the boundary block (so tx_search follows state
 * pruning). The ledger itself (txs, results, leaves, blocks) is never pruned: it is the vector every proof
 * refers to. Pruning changes no hash: it only forgets what old queries would read.
 */
export class StatePruner implements CommitParticipant {
  constructor(
    private readonly db: NodeDb,
    private readonly reader: ChainReader,
    private readonly keepRecent: bigint,
  ) {
    if (keepRecent < 1n) throw new Error('pruning keep_recent must be at least 1');
  }

  stage(batch: WriteBatch, block: CommittedBlock): void {
    const height = block.height;
    // remember which keys changed here, so their older history can be found when this height is the boundary
    if (block.changedKeys.length > 0) batch.put(Bucket.StateChangedAt, u64be(height), encodeKeyList(block.changedKeys));
    const boundary = height - this.keepRecent;
    if (boundary < this.reader.initialHeight()) return;
    const h = u64be(boundary);
    const next = u64be(boundary + 1n);
    // tree nodes no version >= boundary can reach
    for (const nodeKey of this.perHeightKeys(batch, Bucket.StateTreeStale, h, next)) batch.del(Bucket.StateTreeNode, nodeKey);
    // history rows of keys changed at the boundary that are older than it: the boundary row supersedes them
    for (const stateKey of this.perHeightKeys(batch, Bucket.StateChangedAt, h, next)) {
      const prefix = concatBytes(escapeKey(stateKey), Uint8Array.of(0, 1));
      // rows are ordered newest first (inverted height): those after the boundary row are older
      for (const [hk] of this.db.range(Bucket.StateHistory, concatBytes(prefix, u64be(MAX - boundary + 1n)), concatBytes(prefix, u64be(MAX), Uint8Array.of(0)))) {
        batch.del(Bucket.StateHistory, hk);
      }
    }
    // heights from the start of a tx_index "null" gap on were never indexed: nothing to unindex
    const offFrom = txIndexOffFrom(this.db);
    if (offFrom === undefined || boundary < offFrom) pruneTxIndex(this.reader, batch, boundary, boundary + 1n);
    batch.put(Bucket.Meta, enc.encode('earliest_state_height'), u64be(boundary));
  }

  /**
   * The keys a per-height bookkeeping bucket lists for one height, deleting its rows: one row
   * uint64be(height) -> key list (keyList.ts), or, as written by earlier releases, one row per key
   * uint64be(height) ++ key -> empty.
   */
  private perHeightKeys(batch: WriteBatch, bucket: BucketId, height: Uint8Array, next: Uint8Array): Uint8Array[] {
    const keys: Uint8Array[] = [];
    for (const [k, v] of this.db.range(bucket, height, next)) {
      if (k.length === 8) keys.push(...decodeKeyList(v));
      else keys.push(k.subarray(8));
      batch.del(bucket, k);
    }
    return keys;
  }
}
