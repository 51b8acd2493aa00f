import type { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import type { TxOutcome } from '../app/txRunner.js';
import { errorResult } from '../app/txRunner.js';
import { txHash } from '../crypto/hash.js';
import { SdkErrors } from '../types/sdkErrors.js';

export interface MempoolOptions {
  /** most txs held (ready + waiting) */
  maxTxs: number;
  /** most bytes held */
  maxBytes: number;
  /** how far ahead of an account's sequence a tx may wait for the ones before it */
  maxSequenceGap: number;
  /** most txs waiting for earlier sequences, over all accounts */
  maxWaiting: number;
}

export const DEFAULT_MEMPOOL_OPTIONS: MempoolOptions = {
  maxTxs: 50_000,
  maxBytes: 256 * 1024 * 1024,
  // wide enough for a client that sends a burst of txs over several connections (they may arrive out of order)
  maxSequenceGap: 64,
  maxWaiting: 5_000,
};

/** What the mempool needs from the app: CheckTx with details, and a fresh check state after each commit. */
export interface MempoolApp {
  checkTxDetailed(tx: Uint8Array, recheck?: boolean): TxOutcome;
  resetCheckState(): void;
  /** the state keys the last commit changed (keyString form), when the check state it replaced is still kept */
  lastCommitChangedKeys?(): ReadonlySet<string> | undefined;
  /** a fresh check state keeping the replaced one's writes of `keys` */
  rebaseCheckState?(keys: Iterable<string>): void;
  /** a committed tx's version, if any (duplicates of committed txs are refused) */
  committedVersion(hash: Uint8Array): bigint | undefined;
}

export interface MempoolTx {
  hash: string;
  bytes: Uint8Array;
  gasWanted: bigint;
  priority: bigint;
  sender: string;
  sequence: bigint;
  arrival: number;
  /** the state keys its last check wrote and read (TxOutcome.checkAccess) */
  access?: { written: string[]; read: string[]; ranged: boolean };
}

export interface AddResult {
  hash: Uint8Array;
  result: Pick<ExecTxResult, 'code' | 'codespace' | 'log' | 'gasWanted' | 'gasUsed' | 'data' | 'events'>;
  /** true when the tx waits for an earlier sequence of its account */
  waiting: boolean;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();

/**
 * Pending txs: ordered by fee priority then arrival, one account's txs always in sequence order.
 * A tx whose sequence is ahead of its account's (up to maxSequenceGap) waits for the missing ones instead
 * of being refused, so wallets that send several txs in parallel with explicit sequences are not punished
 * for arriving out of order. The mempool is node-local: nothing here affects consensus.
 */
export class Mempool {
  private readonly opts: MempoolOptions;
  private readonly ready = new Map<string, MempoolTx>();
  /** sender -> sequence -> tx bytes waiting for the sequence before it */
  private readonly waiting = new Map<string, Map<bigint, { bytes: Uint8Array; hash: string }>>();
  /** hashes of the waiting txs (their count is the waiting room's size) */
  private readonly waitingHashes = new Set<string>();
  private totalBytes = 0;
  private arrivals = 0;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly app: MempoolApp,
    opts: Partial<MempoolOptions> = {},
  ) {
    this.opts = { ...DEFAULT_MEMPOOL_OPTIONS, ...opts };
  }

  get size(): number {
    return this.ready.size;
  }
  get waitingSize(): number {
    return this.waitingHashes.size;
  }
  get bytes(): number {
    return this.totalBytes;
  }

  /** Called whenever a tx becomes ready (a one-validator engine with block time 0 wakes on it). */
  onReady(fn: () => void): void {
    this.listeners.push(fn);
  }

  has(hash: Uint8Array): boolean {
    return this.ready.has(hex(hash));
  }

  /**
   * This mempool's byte array for the tx `bytes` encodes, when it holds that tx (else `bytes` itself). A block
   * from a peer carries copies of txs this node already checked; what CheckTx derived from them (hash, decoding,
   * embedding) is remembered by array identity, so DeliverTx reuses it only on the very array CheckTx saw.
   */
  sameTx(bytes: Uint8Array): Uint8Array {
    return this.ready.get(hex(txHash(bytes)))?.bytes ?? bytes;
  }

  add(bytes: Uint8Array): AddResult {
    const hashBytes = txHash(bytes);
    const hash = hex(hashBytes);
    const fail = (e: unknown): AddResult => {
      const { code, codespace, log } = errorResult(e);
      return { hash: hashBytes, waiting: false, result: { code, codespace, log, gasWanted: 0n, gasUsed: 0n, data: new Uint8Array(), events: [] } };
    };
    if (this.ready.has(hash) || this.isWaiting(hash)) return fail(SdkErrors.TxInMempoolCache(`tx ${hash} is already in the mempool`));
    const committed = this.app.committedVersion(hashBytes);
    if (committed !== undefined) return fail(SdkErrors.TxInMempoolCache(`tx ${hash} is already committed at ledger version ${committed}`));
    if (this.ready.size + this.waitingHashes.size >= this.opts.maxTxs) {
      return fail(SdkErrors.MempoolIsFull(`mempool holds ${this.ready.size + this.waitingHashes.size} txs, the limit is ${this.opts.maxTxs}`));
    }
    if (this.totalBytes + bytes.length > this.opts.maxBytes) {
      return fail(SdkErrors.MempoolIsFull(`mempool holds ${this.totalBytes} bytes, the limit is ${this.opts.maxBytes}`));
    }

    const outcome = this.app.checkTxDetailed(bytes);
    const r = outcome.result;
    if (r.code === 0) {
      this.admit(hash, bytes, outcome);
      this.promoteWaiting(outcome.signers[0]!, outcome.sequence! + 1n);
      this.notify();
      return { hash: hashBytes, waiting: false, result: r };
    }
    // a sequence ahead of the account's: park it until the gap is filled
    const gap = outcome.sequence !== undefined && outcome.expectedSequence !== undefined ? outcome.sequence - outcome.expectedSequence : 0n;
    if (gap > 0n && gap <= BigInt(this.opts.maxSequenceGap)) {
      if (this.waitingHashes.size >= this.opts.maxWaiting) {
        return fail(SdkErrors.MempoolIsFull(`too many txs are waiting for earlier sequences (${this.waitingHashes.size})`));
      }
      const sender = outcome.signers[0]!;
      let m = this.waiting.get(sender);
      if (!m) this.waiting.set(sender, (m = new Map()));
      if (m.has(outcome.sequence!)) {
        return fail(SdkErrors.TxInMempoolCache(`another tx of ${sender} with sequence ${outcome.sequence} is already waiting`));
      }
      m.set(outcome.sequence!, { bytes, hash });
      this.waitingHashes.add(hash);
      this.totalBytes += bytes.length;
      return {
        hash: hashBytes,
        waiting: true,
        result: { ...r, code: 0, codespace: '', log: `waiting for sequence ${outcome.expectedSequence} of ${sender} (this tx has ${outcome.sequence})` },
      };
    }
    return { hash: hashBytes, waiting: false, result: r };
  }

  private isWaiting(hash: string): boolean {
    return this.waitingHashes.has(hash);
  }

  /** Takes the waiting tx of `sender` at `sequence` out of the waiting room. */
  private unpark(sender: string, m: Map<bigint, { bytes: Uint8Array; hash: string }>, sequence: bigint): void {
    const w = m.get(sequence)!;
    m.delete(sequence);
    this.waitingHashes.delete(w.hash);
    this.totalBytes -= w.bytes.length;
    if (m.size === 0) this.waiting.delete(sender);
  }

  private admit(hash: string, bytes: Uint8Array, o: TxOutcome): void {
    this.ready.set(hash, {
      hash,
      bytes,
      gasWanted: o.result.gasWanted,
      priority: o.priority,
      sender: o.signers[0]!,
      sequence: o.sequence!,
      arrival: this.arrivals++,
      access: o.checkAccess,
    });
    this.totalBytes += bytes.length;
  }

  /** Re-checks waiting txs of `sender` from `sequence` on, admitting those that now fit. */
  private promoteWaiting(sender: string, sequence: bigint): void {
    const m = this.waiting.get(sender);
    for (let s = sequence; m?.has(s); s++) {
      const w = m.get(s)!;
      this.unpark(sender, m, s);
      const o = this.app.checkTxDetailed(w.bytes);
      if (o.result.code !== 0) break;
      this.admit(w.hash, w.bytes, o);
    }
    if (m && m.size === 0) this.waiting.delete(sender);
  }

  /**
   * Txs for the next block: highest priority first, each account's in sequence order, within the byte and
   * gas budgets (gas -1 = unlimited).
   */
  reap(maxBytes: number, maxGas: bigint): Uint8Array[] {
    const bySender = new Map<string, MempoolTx[]>();
    for (const tx of this.ready.values()) {
      let q = bySender.get(tx.sender);
      if (!q) bySender.set(tx.sender, (q = []));
      q.push(tx);
    }
    const heads: Array<{ q: MempoolTx[]; i: number }> = [];
    for (const q of bySender.values()) {
      q.sort((a, b) => (a.sequence < b.sequence ? -1 : 1));
      heads.push({ q, i: 0 });
    }
    const better = (a: MempoolTx, b: MempoolTx) => (a.priority !== b.priority ? a.priority > b.priority : a.arrival < b.arrival);
    const heap = new BinaryHeap<{ q: MempoolTx[]; i: number }>((x, y) => better(x.q[x.i]!, y.q[y.i]!));
    for (const h of heads) heap.push(h);
    const out: Uint8Array[] = [];
    let bytes = 0;
    let gas = 0n;
    while (heap.size > 0) {
      const h = heap.pop()!;
      const tx = h.q[h.i]!;
      if (bytes + tx.bytes.length > maxBytes || (maxGas >= 0n && gas + tx.gasWanted > maxGas)) continue; // this account waits for the next block
      out.push(tx.bytes);
      bytes += tx.bytes.length;
      gas += tx.gasWanted;
      if (++h.i < h.q.length) heap.push(h);
    }
    return out;
  }

  /** After a commit: drop what the block included, re-check the rest against the new state, promote waiters. */
  update(committedHashes: Iterable<Uint8Array>): void {
    for (const h of committedHashes) {
      const key = hex(h);
      const tx = this.ready.get(key);
      if (tx) {
        this.ready.delete(key);
        this.totalBytes -= tx.bytes.length;
      }
    }
    const recheck = this.rebase();
    recheck.sort((a, b) => (a.sender !== b.sender ? (a.sender < b.sender ? -1 : 1) : a.sequence < b.sequence ? -1 : 1));
    for (const tx of recheck) {
      const o = this.app.checkTxDetailed(tx.bytes, true);
      if (o.result.code !== 0) {
        this.ready.delete(tx.hash);
        this.totalBytes -= tx.bytes.length;
      } else {
        tx.access = o.checkAccess;
      }
    }
    for (const [sender, m] of [...this.waiting.entries()]) {
      const acc = [...m.keys()].sort((a, b) => (a < b ? -1 : 1));
      // promote from the lowest waiting sequence; ones still ahead stay parked
      if (acc.length > 0) this.promoteFrom(sender, acc[0]!);
    }
    if (this.ready.size > 0) this.notify();
  }

  /**
   * Starts the check state for the new height and returns the pending txs to check again. A pending tx whose
   * check read and wrote none of the keys the commit changed, nor any key written by a tx that must be checked
   * again, would pass its re-check with the same effects: those effects are carried over instead (a block
   * touches a few hundred accounts; a full mempool holds many thousand txs, and re-checking them all after
   * every block was most of a loaded node's work). Without the app's help, everything is checked again.
   */
  private rebase(): MempoolTx[] {
    const changed = this.app.lastCommitChangedKeys?.();
    if (!changed || !this.app.rebaseCheckState) {
      this.app.resetCheckState();
      return [...this.ready.values()];
    }
    // which txs touched each key, then the closure of "touched an invalid key" -> its writes become invalid
    const byKey = new Map<string, MempoolTx[]>();
    const recheck = new Set<MempoolTx>();
    const invalid: string[] = [];
    const invalidSet = new Set<string>();
    const invalidate = (k: string) => {
      if (!invalidSet.has(k)) {
        invalidSet.add(k);
        invalid.push(k);
      }
    };
    const mustRecheck = (tx: MempoolTx) => {
      if (recheck.has(tx)) return;
      recheck.add(tx);
      for (const k of tx.access?.written ?? []) invalidate(k);
    };
    for (const tx of this.ready.values()) {
      const a = tx.access;
      if (!a || a.ranged) {
        mustRecheck(tx);
        continue;
      }
      for (const k of a.written) pushTo(byKey, k, tx);
      for (const k of a.read) pushTo(byKey, k, tx);
    }
    for (const k of changed) invalidate(k);
    for (let i = 0; i < invalid.length; i++) for (const tx of byKey.get(invalid[i]!) ?? []) mustRecheck(tx);
    const carried: string[] = [];
    for (const tx of this.ready.values()) if (!recheck.has(tx)) for (const k of tx.access!.written) carried.push(k);
    this.app.rebaseCheckState(carried);
    return [...recheck];
  }

  private promoteFrom(sender: string, first: bigint): void {
    const m = this.waiting.get(sender)!;
    const w = m.get(first)!;
    const o = this.app.checkTxDetailed(w.bytes);
    if (o.result.code === 0) {
      this.unpark(sender, m, first);
      this.admit(w.hash, w.bytes, o);
      this.promoteWaiting(sender, first + 1n);
    } else if (o.expectedSequence !== undefined && o.expectedSequence > first) {
      // its sequence is already used: it can never apply
      this.unpark(sender, m, first);
    }
  }

  /** Ready txs in reap order (for unconfirmed_txs). */
  list(limit: number): Uint8Array[] {
    return this.reap(Number.MAX_SAFE_INTEGER, -1n).slice(0, limit);
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}

/** A binary heap; `higher(a, b)` is true when a should come out before b. */
class BinaryHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly higher: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.higher(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.higher(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.higher(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
