import { Block } from 'cosmjs-types/tendermint/types/block';
import { Commit, type BlockID } from 'cosmjs-types/tendermint/types/types';
import type { CommitParticipant, CommittedBlock } from '../app/application.js';
import { Bucket, u64be } from '../store/buckets.js';
import type { WriteBatch } from '../store/nodeDb.js';

interface Staged {
  block: Block;
  blockId: BlockID;
  commit: Commit;
}

/** Writes the decided block and the commit that finalised it in the same transaction as the app's state. */
export class BlockStore implements CommitParticipant {
  private next: Staged | null = null;

  /** The engine hands over the decided block just before it asks the app to commit. */
  setDecided(block: Block, blockId: BlockID, commit: Commit): void {
    this.next = { block, blockId, commit };
  }

  stage(batch: WriteBatch, committed: CommittedBlock): void {
    const s = this.next;
    if (!s) return; // running behind an external consensus engine: it stores its own blocks
    if (s.block.header!.height !== committed.height) {
      throw new Error(`block store: decided block ${s.block.header!.height} does not match committed height ${committed.height}`);
    }
    const h = u64be(committed.height);
    batch.put(Bucket.Block, h, Block.encode(s.block).finish());
    batch.put(Bucket.BlockByHash, s.blockId.hash, h);
    batch.put(Bucket.SeenCommit, h, Commit.encode(s.commit).finish());
  }

  afterCommit(): void {
    this.next = null;
  }
}
