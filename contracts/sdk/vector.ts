// Vector collections (capability vivian_vector): int8 vectors under u64 ids in named collections of the
// contract's own, searched exactly (integer dot product or squared L2, ties to the smaller id).
// A contract that uses them exports `requires_vivian_vector` (re-export it from here), or upload refuses it.
import { consumeRegion, regionOf, utf8 } from './region';
import { fail, Result } from './result';

@external("env", "vivian_vector_insert")
declare function vivian_vector_insert(collection: u32, id: u64, vector: u32): u32;
@external("env", "vivian_vector_remove")
declare function vivian_vector_remove(collection: u32, id: u64): u32;
@external("env", "vivian_vector_search")
declare function vivian_vector_search(collection: u32, query: u32, k: u32, metric: u32): u64;
@external("env", "vivian_vector_count")
declare function vivian_vector_count(collection: u32): u64;
@external("env", "vivian_vector_dimension")
declare function vivian_vector_dimension(collection: u32): u32;

/** Exported by a contract that uses vector collections: `export { requires_vivian_vector } from '../sdk/index'`. */
export function requires_vivian_vector(): void {}

/** Largest dimension, longest collection name (bytes) and largest k the chain accepts. */
export const MAX_VECTOR_DIMENSION: i32 = 4096;
export const MAX_COLLECTION_NAME: i32 = 64;
export const MAX_VECTOR_K: u32 = 1000;

/** Integer dot product, or minus the squared Euclidean distance: in both, a higher score is closer. */
export enum Metric { Dot = 1, L2 = 2 }

/** The host's result codes (vm/imports/vector.ts). */
export enum VectorCode {
  Ok = 0, Replaced = 1, NotFound = 2, WrongDimension = 3, EmptyVector = 4, InvalidK = 5, InvalidMetric = 6, InvalidCollection = 7,
}

export function vectorCodeMessage(code: u32): string {
  if (code == VectorCode.WrongDimension) return 'the vector does not have the collection\'s dimension';
  if (code == VectorCode.EmptyVector) return 'the vector is empty';
  if (code == VectorCode.InvalidK) return 'k must be in 1..' + MAX_VECTOR_K.toString();
  if (code == VectorCode.InvalidMetric) return 'unknown metric';
  if (code == VectorCode.InvalidCollection) return 'the collection name is empty';
  if (code == VectorCode.NotFound) return 'no vector with this id';
  return 'vector error ' + code.toString();
}

/** A search result: the id and its exact score. */
export class VectorHit {
  constructor(public id: u64, public score: i64) {}
}

function bytesOf(v: Int8Array): Uint8Array {
  return Uint8Array.wrap(v.buffer, v.byteOffset, v.length);
}

/**
 * A named collection. Its dimension is fixed by the first insert (and forgotten when the last vector goes);
 * every vector and query must have it.
 *   const docs = new VectorCollection('docs');
 *   docs.insert(7, vector);                       // Result<bool>: true when id 7 was replaced
 *   const top = docs.search(query, 5, Metric.Dot); // Result<VectorHit[]>, best first
 */
export class VectorCollection {
  private nameBytes: Uint8Array;

  constructor(public name: string) {
    this.nameBytes = utf8(name);
  }

  /** Stores `vector` under `id`; ok(true) when it replaced a vector, ok(false) when the id is new. */
  insert(id: u64, vector: Int8Array): Result<bool> {
    const check = this.checkSizes(vector, 'vector');
    if (check.isErr) return check;
    const code = vivian_vector_insert(<u32>regionOf(this.nameBytes), id, <u32>regionOf(bytesOf(vector)));
    if (code == VectorCode.Ok) return Result.ok<bool>(false);
    if (code == VectorCode.Replaced) return Result.ok<bool>(true);
    return fail<bool>(this.describe(code, vector.length));
  }

  /** Removes `id`; false when there was no such vector. */
  remove(id: u64): bool {
    return vivian_vector_remove(<u32>regionOf(this.nameBytes), id) == VectorCode.Ok;
  }

  /** The k nearest vectors to `query` (exact), best first, ties to the smaller id. Empty when the collection is. */
  search(query: Int8Array, k: u32, metric: Metric = Metric.Dot): Result<VectorHit[]> {
    const check = this.checkSizes(query, 'query');
    if (check.isErr) return check.cast<VectorHit[]>();
    const r = vivian_vector_search(<u32>regionOf(this.nameBytes), <u32>regionOf(bytesOf(query)), k, <u32>metric);
    const code = <u32>(r >> 32);
    if (code != VectorCode.Ok) return fail<VectorHit[]>(this.describe(code, query.length));
    const bytes = consumeRegion(<usize>(<u32>r));
    const hits = new Array<VectorHit>(bytes.length / 16);
    for (let i = 0; i < hits.length; i++) {
      const at = bytes.dataStart + <usize>(i * 16);
      hits[i] = new VectorHit(load<u64>(at), load<i64>(at, 8));
    }
    return Result.ok<VectorHit[]>(hits);
  }

  /** Vectors held. */
  count(): u64 {
    return vivian_vector_count(<u32>regionOf(this.nameBytes));
  }

  /** The collection's dimension; 0 while it is empty. */
  dimension(): u32 {
    return vivian_vector_dimension(<u32>regionOf(this.nameBytes));
  }

  // Sizes the host would refuse by failing the whole call are refused here as errors the contract can return.
  private checkSizes(v: Int8Array, what: string): Result<bool> {
    if (this.nameBytes.length == 0 || this.nameBytes.length > MAX_COLLECTION_NAME) {
      return fail<bool>('collection name must be 1..' + MAX_COLLECTION_NAME.toString() + ' bytes');
    }
    if (v.length > MAX_VECTOR_DIMENSION) {
      return fail<bool>(what + ' has ' + v.length.toString() + ' components, at most ' + MAX_VECTOR_DIMENSION.toString() + ' are allowed');
    }
    return Result.ok<bool>(true);
  }

  private describe(code: u32, length: i32): string {
    if (code == VectorCode.WrongDimension) {
      return 'collection ' + this.name + ' has dimension ' + this.dimension().toString() + ', got ' + length.toString() + ' components';
    }
    return 'collection ' + this.name + ': ' + vectorCodeMessage(code);
  }
}
