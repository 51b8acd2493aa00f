/**
 * Block header hash exactly as CometBFT's Header.Hash(): a simple merkle tree (RFC 6962) over the header
 * fields in order, each encoded on its own — Consensus version, Timestamp and BlockID as protobuf
 * messages, the scalars and hashes wrapped as gogoproto well-known values (StringValue, Int64Value,
 * BytesValue), and an empty value as no bytes at all (cdcEncode).
 */
import { BinaryWriter } from 'cosmjs-types/binary';
import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { Consensus } from 'cosmjs-types/tendermint/version/types';
import { BlockID, Header } from 'cosmjs-types/tendermint/types/types';
import { txHash } from '../../crypto/hash.js';
import { merkleRootOfItems } from '../../ledger/merkle.js';

export type { Header };

/** The header hash, or null when validators_hash is empty (CometBFT returns nil: not a real header). */
export function headerHash(header: Header): Uint8Array | null {
  if (header.validatorsHash.length === 0) return null;
  return merkleRootOfItems([
    Consensus.encode(header.version).finish(),
    header.chainId === '' ? new Uint8Array(0) : wrapString(header.chainId),
    header.height === 0n ? new Uint8Array(0) : wrapInt64(header.height),
    Timestamp.encode(header.time).finish(),
    BlockID.encode(header.lastBlockId).finish(),
    wrapBytes(header.lastCommitHash),
    wrapBytes(header.dataHash),
    wrapBytes(header.validatorsHash),
    wrapBytes(header.nextValidatorsHash),
    wrapBytes(header.consensusHash),
    wrapBytes(header.appHash),
    wrapBytes(header.lastResultsHash),
    wrapBytes(header.evidenceHash),
    wrapBytes(header.proposerAddress),
  ]);
}

/** Data.Hash(): simple merkle root over the SHA-256 of each tx (the header's data_hash). */
export function txsHash(txs: readonly Uint8Array[]): Uint8Array {
  return merkleRootOfItems(txs.map((tx) => txHash(tx)));
}

function wrapString(value: string): Uint8Array {
  return BinaryWriter.create().uint32(0x0a).string(value).finish();
}

function wrapInt64(value: bigint): Uint8Array {
  return BinaryWriter.create().uint32(0x08).int64(value).finish();
}

function wrapBytes(value: Uint8Array): Uint8Array {
  return value.length === 0 ? new Uint8Array(0) : BinaryWriter.create().uint32(0x0a).bytes(value).finish();
}
