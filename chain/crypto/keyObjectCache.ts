import { latin1 } from './bytes.js';
import type { KeyObject } from 'node:crypto';

/**
 * A bounded least-recently-used cache of node:crypto KeyObjects keyed by the raw key bytes. Parsing a DER key
 * costs about as much as a verification, and the same accounts sign again and again, so verifiers keep the
 * parsed objects. Keys that fail to parse are remembered as `null`, so repeating a garbage key costs one lookup.
 */
export class KeyObjectCache {
  private readonly entries = new Map<string, KeyObject | null>();

  constructor(
    private readonly capacity: number,
    /** Builds the KeyObject; throwing means "not a valid key". */
    private readonly build: (raw: Uint8Array) => KeyObject,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`cache capacity must be >= 1, got ${capacity}`);
    }
  }

  /** The KeyObject for `raw`, or null when `raw` is not a valid key. */
  get(raw: Uint8Array): KeyObject | null {
    const id = latin1(raw);
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      // Re-insert so that Map order (insertion order) stays least-recently-used first.
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    let key: KeyObject | null;
    try {
      key = this.build(raw);
    } catch {
      key = null;
    }
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(id, key);
    return key;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
