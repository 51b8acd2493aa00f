import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../runtime/worker.js';
import { packChecks, type SignatureCheck } from './verifyBatch.js';

export type { SignatureCheck } from './verifyBatch.js';

/** Worker threads for signature checks by default: every core but the one the chain's main thread uses. */
export function defaultVerifyThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

const startWorker = (): Worker => startSiblingWorker(import.meta.url, 'verifyWorker');

interface Waiting {
  worker: PoolWorker;
  resolve: (ok: Uint8Array) => void;
  reject: (e: Error) => void;
}

/** A worker holds the process open only while it has work (an idle pool never keeps a process alive). */
interface PoolWorker {
  thread: Worker;
  busy: number;
}

/**
 * Signature verification on worker threads, so the chain's main thread (which executes and commits blocks)
 * does not spend its time on curve arithmetic. A batch is split evenly over the workers. Results are only
 * ever used to skip a verification the ante would otherwise do (SigCache), never to accept a tx on their own.
 */
export class VerifierPool {
  private readonly workers: PoolWorker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private closed = false;
  /** why the pool stopped working (a worker died): every later call fails at once instead of waiting forever */
  private broken: Error | null = null;

  constructor(readonly threads = defaultVerifyThreads()) {
    for (let i = 0; i < threads; i++) {
      const w: PoolWorker = { thread: startWorker(), busy: 0 };
      w.thread.on('message', ({ id, ok }: { id: number; ok: Uint8Array }) => {
        const waiting = this.waiting.get(id);
        if (!waiting) return;
        this.waiting.delete(id);
        this.release(waiting.worker);
        waiting.resolve(ok);
      });
      w.thread.on('error', (e) => this.fail(e));
      w.thread.on('exit', (code) => this.fail(new Error(`a signature worker exited (code ${code})`)));
      w.thread.unref();
      this.workers.push(w);
    }
  }

  /** One byte per check, 1 when the signature is valid. */
  async verify(checks: readonly SignatureCheck[]): Promise<Uint8Array> {
    if (this.closed) throw new Error('verifier pool is closed');
    if (this.broken) throw this.broken;
    if (checks.length === 0) return new Uint8Array();
    const parts = Math.min(this.workers.length, checks.length);
    const per = Math.ceil(checks.length / parts);
    const results = await Promise.all(
      Array.from({ length: parts }, (_, i) => this.send(this.workers[i]!, checks.slice(i * per, (i + 1) * per))),
    );
    const out = new Uint8Array(checks.length);
    results.forEach((r, i) => out.set(r, i * per));
    return out;
  }

  private send(worker: PoolWorker, checks: readonly SignatureCheck[]): Promise<Uint8Array> {
    const id = this.nextId++;
    const packed = packChecks(checks);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { worker, resolve, reject });
      if (worker.busy++ === 0) worker.thread.ref();
      worker.thread.postMessage({ id, packed }, [packed.buffer as ArrayBuffer]);
    });
  }

  private release(worker: PoolWorker): void {
    if (--worker.busy === 0) worker.thread.unref();
  }

  /** A worker died: this pool is done; callers verify on their own thread (TxPreVerifier catches the error). */
  private fail(e: Error): void {
    if (this.closed || this.broken) return;
    this.broken = e;
    this.failAll(e);
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.values()) {
      this.release(w.worker);
      w.reject(e);
    }
    this.waiting.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('verifier pool closed'));
    await Promise.all(this.workers.map((w) => w.thread.terminate()));
  }
}
