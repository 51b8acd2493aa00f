/**
 * The ledger accumulator: an append-only RFC 9162 Merkle tree over TxInfo leaf hashes, stored as *frozen*
 * nodes. Frozen node (level, index) is the root of the complete subtree over leaves
 * [index·2^level, (index+1)·2^level); once written it never changes, so an append only adds nodes
 * (the leaf and every subtree it completes) and history stays provable at any past size.
 *
 * New nodes stay *pending* in memory until the caller has written them in its block's DB transaction
 * (pendingNodes → write → markCommitted); rollback() drops a failed block without a trace.
 */
import { ErrIndexOutOfRange, ErrInvalidHash, ErrInvalidSubtree, ErrMissingNode, ErrSizeOutOfRange } from './errors.js';
import { EMPTY_ROOT, HASH_LENGTH, bitLength, isPowerOfTwo, nodeHash, splitPoint } from './merkle.js';
import { requireUint64, type Uint64Input } from './uint64.js';

/** Read access to committed frozen nodes (the node's LMDB bucket, or memory in tests and tools). */
export interface LedgerNodeStore {
  getNode(level: number, index: bigint): Uint8Array | undefined;
  /**
   * Levels below this are derived by the store from what it holds besides the nodes (the node's store: the
   * leaves of the stored ledger entries), so pendingNodes() leaves them out. Default 0: every node is stored.
   */
  readonly storedFromLevel?: number;
}

export interface LedgerNode {
  readonly level: number;
  readonly index: bigint;
  readonly hash: Uint8Array;
}

export class MemoryLedgerNodeStore implements LedgerNodeStore {
  private readonly levels: Map<number | bigint, Uint8Array>[] = [];

  getNode(level: number, index: bigint): Uint8Array | undefined {
    return this.levels[level]?.get(memoryKey(index));
  }

  putNode(level: number, index: bigint, hash: Uint8Array): void {
    (this.levels[level] ??= new Map()).set(memoryKey(index), hash);
  }

  putNodes(nodes: Iterable<LedgerNode>): void {
    for (const n of nodes) this.putNode(n.level, n.index, n.hash);
  }

  get nodeCount(): number {
    let count = 0;
    for (const level of this.levels) count += level?.size ?? 0;
    return count;
  }
}

export interface NodeCacheOptions {
  /** Lowest level kept (default 8: a node caches the root of 256 leaves; the levels below are most of the tree). */
  readonly fromLevel?: number;
  /** Most nodes kept (default 65,536, which holds every such level of a ledger of 2^24 leaves). */
  readonly maxEntries?: number;
}

/**
 * A store that keeps the upper levels of the tree in memory: few nodes, yet every proof reads them.
 * Frozen nodes never change, so a cached node never goes stale; once full the cache simply stops growing.
 */
export function cachingLedgerNodeStore(store: LedgerNodeStore, options: NodeCacheOptions = {}): LedgerNodeStore {
  const fromLevel = options.fromLevel ?? 8;
  const maxEntries = options.maxEntries ?? 1 << 16;
  const levels: Map<number | bigint, Uint8Array>[] = [];
  let entries = 0;
  return {
    storedFromLevel: store.storedFromLevel,
    getNode(level, index) {
      if (level < fromLevel) return store.getNode(level, index);
      const key = memoryKey(index);
      const cached = levels[level]?.get(key);
      if (cached !== undefined) return cached;
      const hash = store.getNode(level, index);
      if (hash !== undefined && entries < maxEntries) {
        (levels[level] ??= new Map()).set(key, hash);
        entries++;
      }
      return hash;
    },
  };
}

interface PendingRun {
  readonly base: bigint;
  readonly hashes: Uint8Array[];
}

/** Maps hash number keys far faster than bigint keys; indexes beyond 2^53 keep their bigint. */
/** Sizes are uint64, so the last version that can be appended is 2^64 - 2. */
const MAX_VERSION = (1n << 64n) - 1n;

const MAX_SAFE_INDEX = BigInt(Number.MAX_SAFE_INTEGER);
function memoryKey(index: bigint): number | bigint {
  return index <= MAX_SAFE_INDEX ? Number(index) : index;
}

/** Roots of the right edge for one ledger size: foldBelow[L] = MTH of the peaks below level L. */
interface RightEdge {
  readonly foldBelow: readonly (Uint8Array | undefined)[];
  readonly root: Uint8Array;
}

export class LedgerAccumulator {
  private currentSize: bigint;
  /** peaks[level] is the frozen node of that level on the right edge; present iff bit `level` of the size is set. */
  private peaks: (Uint8Array | undefined)[] = [];
  /** Nodes created since the last commit, per level: a contiguous run of indexes (nodes freeze left to right). */
  private pending: (PendingRun | undefined)[] = [];
  private committedState: { size: bigint; peaks: (Uint8Array | undefined)[] };
  private rightEdge: RightEdge | undefined;

