/**
 * The consensus write-ahead log: every proposal and vote this validator signs is appended here and
 * fsynced before the signature leaves the process. After a crash the log says exactly what was signed,
 * so a restarted validator re-sends the same messages instead of signing different ones.
 *
 * File format, one record after another:
 *   u32be length | 4-byte check (first 4 bytes of SHA-256 of the payload) | payload
 *   payload = kind (1 vote, 2 proposal) | protobuf Vote / Proposal
 *           | kind 3 | u64be height | block bytes   (the block of our own proposal, logged with it)
 * A torn tail (a record cut short by a crash, or whose check fails) is cut off when the log is opened:
 * it was never fsynced, so its message was never sent.
 *
 * The proposer's block is logged because after a crash between proposing and committing, the proposal
 * and votes it signed name that block: a validator alone (or whose peers never received the parts)
 * could otherwise never decide the height again (CometBFT logs block parts for the same reason).
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Proposal, Vote } from 'cosmjs-types/tendermint/types/types';
import { sha256 } from '../../crypto/hash.js';
import { writeFileAtomic } from '../../store/atomicFile.js';
import { WalErrors } from './errors.js';

export type WalRecord =
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  /** The encoded block our proposal at `height` names. */
  | { readonly kind: 'block'; readonly height: bigint; readonly bytes: Uint8Array };

const KIND_VOTE = 1;
const KIND_PROPOSAL = 2;
const KIND_BLOCK = 3;
const HEADER_BYTES = 8;
/** A vote or proposal is a few hundred bytes, a block at most its consensus limit; anything larger is corruption. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** Rewrite the file without old heights once it grows past this. */
const COMPACT_BYTES = 4 * 1024 * 1024;

export interface WalOptions {
  /** Skip fsync (tests of throwaway chains only: a crash may then lose what was sent). */
  readonly noSync?: boolean;
}

export class ConsensusWal {
  private fd: number;
  private size: number;
  private readonly records: WalRecord[];

  private constructor(
    readonly path: string,
    private readonly opts: WalOptions,
    records: WalRecord[],
    fd: number,
    size: number,
  ) {
    this.records = records;
    this.fd = fd;
    this.size = size;
  }

  /** Opens (or creates) the log, dropping a torn tail. */
  static open(path: string, opts: WalOptions = {}): ConsensusWal {
    mkdirSync(dirname(path), { recursive: true });
    const records: WalRecord[] = [];
    let good = 0;
    if (existsSync(path)) {
      const buf = readFileSync(path);
      let off = 0;
      while (off + HEADER_BYTES <= buf.length) {
        const len = buf.readUInt32BE(off);
        if (len === 0 || len > MAX_RECORD_BYTES || off + HEADER_BYTES + len > buf.length) break;
        const payload = buf.subarray(off + HEADER_BYTES, off + HEADER_BYTES + len);
        if (!Buffer.from(sha256(payload).subarray(0, 4)).equals(buf.subarray(off + 4, off + 8))) break;
        records.push(decodeRecord(payload));
        off += HEADER_BYTES + len;
        good = off;
      }
    }
    const fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
    ftruncateSync(fd, good);
    if (!opts.noSync) fsyncSync(fd);
    return new ConsensusWal(path, opts, records, fd, good);
  }

  /** What was signed and logged, oldest first. */
  get entries(): readonly WalRecord[] {
    return this.records;
  }

  /** Appends records and makes them durable (one fsync) before returning. */
  append(...records: WalRecord[]): void {
    const frame = records.length === 1 ? encodeFrame(records[0]!) : Buffer.concat(records.map(encodeFrame));
    writeAll(this.fd, frame, this.size);
    if (!this.opts.noSync) fsyncSync(this.fd);
    this.size += frame.length;
    this.records.push(...records);
  }

  /**
   * Forgets records below `height` once the file is large: they can no longer be re-signed because the
   * signer refuses anything below its last signed height/round/step, which the kept tail still holds.
   */
  compact(height: bigint): void {
    if (this.size < COMPACT_BYTES) return;
    const keep = this.records.filter((r) => recordHeight(r) >= height);
    if (keep.length === 0 && this.records.length > 0) keep.push(this.records[this.records.length - 1]!);
    const frames = keep.map(encodeFrame);
    writeFileAtomic(this.path, frames);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'r+');
    this.size = frames.reduce((n, f) => n + f.length, 0);
    this.records.splice(0, this.records.length, ...keep);
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

export function recordHeight(r: WalRecord): bigint {
  switch (r.kind) {
    case 'vote':
      return r.vote.height;
    case 'proposal':
      return r.proposal.height;
    case 'block':
      return r.height;
  }
}

function encodeFrame(record: WalRecord): Buffer {
  let payload: Buffer;
  if (record.kind === 'block') {
    payload = Buffer.alloc(1 + 8 + record.bytes.length);
    payload[0] = KIND_BLOCK;
    payload.writeBigUInt64BE(record.height, 1);
    payload.set(record.bytes, 9);
  } else {
    const body = record.kind === 'vote' ? Vote.encode(record.vote).finish() : Proposal.encode(record.proposal).finish();
    payload = Buffer.alloc(1 + body.length);
    payload[0] = record.kind === 'vote' ? KIND_VOTE : KIND_PROPOSAL;
    payload.set(body, 1);
  }
  const frame = Buffer.alloc(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.set(sha256(payload).subarray(0, 4), 4);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

function decodeRecord(payload: Buffer): WalRecord {
  const body = payload.subarray(1);
  switch (payload[0]) {
    case KIND_VOTE:
      return { kind: 'vote', vote: Vote.decode(body) };
    case KIND_PROPOSAL:
      return { kind: 'proposal', proposal: Proposal.decode(body) };
    case KIND_BLOCK:
      if (body.length < 8) throw WalErrors.corrupt('a block record without its height');
      return { kind: 'block', height: body.readBigUInt64BE(0), bytes: new Uint8Array(body.subarray(8)) };
    default:
      throw WalErrors.corrupt(`unknown record kind ${payload[0]}`);
  }
}

function writeAll(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, position + done);
}
