import type { CommitParticipant, CommittedBlock } from '../app/application.js';
import { pruneTxIndex } from '../indexer/prune.js';
import { Bucket, u64be } from './buckets.js';
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
    for (const k of block.changedKeys) batch.put(Bucket.StateChangedAt, concatBytes(u64be(height), k), new Uint8Array());
    const boundary = height - this.keepRecent;
    if (boundary < this.reader.initialHeight()) return;
    const h = u64be(boundary);
    const next = u64be(boundary + 1n);
    // tree nodes no version >= boundary can reach
    for (const [k] of this.db.range(Bucket.StateTreeStale, h, next)) {
      batch.del(Bucket.StateTreeNode, k.subarray(8));
      batch.del(Bucket.StateTreeStale, k);
    }
    // history rows of keys changed at the boundary that are older than it: the boundary row supersedes them
    for (const [k] of this.db.range(Bucket.StateChangedAt, h, next)) {
      const stateKey = k.subarray(8);
      const prefix = concatBytes(escapeKey(stateKey), Uint8Array.of(0, 1));
      // rows are ordered newest first (inverted height): those after the boundary row are older
      for (const [hk] of this.db.range(Bucket.StateHistory, concatBytes(prefix, u64be(MAX - boundary + 1n)), concatBytes(prefix, u64be(MAX), Uint8Array.of(0)))) {
        batch.del(Bucket.StateHistory, hk);
      }
      batch.del(Bucket.StateChangedAt, k);
    }
    pruneTxIndex(this.reader, batch, boundary, boundary + 1n);
    batch.put(Bucket.Meta, enc.encode('earliest_state_height'), u64be(boundary));
  }
}