  /** A ledger over `store`, which holds every frozen node of a ledger of `size` leaves (0: a new ledger). */
  constructor(
    private readonly store: LedgerNodeStore,
    size: Uint64Input = 0n,
  ) {
    const n = requireUint64(size, 'ledger size');
    this.currentSize = n;
    for (let level = 0; level < bitLength(n); level++) {
      if (((n >> BigInt(level)) & 1n) === 1n) this.peaks[level] = this.storedNode(level, this.peakIndex(level));
    }
    this.committedState = { size: n, peaks: this.peaks.slice() };
  }

  /** Number of leaves, pending ones included; the next append gets this version. */
  get size(): bigint {
    return this.currentSize;
  }

  /** Size as of the last markCommitted (or construction). */
  get committedSize(): bigint {
    return this.committedState.size;
  }

  /** Appends a 32-byte leaf hash and returns its version. */
  append(leafHash: Uint8Array): bigint {
    requireHash(leafHash, 'leaf hash');
    const version = this.currentSize;
    if (version === MAX_VERSION) throw ErrSizeOutOfRange(`the ledger holds ${version} leaves, the most a uint64 size allows`);
    let hash: Uint8Array = leafHash.slice();
    let level = 0;
    let index = version;
    this.addPending(level, index, hash);
    // A set bit at `level` means a waiting left sibling: the new node completes its parent (binary carry).
    for (let left = this.peaks[level]; left !== undefined; left = this.peaks[level]) {
      hash = nodeHash(left, hash);
      this.peaks[level] = undefined;
      level++;
      index >>= 1n;
      this.addPending(level, index, hash);
    }
    this.peaks[level] = hash;
    this.currentSize = version + 1n;
    this.rightEdge = undefined;
    return version;
  }

  /**
   * Nodes created since the last markCommitted, level by level in index order, for the caller to write
   * (those of the levels the store derives itself, below its storedFromLevel, left out).
   */
  pendingNodes(): LedgerNode[] {
    const nodes: LedgerNode[] = [];
    const from = this.store.storedFromLevel ?? 0;
    this.pending.forEach((run, level) => {
      if (run && level >= from) run.hashes.forEach((hash, i) => nodes.push({ level, index: run.base + BigInt(i), hash }));
    });
    return nodes;
  }

  /** The caller has durably written pendingNodes(): they are now the store's to serve. */
  markCommitted(): void {
    this.pending = [];
    this.committedState = { size: this.currentSize, peaks: this.peaks.slice() };
  }

  /** Forgets every append since the last markCommitted. */
  rollback(): void {
    this.pending = [];
    this.currentSize = this.committedState.size;
    this.peaks = this.committedState.peaks.slice();
    this.rightEdge = undefined;
  }

  /** MTH of the whole ledger, from the in-memory peaks (no I/O). */
  root(): Uint8Array {
    return this.edge().root.slice();
  }

  /** MTH of the first `size` leaves, for any size up to the current one. */
  rootAt(size: Uint64Input): Uint8Array {
    const n = this.requireSize(size, 'tree size', 0n);
    if (n === this.currentSize) return this.root();
    if (n === 0n) return EMPTY_ROOT.slice();
    return this.rangeHash(0n, n).slice();
  }

  /** The leaf hash stored at `version`. */
  leafHashAt(version: Uint64Input): Uint8Array {
    const v = this.requireIndex(version, this.currentSize);
    return this.node(0, v).slice();
  }

  /**
   * MTH(D[start:end]) for a range that is a subtree of the RFC tree: `start` is a multiple of the smallest
   * power of two >= end - start (every range an RFC proof names is of this shape). A range that reaches the
   * right edge is composed from the frozen subtrees inside it.
   */
  subtreeHash(start: Uint64Input, end: Uint64Input): Uint8Array {
    const lo = requireUint64(start, 'range start');
    const hi = requireUint64(end, 'range end');
    if (!(lo < hi && hi <= this.currentSize)) {
      throw ErrInvalidSubtree(`range [${lo}, ${hi}) must be non-empty and within [0, ${this.currentSize})`);
    }
    const len = hi - lo;
    const alignment = isPowerOfTwo(len) ? len : 1n << BigInt(bitLength(len));
    if (lo % alignment !== 0n) {
      throw ErrInvalidSubtree(`range [${lo}, ${hi}) must start at a multiple of ${alignment}`);
    }
    return this.rangeHash(lo, hi).slice();
  }

  /** RFC 9162 §2.1.3.1 inclusion path of leaf `index` in the tree of the first `size` leaves, leaf side first. */
  inclusionProof(index: Uint64Input, size: Uint64Input = this.currentSize): Uint8Array[] {
    const n = this.requireSize(size, 'tree size', 1n);
    const m = this.requireIndex(index, n);
    const path: Uint8Array[] = [];
    // Walk down from the root; the sibling of each subtree holding leaf m joins the path.
    let lo = 0n;
    let hi = n;
    while (hi - lo > 1n) {
      const mid = lo + splitPoint(hi - lo);
      if (m < mid) {
        path.push(this.rangeHash(mid, hi));
        hi = mid;
      } else {
        path.push(this.rangeHash(lo, mid));
        lo = mid;
      }
    }
    return path.reverse().map((h) => h.slice());
  }

