import { BinaryReader, BinaryWriter } from 'cosmjs-types/binary';
import { ErrMalformedEmbedding, ErrWrongDimension } from './errors.js';
import { vectorBytes, type Vector } from './vector.js';

/** Type URL of the non-critical tx extension option that carries a client-computed embedding. */
export const EMBEDDING_TYPE_URL = '/vivian.vector.v1.Embedding';

/** `message Embedding { string model = 1; bytes values = 2; }` — values: one int8 per dimension. */
export interface EmbeddingOption {
  /** Free-form name of the model that produced the vector (informational; never interpreted). */
  model: string;
  values: Vector;
}

export function encodeEmbeddingOption(opt: EmbeddingOption): Uint8Array {
  const w = new BinaryWriter();
  if (opt.model !== '') w.uint32(10).string(opt.model);
  if (opt.values.length > 0) w.uint32(18).bytes(vectorBytes(opt.values));
  return w.finish();
}

/**
 * Decodes the option's `value` bytes and checks the vector has `dimension` components. Unknown fields
 * are skipped (forward compatibility, as protobuf requires); a repeated field keeps its last value.
 */
export function decodeEmbeddingOption(bytes: Uint8Array, dimension: number): EmbeddingOption {
  let model = '';
  let values: Uint8Array = new Uint8Array(0);
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const tag = r.uint32();
      const wireType = tag & 7;
      switch (tag >>> 3) {
        case 1:
          if (wireType !== 2) throw new Error(`field model has wire type ${wireType}`);
          model = r.string();
          break;
        case 2:
          if (wireType !== 2) throw new Error(`field values has wire type ${wireType}`);
          values = r.bytes();
          break;
        default:
          r.skipType(wireType);
      }
    }
    if (r.pos !== r.len) throw new Error('trailing bytes');
  } catch (e) {
    throw ErrMalformedEmbedding((e as Error).message);
  }
  if (values.length !== dimension) {
    throw ErrWrongDimension(
      `${EMBEDDING_TYPE_URL} has ${values.length} values, the chain's embedding dimension is ${dimension}`,
    );
  }
  const vec = new Int8Array(dimension);
  vec.set(new Int8Array(values.buffer, values.byteOffset, values.length));
  return { model, values: vec };
}
