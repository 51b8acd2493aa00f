import { VECTOR_LIMITS, VectorMetric, type VectorCollectionInfo, type VectorCollections, type VectorHit } from '../../../vm/index.js';
import { readU64be, u64be } from '../../store/buckets.js';
import { concatBytes, type KVStore } from '../../store/kv.js';
import { ErrWrongDimension } from '../../vectorIndex/errors.js';
import { exactSearchList, type IdVector } from '../../vectorIndex/exact.js';

const META = 0x00;
const VECTOR = 0x01;
const META_BYTES = 12;

/**
 * A contract's vector collections (capability `vivian_vector`) in a store already narrowed to that contract's
 * vector key space, which is part of the state (so of the app hash) and is written through the tx's branch
 * (so a failed call leaves nothing). Layout, with c = u8(name length) ++ name:
 *   c ++ 0x00                -> uint32be(dimension) ++ uint64be(count)   (absent: the collection is empty)
 *   c ++ 0x01 ++ uint64be(id) -> the vector's int8 components
 * A collection's dimension is fixed by its first insert and forgotten when its last vector is removed.
 * Search is an exact scan in id order: integer dot product or minus the squared L2 distance, ties to the
 * smaller id, so every node gives the same answer (the VM checked the arguments and charged for the scan).
 */
export class ContractVectorCollections implements VectorCollections {
  constructor(private readonly store: KVStore) {}

  info(collection: Uint8Array): VectorCollectionInfo | undefined {
    const meta = this.store.get(metaKey(collection));
    if (!meta) return undefined;
    const view = new DataView(meta.buffer, meta.byteOffset, meta.byteLength);
    return { dimension: view.getUint32(0), count: Number(readU64be(meta, 4)) };
  }

  insert(collection: Uint8Array, id: bigint, vector: Int8Array): boolean {
    const info = this.info(collection);
    const dimension = info?.dimension ?? vector.length;
    if (vector.length !== dimension || dimension < 1 || dimension > VECTOR_LIMITS.maxDimension) {
      throw ErrWrongDimension(`vector of ${vector.length} components for a collection of dimension ${dimension}`);
    }
    const key = vectorKey(collection, id);
    const replaced = this.store.get(key) !== undefined;
    this.store.set(key, new Uint8Array(vector.buffer, vector.byteOffset, vector.length).slice());
    if (!replaced) this.setMeta(collection, dimension, (info?.count ?? 0) + 1);
    return replaced;
  }

  remove(collection: Uint8Array, id: bigint): boolean {
    const info = this.info(collection);
    const key = vectorKey(collection, id);
    if (!info || this.store.get(key) === undefined) return false;
    this.store.delete(key);
    this.setMeta(collection, info.dimension, info.count - 1);
    return true;
  }

  search(collection: Uint8Array, query: Int8Array, k: number, metric: VectorMetric): VectorHit[] {
    const info = this.info(collection);
    if (!info) return [];
    if (query.length !== info.dimension) {
      throw ErrWrongDimension(`query of ${query.length} components for a collection of dimension ${info.dimension}`);
    }
    // Keys ascend with ids, so scan positions rank ties exactly as ids do: the top-k runs on positions.
    const ids: bigint[] = [];
    const hits = exactSearchList(query, this.scan(collection, ids), k, metric === VectorMetric.L2 ? 'l2' : 'dot');
    return hits.map((h) => ({ id: ids[h.id]!, score: h.score }));
  }

  /** Every vector of the collection in id order, numbered by position; records each id in `ids`. */
  private *scan(collection: Uint8Array, ids: bigint[]): Generator<IdVector> {
    const start = concatBytes(collectionKey(collection), Uint8Array.of(VECTOR));
    const end = concatBytes(collectionKey(collection), Uint8Array.of(VECTOR + 1));
    for (const [key, value] of this.store.iterate(start, end)) {
      ids.push(readU64be(key, start.length));
      yield { id: ids.length - 1, vector: new Int8Array(value.buffer, value.byteOffset, value.length) };
    }
  }

  private setMeta(collection: Uint8Array, dimension: number, count: number): void {
    if (count === 0) {
      this.store.delete(metaKey(collection));
      return;
    }
    const meta = new Uint8Array(META_BYTES);
    new DataView(meta.buffer).setUint32(0, dimension);
    meta.set(u64be(BigInt(count)), 4);
    this.store.set(metaKey(collection), meta);
  }
}

function collectionKey(name: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(name.length), name);
}

function metaKey(name: Uint8Array): Uint8Array {
  return concatBytes(collectionKey(name), Uint8Array.of(META));
}

function vectorKey(name: Uint8Array, id: bigint): Uint8Array {
  return concatBytes(collectionKey(name), Uint8Array.of(VECTOR), u64be(id));
}
