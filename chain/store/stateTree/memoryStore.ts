import { latin1 } from '../../crypto/bytes.js';
import type { TreeBatchResult, TreeNodeReader } from './tree.js';

function mapKey(key: Uint8Array): string {
  return latin1(key);
}

/**
 * Tree nodes held in memory, with the same stale-node bookkeeping a persistent store keeps
 * (for tests, tools and light nodes; the node itself keeps nodes in LMDB).
 */
export class MemoryTreeStore implements TreeNodeReader {
  private readonly nodes = new Map<string, Uint8Array>();
  /** [version that made them stale, node keys], in commit order (versions only grow). */
  private readonly stale: Array<[bigint, string[]]> = [];

  get(nodeKey: Uint8Array): Uint8Array | undefined {
    return this.nodes.get(mapKey(nodeKey));
  }

  /** Stores a batch's result for `version`. */
  commit(version: bigint, result: Pick<TreeBatchResult, 'newNodes' | 'staleNodes'>): void {
    for (const [key, bytes] of result.newNodes) this.nodes.set(mapKey(key), bytes);
    if (result.staleNodes.length > 0) this.stale.push([version, result.staleNodes.map(mapKey)]);
  }

  /**
   * Deletes every node that no version >= `oldestKept` reaches (those made stale at or before it).
   * Returns how many nodes were deleted.
   */
  prune(oldestKept: bigint): number {
    let deleted = 0;
    while (this.stale.length > 0 && this.stale[0]![0] <= oldestKept) {
      for (const key of this.stale.shift()![1]) if (this.nodes.delete(key)) deleted++;
    }
    return deleted;
  }

  get size(): number {
    return this.nodes.size;
  }
}
