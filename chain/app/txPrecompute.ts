import { decodeTx } from '../codec/tx.js';
import { txEmbedding } from '../modules/vector/embedding.js';

/**
 * Per-tx values that are pure functions of a tx's bytes, computed ahead of block execution on a worker thread
 * (the VerifierPool's, after the signatures) so that DeliverTx on the main thread finds them ready. The worker
 * runs the same code the main thread would, on the same bytes; a value is only ever used in place of that very
 * computation (same bytes, same inputs), and anything missing or computed for other inputs is computed in
 * place as before. Node-local: nothing here changes what a block computes.
 */

/** Embeddings by the identity of the tx bytes they were computed from (the mempool hands a block the same array). */
const embeddings = new WeakMap<Uint8Array, { dimension: number; vector: Int8Array }>();

/** The embedding computed ahead for these tx bytes at this dimension, if any. */
export function precomputedEmbedding(txBytes: Uint8Array, dimension: number): Int8Array | undefined {
  const e = embeddings.get(txBytes);
  return e !== undefined && e.dimension === dimension ? e.vector : undefined;
}

/**
 * The vector module's embedding of a tx from its bytes alone (what `embedTx` computes), or undefined when the
 * bytes do not decode or a message needs the app's router to be decoded (the worker has none).
 */
export function embedTxBytes(txBytes: Uint8Array, dimension: number): Int8Array | undefined {
  let tx;
  try {
    tx = decodeTx(txBytes, Number.MAX_SAFE_INTEGER);
  } catch {
    return undefined;
  }
  let needsRouter = false;
  const vector = txEmbedding(tx, dimension, () => {
    needsRouter = true;
    return undefined;
  });
  return needsRouter ? undefined : vector;
}

/**
 * The embeddings of a batch of txs as one worker task (VerifierPool.runTask): the input and output are single
 * buffers so they cross threads as one transfer.
 * Input: u32le dimension, then per tx u32le length and the bytes. Output: per tx one status byte (1 = computed)
 * and `dimension` bytes.
 */
export const EMBEDDING_TASK = { module: import.meta.url, name: 'embedPacked' } as const;

export function packEmbeddingJobs(dimension: number, txs: readonly Uint8Array[]): Uint8Array {
  let size = 4;
  for (const tx of txs) size += 4 + tx.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, dimension, true);
  let at = 4;
  for (const tx of txs) {
    view.setUint32(at, tx.length, true);
    out.set(tx, at + 4);
    at += 4 + tx.length;
  }
  return out;
}

/** Worker side of EMBEDDING_TASK. */
export function embedPacked(input: Uint8Array): Uint8Array {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const dimension = view.getUint32(0, true);
  const vectors: (Int8Array | undefined)[] = [];
  for (let at = 4; at < input.length; ) {
    const length = view.getUint32(at, true);
    vectors.push(embedTxBytes(input.subarray(at + 4, at + 4 + length), dimension));
    at += 4 + length;
  }
  const out = new Uint8Array(vectors.length * (1 + dimension));
  vectors.forEach((v, i) => {
    if (v === undefined || v.length !== dimension) return;
    out[i * (1 + dimension)] = 1;
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), i * (1 + dimension) + 1);
  });
  return out;
}

/** Records what EMBEDDING_TASK computed for `txs` (the arrays it was given, in order). */
export function rememberEmbeddings(dimension: number, txs: readonly Uint8Array[], output: Uint8Array): void {
  if (output.length !== txs.length * (1 + dimension)) return; // not an answer to this task: keep nothing
  txs.forEach((tx, i) => {
    const at = i * (1 + dimension);
    if (output[at] !== 1) return;
    // a buffer of its own, as txEmbedding's vectors have (a consumer may hand it over to another thread)
    const vector = new Int8Array(output.buffer.slice(output.byteOffset + at + 1, output.byteOffset + at + 1 + dimension));
    embeddings.set(tx, { dimension, vector });
  });
}
