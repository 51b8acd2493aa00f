import { BlockID, PartSetHeader } from 'cosmjs-types/tendermint/types/types';
import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { ConsensusErrors } from './errors.js';

/** CometBFT's hash size (SHA-256). */
export const HASH_SIZE = 32;

/**
 * Go's zero `time.Time` as a protobuf Timestamp (0001-01-01T00:00:00Z). CometBFT encodes timestamps as
 * non-nullable fields, so an unset time still appears on the wire with these seconds: absent commit
 * signatures carry it, and the commit hash depends on it.
 */
export const GO_ZERO_TIME: Timestamp = Object.freeze({ seconds: -62135596800n, nanos: 0 });

/** The block id of "no block": what a nil vote carries. */
export function nilBlockId(): BlockID {
  return { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } };
}

export function isZeroPartSetHeader(psh: PartSetHeader): boolean {
  return psh.total === 0 && psh.hash.length === 0;
}

/** True for the block id of a nil vote (CometBFT BlockID.IsZero). */
export function isNilBlockId(id: BlockID): boolean {
  return id.hash.length === 0 && isZeroPartSetHeader(id.partSetHeader);
}

/** True for the id of an actual block (CometBFT BlockID.IsComplete). */
export function isCompleteBlockId(id: BlockID): boolean {
  return id.hash.length === HASH_SIZE && id.partSetHeader.total > 0 && id.partSetHeader.hash.length === HASH_SIZE;
}

/** Votes and proposals accept only nil or complete block ids. */
export function assertVotableBlockId(id: BlockID, what: string): void {
  if (!isNilBlockId(id) && !isCompleteBlockId(id)) {
    throw ConsensusErrors.invalidBlockId(
      `${what}: expected nil or a ${HASH_SIZE}-byte hash with a non-empty part set header`,
    );
  }
}

const keyCache = new WeakMap<BlockID, string>();

/**
 * A string key for maps and ordering: the hex of CometBFT's BlockID.Key() (hash ++ PartSetHeader proto
 * bytes). Hex keeps the byte order, so comparing keys orders ids as CometBFT does. Nil is ''.
 * Memoised per object: block ids are treated as immutable once made.
 */
export function blockIdKey(id: BlockID): string {
  let key = keyCache.get(id);
  if (key === undefined) {
    key = toHex(id.hash) + toHex(PartSetHeader.encode(id.partSetHeader).finish());
    keyCache.set(id, key);
  }
  return key;
}

export function blockIdEquals(a: BlockID, b: BlockID): boolean {
  return blockIdKey(a) === blockIdKey(b);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/** Bytewise comparison (Go's bytes.Compare). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).compare(b);
}
