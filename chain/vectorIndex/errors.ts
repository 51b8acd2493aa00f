import { registerError } from '../types/errors.js';

/**
 * Errors of the vector index, codespace "vector". Codes are consensus data once a tx can fail with them
 * (a wrong-size embedding refuses the tx at CheckTx), so they are listed here once and never renumbered.
 */
export const VECTOR_CODESPACE = 'vector';

/** A vector whose length is not the chain's embedding dimension. */
export const ErrWrongDimension = registerError(VECTOR_CODESPACE, 1, 'vector has the wrong dimension');
/** A component that is not an integer in -128..127 (NaN, fraction, out of range). */
export const ErrInvalidVector = registerError(VECTOR_CODESPACE, 2, 'vector components must be integers in -128..127');
/** k outside 1..MAX_K. */
export const ErrInvalidK = registerError(VECTOR_CODESPACE, 3, 'k must be an integer in 1..1000');
/** The `/vivian.vector.v1.Embedding` extension option is not valid protobuf of that message. */
export const ErrMalformedEmbedding = registerError(VECTOR_CODESPACE, 4, 'malformed /vivian.vector.v1.Embedding');
/** Ids (tx versions) must be safe non-negative integers inserted in strictly increasing order. */
export const ErrInvalidId = registerError(VECTOR_CODESPACE, 5, 'invalid vector id');
/** Index parameters out of range (dimension, M, ef). */
export const ErrInvalidParams = registerError(VECTOR_CODESPACE, 6, 'invalid vector index parameters');
/** An index file that is truncated, corrupt or was written with other parameters: rebuild it from the store. */
export const ErrIndexFile = registerError(VECTOR_CODESPACE, 7, 'vector index file unusable; rebuild it from the store');
