import { ErrCorruptNode, ErrInvalidBatch, ErrInvalidHash, ErrMissingNode } from './errors.js';
import { EMPTY_ROOT, HASH_LENGTH, bytesEqual, compareBytes, leafHash, nibbleAt } from './hashing.js';
import {
  type ChildRef,
  type InternalNode,
  type LeafNode,
  NULL_NODE_BYTES,
  type TreeNode,
  childNodeKey,
  decodeNode,
  descend,
  encodeInternal,
  encodeLeaf,
  internalHash,
  makeInternal,
  nodeKey,
  rootNodeKey,
} from './nodes.js';
import type { StateProof } from './proof.js';

/**
 * Where the tree reads its nodes; it never writes (the caller stores a batch's nodes in its own transaction).
 * The bytes returned must not change afterwards (no reused buffers such as lmdb's getBinaryFast): the tree
 * keeps views into them.
 */
export interface TreeNodeReader {
  get(nodeKey: Uint8Array): Uint8Array | undefined;
}

/** One key's change in a block: the new value hash, or null to delete. */
export interface TreeChange {
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array | null;
}

export interface TreeBatchResult {
  /** The state root of the new version. */
  readonly root: Uint8Array;
  /** Nodes to store (node key -> node bytes). */
  readonly newNodes: Array<[nodeKey: Uint8Array, nodeBytes: Uint8Array]>;
  /** Keys of nodes the new version no longer reaches: only versions before it use them. */
  readonly staleNodes: Uint8Array[];
}

const MAX_VERSION = (1n << 64n) - 1n;

/**
 * A subtree after a batch: gone, one leaf (not yet placed: where it is stored depends on its neighbours),
 * or an internal node stored at (version, path).
 */
interface LeafSub {
  readonly kind: 'leaf';
  readonly keyHash: Uint8Array;
  readonly valueHash: Uint8Array;
  readonly hash: Uint8Array;
  /** Where the leaf is stored now, if it already exists. */
  readonly stored?: { readonly version: bigint; readonly depth: number };
}
interface InternalSub {
  readonly kind: 'internal';
  readonly version: bigint;
  readonly hash: Uint8Array;
}
type Sub = LeafSub | InternalSub | null;

/**
 * The authenticated state tree: a radix-16 Jellyfish-style sparse Merkle tree over 32-byte key hashes,
 * versioned by block height. See README.md for the node format, hashing and proofs.
 */
export class StateTree {
  constructor(private readonly reader: TreeNodeReader) {}

  /**
   * Applies one block's changes on top of `baseVersion` (null: the empty tree) and returns the new root and
   * the nodes to write under `version`. Changes may come in any order; each key at most once.
   */
  applyBatch(baseVersion: bigint | null, version: bigint, changes: readonly TreeChange[]): TreeBatchResult {
    if (version < 0n || version > MAX_VERSION) throw ErrInvalidBatch(`version ${version} is not a uint64`);
    if (baseVersion !== null && (baseVersion < 0n || baseVersion >= version)) {
      throw ErrInvalidBatch(`base version ${baseVersion} must be below version ${version}`);
    }
    return new BatchBuilder(this.reader, version, sortChanges(changes)).run(baseVersion);
  }

  /** The root hash of `version`. Throws ErrMissingNode when the version was never written or is pruned. */
  getRoot(version: bigint): Uint8Array {
    const root = this.load(rootNodeKey(version), `root of version ${version}`);
    switch (root.kind) {
      case 'null':
        return EMPTY_ROOT;
      case 'leaf':
        return leafHash(root.keyHash, root.valueHash);
      case 'internal':
        return internalHash(root);
    }
  }

  /** The value hash stored for `keyHash` at `version`, or null when absent. */
  get(version: bigint, keyHash: Uint8Array): Uint8Array | null {
    checkHash(keyHash, 'key hash');
    let node = this.load(rootNodeKey(version), `root of version ${version}`);
    for (let depth = 0; ; depth++) {
      if (node.kind === 'null') return null;
      if (node.kind === 'leaf') return bytesEqual(node.keyHash, keyHash) ? node.valueHash : null;
      const nibble = nibbleAt(keyHash, depth);
      const child = node.children[nibble];
      if (!child) return null;
      node = this.load(childNodeKey(child.version, keyHash, depth, nibble), 'child node');
    }
  }

