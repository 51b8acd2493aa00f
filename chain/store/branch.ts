import { latin1 } from '../crypto/bytes.js';
import { compareBytes, type Entry, type KVReader, type KVStore } from './kv.js';

/** latin1 keeps one char per byte, so string order equals byte order and the mapping is lossless. */
const toKey = latin1;
/** A key as branches name it internally (latin1: one char per byte). */
export const keyString = toKey;
const fromKey = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Values read from a store that does not change while the map is in use (null: absent), by `keyString`. */
export type ReadCache = Map<string, Uint8Array | null>;

/** A pending write: the key's bytes and the new value (null marks a deletion). Never mutated once made. */
type Pending = readonly [key: Uint8Array, value: Uint8Array | null];

/**
 * A cache (branch) over a parent store: reads fall through, writes stay here until `write()` pushes them
 * to the parent. A failed tx or block simply drops its branch, so nothing it did is left behind.
 * Branches nest (a tx branch over a block branch over committed state); a key is turned into its map key
 * once per read, not once per level. Keys and values handed to a store must not be mutated afterwards.
 */
export class BranchStore implements KVStore {
  private readonly dirty = new Map<string, Pending>();
  /** values read from a parent that does not change while this branch lives (null: absent) */
  private readonly reads: Map<string, Uint8Array | null> | null;
  /** keys this branch read from its parent (when asked to track them) */
  private readonly readKeys: Set<string> | null;
  private ranged = false;

  /**
   * `cacheReads`: remember what the parent returned (`readCache`: in a map shared with other branches over the
   * same unchanging parent, which its owner clears when the parent changes). Only for a branch over committed state that lives no longer
   * than that state stays unchanged (a block's branch, the check state between two commits): the same accounts
   * and balances are read by many txs of a block, and each LMDB read would copy the value again.
   */
  constructor(
    private readonly parent: KVReader,
    opts: { cacheReads?: boolean; readCache?: ReadCache; trackReads?: boolean } = {},
  ) {
    this.reads = opts.readCache ?? (opts.cacheReads ? new Map() : null);
    this.readKeys = opts.trackReads ? new Set() : null;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.getKeyed(key, toKey(key));
  }

  private getKeyed(key: Uint8Array, mapKey: string): Uint8Array | undefined {
    const d = this.dirty.get(mapKey);
    if (d !== undefined) return d[1] ?? undefined;
    this.readKeys?.add(mapKey);
    const p = this.parent;
    if (p instanceof BranchStore) return p.getKeyed(key, mapKey);
    const reads = this.reads;
    if (reads === null) return p.get(key);
    const cached = reads.get(mapKey);
    if (cached !== undefined) return cached ?? undefined;
    const value = p.get(key);
    reads.set(mapKey, value ?? null);
    return value;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.dirty.set(toKey(key), [key, value]);
  }

  delete(key: Uint8Array): void {
    this.dirty.set(toKey(key), [key, null]);
  }

  /** A child branch over this one. */
  branch(): BranchStore {
    return new BranchStore(this);
  }

  get size(): number {
    return this.dirty.size;
  }

  /** The pending writes, sorted by key (deletions carry null). */
  changes(): Array<[Uint8Array, Uint8Array | null]> {
    return [...this.dirty.keys()].sort().map((k) => {
      const [key, value] = this.dirty.get(k)!;
      return [key, value];
    });
  }

  /**
   * Keys (as latin1 strings, the form `keyString` gives) this branch wrote, and those it read from its parent
   * (tracked only with `trackReads`): what its outcome depended on. `ranged` says it also iterated a range,
   * whose keys are not listed, so anything may have mattered.
   */
  accessedKeys(): { written: string[]; read: string[]; ranged: boolean } {
    return { written: [...this.dirty.keys()], read: this.readKeys ? [...this.readKeys] : [], ranged: this.ranged };
  }

  /** Copies `from`'s pending writes of the given keys into this branch (keys as `keyString` gives them). */
  carryWrites(from: BranchStore, keys: Iterable<string>): void {
    for (const k of keys) {
      const p = from.dirty.get(k);
      if (p !== undefined) this.dirty.set(k, p);
    }
  }

  /** Pushes every pending write into the parent (which must be writable) and clears this branch. */
  write(): void {
    const parent = this.parent;
    if (parent instanceof BranchStore) {
      for (const [k, p] of this.dirty) parent.dirty.set(k, p);
    } else {
      const store = parent as KVStore;
      for (const [key, value] of this.dirty.values()) {
        if (value === null) store.delete(key);
        else store.set(key, value);
      }
    }
    this.dirty.clear();
  }

  discard(): void {
    this.dirty.clear();
  }

  *iterate(start: Uint8Array, end: Uint8Array | undefined, reverse = false): Iterable<Entry> {
    if (this.readKeys) this.ranged = true;
    const s = toKey(start);
    const e = end === undefined ? undefined : toKey(end);
    const local: Array<[string, Pending]> = [];
    for (const [k, p] of this.dirty) {
      if (k >= s && (e === undefined || k < e)) local.push([k, p]);
    }
    local.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (reverse) local.reverse();
    const dir = reverse ? -1 : 1;
    let i = 0;
    for (const [pk, pv] of this.parent.iterate(start, end, reverse)) {
      // emit local entries that come before this parent key
      while (i < local.length) {
        const [lk, lv] = local[i]![1];
        const c = compareBytes(lk, pk) * dir;
        if (c > 0) break;
        i++;
        if (lv !== null) yield [lk, lv];
        if (c === 0) break;
      }
      const shadowed = i > 0 && local[i - 1] !== undefined && compareBytes(local[i - 1]![1][0], pk) === 0;
      if (!shadowed) yield [pk, pv];
    }
    for (; i < local.length; i++) {
      const [lk, lv] = local[i]![1];
      if (lv !== null) yield [lk, lv];
    }
  }
}

/** An in-memory store (tests, tools, genesis building). */
export class MemoryStore implements KVStore {
  private readonly map = new Map<string, Uint8Array>();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.map.get(toKey(key));
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.map.set(toKey(key), value);
  }
  delete(key: Uint8Array): void {
    this.map.delete(toKey(key));
  }
  *iterate(start: Uint8Array, end: Uint8Array | undefined, reverse = false): Iterable<Entry> {
    const s = toKey(start);
    const e = end === undefined ? undefined : toKey(end);
    const keys = [...this.map.keys()].filter((k) => k >= s && (e === undefined || k < e)).sort();
    if (reverse) keys.reverse();
    for (const k of keys) yield [fromKey(k), this.map.get(k)!];
  }
}
