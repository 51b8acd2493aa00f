import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../runtime/worker.js';
import { SharedBatch, type SignatureCheck } from './verifyBatch.js';

export type { SignatureCheck } from './verifyBatch.js';

/** Worker threads for signature checks by default: every core but the one the chain's main thread uses. */
export function defaultVerifyThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

const startWorker = (): Worker => startSiblingWorker(import.meta.url, 'verifyWorker');

/** A worker holds the process open only while it has work (an idle pool never keeps a process alive). */
interface PoolWorker {
  thread: Worker;
  /** batches posted to it that it has not answered */
  busy: number;
}

interface Waiting {
  batch: SharedBatch;
  resolve: (ok: Uint8Array) => void;
  reject: (e: Error) => void;
}

/**
 * A pure function a worker runs on one buffer and answers with another: `name` exported by the module at URL
 * `module` (the worker imports it once). For work done ahead off the calling thread (see runTask).
 */
export interface WorkerTask {
  module: string;
  name: string;
}

type WorkerAnswer = { id: number; ran: number } | { id: number; output: Uint8Array } | { id: number; error: string };

export interface VerifierPoolOptions {
  /**
   * The calling thread takes chunks of a waiting batch itself, one per turn of its event loop (default true):
   * when the workers fall behind, the batch is done on every core and they finish together; when they keep
   * up, the caller finds nothing left to take.
   */
  shareWithCaller?: boolean;
}

/** Counters of the work done (figures and tests). */
export interface VerifierPoolStats {
  batches: number;
  checks: number;
  /** chunks the calling thread verified between its other events */
  callerChunks: number;
  /** chunks the worker threads verified */
  workerChunks: number;
}

/**
 * Signature verification on worker threads, so the chain's main thread (which executes and commits blocks)
 * does not spend its time on curve arithmetic. A batch goes to the workers as one shared buffer cut into ~1 ms
 * chunks that any thread claims atomically; the calling thread claims some too whenever it turns its event loop
 * with a batch still waiting (options.shareWithCaller). Results are only ever used to skip a verification the
 * ante would otherwise do (SigCache), never to accept a tx on their own.
 */
export class VerifierPool {
  private readonly workers: PoolWorker[] = [];
  /** batches not yet complete, oldest first (the caller helps the oldest, which its callers waited on longest) */
  private readonly waiting = new Map<number, Waiting>();
  private readonly tasks = new Map<number, { resolve: (output: Uint8Array) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;
  private helpScheduled = false;
  private readonly shareWithCaller: boolean;
  /** why the pool stopped working (a worker died): every later call fails at once instead of waiting forever */
  private broken: Error | null = null;
  readonly stats: VerifierPoolStats = { batches: 0, checks: 0, callerChunks: 0, workerChunks: 0 };

  constructor(readonly threads = defaultVerifyThreads(), options: VerifierPoolOptions = {}) {
    this.shareWithCaller = options.shareWithCaller ?? true;
    if (threads < 1 && !this.shareWithCaller) throw new RangeError('a verifier pool without workers must share with its caller');
    for (let i = 0; i < threads; i++) {
      const w: PoolWorker = { thread: startWorker(), busy: 0 };
      w.thread.on('message', (m: WorkerAnswer) => {
        this.release(w);
        if ('ran' in m) {
          this.stats.workerChunks += m.ran;
          const waiting = this.waiting.get(m.id);
          if (waiting) this.settle(m.id, waiting);
          return;
        }
        const task = this.tasks.get(m.id);
        this.tasks.delete(m.id);
        if ('output' in m) task?.resolve(m.output);
        else task?.reject(new Error(`worker task failed: ${m.error}`));
      });
      w.thread.on('error', (e) => this.fail(e));
      w.thread.on('exit', (code) => this.fail(new Error(`a signature worker exited (code ${code})`)));
      w.thread.unref();
      this.workers.push(w);
    }
  }

  /** One byte per check, 1 when the signature is valid. */
  verify(checks: readonly SignatureCheck[]): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('verifier pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    if (checks.length === 0) return Promise.resolve(new Uint8Array());
    const batch = SharedBatch.fromChecks(checks);
    const id = this.nextId++;
    this.stats.batches++;
    this.stats.checks += checks.length;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { batch, resolve, reject });
      // no more workers than chunks: a worker posted a batch with nothing left to claim only wakes up for nothing
      for (const w of this.workers.slice(0, batch.message.chunks)) {
        if (w.busy++ === 0) w.thread.ref();
        w.thread.postMessage({ id, batch: batch.message });
      }
      this.scheduleHelp();
    });
  }

  /**
   * Runs `task` on `input` in the least busy worker, after what that worker was given before (signature
   * batches first). The input's buffer is handed over (unusable here afterwards). Fails like verify when
   * the pool is closed or broken, and when it has no worker threads.
   */
  runTask(task: WorkerTask, input: Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('verifier pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    if (this.workers.length === 0) return Promise.reject(new Error('verifier pool has no worker threads'));
    const w = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.tasks.set(id, { resolve, reject });
      if (w.busy++ === 0) w.thread.ref();
      w.thread.postMessage({ id, task: { module: task.module, name: task.name }, input }, [input.buffer as ArrayBuffer]);
    });
  }

  /** Resolves a batch whose every result is written (by whichever threads ran its chunks). */
  private settle(id: number, waiting: Waiting): void {
    if (!waiting.batch.done()) return;
    this.waiting.delete(id);
    waiting.resolve(waiting.batch.results.slice()); // a copy: the shared buffer is dropped with the batch
  }

  private scheduleHelp(): void {
    if (!this.shareWithCaller || this.helpScheduled) return;
    this.helpScheduled = true;
    setImmediate(() => this.help());
  }

  /** One chunk of the oldest batch with chunks left, then the event loop turns before the next one. */
  private help(): void {
    this.helpScheduled = false;
    if (this.closed || this.broken) return;
    for (const [id, waiting] of this.waiting) {
      const chunk = waiting.batch.claim();
      if (chunk < 0) continue;
      waiting.batch.run(chunk);
      this.stats.callerChunks++;
      this.settle(id, waiting);
      this.scheduleHelp();
      return;
    }
  }

  private release(worker: PoolWorker): void {
    if (worker.busy > 0 && --worker.busy === 0) worker.thread.unref();
  }

  /** A worker died: this pool is done; callers verify on their own thread (TxPreVerifier catches the error). */
  private fail(e: Error): void {
    if (this.closed || this.broken) return;
    this.broken = e;
    this.failAll(e);
  }

  private failAll(e: Error): void {
    for (const w of this.workers) {
      w.busy = 0;
      w.thread.unref();
    }
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
    for (const t of this.tasks.values()) t.reject(e);
    this.tasks.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('verifier pool closed'));
    await Promise.all(this.workers.map((w) => w.thread.terminate()));
  }
}
