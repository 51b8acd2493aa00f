import type { VivianApp } from '../app/application.js';
import type { PendingSignature } from '../app/preVerify.js';
import { VerifierPool } from '../crypto/verifierPool.js';

/**
 * Verifies the signatures of incoming txs on worker threads before CheckTx runs, batching what arrives in
 * the same turn of the event loop. Valid signatures go into the app's SigCache, so CheckTx (on the main
 * thread, where blocks execute) skips the curve arithmetic; an invalid one is simply not cached and CheckTx
 * verifies it itself and refuses the tx with its usual error. Never rejects.
 */
export class TxPreVerifier {
  private batch: { sigs: PendingSignature[]; done: Promise<void> } | null = null;

  constructor(
    private readonly app: VivianApp,
    private readonly pool: VerifierPool,
  ) {}

  preVerify(tx: Uint8Array): Promise<void> {
    const sigs = this.app.pendingSignatures(tx);
    if (sigs.length === 0) return Promise.resolve();
    if (!this.batch) {
      const batch = { sigs: [] as PendingSignature[], done: Promise.resolve() };
      batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush(batch.sigs));
      this.batch = batch;
    }
    this.batch.sigs.push(...sigs);
    return this.batch.done;
  }

  private async flush(sigs: PendingSignature[]): Promise<void> {
    this.batch = null;
    try {
      const ok = await this.pool.verify(sigs);
      this.app.markVerified(sigs.filter((_, i) => ok[i] === 1));
    } catch {
      // a pool that failed or closed: CheckTx verifies on the main thread as it always can
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