  /** An existence proof if `keyHash` is present at `version`, else a non-existence proof. */
  getProof(version: bigint, keyHash: Uint8Array): StateProof {
    checkHash(keyHash, 'key hash');
    const siblings: Uint8Array[] = [];
    let node = this.load(rootNodeKey(version), `root of version ${version}`);
    for (let depth = 0; ; depth++) {
      if (node.kind === 'null') return { leaf: null, siblings };
      if (node.kind === 'leaf') return { leaf: { keyHash: node.keyHash, valueHash: node.valueHash }, siblings };
      const step = descend(node, nibbleAt(keyHash, depth), siblings);
      if (step.kind === 'empty') return { leaf: null, siblings };
      node = this.load(childNodeKey(step.child.version, keyHash, depth, step.nibble), 'child node');
    }
  }

  private load(key: Uint8Array, what: string): TreeNode {
    return loadNode(this.reader, key, what);
  }
}

function loadNode(reader: TreeNodeReader, key: Uint8Array, what: string): TreeNode {
  const bytes = reader.get(key);
  if (!bytes) throw ErrMissingNode(`${what} (key ${Buffer.from(key).toString('hex')})`);
  return decodeNode(bytes);
}

function checkHash(h: Uint8Array | null, what: string): void {
  if (h !== null && (!(h instanceof Uint8Array) || h.length !== HASH_LENGTH)) {
    throw ErrInvalidHash(`${what} of ${(h as Uint8Array | undefined)?.length ?? 'no'} bytes`);
  }
}

function sortChanges(changes: readonly TreeChange[]): TreeChange[] {
  for (const c of changes) {
    checkHash(c.keyHash, 'key hash');
    checkHash(c.valueHash, 'value hash');
  }
  const sorted = changes.slice().sort((a, b) => compareBytes(a.keyHash, b.keyHash));
  for (let i = 1; i < sorted.length; i++) {
    if (bytesEqual(sorted[i - 1]!.keyHash, sorted[i]!.keyHash)) {
      throw ErrInvalidBatch(`key hash ${Buffer.from(sorted[i]!.keyHash).toString('hex')} changed twice`);
    }
  }
  return sorted;
}

/**
 * One batch: walks the base tree only along the paths the (sorted) changes touch, so changes sharing a
 * path share its reads and hashing, and rebuilds those paths under the new version.
 */
class BatchBuilder {
  private readonly newNodes: Array<[Uint8Array, Uint8Array]> = [];
  private readonly staleNodes: Uint8Array[] = [];

  constructor(
    private readonly reader: TreeNodeReader,
    private readonly version: bigint,
    private readonly changes: readonly TreeChange[],
  ) {}

  run(baseVersion: bigint | null): TreeBatchResult {
    let sub: Sub = null;
    let oldRoot: { key: Uint8Array; bytes: Uint8Array; node: TreeNode } | null = null;
    if (baseVersion !== null) {
      const key = rootNodeKey(baseVersion);
      const bytes = this.reader.get(key);
      if (!bytes) throw ErrMissingNode(`root of base version ${baseVersion}`);
      oldRoot = { key, bytes, node: decodeNode(bytes) };
    }
    const rootNode = oldRoot?.node;
    let rootRef: ChildRef | undefined;
    if (rootNode?.kind === 'leaf') {
      rootRef = { version: baseVersion!, isLeaf: true, hash: leafHash(rootNode.keyHash, rootNode.valueHash) };
    } else if (rootNode?.kind === 'internal') {
      rootRef = { version: baseVersion!, isLeaf: false, hash: internalHash(rootNode) };
    }

    const n = this.changes.length;
    if (n > 0) sub = this.visit(rootRef, 0, 0, n);
    else if (rootNode?.kind === 'leaf') sub = this.storedLeaf(rootNode, rootRef!, 0);
    else if (rootRef) sub = { kind: 'internal', version: rootRef.version, hash: rootRef.hash };

    // Every version gets its own root node; the base root then serves only older versions.
    if (oldRoot?.node.kind === 'null') this.staleNodes.push(oldRoot.key);
    let root: Uint8Array;
    if (sub === null) {
      this.newNodes.push([rootNodeKey(this.version), NULL_NODE_BYTES]);
      root = EMPTY_ROOT;
    } else if (sub.kind === 'leaf') {
      this.place(sub, 0);
      root = sub.hash;
    } else {
      if (sub.version !== this.version) {
        this.newNodes.push([rootNodeKey(this.version), oldRoot!.bytes]);
        this.staleNodes.push(oldRoot!.key);
      }
      root = sub.hash;
    }
    return { root, newNodes: this.newNodes, staleNodes: this.staleNodes };
  }

