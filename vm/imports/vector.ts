import type { Signature } from '../abi.js';
import type { CallContext } from '../context.js';
import { VmError, VmErrorCode } from '../errors.js';
import { VectorMetric, type VectorCollections, type VectorHit } from '../host.js';
import { linearCost } from '../gas.js';

/** The capability a contract declares (export `requires_vivian_vector`) to use the imports below. */
export const VECTOR_CAPABILITY = 'vivian_vector';

/**
 * The vector collection imports, module `env`. Pointers are Regions; ids are u64; a collection name is bytes.
 * Only contracts that declare the capability may import them (checked at upload).
 */
export const VECTOR_IMPORTS: Readonly<Record<string, Signature>> = Object.freeze({
  vivian_vector_insert: 'i32,i64,i32->i32',
  vivian_vector_remove: 'i32,i64->i32',
  vivian_vector_search: 'i32,i32,i32,i32->i64',
  vivian_vector_count: 'i32->i64',
  vivian_vector_dimension: 'i32->i32',
});

export const VECTOR_LIMITS = Object.freeze({
  /** Components of one vector (int8 each). */
  maxDimension: 4096,
  /** Bytes of a collection name. */
  maxCollectionName: 64,
  /** Results of one search. */
  maxK: 1000,
});

/** Result codes of the vector imports (for search: the high half of its u64). */
export enum VectorCode {
  /** insert: a new id; remove: removed; search: results follow */
  Ok = 0,
  /** insert: the id existed, its vector was replaced */
  Replaced = 1,
  /** remove: no vector with this id */
  NotFound = 2,
  /** the vector or query does not have the collection's dimension */
  WrongDimension = 3,
  /** a vector or query with no components */
  EmptyVector = 4,
  /** k is 0 or above VECTOR_LIMITS.maxK */
  InvalidK = 5,
  /** the metric is neither 1 (dot) nor 2 (l2) */
  InvalidMetric = 6,
  /** an empty collection name */
  InvalidCollection = 7,
}

/** Bytes per search result: id u64 and score i64, both little-endian. */
export const VECTOR_HIT_BYTES = 16;

/** The search result Region's bytes. */
export function encodeVectorHits(hits: readonly VectorHit[]): Uint8Array {
  const out = new Uint8Array(hits.length * VECTOR_HIT_BYTES);
  const view = new DataView(out.buffer);
  hits.forEach((h, i) => {
    view.setBigUint64(i * VECTOR_HIT_BYTES, h.id, true);
    view.setBigInt64(i * VECTOR_HIT_BYTES + 8, BigInt(h.score), true);
  });
  return out;
}

/** Inverse of `encodeVectorHits` (for embedders and tests). */
export function decodeVectorHits(bytes: Uint8Array): VectorHit[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hits: VectorHit[] = [];
  for (let o = 0; o + VECTOR_HIT_BYTES <= bytes.length; o += VECTOR_HIT_BYTES) {
    hits.push({ id: view.getBigUint64(o, true), score: Number(view.getBigInt64(o + 8, true)) });
  }
  return hits;
}

const searchError = (code: VectorCode) => BigInt(code) << 32n;

/**
 * The vector imports bound to one call. Gas: the host call, the Regions read and written, and the schedule's
 * vector figures, charged before the host does the work (a search is charged for every stored vector it will
 * compare, so one that cannot pay never starts). Contract mistakes come back as result codes; sizes beyond
 * the limits and writes in a query fail the call as other imports do.
 */
export function createVectorImports(ctx: CallContext): Record<keyof typeof VECTOR_IMPORTS, (...args: never[]) => unknown> {
  const s = ctx.schedule;
  const vectors = (): VectorCollections => {
    const v = ctx.host.vectors;
    if (!v) throw new VmError(VmErrorCode.UnavailableCapability, `this chain offers no vector collections (capability ${VECTOR_CAPABILITY})`);
    return v;
  };
  const enter = () => ctx.charge(s.hostCall);
  const denyWrite = (what: string) => {
    if (ctx.readOnly) throw new VmError(VmErrorCode.WriteAccessDenied, `${what} is not allowed in a read-only call (query)`);
  };
  const collectionName = (ptr: number) => ctx.readRegion(ptr, VECTOR_LIMITS.maxCollectionName, 'vector collection name');
  const vector = (ptr: number, what: string) => {
    const bytes = ctx.readRegion(ptr, VECTOR_LIMITS.maxDimension, what);
    return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  };

  return {
    vivian_vector_insert(collectionPtr: number, id: bigint, vectorPtr: number) {
      enter();
      denyWrite('vivian_vector_insert');
      const name = collectionName(collectionPtr);
      const v = vector(vectorPtr, 'vector');
      if (name.length === 0) return VectorCode.InvalidCollection;
      if (v.length === 0) return VectorCode.EmptyVector;
      const host = vectors();
      const info = host.info(name);
      if (info && info.dimension !== v.length) return VectorCode.WrongDimension;
      ctx.charge(linearCost(s.vectorInsert, v.length));
      return host.insert(name, BigInt.asUintN(64, id), v) ? VectorCode.Replaced : VectorCode.Ok;
    },
    vivian_vector_remove(collectionPtr: number, id: bigint) {
      enter();
      denyWrite('vivian_vector_remove');
      const name = collectionName(collectionPtr);
      if (name.length === 0) return VectorCode.InvalidCollection;
      ctx.charge(s.vectorRemove);
      return vectors().remove(name, BigInt.asUintN(64, id)) ? VectorCode.Ok : VectorCode.NotFound;
    },
    vivian_vector_search(collectionPtr: number, queryPtr: number, k: number, metric: number) {
      enter();
      const name = collectionName(collectionPtr);
      const query = vector(queryPtr, 'vector query');
      if (name.length === 0) return searchError(VectorCode.InvalidCollection);
      if (query.length === 0) return searchError(VectorCode.EmptyVector);
      const kk = k >>> 0;
      if (kk === 0 || kk > VECTOR_LIMITS.maxK) return searchError(VectorCode.InvalidK);
      if (metric !== VectorMetric.Dot && metric !== VectorMetric.L2) return searchError(VectorCode.InvalidMetric);
      const host = vectors();
      const info = host.info(name);
      if (info && info.dimension !== query.length) return searchError(VectorCode.WrongDimension);
      let hits: VectorHit[] = [];
      if (info) {
        ctx.charge(BigInt(info.count) * BigInt(linearCost(s.vectorCompare, info.dimension)));
        hits = host.search(name, query, kk, metric);
      }
      return BigInt(ctx.writeToContract(encodeVectorHits(hits)));
    },
    vivian_vector_count(collectionPtr: number) {
      enter();
      return BigInt(vectors().info(collectionName(collectionPtr))?.count ?? 0);
    },
    vivian_vector_dimension(collectionPtr: number) {
      enter();
      return vectors().info(collectionName(collectionPtr))?.dimension ?? 0;
    },
  };
}
