import type { VivianApp } from '../app/application.js';
import type { PendingSignature } from '../app/preVerify.js';
import { EMBEDDING_TASK, packEmbeddingJobs, rememberEmbeddings } from '../app/txPrecompute.js';
import type { VerifierPool } from '../crypto/verifierPool.js';

interface Batch {
  txs: Uint8Array[];
  sigs: PendingSignature[];
  done: Promise<void>;
  /** resolves `done` */
  verified: () => void;
}

/**
 * A batch is sent once this many signatures wait, without waiting for the turn of the event loop to end: the
 * workers start on the first txs of a burst while the rest are still being read, and CheckTx of those can run
 * while the workers verify the next ones.
 */
export const MAX_BATCH_SIGNATURES = 512;

/**
 * Verifies the signatures of incoming txs on worker threads before CheckTx runs, batching what arrives in
 * the same turn of the event loop. Valid signatures go into the app's SigCache, so CheckTx (on the main
 * thread, where blocks execute) skips the curve arithmetic; an invalid one is simply not cached and CheckTx
 * verifies it itself and refuses the tx with its usual error. Never rejects.
 *
 * When the workers kept up with the previous batch on their own (the main thread took none of its chunks), they
 * also compute the batch's tx embeddings after its signatures, so that DeliverTx finds them ready
 * (chain/app/txPrecompute.ts); nothing waits for those, and a tx whose embedding is not ready computes it in place.
 */
export class TxPreVerifier {
  private batch: Batch | null = null;
  private workersKeptUp = true;
  /** batches whose embeddings were given to the workers, and batches verified (figures and tests) */
  readonly stats = { batches: 0, embeddingBatches: 0 };

  constructor(
    private readonly app: VivianApp,
    private readonly pool: VerifierPool,
    private readonly options: { precomputeEmbeddings?: boolean; maxBatchSignatures?: number } = {},
  ) {}

  preVerify(tx: Uint8Array): Promise<void> {
    const sigs = this.app.pendingSignatures(tx);
    if (sigs.length === 0) return Promise.resolve();
    let batch = this.batch;
    if (!batch) {
      let verified = () => {};
      const done = new Promise<void>((resolve) => (verified = resolve));
      const b: Batch = { txs: [], sigs: [], done, verified };
      setImmediate(() => this.send(b));
      batch = this.batch = b;
    }
    batch.txs.push(tx);
    batch.sigs.push(...sigs);
    if (batch.sigs.length >= (this.options.maxBatchSignatures ?? MAX_BATCH_SIGNATURES)) this.send(batch);
    return batch.done;
  }

  /** Sends a batch to the pool (once: at the end of its turn of the event loop, or when it is full). */
  private send(batch: Batch): void {
    if (this.batch !== batch) return;
    this.batch = null;
    void this.flush(batch).then(batch.verified);
  }

  private async flush(batch: Batch): Promise<void> {
    this.stats.batches++;
    const callerChunks = this.pool.stats.callerChunks;
    const verified = this.pool.verify(batch.sigs);
    // posted after the signatures: a worker takes them once the batch's chunks are all out
    if (this.workersKeptUp && (this.options.precomputeEmbeddings ?? true)) this.precomputeEmbeddings(batch.txs);
    try {
      const ok = await verified;
      this.app.markVerified(batch.sigs.filter((_, i) => ok[i] === 1));
    } catch {
      // a pool that failed or closed: CheckTx verifies on the main thread as it always can
    }
    this.workersKeptUp = this.pool.stats.callerChunks === callerChunks;
  }

  private precomputeEmbeddings(txs: Uint8Array[]): void {
    let dimension: number | undefined;
    try {
      dimension = this.app.embeddingDimension();
    } catch {
      return; // e.g. the node is stopping: nothing is computed ahead
    }
    if (dimension === undefined || this.pool.threads < 1) return;
    this.stats.embeddingBatches++;
    this.pool.runTask(EMBEDDING_TASK, packEmbeddingJobs(dimension, txs)).then(
      (output) => rememberEmbeddings(dimension, txs, output),
      () => {}, // computed in place when the block executes
    );
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
