import { Block } from 'cosmjs-types/tendermint/types/block';
import { Data } from 'cosmjs-types/tendermint/types/types';
import { HashedParams } from 'cosmjs-types/tendermint/types/params';
import { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import type { BlockID, Commit, Header } from 'cosmjs-types/tendermint/types/types';
import type { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { sha256 } from '../crypto/hash.js';
import { merkleRootOfItems } from '../ledger/merkle.js';
import { headerHash, txsHash } from './types/header.js';
import { commitHash } from './types/commit.js';

/** CometBFT's block part size: blocks are gossiped (and their part set hashed) in 64 KiB parts. */
export const BLOCK_PART_SIZE = 65536;
/** CometBFT 0.38's block protocol version. */
export const BLOCK_PROTOCOL = 11n;

export interface BlockInputs {
  chainId: string;
  height: bigint;
  time: Timestamp;
  lastBlockId: BlockID;
  /** the commit of the previous block (empty for the first block) */
  lastCommit: Commit | undefined;
  txs: Uint8Array[];
  validatorsHash: Uint8Array;
  nextValidatorsHash: Uint8Array;
  consensusHash: Uint8Array;
  /** app hash after the previous block */
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  proposerAddress: Uint8Array;
  appVersion: bigint;
}

/** Builds a block in CometBFT's shape (so cosmjs and light clients parse and hash it as they would a CometBFT block). */
export function makeBlock(b: BlockInputs): { block: Block; blockId: BlockID; bytes: Uint8Array } {
  const header: Header = {
    version: { block: BLOCK_PROTOCOL, app: b.appVersion },
    chainId: b.chainId,
    height: b.height,
    time: b.time,
    lastBlockId: b.lastBlockId,
    lastCommitHash: b.lastCommit ? commitHash(b.lastCommit) : merkleRootOfItems([]),
    dataHash: txsHash(b.txs),
    validatorsHash: b.validatorsHash,
    nextValidatorsHash: b.nextValidatorsHash,
    consensusHash: b.consensusHash,
    appHash: b.appHash,
    lastResultsHash: b.lastResultsHash,
    evidenceHash: merkleRootOfItems([]),
    proposerAddress: b.proposerAddress,
  };
  const block: Block = {
    header,
    data: Data.fromPartial({ txs: b.txs }),
    evidence: { evidence: [] },
    lastCommit: b.lastCommit,
  };
  const bytes = Block.encode(block).finish();
  const hash = headerHash(header);
  if (!hash) throw new Error('block header has no validators hash');
  return { block, blockId: { hash, partSetHeader: partSetHeader(bytes) }, bytes };
}

/** A block's bytes cut into BLOCK_PART_SIZE parts (views, not copies); an empty block is one empty part. */
export function chunkParts(bytes: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let off = 0; off < bytes.length; off += BLOCK_PART_SIZE) parts.push(bytes.subarray(off, off + BLOCK_PART_SIZE));
  if (parts.length === 0) parts.push(new Uint8Array());
  return parts;
}

/** The part set header of a block's bytes: part count and the simple merkle root of the parts. */
export function partSetHeader(bytes: Uint8Array): { total: number; hash: Uint8Array } {
  const parts = chunkParts(bytes);
  return { total: parts.length, hash: merkleRootOfItems(parts) };
}

/** LastResultsHash: simple merkle root over each result's deterministic fields {code, data, gas_wanted, gas_used}. */
export function resultsHash(results: readonly ExecTxResult[]): Uint8Array {
  return merkleRootOfItems(
    results.map((r) =>
      ExecTxResult.encode(ExecTxResult.fromPartial({ code: r.code, data: r.data, gasWanted: r.gasWanted, gasUsed: r.gasUsed })).finish(),
    ),
  );
}

/** ConsensusHash: SHA-256 of HashedParams {block_max_bytes, block_max_gas}. */
export function consensusParamsHash(maxBytes: bigint, maxGas: bigint): Uint8Array {
  return sha256(HashedParams.encode({ blockMaxBytes: maxBytes, blockMaxGas: maxGas }).finish());
}
