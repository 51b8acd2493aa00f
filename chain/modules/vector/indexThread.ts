import type { Worker } from 'node:worker_threads';
import { startSiblingWorker } from '../../runtime/worker.js';
import type { Hit } from '../../vectorIndex/index.js';
import type { FromWorker, HeldState, InsertMessage, OpenMessage, OpenReport, SearchMessage, ToWorker } from './indexProtocol.js';

/** Crashes tolerated before the graph is given up for this process (searches then scan the store). */
const MAX_RESTARTS = 3;
/** Searches waiting for the worker at most; more are refused until it answers (IndexBusyError). */
export const MAX_WAITING_SEARCHES = 1024;

/** Too many searches are waiting for the index worker: HTTP 503 through the API's error mapping. */
export class IndexBusyError extends Error {
  readonly statusCode = 503;
  constructor() {
    super(`the vector index has ${MAX_WAITING_SEARCHES} searches waiting; try again shortly`);
    this.name = 'IndexBusyError';
  }
}

const startWorker = (): Worker => startSiblingWorker(import.meta.url, 'indexWorker');

/** What the owner of the thread hears from it. */
export interface IndexThreadEvents {
  /** the (re)started worker loaded its file: it holds `state`; the owner sends what it lacks from state.upTo + 1 */
  loaded(state: HeldState, report?: OpenReport): void;
  /** an insert message was done */
  held(state: HeldState, report?: OpenReport): void;
  /** the worker died; `restarting` false when it was given up (every later search is answered with nothing held) */
  lost(restarting: boolean): void;
  log(line: string): void;
}

/** A search as the owner asks it; `candidates` ascending. */
export type SearchAsk = Omit<SearchMessage, 'type' | 'id' | 'candidates'> & { candidates?: number[] };
export interface SearchAnswer {
  hits: Hit[];
  /** the graph held every committed version <= upTo (-1: nothing) */
  upTo: number;
}

interface Waiting {
  ask: SearchAsk;
  resolve: (a: SearchAnswer) => void;
  reject: (e: Error) => void;
}

/**
 * The index worker thread: starts it, restarts it after a crash (re-sending the searches it had not answered),
 * and matches answers to searches. The thread keeps the process alive only while it is opening (catching up)
 * or something waits for it (a search, a flush, the close).
 */
export class IndexThread {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private crashes = 0;
  /** the worker holds every version committed when it opened (crashes before that count towards giving up) */
  private settled = false;
  private closing = false;
  /** owners waiting for the worker in other ways (flushes) */
  private holds = 0;
  private closedResolve: (() => void) | null = null;

  constructor(
    /** the open message for a (re)started worker, built when it starts (the committed ledger then) */
    private readonly openMessage: () => OpenMessage,
    private readonly events: IndexThreadEvents,
  ) {
    this.start();
  }

  /** A worker is running (not given up, not closed). */
  get alive(): boolean {
    return this.worker !== null && !this.closing;
  }

  private start(): void {
    const w = startWorker();
    this.worker = w;
    this.settled = false;
    let failure: Error | undefined;
    w.on('message', (m: FromWorker) => this.onMessage(w, m));
    w.on('error', (e) => (failure = e));
    w.on('exit', (code) => this.onExit(w, failure?.message ?? `exit code ${code}`));
    this.post({ ...this.openMessage() });
    for (const [id, q] of this.waiting) this.postSearch(id, q.ask);
    this.updateRef();
  }

  private post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker!.postMessage(m, transfer);
  }

  /** Sends versions to insert; the buffers are handed over (unusable here afterwards). */
  insert(m: InsertMessage): void {
    if (!this.alive) return;
    this.post(m, [m.ids.buffer as ArrayBuffer, m.vectors.buffer as ArrayBuffer]);
  }

  /** The graph's answer; with no worker (given up), no hits and nothing held, so the caller scans every version. */
  search(ask: SearchAsk): Promise<SearchAnswer> {
    if (this.closing) return Promise.reject(new Error('the vector index is closed'));
    if (this.worker === null) return Promise.resolve({ hits: [], upTo: -1 });
    if (this.waiting.size >= MAX_WAITING_SEARCHES) return Promise.reject(new IndexBusyError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { ask, resolve, reject });
      this.postSearch(id, ask);
      this.updateRef();
    });
  }

  private postSearch(id: number, ask: SearchAsk): void {
    const { candidates, ...rest } = ask;
    const packed = candidates === undefined ? undefined : Float64Array.from(candidates);
    this.post({ type: 'search', id, ...rest, candidates: packed }, packed ? [packed.buffer] : []);
  }

  private onMessage(w: Worker, m: FromWorker): void {
    if (w !== this.worker) return;
    switch (m.type) {
      case 'loaded':
        if (m.report) this.settle();
        return this.events.loaded(m.state, m.report);
      case 'held':
        if (m.report) this.settle();
        return this.events.held(m.state, m.report);
      case 'hits': {
        const q = this.waiting.get(m.id);
        if (!q) return;
        this.waiting.delete(m.id);
        this.updateRef();
        if (m.error !== undefined) q.reject(new Error(`vector index search failed: ${m.error}`));
        else q.resolve({ hits: m.hits, upTo: m.upTo });
        return;
      }
      case 'log':
        return this.events.log(m.line);
      case 'closed':
        this.closedResolve?.();
        return;
    }
  }

  /** A worker that caught up once has proven itself: later crashes start the count again. */
  private settle(): void {
    this.settled = true;
    this.crashes = 0;
    this.updateRef();
  }

  /** Keeps the process alive for the worker until the returned release is called. */
  hold(): () => void {
    this.holds++;
    this.updateRef();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.updateRef();
    };
  }

  private onExit(w: Worker, why: string): void {
    if (w !== this.worker) return;
    this.worker = null;
    if (this.closing) {
      this.closedResolve?.();
      return;
    }
    if (!this.settled) this.crashes++;
    const restart = this.crashes <= MAX_RESTARTS;
    this.events.log(
      restart
        ? `vector index worker stopped (${why}); restarting it: it reloads its file and catches up from the store`
        : `vector index worker stopped (${why}) ${this.crashes} times before catching up; searches now scan the store on the main thread`,
    );
    this.events.lost(restart);
    if (restart) return this.start();
    for (const q of this.waiting.values()) q.resolve({ hits: [], upTo: -1 });
    this.waiting.clear();
  }

  private updateRef(): void {
    if (!this.worker) return;
    if (this.waiting.size > 0 || this.closing || !this.settled || this.holds > 0) this.worker.ref();
    else this.worker.unref();
  }

  /** Lets the worker answer what it was asked, save, and end. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const w = this.worker;
    if (!w) return;
    this.updateRef();
    const closed = new Promise<void>((resolve) => (this.closedResolve = resolve));
    this.post({ type: 'close' });
    await closed;
    await w.terminate();
    this.worker = null;
    for (const q of this.waiting.values()) q.reject(new Error('the vector index is closed'));
    this.waiting.clear();
  }

  /** Test hook: ends the worker thread as a crash would. */
  async crash(): Promise<void> {
    await this.worker?.terminate();
  }
}
