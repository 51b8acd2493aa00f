/**
 * Authenticated, encrypted peer connections over TCP, built on node:crypto (see README.md for the
 * protocol). The handshake agrees on fresh X25519 keys, derives one ChaCha20-Poly1305 key per
 * direction, then each side proves its node key by signing the handshake transcript. After it, every
 * frame is `u32be length | ciphertext | 16-byte tag` whose plaintext is one or more messages, each
 * `channel byte | u32be length | payload`: messages queued in one turn of the event loop share a frame,
 * so a burst of small messages (gossiped txs) costs one seal and one socket write, not one per message.
 */
import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { signEd25519, verifyEd25519 } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/hash.js';
import { P2PErrors } from './errors.js';

const MAGIC = Buffer.from('VIVP2P01');
const TAG_BYTES = 16;
const enc = new TextEncoder();
const LABEL_TRANSCRIPT = enc.encode('vivian-p2p-v1 transcript');
const LABEL_KEYS = 'vivian-p2p-v1 keys';
const LABEL_AUTH = enc.encode('vivian-p2p-v1 auth');
/** The auth frame: pubkey 32 + signature 64 + network name (chain id, <= 64 bytes). */
const MAX_AUTH_BYTES = 32 + 64 + 64;
/** Each message in a frame: channel (1 byte) and payload length (u32be) before the payload. */
export const MESSAGE_HEADER_BYTES = 5;
/** Queued messages are packed into frames of at most this many plaintext bytes (a larger message goes alone). */
const PACK_BYTES = 64 * 1024;

export interface NodeIdentity {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A node id: hex of the first 20 bytes of SHA-256(node public key), as CometBFT derives it. */
export function nodeIdOf(publicKey: Uint8Array): string {
  return Buffer.from(sha256(publicKey).subarray(0, 20)).toString('hex');
}

/** Encrypts one direction: ChaCha20-Poly1305 with a 96-bit counter nonce that never repeats per key. */
class FrameCipher {
  private counter = 0n;
  constructor(private readonly key: Buffer) {}

  private nextNonce(): Buffer {
    const nonce = Buffer.alloc(12);
    nonce.writeBigUInt64BE(this.counter, 4);
    this.counter++;
    return nonce;
  }

  seal(plaintext: Uint8Array): Buffer {
    const c = createCipheriv('chacha20-poly1305', this.key, this.nextNonce(), { authTagLength: TAG_BYTES });
    const body = c.update(plaintext);
    c.final();
    const frame = Buffer.allocUnsafe(4 + body.length + TAG_BYTES);
    frame.writeUInt32BE(body.length + TAG_BYTES, 0);
    body.copy(frame, 4);
    c.getAuthTag().copy(frame, 4 + body.length);
    return frame;
  }

