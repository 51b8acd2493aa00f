// A deliberately naive model of the state tree, written from the README's definition (not from the tree's
// code): a sorted map of key hash -> value hash whose root and proofs are recomputed from scratch.
import { sha256 } from '../../../../chain/crypto/hash.js';
import type { StateProof, TreeChange } from '../../../../chain/store/stateTree/index.js';

const LEAF = new TextEncoder().encode('VIVIAN:StateLeaf');
const INNER = new TextEncoder().encode('VIVIAN:StateNode');
const EMPTY = new Uint8Array(32);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bit = (h: Uint8Array, i: number) => (h[i >> 3]! >> (7 - (i & 7))) & 1;

export interface Entry {
  keyHash: Uint8Array;
  valueHash: Uint8Array;
}

export class ReferenceModel {
  private readonly map = new Map<string, Entry>();

  apply(changes: readonly TreeChange[]): void {
    for (const c of changes) {
      if (c.valueHash === null) this.map.delete(hex(c.keyHash));
      else this.map.set(hex(c.keyHash), { keyHash: c.keyHash, valueHash: c.valueHash });
    }
  }

  get(keyHash: Uint8Array): Uint8Array | null {
    return this.map.get(hex(keyHash))?.valueHash ?? null;
  }

  entries(): Entry[] {
    return [...this.map.keys()].sort().map((k) => this.map.get(k)!);
  }

  clone(): ReferenceModel {
    const m = new ReferenceModel();
    for (const [k, v] of this.map) m.map.set(k, v);
    return m;
  }

  get size(): number {
    return this.map.size;
  }

  root(): Uint8Array {
    return subtreeHash(this.entries(), 0);
  }

  proof(keyHash: Uint8Array): StateProof {
    let set = this.entries();
    const siblings: Uint8Array[] = [];
    for (let depth = 0; ; depth++) {
      if (set.length === 0) return { leaf: null, siblings };
      if (set.length === 1) return { leaf: set[0]!, siblings };
      const left = set.filter((e) => bit(e.keyHash, depth) === 0);
      const right = set.filter((e) => bit(e.keyHash, depth) === 1);
      if (bit(keyHash, depth)) {
        siblings.push(subtreeHash(left, depth + 1));
        set = right;
      } else {
        siblings.push(subtreeHash(right, depth + 1));
        set = left;
      }
    }
  }
}

/** Binary SMT hash of `set` (all sharing the first `depth` bits): empty, the lone leaf, or inner(left, right). */
export function subtreeHash(set: Entry[], depth: number): Uint8Array {
  if (set.length === 0) return EMPTY;
  if (set.length === 1) return sha256(LEAF, set[0]!.keyHash, set[0]!.valueHash);
  const left = set.filter((e) => bit(e.keyHash, depth) === 0);
  const right = set.filter((e) => bit(e.keyHash, depth) === 1);
  return sha256(INNER, subtreeHash(left, depth + 1), subtreeHash(right, depth + 1));
}
