/**
 * Peer exchange (PEX): how a node that knows only a seed finds the rest of the network. On connecting,
 * each side tells the other the address it can be dialled at (`self`); a node short of peers asks a peer
 * for addresses (`request`, at most one per peer per ask interval) and the peer answers with a bounded,
 * shuffled sample of the addresses it has proven (`addrs`). Learnt addresses go into the address book and
 * are dialled until the node has enough peers; the handshake checks each dialled node id.
 *
 * Bad input costs the sender score through the switch: malformed or oversized messages (a plain error,
 * the heavier penalty), requests too frequent, answers nobody asked for or a `self` naming another node
 * (a typed error). PEX runs on its own channel: consensus traffic is never held up by it.
 */
import { AddressBook, loadAddressBook, saveAddressBook } from './addressBook.js';
import { P2PErrors } from './errors.js';
import { parsePeerAddress, type ChannelSpec, type P2PSwitch, type PeerAddress } from './switch.js';

export const PEX_CHANNEL = 0x00;
/** Most addresses in one `addrs` message (more: the message is refused whole). */
export const MAX_ADDRS_PER_MESSAGE = 100;
/** Addresses handed out per answer. */
export const ADDRS_PER_ANSWER = 30;
export const PEX_MAX_MESSAGE_BYTES = 16 * 1024;
/** A peer may ask again after this long; faster requests are refused and scored. */
export const MIN_REQUEST_GAP_MS = 2_000;

/** A seed that closed its connection is dialled again after this long. */
export const SEED_REDIAL_MS = 30_000;

export const pexChannelSpec: ChannelSpec = { id: PEX_CHANNEL, maxMessageBytes: PEX_MAX_MESSAGE_BYTES };

export type PexMessage = { type: 'self'; addr: PeerAddress } | { type: 'request' } | { type: 'addrs'; addrs: PeerAddress[] };

