// Shared fixtures for the state tree tests.
import fc from 'fast-check';
import { sha256 } from '../../../../chain/crypto/hash.js';
import {
  MemoryTreeStore,
  StateTree,
  type TreeChange,
  rootNodeKey,
} from '../../../../chain/store/stateTree/index.js';
import { decodeNode } from '../../../../chain/store/stateTree/nodes.js';
import { childNodeKey } from '../../../../chain/store/stateTree/nodes.js';

/** Key hash number i of a small pool, so random batches update and delete keys they inserted. */
export const keyHash = (i: number) => sha256(Uint8Array.of(0x4b, i >> 8, i & 0xff));
export const valueHash = (v: number) => sha256(Uint8Array.of(0x56, v >> 8, v & 0xff));

/** A batch over key pool [0, pool): each key at most once; value -1 deletes. */
export function arbBatch(pool: number, maxLength = 30): fc.Arbitrary<TreeChange[]> {
  return fc
    .uniqueArray(fc.record({ k: fc.nat(pool - 1), v: fc.integer({ min: -1, max: 500 }) }), {
      selector: (c) => c.k,
      maxLength,
    })
    .map((cs) => cs.map(({ k, v }) => ({ keyHash: keyHash(k), valueHash: v < 0 ? null : valueHash(v) })));
}

/** A tree over a fresh memory store that commits every batch it applies. */
export class Harness {
  readonly store = new MemoryTreeStore();
  readonly tree = new StateTree(this.store);
  latest: bigint | null = null;

  apply(changes: readonly TreeChange[], version: bigint = this.latest === null ? 1n : this.latest + 1n) {
    const result = this.tree.applyBatch(this.latest, version, changes);
    this.store.commit(version, result);
    this.latest = version;
    return result;
  }
}

/** Every stored node reachable from the root of `version`, as "depth:path-hex:kind" plus its raw key. */
export function reachable(store: MemoryTreeStore, version: bigint): Array<{ key: Uint8Array; shape: string }> {
  const out: Array<{ key: Uint8Array; shape: string }> = [];
  const walk = (key: Uint8Array, pathKey: Uint8Array, depth: number) => {
    const bytes = store.get(key);
    if (!bytes) throw new Error(`dangling node ${Buffer.from(key).toString('hex')}`);
    const node = decodeNode(bytes);
    out.push({ key, shape: `${depth}:${Buffer.from(key.subarray(9)).toString('hex')}:${node.kind}` });
    if (node.kind !== 'internal') return;
    for (let s = 0; s < 16; s++) {
      const c = node.children[s];
      if (!c) continue;
      const childKey = childNodeKey(c.version, pathKey, depth, s);
      // The child's path doubles as a key hash prefix for its own children.
      const childPath = new Uint8Array(32);
      childPath.set(childKey.subarray(9));
      walk(childKey, childPath, depth + 1);
    }
  };
  walk(rootNodeKey(version), new Uint8Array(32), 0);
  return out;
}
