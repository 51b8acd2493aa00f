import { latin1 } from '../../crypto/bytes.js';
import type { TreeNodeReader } from './tree.js';

/**
 * The most recently committed tree nodes, in front of the node store. A node key names (version, path), so its
 * bytes never change once committed and a remembered node is always right. A busy block rewrites most internal
 * nodes, and the next block reads exactly those again: without this each read was an LMDB get and a copy.
 * Bounded (by default ~5 busy blocks of nodes, some 30 MB): the oldest remembered nodes go first.
 */
export class RecentTreeNodes implements TreeNodeReader {
  private readonly nodes = new Map<string, Uint8Array>();

  constructor(
    private readonly store: TreeNodeReader,
    private readonly capacity = 50_000,
  ) {}

  get(nodeKey: Uint8Array): Uint8Array | undefined {
    return this.nodes.get(latin1(nodeKey)) ?? this.store.get(nodeKey);
  }

  /** Nodes just committed (never nodes of a version that may still be rolled back). */
  remember(newNodes: ReadonlyArray<readonly [nodeKey: Uint8Array, nodeBytes: Uint8Array]>): void {
    for (const [key, bytes] of newNodes) this.nodes.set(latin1(key), bytes);
    const excess = this.nodes.size - this.capacity;
    if (excess <= 0) return;
    const keys = this.nodes.keys();
    for (let i = 0; i < excess; i++) this.nodes.delete(keys.next().value!);
  }

  get size(): number {
    return this.nodes.size;
  }
}