const formatAddress = (a: PeerAddress) => `${a.id}@${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;

export function encodePex(m: PexMessage): Uint8Array {
  const wire =
    m.type === 'self' ? { type: 'self', addr: formatAddress(m.addr) } : m.type === 'addrs' ? { type: 'addrs', addrs: m.addrs.map(formatAddress) } : { type: 'request' };
  return Buffer.from(JSON.stringify(wire), 'utf8');
}

/** Decodes and checks a PEX message; throws (a plain, "malformed" error) on anything not exactly well-formed. */
export function decodePex(payload: Uint8Array): PexMessage {
  if (payload.length > PEX_MAX_MESSAGE_BYTES) throw new RangeError(`pex message of ${payload.length} bytes`);
  const v: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError('pex message is not an object');
  const o = v as Record<string, unknown>;
  const address = (s: unknown): PeerAddress => {
    if (typeof s !== 'string' || s.length > 300) throw new TypeError('pex address is not a short string');
    try {
      return parsePeerAddress(s);
    } catch (e) {
      throw new TypeError((e as Error).message);
    }
  };
  switch (o.type) {
    case 'request':
      return { type: 'request' };
    case 'self':
      return { type: 'self', addr: address(o.addr) };
    case 'addrs': {
      if (!Array.isArray(o.addrs)) throw new TypeError('pex addrs is not a list');
      if (o.addrs.length > MAX_ADDRS_PER_MESSAGE) throw new RangeError(`pex answer with ${o.addrs.length} addresses (limit ${MAX_ADDRS_PER_MESSAGE})`);
      return { type: 'addrs', addrs: o.addrs.map(address) };
    }
    default:
      throw new TypeError(`unknown pex message type ${JSON.stringify(o.type)}`);
  }
}

export interface PexOptions {
  /** `nodeid@host:port` seeds: dialled at start and asked for addresses. */
  readonly seeds: readonly string[];
  /** The address this node advertises (null: it advertises none, e.g. behind a NAT with no external address). */
  readonly selfAddress: () => PeerAddress | null;
  /** A seed node hands out addresses and then closes the connection instead of keeping the peer. */
  readonly seedMode?: boolean;
  /** Node ids never handed out to others. */
  readonly privatePeerIds?: readonly string[];
  /** How often the node checks its peer count and dials (ms). */
  readonly ensurePeersMs?: number;
  /** Least time between two requests this node sends to one peer (ms). */
  readonly askIntervalMs?: number;
  /** Dials started per check. */
  readonly dialsPerTick?: number;
  readonly log?: (line: string) => void;
  /** For tests: the clock. */
  readonly now?: () => number;
  /**
   * Where the book is kept across restarts (CometBFT's config/addrbook.json): read at start, written
   * (atomically, when it changed) every `saveIntervalMs` and at stop. None: the book lives in memory only.
   */
  readonly bookFile?: string;
  readonly saveIntervalMs?: number;
}

/** How often a changed book is written (CometBFT dumps its book every 2 minutes). */
export const BOOK_SAVE_INTERVAL_MS = 60_000;

export class PexReactor {
  readonly book: AddressBook;
  private readonly lastRequestFrom = new Map<string, number>();
  private readonly lastAskedTo = new Map<string, number>();
  /** Peers we sent a request to and that have not answered yet. */
  private readonly awaiting = new Set<string>();
  private readonly dialing = new Set<string>();
  private readonly privateIds: Set<string>;
  private timer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private savedVersion = -1;
  private readonly now: () => number;

  constructor(
    private readonly sw: P2PSwitch,
    private readonly o: PexOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.book = new AddressBook(sw.nodeId);
    this.privateIds = new Set((o.privatePeerIds ?? []).map((id) => id.toLowerCase()));
    for (const s of o.seeds) this.book.add(parsePeerAddress(s), { seed: true });
    sw.onMessage(PEX_CHANNEL, (peer, payload) => this.receive(peer, decodePex(payload)));
    sw.onPeer((peer, up) => (up ? this.peerUp(peer) : this.peerDown(peer)));
  }

  /** Starts dialling (call after the switch listens, so the advertised port is known). */
  start(): void {
    if (this.o.bookFile !== undefined) {
      const file = this.o.bookFile;
      try {
        const { restored, skipped } = loadAddressBook(file, this.book);
        if (restored + skipped > 0) this.log(`address book ${file}: ${restored} address(es) restored${skipped > 0 ? `, ${skipped} skipped` : ''}`);
      } catch (e) {
        // a damaged book costs only what it knew: the node starts again from its seeds and peers
        this.log(`address book ${file} not read (${(e as Error).message}); starting without it`);
      }
      this.savedVersion = this.book.version;
      this.saveTimer = setInterval(() => this.saveBook(), this.o.saveIntervalMs ?? BOOK_SAVE_INTERVAL_MS);
      this.saveTimer.unref();
    }
    this.timer = setInterval(() => this.ensurePeers(), this.o.ensurePeersMs ?? 1_000);
    this.ensurePeers();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.saveTimer) clearInterval(this.saveTimer);
    this.saveTimer = null;
    this.saveBook();
  }

  /** Writes the book when it changed since it was last read or written. */
  saveBook(): void {
    if (this.o.bookFile === undefined || this.book.version === this.savedVersion) return;
    try {
      saveAddressBook(this.o.bookFile, this.book);
      this.savedVersion = this.book.version;
    } catch (e) {
      this.log(`address book ${this.o.bookFile} not written: ${(e as Error).message}`);
    }
  }

  /** Handles one decoded message from a peer; throws (to be scored by the switch) on a violation. */
  receive(peer: string, m: PexMessage): void {
    switch (m.type) {
      case 'self':
        if (m.addr.id !== peer) throw P2PErrors.pex(`peer ${peer.slice(0, 12)} advertised the address of ${m.addr.id.slice(0, 12)}`);
        this.book.add(m.addr, { proven: true });
        return;
      case 'request': {
        const now = this.now();
        const last = this.lastRequestFrom.get(peer);
        if (last !== undefined && now - last < MIN_REQUEST_GAP_MS) throw P2PErrors.pex(`address request ${now - last} ms after the previous one`);
        this.lastRequestFrom.set(peer, now);
        const addrs = this.book.sample(ADDRS_PER_ANSWER, (id) => id === peer || this.privateIds.has(id));
        this.sw.send(peer, PEX_CHANNEL, encodePex({ type: 'addrs', addrs }));
        // A seed's job ends with the answer; the delay lets the answer leave before the connection closes.
        if (this.o.seedMode) setTimeout(() => this.sw.disconnect(peer, 'seed mode: addresses handed out'), 500).unref();
        return;
      }
      case 'addrs': {
        if (!this.awaiting.delete(peer)) throw P2PErrors.pex('addresses sent without a request');
        let added = 0;
        for (const a of m.addrs) if (this.book.add(a)) added++;
        if (added > 0) this.log(`learnt ${added} address(es) from ${peer.slice(0, 12)} (book ${this.book.size})`);
        this.ensurePeers();
        return;
      }
    }
  }

  private peerUp(peer: string): void {
    this.book.markGood(peer);
    const self = this.o.selfAddress();
    if (self !== null) this.sw.send(peer, PEX_CHANNEL, encodePex({ type: 'self', addr: self }));
    if (this.needsPeers() || this.book.get(peer)?.seed) this.ask(peer);
  }

  private peerDown(peer: string): void {
    this.awaiting.delete(peer);
    this.lastRequestFrom.delete(peer);
    this.lastAskedTo.delete(peer);
    // A seed is for finding peers, not for keeping: once it has answered (or hung up), redial it only rarely.
    if (this.book.get(peer)?.seed) this.book.deferDial(peer, this.now() + SEED_REDIAL_MS);
  }

  private needsPeers(): boolean {
    return this.sw.peerCount < this.sw.maxPeers;
  }

  private ask(peer: string): void {
    const now = this.now();
    const last = this.lastAskedTo.get(peer);
    if (last !== undefined && now - last < Math.max(MIN_REQUEST_GAP_MS, this.o.askIntervalMs ?? 10_000)) return;
    this.lastAskedTo.set(peer, now);
    this.awaiting.add(peer);
    this.sw.send(peer, PEX_CHANNEL, encodePex({ type: 'request' }));
  }

  /** Dials addresses from the book while short of peers; asks a peer for more when the book has none to dial. */
  ensurePeers(): void {
    if (!this.needsPeers()) return;
    const now = this.now();
    const skip = (id: string) => this.sw.isConnected(id) || this.dialing.has(id) || this.sw.isBanned(id);
    const candidates = this.book.dialable(now, skip);
    const room = Math.min(this.o.dialsPerTick ?? 3, this.sw.maxPeers - this.sw.peerCount - this.dialing.size);
    for (const addr of candidates.slice(0, Math.max(0, room))) {
      this.dialing.add(addr.id);
      void this.sw.dialOnce(addr).then((ok) => {
        this.dialing.delete(addr.id);
        if (ok) this.book.markGood(addr.id);
        else if (!this.sw.isConnected(addr.id)) this.book.markFailed(addr.id, this.now());
      });
    }
    if (candidates.length === 0) {
      const peers = this.sw.peerIds;
      for (const peer of peers) this.ask(peer);
    }
  }

  private log(line: string): void {
    this.o.log?.(`pex: ${line}`);
  }
}