  /** The subtree at `depth` along changes[lo].keyHash, currently `existing`, after changes[lo..hi). */
  private visit(existing: ChildRef | undefined, depth: number, lo: number, hi: number): Sub {
    if (!existing) return this.build(depth, this.puts(lo, hi, -1, null));
    const pathKey = this.changes[lo]!.keyHash;
    const key = nodeKey(existing.version, pathKey, depth);
    const node = loadNode(this.reader, key, 'node on a changed path');
    if (existing.isLeaf) {
      if (node.kind !== 'leaf') throw ErrCorruptNode(`expected a leaf at ${Buffer.from(key).toString('hex')}`);
      return this.visitLeaf(node, existing, key, depth, lo, hi);
    }
    if (node.kind !== 'internal') throw ErrCorruptNode(`expected an internal node at ${Buffer.from(key).toString('hex')}`);

    const children = node.children.slice();
    const pending = new Map<number, Sub>();
    for (let i = lo; i < hi; ) {
      const nibble = nibbleAt(this.changes[i]!.keyHash, depth);
      let j = i + 1;
      while (j < hi && nibbleAt(this.changes[j]!.keyHash, depth) === nibble) j++;
      const before = children[nibble];
      const after = this.visit(before, depth + 1, i, j);
      if (!isUnchanged(before, after, depth + 1)) pending.set(nibble, after);
      i = j;
    }
    if (pending.size === 0) return { kind: 'internal', version: existing.version, hash: existing.hash };
    this.staleNodes.push(key);

    let count = 0;
    let only = -1;
    for (let s = 0; s < 16; s++) {
      if (pending.has(s) ? pending.get(s) : children[s]) {
        count++;
        only = s;
      }
    }
    if (count === 0) return null;
    if (count === 1) {
      // A lone leaf moves up to the parent (the tree's shape depends only on its keys).
      const sub = pending.get(only);
      if (sub?.kind === 'leaf') return sub;
      const child = children[only]!;
      if (sub === undefined && child.isLeaf) {
        const leafKey = childNodeKey(child.version, pathKey, depth, only);
        const leaf = loadNode(this.reader, leafKey, 'lone leaf');
        if (leaf.kind !== 'leaf') throw ErrCorruptNode(`expected a leaf at ${Buffer.from(leafKey).toString('hex')}`);
        return this.storedLeaf(leaf, child, depth + 1);
      }
    }
    for (const [s, sub] of pending) children[s] = this.childRef(sub, depth + 1);
    return this.writeInternal(depth, children, pathKey);
  }

  private visitLeaf(leaf: LeafNode, ref: ChildRef, key: Uint8Array, depth: number, lo: number, hi: number): Sub {
    const current = this.storedLeaf(leaf, ref, depth);
    const idx = this.find(lo, hi, leaf.keyHash);
    const change = idx >= 0 ? this.changes[idx]! : null;
    const kept = !change || (change.valueHash !== null && bytesEqual(change.valueHash, leaf.valueHash));
    if (!kept) this.staleNodes.push(key);
    const items = this.puts(lo, hi, kept ? idx : -1, kept ? current : null);
    if (items.length === 1 && items[0] === current) return current;
    return this.build(depth, items);
  }

