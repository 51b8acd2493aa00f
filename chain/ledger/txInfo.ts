/**
 * TxInfo: the ledger leaf of one committed transaction (see ledger.proto). Its protobuf bytes are what the
 * accumulator hashes (leaf hash = SHA-256(0x00 ‖ bytes)), so the encoding is canonical: fields in number
 * order, zero values omitted (proto3), exactly what ts-proto's BinaryWriter produces.
 */
import { BinaryReader, WireType } from 'cosmjs-types/binary';
import { encodeProto } from '../codec/protoWriter.js';
import { ErrInvalidTxInfo, ErrMalformedTxInfo } from './errors.js';
import { HASH_LENGTH, leafHash } from './merkle.js';

export interface TxInfo {
  /** SHA-256 of the TxRaw bytes (32 bytes). Field 1, so a leaf starts with the hash it is about. */
  txHash: Uint8Array;
  height: bigint;
  /** Position of the transaction in its block. */
  index: number;
  /** Result code: 0 is success; otherwise with `codespace` it names the error. */
  code: number;
  codespace: string;
  gasWanted: bigint;
  gasUsed: bigint;
  /** The following are 32-byte SHA-256 hashes, or empty when there is nothing to hash. */
  eventsHash: Uint8Array;
  embeddingHash: Uint8Array;
  dataHash: Uint8Array;
}

const MAX_UINT32 = 0xffff_ffff;
const MAX_UINT64 = (1n << 64n) - 1n;

// A lone UTF-16 surrogate cannot be written as UTF-8; with the u flag a valid pair is one code point.
const LONE_SURROGATE = /\p{Surrogate}/u;

export function encodeTxInfo(info: TxInfo): Uint8Array {
  validate(info);
  return encodeProto((w) => {
    w.tag(1, WireType.Bytes).bytes(info.txHash);
    if (info.height !== 0n) w.tag(2, WireType.Varint).varint64(info.height);
    if (info.index !== 0) w.tag(3, WireType.Varint).varint(info.index);
    if (info.code !== 0) w.tag(4, WireType.Varint).varint(info.code);
    if (info.codespace !== '') w.tag(5, WireType.Bytes).string(info.codespace);
    if (info.gasWanted !== 0n) w.tag(6, WireType.Varint).varint64(info.gasWanted);
    if (info.gasUsed !== 0n) w.tag(7, WireType.Varint).varint64(info.gasUsed);
    if (info.eventsHash.length > 0) w.tag(8, WireType.Bytes).bytes(info.eventsHash);
    if (info.embeddingHash.length > 0) w.tag(9, WireType.Bytes).bytes(info.embeddingHash);
    if (info.dataHash.length > 0) w.tag(10, WireType.Bytes).bytes(info.dataHash);
  });
}

/** The accumulator leaf hash of a TxInfo. */
export function txInfoLeafHash(info: TxInfo): Uint8Array {
  return leafHash(encodeTxInfo(info));
}

/**
 * Decodes TxInfo bytes. Truncated data, a known field with the wrong wire type, a number outside its
 * field's range, invalid UTF-8, or a hash of the wrong length throw ErrMalformedTxInfo. Unknown fields are
 * skipped, as protobuf readers do, so newer leaves stay readable.
 */
