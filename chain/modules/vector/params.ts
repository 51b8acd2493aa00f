import { BinaryReader, BinaryWriter } from 'cosmjs-types/binary';
import { DEFAULT_DIMENSION, MAX_DIMENSION } from '../../vectorIndex/vector.js';
import { ErrInvalidParams } from '../../vectorIndex/errors.js';

/** Fixed at genesis: every tx embedding, carried or computed, has `dimension` int8 components. */
export interface VectorParams {
  dimension: number;
}

export const DEFAULT_VECTOR_PARAMS: VectorParams = { dimension: DEFAULT_DIMENSION };

/** Longest `model` name an embedding option may carry (it is stored in the tx; a name, not a payload). */
export const MAX_MODEL_NAME = 128;

/** Stored as protobuf `{uint32 dimension = 1;}`. */
export function encodeVectorParams(p: VectorParams): Uint8Array {
  return new BinaryWriter().uint32(8).uint32(p.dimension).finish();
}

export function decodeVectorParams(bytes: Uint8Array): VectorParams {
  const r = new BinaryReader(bytes);
  let dimension = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 8) dimension = r.uint32();
    else r.skipType(tag & 7);
  }
  return { dimension };
}

export function vectorParamsToJson(p: VectorParams) {
  return { dimension: p.dimension };
}

/** Genesis `params` (absent fields take the defaults); refuses anything but an integer dimension in 1..MAX_DIMENSION. */
export function vectorParamsFromJson(j: unknown): VectorParams {
  if (j === undefined || j === null) return { ...DEFAULT_VECTOR_PARAMS };
  if (typeof j !== 'object' || Array.isArray(j)) throw ErrInvalidParams('genesis vector.params must be an object');
  const { dimension, ...rest } = j as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw ErrInvalidParams(`genesis vector.params has unknown field ${unknown.sort()[0]}`);
  if (dimension === undefined) return { ...DEFAULT_VECTOR_PARAMS };
  // JSON numbers or decimal strings (the Cosmos convention for integers)
  const n = typeof dimension === 'string' && /^[0-9]{1,6}$/.test(dimension) ? Number(dimension) : dimension;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_DIMENSION) {
    throw ErrInvalidParams(`genesis vector.params.dimension must be an integer in 1..${MAX_DIMENSION}, got ${JSON.stringify(dimension)}`);
  }
  return { dimension: n };
}