  /** A fresh subtree at `depth` holding `items` (sorted leaves sharing the path so far). */
  private build(depth: number, items: LeafSub[], lo = 0, hi = items.length): Sub {
    if (hi === lo) return null;
    if (hi - lo === 1) return items[lo]!;
    const children: Array<ChildRef | undefined> = new Array(16).fill(undefined);
    for (let i = lo; i < hi; ) {
      const nibble = nibbleAt(items[i]!.keyHash, depth);
      let j = i + 1;
      while (j < hi && nibbleAt(items[j]!.keyHash, depth) === nibble) j++;
      children[nibble] = this.childRef(this.build(depth + 1, items, i, j), depth + 1);
      i = j;
    }
    return this.writeInternal(depth, children, items[lo]!.keyHash);
  }

  /** How a parent at depth - 1 refers to `sub` placed at `depth`; places leaves. */
  private childRef(sub: Sub, depth: number): ChildRef | undefined {
    if (sub === null) return undefined;
    if (sub.kind === 'internal') return { version: sub.version, hash: sub.hash, isLeaf: false };
    return this.place(sub, depth);
  }

  /** Stores a leaf at `depth` unless it is already there; a leaf that moves leaves a stale copy behind. */
  private place(leaf: LeafSub, depth: number): ChildRef {
    const stored = leaf.stored;
    if (stored && stored.depth === depth && depth > 0) {
      return { version: stored.version, hash: leaf.hash, isLeaf: true };
    }
    if (stored) this.staleNodes.push(nodeKey(stored.version, leaf.keyHash, stored.depth));
    this.newNodes.push([nodeKey(this.version, leaf.keyHash, depth), encodeLeaf(leaf.keyHash, leaf.valueHash)]);
    return { version: this.version, hash: leaf.hash, isLeaf: true };
  }

  private writeInternal(depth: number, children: Array<ChildRef | undefined>, pathKey: Uint8Array): InternalSub {
    const node: InternalNode = makeInternal(children);
    this.newNodes.push([nodeKey(this.version, pathKey, depth), encodeInternal(node)]);
    return { kind: 'internal', version: this.version, hash: internalHash(node) };
  }

  /** An existing leaf, stored at (ref.version, depth), whose hash its parent already holds. */
  private storedLeaf(leaf: LeafNode, ref: ChildRef, depth: number): LeafSub {
    return {
      kind: 'leaf',
      keyHash: leaf.keyHash,
      valueHash: leaf.valueHash,
      hash: ref.hash,
      stored: { version: ref.version, depth },
    };
  }

  /** New leaves for the puts in changes[lo..hi) except index `skip`, with `extra` merged in key order. */
  private puts(lo: number, hi: number, skip: number, extra: LeafSub | null): LeafSub[] {
    const out: LeafSub[] = [];
    for (let i = lo; i < hi; i++) {
      const c = this.changes[i]!;
      if (extra && compareBytes(extra.keyHash, c.keyHash) < 0) {
        out.push(extra);
        extra = null;
      }
      if (i === skip || c.valueHash === null) continue;
      out.push({ kind: 'leaf', keyHash: c.keyHash, valueHash: c.valueHash, hash: leafHash(c.keyHash, c.valueHash) });
    }
    if (extra) out.push(extra);
    return out;
  }

  private find(lo: number, hi: number, keyHash: Uint8Array): number {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const d = compareBytes(this.changes[mid]!.keyHash, keyHash);
      if (d === 0) return mid;
      if (d < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }
}

/** True when the subtree after the batch is the very node the parent already points at. */
function isUnchanged(before: ChildRef | undefined, after: Sub, depth: number): boolean {
  if (!before) return after === null;
  if (after === null) return false;
  if (after.kind === 'internal') return !before.isLeaf && after.version === before.version;
  return before.isLeaf && after.stored?.version === before.version && after.stored.depth === depth;
}
