/**
 * What runs over the switch: consensus gossip (proposals, block parts, votes, evidence, status), block
 * sync (requests and committed blocks) and mempool gossip (txs). Each message is handled once: a seen
 * set (by hash) stops echoes, and only what the engine or mempool accepted as new is relayed, so a
 * message reaches every node of a connected network even when not every pair is connected.
 */
import { sha256, txHash } from '../crypto/hash.js';
import type { ConsensusEngine, EngineNetwork } from '../consensus/engine/engine.js';
import { decodeMessage, encodeMessage, MAX_PART_PROOF_HASHES, type ConsensusMessage } from '../consensus/engine/messages.js';
import { BLOCK_PART_SIZE } from '../consensus/block.js';
import type { Mempool } from '../mempool/mempool.js';
import type { ChannelSpec, P2PSwitch } from './switch.js';

export const Channel = {
  consensus: 0x20,
  blockParts: 0x21,
  mempool: 0x30,
  blockSync: 0x40,
} as const;

/**
 * Channel limits: a vote or proposal is < 1 KiB; a part is 64 KiB with a header and its proof (at most 32
 * hashes); a synced block is up to the block size limit.
 */
export function channelSpecs(maxBlockBytes: number, maxTxBytes: number): ChannelSpec[] {
  return [
    { id: Channel.consensus, maxMessageBytes: 64 * 1024 },
    { id: Channel.blockParts, maxMessageBytes: BLOCK_PART_SIZE + 64 + 32 * MAX_PART_PROOF_HASHES },
    { id: Channel.mempool, maxMessageBytes: maxTxBytes, lowPriority: true, batched: true },
    { id: Channel.blockSync, maxMessageBytes: maxBlockBytes + 1024 * 1024 },
  ];
}

function channelOf(m: ConsensusMessage): number {
  switch (m.kind) {
    case 'blockPart':
      return Channel.blockParts;
    case 'blockRequest':
    case 'blockResponse':
      return Channel.blockSync;
    default:
      return Channel.consensus;
  }
}

/** A bounded set of recently seen message hashes (oldest forgotten first). */
class SeenSet {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity: number) {}

  /** True when the key was not seen before (and remembers it). */
  add(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}

const hashKey = (channel: number, payload: Uint8Array) => channel + Buffer.from(sha256(payload)).toString('base64');

/** The engine's network, over the switch. */
export class ConsensusReactor implements EngineNetwork {
  private readonly seen = new SeenSet(100_000);
  private engine: ConsensusEngine | null = null;

  constructor(private readonly sw: P2PSwitch) {
    for (const ch of [Channel.consensus, Channel.blockParts, Channel.blockSync]) {
      sw.onMessage(ch, (peer, payload) => this.onMessage(peer, ch, payload));
    }
    sw.onPeer((peer, up) => {
      if (!up) this.engine?.peerGone(peer);
      else if (this.engine !== null) this.sw.send(peer, Channel.consensus, encodeMessage({ kind: 'status', height: this.engine.height - 1n }));
    });
  }

  attach(engine: ConsensusEngine): void {
    this.engine = engine;
  }

  broadcast(message: ConsensusMessage): void {
    const channel = channelOf(message);
    const payload = encodeMessage(message);
    if (message.kind !== 'status') this.seen.add(hashKey(channel, payload));
    this.sw.broadcast(channel, payload);
  }

  send(peer: string, message: ConsensusMessage): void {
    this.sw.send(peer, channelOf(message), encodeMessage(message));
  }

  private onMessage(peer: string, channel: number, payload: Uint8Array): void {
    if (this.engine === null) return;
    const gossip = channel !== Channel.blockSync;
    const key = hashKey(channel, payload);
    const message = decodeMessage(payload);
    if (message.kind === 'status' || !gossip) {
      this.engine.receive(peer, message);
      return;
    }
    if (!this.seen.add(key)) return;
    if (this.engine.receive(peer, message)) this.sw.broadcast(channel, payload, peer);
  }
}