export function decodeTxInfo(bytes: Uint8Array): TxInfo {
  const info: TxInfo = {
    txHash: new Uint8Array(0),
    height: 0n,
    index: 0,
    code: 0,
    codespace: '',
    gasWanted: 0n,
    gasUsed: 0n,
    eventsHash: new Uint8Array(0),
    embeddingHash: new Uint8Array(0),
    dataHash: new Uint8Array(0),
  };
  const r = new BinaryReader(bytes);
  try {
    while (r.pos < r.len) {
      const [field, wireType] = r.tag();
      const expect = (type: WireType) => {
        if (wireType !== type) throw malformed(`field ${field} has wire type ${wireType}, expected ${type}`);
      };
      switch (field) {
        case 1:
          expect(WireType.Bytes);
          info.txHash = r.bytes().slice();
          break;
        case 2:
          expect(WireType.Varint);
          info.height = r.uint64();
          break;
        case 3:
          expect(WireType.Varint);
          info.index = readUint32(r, 'index');
          break;
        case 4:
          expect(WireType.Varint);
          info.code = readUint32(r, 'code');
          break;
        case 5:
          expect(WireType.Bytes);
          info.codespace = utf8.decode(r.bytes());
          break;
        case 6:
          expect(WireType.Varint);
          info.gasWanted = r.uint64();
          break;
        case 7:
          expect(WireType.Varint);
          info.gasUsed = r.uint64();
          break;
        case 8:
          expect(WireType.Bytes);
          info.eventsHash = r.bytes().slice();
          break;
        case 9:
          expect(WireType.Bytes);
          info.embeddingHash = r.bytes().slice();
          break;
        case 10:
          expect(WireType.Bytes);
          info.dataHash = r.bytes().slice();
          break;
        default:
          r.skipType(wireType);
      }
    }
  } catch (err) {
    if (ErrMalformedTxInfo.is(err)) throw err;
    throw malformed(`at byte ${r.pos} of ${bytes.length}: ${(err as Error).message}`);
  }
  if (info.txHash.length !== HASH_LENGTH) throw malformed(`tx_hash has ${info.txHash.length} bytes, expected 32`);
  for (const [name, hash] of optionalHashes(info)) {
    if (hash.length !== 0 && hash.length !== HASH_LENGTH) {
      throw malformed(`${name} has ${hash.length} bytes, expected 0 or 32`);
    }
  }
  return info;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function malformed(message: string) {
  return ErrMalformedTxInfo(message);
}

/** uint32 fields are read as 64-bit varints and range-checked: BinaryReader.uint32 would truncate silently. */
function readUint32(r: BinaryReader, name: string): number {
  const v = r.uint64();
  if (v > BigInt(MAX_UINT32)) throw malformed(`${name} ${v} exceeds uint32`);
  return Number(v);
}

function optionalHashes(info: TxInfo): Array<[string, Uint8Array]> {
  return [
    ['events_hash', info.eventsHash],
    ['embedding_hash', info.embeddingHash],
    ['data_hash', info.dataHash],
  ];
}

// validation runs for every committed tx: field by field, without building arrays
function checkUint64(name: string, value: bigint): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_UINT64) throw ErrInvalidTxInfo(`${name} ${value} is not a uint64`);
}
function checkUint32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_UINT32) throw ErrInvalidTxInfo(`${name} ${value} is not a uint32`);
}
function checkOptionalHash(name: string, hash: Uint8Array): void {
  if (!(hash instanceof Uint8Array) || (hash.length !== 0 && hash.length !== HASH_LENGTH)) throw ErrInvalidTxInfo(`${name} must be empty or 32 bytes`);
}

function validate(info: TxInfo): void {
  if (!(info.txHash instanceof Uint8Array) || info.txHash.length !== HASH_LENGTH) {
    throw ErrInvalidTxInfo(`tx_hash must be 32 bytes, got ${info.txHash?.length ?? typeof info.txHash}`);
  }
  checkUint64('height', info.height);
  checkUint64('gas_wanted', info.gasWanted);
  checkUint64('gas_used', info.gasUsed);
  checkUint32('index', info.index);
  checkUint32('code', info.code);
  if (typeof info.codespace !== 'string' || (info.codespace !== '' && LONE_SURROGATE.test(info.codespace))) {
    throw ErrInvalidTxInfo(`codespace ${JSON.stringify(info.codespace)} is not valid Unicode text`);
  }
  checkOptionalHash('events_hash', info.eventsHash);
  checkOptionalHash('embedding_hash', info.embeddingHash);
  checkOptionalHash('data_hash', info.dataHash);
}
