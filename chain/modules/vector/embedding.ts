import type { Any } from 'cosmjs-types/google/protobuf/any';
import type { DecodedTx } from '../../codec/tx.js';
import { defaultEmbedding } from '../../vectorIndex/embedding.js';
import { EMBEDDING_TYPE_URL, decodeEmbeddingOption, type EmbeddingOption } from '../../vectorIndex/embeddingOption.js';
import { ErrMalformedEmbedding } from '../../vectorIndex/errors.js';
import type { Vector } from '../../vectorIndex/vector.js';
import { txFeatures } from './features.js';
import { MAX_MODEL_NAME } from './params.js';

/**
 * The `/vivian.vector.v1.Embedding` option a tx carries, checked: at most one, valid protobuf, exactly
 * `dimension` values, a model name of at most MAX_MODEL_NAME characters. Undefined when it carries none.
 * Throws a `vector` error naming what is wrong (the tx is refused at CheckTx and fails at DeliverTx).
 */
export function carriedEmbedding(tx: Pick<DecodedTx, 'nonCriticalExtensionOptions'>, dimension: number): EmbeddingOption | undefined {
  let found: Any | undefined;
  for (const opt of tx.nonCriticalExtensionOptions) {
    if (opt.typeUrl !== EMBEDDING_TYPE_URL) continue;
    if (found) throw ErrMalformedEmbedding(`a tx may carry one ${EMBEDDING_TYPE_URL} option, this one carries more`);
    found = opt;
  }
  if (!found) return undefined;
  const option = decodeEmbeddingOption(found.value, dimension);
  if (option.model.length > MAX_MODEL_NAME) {
    throw ErrMalformedEmbedding(`model name is ${option.model.length} characters, at most ${MAX_MODEL_NAME} are allowed`);
  }
  return option;
}

/** Whether the tx carries an embedding option at all (a cheap test before reading the params). */
export function carriesEmbedding(tx: Pick<DecodedTx, 'nonCriticalExtensionOptions'>): boolean {
  return tx.nonCriticalExtensionOptions.some((o) => o.typeUrl === EMBEDDING_TYPE_URL);
}

/**
 * The embedding a committed tx gets: the one it carries when that is valid, else the default embedding
 * of its content (a tx refused for a bad option still takes a version, and gets the default).
 */
export function txEmbedding(tx: Pick<DecodedTx, 'nonCriticalExtensionOptions' | 'messages' | 'memo'>, dimension: number, decodeOther?: (msg: Any) => unknown): Vector {
  if (carriesEmbedding(tx)) {
    try {
      const carried = carriedEmbedding(tx, dimension);
      if (carried) return carried.values;
    } catch {
      // falls through to the default
    }
  }
  return defaultEmbedding(txFeatures(tx, decodeOther), dimension);
}
