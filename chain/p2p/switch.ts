/**
 * The peer manager: listens, dials the persistent peers (and keeps redialling them), authenticates every
 * connection with the secret-connection handshake, and routes messages by channel to the reactors.
 * It protects the node from its peers: per-channel size limits, a token bucket per peer, bounded send
 * queues (a peer that cannot keep up loses low-priority messages, then the connection), and a score
 * that invalid data lowers; at the floor the peer is dropped and banned for a while.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { VivianError } from '../types/errors.js';
import { P2PErrors } from './errors.js';
import { handshake, MESSAGE_HEADER_BYTES, nodeIdOf, type NodeIdentity, type SecureConnection } from './secretConnection.js';

export interface PeerAddress {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

/** Parses `nodeid@host:port` (CometBFT's persistent_peers format). */
export function parsePeerAddress(s: string): PeerAddress {
  const m = /^([0-9a-fA-F]{40})@(\[[^\]]+\]|[^:@]+):(\d{1,5})$/.exec(s.trim());
  if (m === null) throw P2PErrors.badAddress(`${JSON.stringify(s)}: expected nodeid@host:port with a 40-hex-digit node id`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw P2PErrors.badAddress(`${s}: port ${port} is out of range`);
  return { id: m[1]!.toLowerCase(), host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

export interface ChannelSpec {
  readonly id: number;
  /** Largest payload accepted on this channel. */
  readonly maxMessageBytes: number;
  /** Low-priority channels are the first dropped when a peer's send queue is long. */
  readonly lowPriority?: boolean;
  /**
   * Messages on this channel wait for the end of the event loop's turn and share frames with the others
   * sent meanwhile (one seal and one write for a burst); other channels' messages go out at once.
   */
  readonly batched?: boolean;
}

export interface SwitchOptions {
  readonly identity: NodeIdentity;
  readonly network: string;
  readonly listenHost: string;
  /** 0 = any free port (see `port` after start). */
  readonly listenPort: number;
  readonly persistentPeers: readonly string[];
  readonly channels: readonly ChannelSpec[];
  readonly maxPeers?: number;
  /** Above this many queued bytes a peer gets no low-priority messages; above 4x it is disconnected. */
  readonly sendQueueBytes?: number;
  /** Token bucket per peer: messages per second (burst = 2 s worth). */
  readonly messagesPerSecond?: number;
  readonly banMs?: number;
  readonly log?: (line: string) => void;
}

export type MessageHandler = (peer: string, payload: Uint8Array) => void;

/** Points taken off a peer's score per kind of misbehaviour; at BAN_SCORE it is disconnected and banned. */
export const PENALTY = { invalid: 20, malformed: 50, flood: 1 } as const;
const BAN_SCORE = -100;
const CONNECT_TIMEOUT_MS = 5_000;

interface Peer {
  readonly conn: SecureConnection;
  score: number;
  tokens: number;
  lastRefill: number;
}

export class P2PSwitch {
  readonly nodeId: string;
  private server: Server | null = null;
  private readonly peers = new Map<string, Peer>();
  private readonly handlers = new Map<number, MessageHandler>();
  private readonly channels: Map<number, ChannelSpec>;
  private readonly persistent: PeerAddress[];
  private readonly dialing = new Set<string>();
  private readonly backoff = new Map<string, { attempts: number; next: number }>();
  private readonly banned = new Map<string, number>();
  private readonly peerListeners: Array<(peer: string, up: boolean) => void> = [];
  private dialTimer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly maxFrame: number;
  /** Test hook: peers whose traffic is dropped both ways (a network partition). */
  private blocked = new Set<string>();
  /** Every socket, handshaking or established, so stop() can end them all. */
  private readonly sockets = new Set<Socket>();

  constructor(private readonly o: SwitchOptions) {
    this.nodeId = nodeIdOf(o.identity.publicKey);
    this.channels = new Map(o.channels.map((c) => [c.id, c]));
    this.maxFrame = MESSAGE_HEADER_BYTES + Math.max(...o.channels.map((c) => c.maxMessageBytes));
    this.persistent = o.persistentPeers.map(parsePeerAddress).filter((p) => p.id !== this.nodeId);
  }

  /** The port listened on (after start). */
  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  get peerIds(): string[] {
    return [...this.peers.keys()].sort();
  }

  scoreOf(peer: string): number | undefined {
    return this.peers.get(peer)?.score;
  }

  onMessage(channel: number, handler: MessageHandler): void {
    if (!this.channels.has(channel)) throw new RangeError(`channel ${channel} is not declared`);
    this.handlers.set(channel, handler);
  }

  onPeer(fn: (peer: string, up: boolean) => void): void {
    this.peerListeners.push(fn);
  }

  async start(): Promise<void> {
    this.running = true;
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.listenPort, this.o.listenHost, () => resolve());
    });
    this.dialTimer = setInterval(() => this.dialMissing(), 250);
    this.dialMissing();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.dialTimer) clearInterval(this.dialTimer);
    for (const p of this.peers.values()) p.conn.close();
    this.peers.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Sends to every peer but `except` (one peer id or several). */
  broadcast(channel: number, payload: Uint8Array, except?: string | readonly string[]): void {
    for (const id of this.peers.keys()) {
      if (id === except || (typeof except === 'object' && except.includes(id))) continue;
      this.send(id, channel, payload);
    }
  }

  send(peerId: string, channel: number, payload: Uint8Array): void {
    const peer = this.peers.get(peerId);
    if (peer === undefined || this.blocked.has(peerId)) return;
    const spec = this.channels.get(channel)!;
    const limit = this.o.sendQueueBytes ?? 16 * 1024 * 1024;
    const queued = peer.conn.queuedBytes;
    if (queued > 4 * limit) {
      this.drop(peerId, `its send queue holds ${queued} bytes: it does not keep up`);
      return;
    }
    if (queued > limit && spec.lowPriority) return;
    if (spec.batched) peer.conn.queue(channel, payload);
    else peer.conn.send(channel, payload);
  }

  /** Lowers a peer's score for bad behaviour, logging why; at the floor it is dropped and banned. */
  penalize(peerId: string, points: number, reason: string): void {
    const peer = this.peers.get(peerId);
    if (peer === undefined) return;
    peer.score -= points;
    this.log(`peer ${peerId.slice(0, 12)}: ${reason} (score ${peer.score})`);
    if (peer.score <= BAN_SCORE) {
      this.banned.set(peerId, Date.now() + (this.o.banMs ?? 60_000));
      this.drop(peerId, 'banned for misbehaving');
    }
  }

  /** Test hook: drop all traffic to and from these peers (simulates a partition without closing sockets). */
  setBlockedPeers(ids: Iterable<string>): void {
    this.blocked = new Set(ids);
  }

  private drop(peerId: string, reason: string): void {
    const peer = this.peers.get(peerId);
    if (peer === undefined) return;
    this.log(`disconnecting ${peerId.slice(0, 12)}: ${reason}`);
    peer.conn.close();
  }

  private dialMissing(): void {
    if (!this.running) return;
    const now = Date.now();
    for (const addr of this.persistent) {
      if (this.peers.has(addr.id) || this.dialing.has(addr.id) || this.isBanned(addr.id)) continue;
      const b = this.backoff.get(addr.id);
      if (b !== undefined && b.next > now) continue;
      void this.dial(addr);
    }
  }

  /**
   * Dials an address once (no redial; the caller keeps its own backoff). Resolves true when the peer at
   * that address proved to be the expected node id and was added; false otherwise.
   */
  dialOnce(addr: PeerAddress): Promise<boolean> {
    if (!this.running || addr.id === this.nodeId || this.peers.has(addr.id) || this.dialing.has(addr.id) || this.isBanned(addr.id)) {
      return Promise.resolve(false);
    }
    return this.dial(addr);
  }

  isConnected(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  get peerCount(): number {
    return this.peers.size;
  }

  get maxPeers(): number {
    return this.o.maxPeers ?? 50;
  }

  isBanned(peerId: string): boolean {
    return (this.banned.get(peerId) ?? 0) > Date.now();
  }

  /** Closes the connection to a peer (not a penalty: e.g. a seed that has handed out its addresses). */
  disconnect(peerId: string, reason: string): void {
    this.drop(peerId, reason);
  }

  private dial(addr: PeerAddress): Promise<boolean> {
    this.dialing.add(addr.id);
    return new Promise<boolean>((resolve) => {
      const socket = connect({ host: addr.host, port: addr.port });
      this.track(socket);
      socket.setNoDelay(true);
      const failed = () => {
        this.dialing.delete(addr.id);
        resolve(false);
        // only persistent peers are redialled here (and so remembered); other callers keep their own backoff
        if (!this.persistent.some((p) => p.id === addr.id)) return;
        const b = this.backoff.get(addr.id) ?? { attempts: 0, next: 0 };
        b.attempts++;
        b.next = Date.now() + Math.min(10_000, 200 * 2 ** Math.min(b.attempts, 6));
        this.backoff.set(addr.id, b);
      };
      // an address that swallows SYNs must not hold a dial slot for the OS's minutes-long timeout
      const connectTimer = setTimeout(() => socket.destroy(new Error('connect timed out')), CONNECT_TIMEOUT_MS);
      const connectFailed = () => {
        clearTimeout(connectTimer);
        failed();
      };
      socket.once('error', connectFailed);
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        socket.off('error', connectFailed);
        handshake(socket, true, this.handshakeOptions()).then(
          (conn) => {
            this.dialing.delete(addr.id);
            if (conn.peerId !== addr.id) {
              this.log(`dialled ${addr.host}:${addr.port} expecting ${addr.id.slice(0, 12)} but met ${conn.peerId.slice(0, 12)}`);
              conn.close();
              failed();
              return;
            }
            this.backoff.delete(addr.id);
            resolve(this.addPeer(conn));
          },
          () => failed(),
        );
      });
    });
  }

  private accept(socket: Socket): void {
    if (!this.running || this.peers.size >= this.maxPeers) {
      socket.destroy();
      return;
    }
    this.track(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    handshake(socket, false, this.handshakeOptions()).then(
      (conn) => this.addPeer(conn),
      (e) => this.log(`inbound handshake failed: ${(e as Error).message}`),
    );
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private handshakeOptions() {
    return { identity: this.o.identity, network: this.o.network, maxFrameBytes: this.maxFrame };
  }

  /** True when the connection was kept. */
  private addPeer(conn: SecureConnection): boolean {
    const id = conn.peerId;
    if (!this.running || id === this.nodeId || this.isBanned(id)) {
      conn.close();
      return false;
    }
    const existing = this.peers.get(id);
    if (existing !== undefined) {
      // Both sides dialled at once: keep the connection dialled by the smaller node id, on both ends.
      const dialer = (c: SecureConnection) => (c.outbound ? this.nodeId : id);
      const keepNew = dialer(conn) < dialer(existing.conn);
      if (!keepNew) {
        conn.close();
        return false;
      }
      this.peers.delete(id);
      existing.conn.close();
    }
    const peer: Peer = { conn, score: 0, tokens: this.burst(), lastRefill: Date.now() };
    this.peers.set(id, peer);
    conn.on('message', (channel: number, payload: Uint8Array) => this.route(id, peer, channel, payload));
    conn.on('close', (e?: Error) => {
      if (this.peers.get(id) === peer) {
        this.peers.delete(id);
        if (e !== undefined) this.log(`peer ${id.slice(0, 12)} closed: ${e.message}`);
        for (const fn of this.peerListeners) fn(id, false);
      }
    });
    for (const fn of this.peerListeners) fn(id, true);
    return true;
  }

  private burst(): number {
    return 2 * (this.o.messagesPerSecond ?? 20_000);
  }

  private route(id: string, peer: Peer, channel: number, payload: Uint8Array): void {
    if (this.blocked.has(id)) return;
    const now = Date.now();
    peer.tokens = Math.min(this.burst(), peer.tokens + ((now - peer.lastRefill) * (this.o.messagesPerSecond ?? 20_000)) / 1000);
    peer.lastRefill = now;
    if (peer.tokens < 1) {
      this.penalize(id, PENALTY.flood, 'sends faster than its rate limit; message dropped');
      return;
    }
    peer.tokens -= 1;
    const spec = this.channels.get(channel);
    const handler = this.handlers.get(channel);
    if (spec === undefined || handler === undefined) {
      this.penalize(id, PENALTY.malformed, `message on unknown channel ${channel}`);
      return;
    }
    if (payload.length > spec.maxMessageBytes) {
      this.penalize(id, PENALTY.malformed, `a ${payload.length}-byte message on channel ${channel} (limit ${spec.maxMessageBytes})`);
      return;
    }
    try {
      handler(id, payload);
    } catch (e) {
      const points = e instanceof VivianError ? PENALTY.invalid : PENALTY.malformed;
      this.penalize(id, points, `invalid message on channel ${channel}: ${(e as Error).message}`);
    }
  }

  private log(line: string): void {
    this.o.log?.(`p2p: ${line}`);
  }
}