/** Gossiped txs waiting for CheckTx; beyond this they are dropped (the sender's node still holds them). */
const MAX_QUEUED_TXS = 20_000;
/** CheckTx of gossiped txs runs in slices of this many ms, so votes and RPC calls are not held up behind it. */
const CHECK_SLICE_MS = 5;

/** A gossiped tx on its way to CheckTx, with the peers known to hold it already (never sent it back). */
interface QueuedTx {
  readonly tx: Uint8Array;
  readonly key: string;
  readonly holders: string[];
  ready: boolean;
}

/** A tx's seen-set key: its hash (which the mempool then finds cached for the same bytes) as a latin1 string. */
function txKey(tx: Uint8Array): string {
  const h = txHash(tx);
  return Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('latin1');
}

/**
 * Tx gossip: txs accepted by this node's mempool are passed on; a tx CheckTx refuses is not (and costs the
 * peer nothing: it may be a race). Received txs are queued and checked in short slices between other
 * events: a burst of txs on a connection does not delay the consensus messages behind it. With
 * `preVerify`, their signatures are first checked off the main thread (as client txs are), so CheckTx on
 * the thread that executes blocks finds them verified; txs still reach CheckTx in the order they came.
 * A tx is relayed to every peer but those it came from: every peer that sent a copy while it waited for
 * CheckTx is remembered and skipped. The mempool channel is batched, so the txs one slice accepts share
 * frames on each connection.
 */
export class MempoolReactor {
  private readonly seen = new SeenSet(200_000);
  private readonly queue: QueuedTx[] = [];
  /** the queued txs by key, to note further senders of a tx still waiting */
  private readonly pending = new Map<string, QueuedTx>();
  private head = 0;
  private scheduled: NodeJS.Immediate | null = null;
  private stopped = false;

  constructor(
    private readonly sw: P2PSwitch,
    private readonly mempool: Mempool,
    private readonly preVerify?: (tx: Uint8Array) => Promise<void>,
  ) {
    sw.onMessage(Channel.mempool, (peer, payload) => this.receive(peer, payload));
  }

  /** No more checks: the node is stopping (a slice must not reach a closed store). Queued txs are dropped. */
  stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.queue.length = 0;
    this.pending.clear();
    this.head = 0;
  }

  /** A tx this node accepted from a client: send it to the peers. */
  gossip(tx: Uint8Array): void {
    if (this.seen.add(txKey(tx))) this.sw.broadcast(Channel.mempool, tx);
  }

  private receive(peer: string, payload: Uint8Array): void {
    if (this.stopped) return;
    // a copy of its own: the payload is a view into the frame it came in, which the mempool must not keep alive
    const tx = new Uint8Array(payload);
    const key = txKey(tx);
    if (!this.seen.add(key)) {
      this.pending.get(key)?.holders.push(peer);
      return;
    }
    if (this.queue.length - this.head >= MAX_QUEUED_TXS) return;
    const item: QueuedTx = { tx, key, holders: [peer], ready: this.preVerify === undefined };
    this.queue.push(item);
    this.pending.set(key, item);
    if (item.ready) return this.schedule();
    let verified: Promise<void>;
    try {
      verified = this.preVerify!(item.tx);
    } catch {
      verified = Promise.resolve(); // whatever is wrong with the tx, CheckTx says so, without a penalty
    }
    void verified
      .catch(() => {})
      .then(() => {
        item.ready = true;
        this.schedule();
      });
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = setImmediate(() => this.checkSlice());
  }

  private checkSlice(): void {
    this.scheduled = null;
    if (this.stopped) return;
    const until = performance.now() + CHECK_SLICE_MS;
    while (this.head < this.queue.length && this.queue[this.head]!.ready && performance.now() < until) {
      const item = this.queue[this.head++]!;
      this.pending.delete(item.key);
      const res = this.mempool.add(item.tx);
      if (res.result.code === 0) this.sw.broadcast(Channel.mempool, item.tx, item.holders);
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else {
      if (this.head > 4096) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      // the next one is still being verified: its verification schedules the next slice
      if (this.queue[this.head]!.ready) this.schedule();
    }
  }
}