  /**
   * RFC 9162 §2.1.4.1 consistency proof that the tree of `first` leaves is a prefix of the tree of `second`.
   * Empty when first is 0 or first equals second (nothing to prove beyond comparing roots).
   */
  consistencyProof(first: Uint64Input, second: Uint64Input = this.currentSize): Uint8Array[] {
    const n = this.requireSize(second, 'second tree size', 0n);
    const m = requireUint64(first, 'first tree size');
    if (m > n) throw ErrSizeOutOfRange(`first tree size ${m} is outside [0, ${n}] (the second tree size)`);
    if (m === 0n || m === n) return [];
    const path: Uint8Array[] = [];
    // SUBPROOF(m, D[lo:hi], wholeOldTree) with m kept absolute: lo < m <= hi throughout.
    let lo = 0n;
    let hi = n;
    let wholeOldTree = true;
    while (m !== hi) {
      const mid = lo + splitPoint(hi - lo);
      if (m <= mid) {
        path.push(this.rangeHash(mid, hi));
        hi = mid;
      } else {
        path.push(this.rangeHash(lo, mid));
        lo = mid;
        wholeOldTree = false;
      }
    }
    // The old tree's root is known to the verifier only when it is the subtree reached here.
    if (!wholeOldTree) path.push(this.rangeHash(lo, hi));
    return path.reverse().map((h) => h.slice());
  }

  // ---- internals ----

  /** MTH(D[lo:hi]) for a validated subtree-shaped range. */
  private rangeHash(lo: bigint, hi: bigint): Uint8Array {
    const len = hi - lo;
    if (isPowerOfTwo(len)) {
      const level = bitLength(len) - 1;
      return this.node(level, lo >> BigInt(level));
    }
    if (hi === this.currentSize) return this.edge().foldBelow[bitLength(len)]!;
    // The frozen subtrees inside the range, largest first; MTH nests them to the right.
    const pieces: Uint8Array[] = [];
    let start = lo;
    for (let level = bitLength(len) - 1; level >= 0; level--) {
      const width = 1n << BigInt(level);
      if ((len & width) !== 0n) {
        pieces.push(this.node(level, start >> BigInt(level)));
        start += width;
      }
    }
    let acc = pieces.pop()!;
    for (let piece = pieces.pop(); piece !== undefined; piece = pieces.pop()) acc = nodeHash(piece, acc);
    return acc;
  }

  private edge(): RightEdge {
    if (this.rightEdge) return this.rightEdge;
    const foldBelow: (Uint8Array | undefined)[] = [];
    let acc: Uint8Array | undefined;
    const top = bitLength(this.currentSize);
    for (let level = 0; level <= top; level++) {
      foldBelow[level] = acc;
      const peak = this.peaks[level];
      if (peak !== undefined) acc = acc === undefined ? peak : nodeHash(peak, acc);
    }
    this.rightEdge = { foldBelow, root: acc ?? EMPTY_ROOT };
    return this.rightEdge;
  }

  private peakIndex(level: number): bigint {
    return (this.currentSize >> BigInt(level)) - 1n;
  }

  /** A frozen node: the in-memory peaks first, then pending nodes, then the store. */
  private node(level: number, index: bigint): Uint8Array {
    const peak = this.peaks[level];
    if (peak !== undefined && index === this.peakIndex(level)) return peak;
    return this.pendingNode(level, index) ?? this.storedNode(level, index);
  }

  private pendingNode(level: number, index: bigint): Uint8Array | undefined {
    const run = this.pending[level];
    if (run === undefined) return undefined;
    const offset = index - run.base;
    return offset >= 0n && offset < BigInt(run.hashes.length) ? run.hashes[Number(offset)] : undefined;
  }

  private storedNode(level: number, index: bigint): Uint8Array {
    const hash = this.store.getNode(level, index);
    if (hash === undefined || hash.length !== HASH_LENGTH) {
      const what = hash === undefined ? 'is absent' : `has ${hash.length} bytes`;
      throw ErrMissingNode(`node (level ${level}, index ${index}) of a ledger of ${this.currentSize} leaves ${what}`);
    }
    return hash;
  }

  /** Nodes of one level freeze in index order, so each call extends that level's run by one. */
  private addPending(level: number, index: bigint, hash: Uint8Array): void {
    const run = this.pending[level];
    if (run === undefined) this.pending[level] = { base: index, hashes: [hash] };
    else run.hashes.push(hash);
  }

  private requireSize(size: Uint64Input, what: string, min: bigint): bigint {
    const n = requireUint64(size, what);
    if (n < min || n > this.currentSize) {
      throw ErrSizeOutOfRange(`${what} ${n} is outside [${min}, ${this.currentSize}] (the ledger holds ${this.currentSize} leaves)`);
    }
    return n;
  }

  private requireIndex(index: Uint64Input, size: bigint): bigint {
    const m = requireUint64(index, 'leaf index');
    if (m >= size) throw ErrIndexOutOfRange(`leaf index ${m} is outside [0, ${size})`);
    return m;
  }
}

function requireHash(hash: Uint8Array, what: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_LENGTH) {
    const got = hash instanceof Uint8Array ? `${hash.length} bytes` : typeof hash;
    throw ErrInvalidHash(`${what} has ${got}`);
  }
}