  open(sealed: Buffer): Buffer {
    const d = createDecipheriv('chacha20-poly1305', this.key, this.nextNonce(), { authTagLength: TAG_BYTES });
    d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const out = d.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    try {
      d.final();
    } catch {
      throw P2PErrors.badFrame('a frame failed authentication');
    }
    return out;
  }
}

/** Splits a byte stream into `u32be length | body` frames, refusing lengths above a limit. */
class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private maxFrame: number) {}

  setLimit(maxFrame: number): void {
    this.maxFrame = maxFrame;
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  take(n: number): Buffer | null {
    if (this.buf.length < n) return null;
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  nextFrame(): Buffer | null {
    if (this.buf.length < 4) return null;
    const len = this.buf.readUInt32BE(0);
    if (len < TAG_BYTES || len > this.maxFrame + TAG_BYTES) throw P2PErrors.oversized(`a frame of ${len} bytes (limit ${this.maxFrame})`);
    if (this.buf.length < 4 + len) return null;
    const frame = this.buf.subarray(4, 4 + len);
    this.buf = this.buf.subarray(4 + len);
    return frame;
  }
}

export interface HandshakeOptions {
  readonly identity: NodeIdentity;
  /** The network (chain id): peers of another network are refused. */
  readonly network: string;
  /** Largest plaintext frame accepted after the handshake (and the most this side packs into one). */
  readonly maxFrameBytes: number;
  readonly timeoutMs?: number;
}

/** An established connection. Emits 'message' (channel, payload), 'close' (error?). */
export class SecureConnection extends EventEmitter {
  private closed = false;
  /** Messages waiting for the end of this turn of the event loop, to be sealed together. */
  private outbox: OutgoingMessage[] = [];
  private outboxBytes = 0;
  private flushScheduled = false;
  private readonly packBytes: number;

  constructor(
    readonly socket: Socket,
    readonly peerId: string,
    readonly peerPublicKey: Uint8Array,
    readonly outbound: boolean,
    private readonly sender: FrameCipher,
    private readonly receiver: FrameCipher,
    private readonly reader: FrameReader,
    /** the largest frame plaintext both sides accept (the peer runs the same channel limits) */
    maxFrameBytes: number,
  ) {
    super();
    this.packBytes = Math.min(PACK_BYTES, maxFrameBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.close());
    socket.on('error', (e) => this.close(e));
  }

  /** Bytes queued and not yet written to the network (backpressure). */
  get queuedBytes(): number {
    return this.socket.writableLength + this.outboxBytes;
  }

  /** Sends a message now, together with any queued ones (they keep their order). */
  send(channel: number, payload: Uint8Array): void {
    if (this.closed) return;
    this.push(channel, payload);
    this.flush();
  }

  /**
   * Sends a message at the end of this turn of the event loop, sealed in one frame with whatever else was
   * queued or sent meanwhile: for messages that come in bursts and can wait a moment (txs).
   */
  queue(channel: number, payload: Uint8Array): void {
    if (this.closed) return;
    this.push(channel, payload);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  close(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.outbox = [];
    this.outboxBytes = 0;
    this.socket.destroy();
    this.emit('close', error);
  }

  /** Frames already buffered during the handshake. */
  drainBuffered(): void {
    this.onData(Buffer.alloc(0));
  }

  private push(channel: number, payload: Uint8Array): void {
    this.outbox.push({ channel, payload });
    this.outboxBytes += MESSAGE_HEADER_BYTES + payload.length;
  }

  /** Seals the queued messages into as few frames as the pack size allows and writes them at once. */
  private flush(): void {
    if (this.closed || this.outbox.length === 0) return;
    const messages = this.outbox;
    this.outbox = [];
    this.outboxBytes = 0;
    const frames: Buffer[] = [];
    let from = 0;
    let size = 0;
    for (let i = 0; i < messages.length; i++) {
      const need = MESSAGE_HEADER_BYTES + messages[i]!.payload.length;
      if (size > 0 && size + need > this.packBytes) {
        frames.push(this.seal(messages, from, i, size));
        from = i;
        size = 0;
      }
      size += need;
    }
    frames.push(this.seal(messages, from, messages.length, size));
    if (frames.length === 1) this.socket.write(frames[0]!);
    else {
      this.socket.cork();
      for (const f of frames) this.socket.write(f);
      this.socket.uncork();
    }
  }

  private seal(messages: readonly OutgoingMessage[], from: number, to: number, size: number): Buffer {
    return this.sender.seal(packMessages(messages, from, to, size));
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.reader.push(chunk);
      for (let frame = this.reader.nextFrame(); frame !== null && !this.closed; frame = this.reader.nextFrame()) {
        unpackMessages(this.receiver.open(frame), (channel, payload) => {
          if (!this.closed) this.emit('message', channel, payload);
        });
      }
    } catch (e) {
      this.close(e as Error);
    }
  }
}

export interface OutgoingMessage {
  readonly channel: number;
  readonly payload: Uint8Array;
}

/** The plaintext of a frame holding messages[from..to) (`size` = their bytes with headers). */
export function packMessages(messages: readonly OutgoingMessage[], from: number, to: number, size: number): Buffer {
  const plain = Buffer.allocUnsafe(size);
  let off = 0;
  for (let i = from; i < to; i++) {
    const { channel, payload } = messages[i]!;
    plain[off] = channel;
    plain.writeUInt32BE(payload.length, off + 1);
    plain.set(payload, off + MESSAGE_HEADER_BYTES);
    off += MESSAGE_HEADER_BYTES + payload.length;
  }
  return plain;
}

/** Calls `onMessage` for each message of a frame's plaintext (payloads are views into it); a malformed frame throws. */
export function unpackMessages(plain: Buffer, onMessage: (channel: number, payload: Uint8Array) => void): void {
  if (plain.length === 0) throw P2PErrors.badFrame('an empty frame');
  for (let off = 0; off < plain.length; ) {
    if (plain.length - off < MESSAGE_HEADER_BYTES) throw P2PErrors.badFrame('a truncated message header');
    const length = plain.readUInt32BE(off + 1);
    const left = plain.length - off - MESSAGE_HEADER_BYTES;
    if (length > left) throw P2PErrors.badFrame(`a ${length}-byte message in the ${left} bytes left of its frame`);
    onMessage(plain[off]!, new Uint8Array(plain.buffer, plain.byteOffset + off + MESSAGE_HEADER_BYTES, length));
    off += MESSAGE_HEADER_BYTES + length;
  }
}

/** Runs the handshake on a connected socket; rejects (and destroys the socket) on any failure. */
export function handshake(socket: Socket, outbound: boolean, o: HandshakeOptions): Promise<SecureConnection> {
  return new Promise((resolve, reject) => {
    const reader = new FrameReader(MAX_AUTH_BYTES);
    const eph = generateKeyPairSync('x25519');
    const ephPub = rawX25519(eph.publicKey);
    let stage: 'hello' | 'auth' = 'hello';
    let sender: FrameCipher;
    let receiver: FrameCipher;
    let transcript: Uint8Array;
    const timer = setTimeout(() => fail(P2PErrors.handshake('timed out')), o.timeoutMs ?? 5000);

    const fail = (e: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.destroy();
      reject(e);
    };
    const onData = (chunk: Buffer) => {
      try {
        reader.push(chunk);
        if (stage === 'hello') {
          const hello = reader.take(MAGIC.length + 32);
          if (hello === null) return;
          if (!hello.subarray(0, MAGIC.length).equals(MAGIC)) throw P2PErrors.handshake('not a VIVIAN p2p peer');
          const theirPub = hello.subarray(MAGIC.length);
          const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: x25519FromRaw(theirPub) });
          if (shared.every((b) => b === 0)) throw P2PErrors.handshake('a low-order ephemeral key');
          const weAreLow = Buffer.compare(ephPub, theirPub) < 0;
          const [lo, hi] = weAreLow ? [ephPub, theirPub] : [theirPub, ephPub];
          transcript = sha256(LABEL_TRANSCRIPT, lo, hi);
          const keys = Buffer.from(hkdfSync('sha256', shared, transcript, LABEL_KEYS, 64));
          const [k1, k2] = [keys.subarray(0, 32), keys.subarray(32)];
          sender = new FrameCipher(weAreLow ? k1 : k2);
          receiver = new FrameCipher(weAreLow ? k2 : k1);
          const network = enc.encode(o.network);
          const sig = signEd25519(o.identity.privateKey, sha256(LABEL_AUTH, transcript, network));
          socket.write(sender.seal(Buffer.concat([o.identity.publicKey, sig, network])));
          stage = 'auth';
        }
        const frame = reader.nextFrame();
        if (frame === null) return;
        const auth = receiver.open(frame);
        if (auth.length < 96) throw P2PErrors.handshake('a short auth message');
        const pub = new Uint8Array(auth.subarray(0, 32));
        const sig = auth.subarray(32, 96);
        const network = auth.subarray(96);
        if (network.toString('utf8') !== o.network) throw P2PErrors.handshake(`peer is on network ${JSON.stringify(network.toString('utf8'))}, not ${JSON.stringify(o.network)}`);
        if (!verifyEd25519(pub, sha256(LABEL_AUTH, transcript, network), sig)) throw P2PErrors.handshake('the peer did not prove its node key');
        clearTimeout(timer);
        socket.off('data', onData);
        reader.setLimit(o.maxFrameBytes);
        const conn = new SecureConnection(socket, nodeIdOf(pub), pub, outbound, sender, receiver, reader, o.maxFrameBytes);
        resolve(conn);
        // Frames that came in the auth message's chunk are emitted once the caller has had its turn to
        // listen; emitted now, they would be lost (the first messages a peer sends on connecting).
        setImmediate(() => conn.drainBuffered());
      } catch (e) {
        fail(P2PErrors.handshake.is(e) || P2PErrors.badFrame.is(e) || P2PErrors.oversized.is(e) ? (e as Error) : P2PErrors.handshake((e as Error).message));
      }
    };
    socket.on('data', onData);
    socket.once('error', (e) => fail(P2PErrors.handshake(e.message)));
    socket.once('close', () => fail(P2PErrors.handshake('connection closed')));
    socket.write(Buffer.concat([MAGIC, ephPub]));
  });
}

function rawX25519(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
}

function x25519FromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}
