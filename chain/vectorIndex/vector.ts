import { ErrInvalidId, ErrInvalidK, ErrInvalidParams, ErrInvalidVector, ErrWrongDimension } from './errors.js';

/** Embedding dimension when genesis does not set `dimension`. */
export const DEFAULT_DIMENSION = 256;
/** Largest dimension the index accepts (keeps scratch buffers and int32 sums bounded). */
export const MAX_DIMENSION = 4096;
/** Largest k a search may ask for. */
export const MAX_K = 1000;

/** An embedding: one signed byte per dimension. */
export type Vector = Int8Array;

/** Throws unless `dimension` is an integer in 1..MAX_DIMENSION. */
export function checkDimension(dimension: number): void {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_DIMENSION) {
    throw ErrInvalidParams(`dimension ${dimension} is not an integer in 1..${MAX_DIMENSION}`);
  }
}

/** Throws unless `vec` has exactly `dimension` components. */
export function checkVector(vec: Int8Array, dimension: number): void {
  if (!(vec instanceof Int8Array)) throw ErrInvalidVector('expected an Int8Array');
  if (vec.length !== dimension) {
    throw ErrWrongDimension(`got ${vec.length} components, the index has dimension ${dimension}`);
  }
}

/**
 * A vector from untrusted input: raw int8 bytes (e.g. decoded base64) or a list of numbers (e.g. JSON).
 * Every number must be an integer in -128..127; NaN, fractions and out-of-range values are refused.
 */
export function toVector(input: Uint8Array | Int8Array | ArrayLike<unknown>, dimension: number): Vector {
  if (input instanceof Int8Array) {
    checkVector(input, dimension);
    return input;
  }
  if (input instanceof Uint8Array) {
    if (input.length !== dimension) {
      throw ErrWrongDimension(`got ${input.length} bytes, the index has dimension ${dimension}`);
    }
    return new Int8Array(input.buffer.slice(input.byteOffset, input.byteOffset + input.length));
  }
  if (input.length !== dimension) {
    throw ErrWrongDimension(`got ${input.length} components, the index has dimension ${dimension}`);
  }
  const out = new Int8Array(dimension);
  for (let i = 0; i < dimension; i++) {
    const v = input[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -128 || v > 127) {
      throw ErrInvalidVector(`component ${i} is ${String(v)}`);
    }
    out[i] = v;
  }
  return out;
}

/** The bytes of a vector (its storage and wire form: base64 of these in JSON). */
export function vectorBytes(vec: Vector): Uint8Array {
  return new Uint8Array(vec.buffer, vec.byteOffset, vec.length);
}

/** Throws unless k is an integer in 1..MAX_K. */
export function checkK(k: number): void {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw ErrInvalidK(`k is ${String(k)}`);
  }
}

/** Throws unless `id` can be a tx version held as a JS number. */
export function checkId(id: number): void {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw ErrInvalidId(`id ${String(id)} is not a non-negative safe integer`);
  }
}

/** Integer dot product (exact: |sum| <= 128 * 128 * MAX_DIMENSION < 2^31). */
export function dotInt8(a: Vector, b: Vector): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Squared Euclidean distance, integer and exact. */
export function l2Int8(a: Vector, b: Vector): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}
