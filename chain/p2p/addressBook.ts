/**
 * The addresses this node knows of other nodes, learnt from its config (seeds), from its peers (each
 * advertises its own) and from peer exchange. Bounded: when full, an unproven address makes room only by
 * evicting another unproven one, so a peer flooding addresses cannot push out the ones known to work.
 * Addresses that fail to dial back off exponentially and are forgotten after too many failures.
 */
import { randomInt } from 'node:crypto';
import type { PeerAddress } from './switch.js';

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

export class AddressBook {
  private readonly entries = new Map<string, BookEntry>();
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
      return true;
    }
    if (this.entries.size >= this.capacity && !this.evictOne(o.proven === true || o.seed === true)) return false;
    this.entries.set(addr.id, { addr, proven: o.proven === true, seed: o.seed === true, failures: 0, nextDialMs: 0 });
    return true;
  }

  /** A connection to this node id succeeded. */
  markGood(id: string): void {
    const e = this.entries.get(id);
    if (e === undefined) return;
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
    return true;
  }
}

/** Fisher-Yates with a CSPRNG (not consensus code: which peers a node talks to is its own business). */
export function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
