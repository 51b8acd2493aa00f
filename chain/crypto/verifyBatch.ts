import { KEY_ALGOS, verifyWithPubKey, type KeyAlgo } from './pubkeys.js';

/** One signature to verify: the same inputs as verifyWithPubKey. */
export interface SignatureCheck {
  algo: KeyAlgo;
  key: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

/**
 * Whether the signature is valid, through the same node:crypto path the ante uses (cached key objects). A key
 * that cannot be used counts as invalid: the ante names the problem when it checks the tx itself.
 */
export function checkSignature(c: SignatureCheck): boolean {
  try {
    return verifyWithPubKey({ algo: c.algo, key: c.key }, c.message, c.signature);
  } catch {
    return false;
  }
}

/** Bytes one check takes packed: u8 algo index, u8 key length, key, u32le message length, message, u8 signature length, signature. */
const packedSize = (c: SignatureCheck) => 7 + c.key.length + c.message.length + c.signature.length;

function packInto(checks: readonly SignatureCheck[], out: Uint8Array): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 0;
  for (const c of checks) {
    if (c.key.length > 255 || c.signature.length > 255) throw new RangeError('key or signature too long to pack');
    out[at++] = KEY_ALGOS.indexOf(c.algo);
    out[at++] = c.key.length;
    out.set(c.key, at);
    at += c.key.length;
    view.setUint32(at, c.message.length, true);
    at += 4;
    out.set(c.message, at);
    at += c.message.length;
    out[at++] = c.signature.length;
    out.set(c.signature, at);
    at += c.signature.length;
  }
}

/**
 * A batch of checks packed into one buffer, so a batch crosses threads as one buffer (structured clone would
 * copy the whole backing buffer of every small view, often an 8 KiB pool slab).
 */
export function packChecks(checks: readonly SignatureCheck[]): Uint8Array {
  let size = 0;
  for (const c of checks) size += packedSize(c);
  const out = new Uint8Array(size);
  packInto(checks, out);
  return out;
}

export function unpackChecks(packed: Uint8Array): SignatureCheck[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const out: SignatureCheck[] = [];
  let at = 0;
  while (at < packed.length) {
    const algo = KEY_ALGOS[packed[at++]!]!;
    const keyLength = packed[at++]!;
    const key = packed.subarray(at, (at += keyLength));
    const messageLength = view.getUint32(at, true);
    at += 4;
    const message = packed.subarray(at, (at += messageLength));
    const signatureLength = packed[at++]!;
    const signature = packed.subarray(at, (at += signatureLength));
    out.push({ algo, key, message, signature });
  }
  return out;
}

/**
 * Relative cost of one check (measured through node:crypto: ~72 us ed25519, ~265 us secp256k1), and the cost a
 * chunk is cut at: ~1 ms of work, small enough that the main thread can take one between other events without
 * holding anything up, large enough that claiming one is free.
 */
const CHECK_WEIGHT: Record<KeyAlgo, number> = { ed25519: 1, secp256k1: 4 };
export const CHUNK_WEIGHT = 16;

/** What identifies a shared batch to another thread (the buffer is shared, not copied). */
export interface SharedBatchMessage {
  buffer: SharedArrayBuffer;
  checks: number;
  chunks: number;
}

// control words: the next chunk to claim, and how many checks are finished (results written)
const NEXT_CHUNK = 0;
const CHECKS_DONE = 1;

/**
 * A batch of checks in shared memory, cut into chunks that any thread may claim (an atomic counter hands out
 * each chunk once): pool workers and the main thread work through the same batch, and finish it together.
 * Layout of the one SharedArrayBuffer: i32 control words [next chunk, checks done]; u32 pairs per chunk
 * boundary [first check, first byte] (chunks + 1 of them); one result byte per check (1 = valid); the packed checks.
 */
export class SharedBatch {
  private readonly control: Int32Array;
  private readonly bounds: Uint32Array;
  readonly results: Uint8Array;
  private readonly packed: Uint8Array;

  private constructor(readonly message: SharedBatchMessage, packedBytes: number) {
    const { buffer, checks, chunks } = message;
    this.control = new Int32Array(buffer, 0, 2);
    this.bounds = new Uint32Array(buffer, 8, 2 * (chunks + 1));
    const resultsAt = 8 + 8 * (chunks + 1);
    this.results = new Uint8Array(buffer, resultsAt, checks);
    this.packed = new Uint8Array(buffer, resultsAt + checks, packedBytes);
  }

  static fromChecks(checks: readonly SignatureCheck[], chunkWeight = CHUNK_WEIGHT): SharedBatch {
    // chunk boundaries: a chunk closes once its checks weigh chunkWeight
    const firstChecks = [0];
    let weight = 0;
    checks.forEach((c, i) => {
      weight += CHECK_WEIGHT[c.algo] ?? 1;
      if (weight >= chunkWeight && i + 1 < checks.length) {
        firstChecks.push(i + 1);
        weight = 0;
      }
    });
    const chunks = firstChecks.length;
    let packedBytes = 0;
    for (const c of checks) packedBytes += packedSize(c);
    const buffer = new SharedArrayBuffer(8 + 8 * (chunks + 1) + checks.length + packedBytes);
    const batch = new SharedBatch({ buffer, checks: checks.length, chunks }, packedBytes);
    packInto(checks, batch.packed);
    let byte = 0;
    firstChecks.push(checks.length);
    for (let chunk = 0, i = 0; chunk <= chunks; chunk++) {
      for (; i < firstChecks[chunk]!; i++) byte += packedSize(checks[i]!);
      batch.bounds[2 * chunk] = firstChecks[chunk]!;
      batch.bounds[2 * chunk + 1] = byte;
    }
    return batch;
  }

  /** The same batch on another thread. */
  static fromMessage(message: SharedBatchMessage): SharedBatch {
    const resultsAt = 8 + 8 * (message.chunks + 1);
    return new SharedBatch(message, message.buffer.byteLength - resultsAt - message.checks);
  }

  get checks(): number {
    return this.message.checks;
  }

  /** Claims the next chunk nobody has taken, or -1 when all are taken. */
  claim(): number {
    if (Atomics.load(this.control, NEXT_CHUNK) >= this.message.chunks) return -1; // no write once all are out
    const chunk = Atomics.add(this.control, NEXT_CHUNK, 1);
    return chunk < this.message.chunks ? chunk : -1;
  }

  /** Whether every chunk is taken (some may still be in progress). */
  allClaimed(): boolean {
    return Atomics.load(this.control, NEXT_CHUNK) >= this.message.chunks;
  }

  /** Verifies a claimed chunk and publishes its results (the atomic add orders the result writes before it). */
  run(chunk: number): void {
    const first = this.bounds[2 * chunk]!;
    const checks = unpackChecks(this.packed.subarray(this.bounds[2 * chunk + 1]!, this.bounds[2 * chunk + 3]!));
    checks.forEach((c, i) => {
      this.results[first + i] = checkSignature(c) ? 1 : 0;
    });
    Atomics.add(this.control, CHECKS_DONE, checks.length);
  }

  /** Claims and runs chunks until none is left; how many it ran. */
  runAll(): number {
    let ran = 0;
    for (let chunk = this.claim(); chunk >= 0; chunk = this.claim()) {
      this.run(chunk);
      ran++;
    }
    return ran;
  }

  /** Whether every check's result is written. */
  done(): boolean {
    return Atomics.load(this.control, CHECKS_DONE) === this.message.checks;
  }
}
