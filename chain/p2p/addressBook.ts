/**
 * The addresses this node knows of other nodes, learnt from its config (seeds), from its peers (each
 * advertises its own) and from peer exchange. Bounded: when full, an unproven address makes room only by
 * evicting another unproven one, so a peer flooding addresses cannot push out the ones known to work.
 * Addresses that fail to dial back off exponentially and are forgotten after too many failures.
 */
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../store/atomicFile.js';
import { parsePeerAddress, type PeerAddress } from './switch.js';

export interface BookEntry {
  readonly addr: PeerAddress;
  /** A connection to this node id succeeded at some point (its id is then proven, its address advertised by itself). */
  proven: boolean;
  /** Listed in the config's seeds. */
  readonly seed: boolean;
  failures: number;
  /** Not dialled before this time (ms since epoch). */
  nextDialMs: number;
}

export interface AddressBookOptions {
  /** Most addresses kept (seeds included). */
  readonly capacity?: number;
  /** An unproven address that failed this many dials in a row is forgotten. */
  readonly maxFailures?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * The book on disk: CometBFT's addrbook.json shape (`addrs[]` of `{addr: {id, ip, port}, attempts,
 * bucket_type}`, bucket_type 2 = "old", i.e. proven, 1 = "new"), without its bucket bookkeeping.
 */
export interface AddrBookFile {
  addrs: Array<{ addr: { id: string; ip: string; port: number }; attempts: number; bucket_type: 1 | 2 }>;
}

const BUCKET_NEW = 1;
const BUCKET_OLD = 2;

export class AddressBook {
  private readonly entries = new Map<string, BookEntry>();
  private changes = 0;
  private readonly capacity: number;
  private readonly maxFailures: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly selfId: string,
    o: AddressBookOptions = {},
  ) {
    this.capacity = o.capacity ?? 1000;
    this.maxFailures = o.maxFailures ?? 8;
    this.baseBackoffMs = o.baseBackoffMs ?? 500;
    this.maxBackoffMs = o.maxBackoffMs ?? 60_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Moves on every change worth saving (an address learnt, proven, failed or forgotten). */
  get version(): number {
    return this.changes;
  }

  get(id: string): BookEntry | undefined {
    return this.entries.get(id);
  }

  /**
   * Learns an address. A node's own advertisement (`proven`) replaces what others said of it; a hearsay
   * address never replaces a known one. Returns true when the book changed.
   */
  add(addr: PeerAddress, o: { proven?: boolean; seed?: boolean } = {}): boolean {
    if (addr.id === this.selfId) return false;
    const known = this.entries.get(addr.id);
    if (known !== undefined) {
      if (!o.proven) return false;
      this.entries.set(addr.id, { ...known, addr, proven: true, failures: 0, nextDialMs: 0 });
      this.changes++;
      return true;
    }
    if (this.entries.size >= this.capacity && !this.evictOne(o.proven === true || o.seed === true)) return false;
    this.entries.set(addr.id, { addr, proven: o.proven === true, seed: o.seed === true, failures: 0, nextDialMs: 0 });
    this.changes++;
    return true;
  }

  /** A connection to this node id succeeded. */
  markGood(id: string): void {
    const e = this.entries.get(id);
    if (e === undefined) return;
    if (!e.proven || e.failures > 0) this.changes++;
    e.proven = true;
    e.failures = 0;
    e.nextDialMs = 0;
  }

  /** Not dialled again before `untilMs` (e.g. a seed that has handed out its addresses). */
  deferDial(id: string, untilMs: number): void {
    const e = this.entries.get(id);
    if (e !== undefined) e.nextDialMs = Math.max(e.nextDialMs, untilMs);
  }

  /** A dial failed: back off, and forget an unproven address that keeps failing (never a seed). */
  markFailed(id: string, nowMs: number): void {
    const e = this.entries.get(id);
    if (e === undefined) return;
    e.failures++;
    this.changes++;
    if (!e.seed && !e.proven && e.failures >= this.maxFailures) {
      this.entries.delete(id);
      return;
    }
    e.nextDialMs = nowMs + Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** Math.min(e.failures - 1, 16));
  }

  /** Addresses that may be dialled now, excluding `skip` (connected or dialling): seeds first, then proven, then the rest. */
  dialable(nowMs: number, skip: (id: string) => boolean): PeerAddress[] {
    const ready = [...this.entries.values()].filter((e) => e.nextDialMs <= nowMs && !skip(e.addr.id));
    const rank = (e: BookEntry) => (e.seed ? 0 : e.proven ? 1 : 2);
    return shuffle(ready)
      .sort((a, b) => rank(a) - rank(b))
      .map((e) => e.addr);
  }

  /** Up to `n` proven addresses in random order, without those `exclude` rejects (handed out to peers). */
  sample(n: number, exclude: (id: string) => boolean): PeerAddress[] {
    const pool = [...this.entries.values()].filter((e) => e.proven && !exclude(e.addr.id));
    return shuffle(pool)
      .slice(0, n)
      .map((e) => e.addr);
  }

  /** Makes room for a new address: evicts an unproven non-seed one (or, for a proven newcomer, a proven non-seed one). */
  private evictOne(newcomerIsProven: boolean): boolean {
    const victims = [...this.entries.values()].filter((e) => !e.seed && (!e.proven || newcomerIsProven));
    if (victims.length === 0) return false;
    const unproven = victims.filter((e) => !e.proven);
    const pool = unproven.length > 0 ? unproven : victims;
    this.entries.delete(pool[randomInt(pool.length)]!.addr.id);
    this.changes++;
    return true;
  }

  /** The book as saved, ordered by node id (the same book makes the same file). */
  toFile(): AddrBookFile {
    const sorted = [...this.entries.values()].sort((a, b) => (a.addr.id < b.addr.id ? -1 : 1));
    return {
      addrs: sorted.map((e) => ({ addr: { id: e.addr.id, ip: e.addr.host, port: e.addr.port }, attempts: e.failures, bucket_type: e.proven ? BUCKET_OLD : BUCKET_NEW })),
    };
  }

  /**
   * Takes in a saved book: proven addresses first, then hearsay, until the book is full (so the capacity
   * holds); what the book already has (seeds from the config) stays as it is. Entries that are not well-formed
   * are skipped. Returns how many were taken and skipped.
   */
  restore(file: unknown): { restored: number; skipped: number } {
    const list = typeof file === 'object' && file !== null && Array.isArray((file as AddrBookFile).addrs) ? (file as AddrBookFile).addrs : null;
    if (list === null) throw new TypeError('not an address book: no "addrs" list');
    const parsed: Array<{ addr: PeerAddress; proven: boolean; attempts: number }> = [];
    let skipped = 0;
    for (const item of list) {
      try {
        const a = item.addr;
        if (typeof a.ip !== 'string' || a.ip.length > 255 || typeof a.id !== 'string' || typeof a.port !== 'number') throw new TypeError('bad entry');
        const addr = parsePeerAddress(`${a.id}@${a.ip.includes(':') ? `[${a.ip}]` : a.ip}:${a.port}`);
        const attempts = Number.isSafeInteger(item.attempts) && item.attempts > 0 ? item.attempts : 0;
        parsed.push({ addr, proven: item.bucket_type === BUCKET_OLD, attempts });
      } catch {
        skipped++;
      }
    }
    let restored = 0;
    for (const p of [...parsed.filter((p) => p.proven), ...parsed.filter((p) => !p.proven)]) {
      if (this.entries.size >= this.capacity) break; // the file's rest does not fit: nothing is evicted for it
      if (this.entries.has(p.addr.id) || !this.add(p.addr, { proven: p.proven })) continue;
      // failures carry over (an address that kept failing is still forgotten in time), dialled at once after a restart
      this.entries.get(p.addr.id)!.failures = Math.min(p.attempts, this.maxFailures - 1);
      restored++;
    }
    return { restored, skipped: skipped + parsed.length - restored };
  }
}

/** Writes the book to `path` atomically: a temp file, fsynced, renamed over the old one, the directory fsynced. */
export function saveAddressBook(path: string, book: AddressBook): void {
  writeFileAtomic(path, Buffer.from(JSON.stringify(book.toFile(), null, 1) + '\n', 'utf8'), { mode: 0o600 });
}

/** Reads a saved book into `book` (none yet: nothing to do). A file that is not a book is an error for the caller to report. */
export function loadAddressBook(path: string, book: AddressBook): { restored: number; skipped: number } {
  if (!existsSync(path)) return { restored: 0, skipped: 0 };
  return book.restore(JSON.parse(readFileSync(path, 'utf8')));
}

/** Fisher-Yates with a CSPRNG (not consensus code: which peers a node talks to is its own business). */
export function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
