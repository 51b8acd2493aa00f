/**
 * Blocks as the BFT engine handles them: built by the proposer (with the previous commit and pending
 * evidence), split into parts for gossip, reassembled, and checked against the chain before the app sees
 * them. The checks are deterministic: every correct validator reaches the same valid(v).
 */
import { Block } from 'cosmjs-types/tendermint/types/block';
import { DuplicateVoteEvidence } from 'cosmjs-types/tendermint/types/evidence';
import type { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import type { BlockID, Commit } from 'cosmjs-types/tendermint/types/types';
import { BlockIDFlag } from 'cosmjs-types/tendermint/types/validator';
import { CommitInfo, Misbehavior, MisbehaviorType } from 'cosmjs-types/tendermint/abci/types';
import { allInclusionPaths } from '../../crypto/merkleProof.js';
import { leafHash, merkleRootOfItems } from '../../ledger/merkle.js';
import { verifyInclusion } from '../../ledger/proofs.js';
import { chunkParts, makeBlock, partSetHeader, type BlockInputs } from '../block.js';
import { blockIdKey, bytesEqual, toHex } from '../types/blockId.js';
import { commitHash, verifyCommit } from '../types/commit.js';
import { verifyDuplicateVoteEvidence } from '../types/evidence.js';
import { headerHash, txsHash } from '../types/header.js';
import type { Ed25519Verify } from '../types/vote.js';
import type { ValidatorSet } from '../types/validatorSet.js';
import { EngineErrors } from './errors.js';

export interface BuiltBlock {
  readonly block: Block;
  readonly blockId: BlockID;
  readonly bytes: Uint8Array;
}

/** EvidenceList.Hash(): simple merkle root over each evidence's protobuf bytes. */
export function evidenceHash(evidence: readonly DuplicateVoteEvidence[]): Uint8Array {
  return merkleRootOfItems(evidence.map((e) => DuplicateVoteEvidence.encode(e).finish()));
}

/** makeBlock plus the evidence the proposer includes. */
export function buildBlock(inputs: BlockInputs, evidence: readonly DuplicateVoteEvidence[]): BuiltBlock {
  const built = makeBlock(inputs);
  if (evidence.length === 0) return built;
  const header = { ...built.block.header!, evidenceHash: evidenceHash(evidence) };
  const block: Block = { ...built.block, header, evidence: { evidence: evidence.map((e) => ({ duplicateVoteEvidence: e })) } };
  return fromBlock(block);
}

/** Bytes and id of a block as received whole. */
export function fromBlock(block: Block): BuiltBlock {
  const bytes = Block.encode(block).finish();
  const hash = headerHash(block.header!);
  if (hash === null) throw EngineErrors.invalidBlock('the header has no validators hash');
  return { block, blockId: { hash, partSetHeader: partSetHeader(bytes) }, bytes };
}

/** Decodes block bytes; its id is computed from them (header hash, part set of these very bytes). */
export function decodeBlock(bytes: Uint8Array): BuiltBlock {
  let block: Block;
  try {
    block = Block.decode(bytes);
  } catch (e) {
    throw EngineErrors.invalidBlock(`undecodable block: ${(e as Error).message}`);
  }
  if (block.header === undefined) throw EngineErrors.invalidBlock('the block has no header');
  return { block, blockId: { hash: headerHash(block.header) ?? new Uint8Array(), partSetHeader: partSetHeader(bytes) }, bytes };
}

/** Decodes block bytes and checks they are the block `blockId` names. */
export function decodeBlockFor(bytes: Uint8Array, blockId: BlockID): BuiltBlock {
  const built = decodeBlock(bytes);
  if (blockIdKey(built.blockId) !== blockIdKey(blockId)) throw EngineErrors.invalidBlock('the block bytes do not match its id');
  return built;
}

/** One part of a block as gossiped: its bytes and their inclusion path against the part set root. */
export interface BlockPart {
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

/** Parts of the blocks this node proposes or relays, made once per block (a height may re-send them). */
const partsCache = new WeakMap<Uint8Array, BlockPart[]>();

/** A block's parts, each with the proof CometBFT's Part carries (sibling hashes up to PartSetHeader.hash). */
export function splitParts(bytes: Uint8Array): BlockPart[] {
  let parts = partsCache.get(bytes);
  if (parts === undefined) {
    const chunks = chunkParts(bytes);
    const { paths } = allInclusionPaths(chunks.map(leafHash));
    parts = chunks.map((chunk, index) => ({ index, bytes: chunk, proof: paths[index]! }));
    partsCache.set(bytes, parts);
  }
  return parts;
}

/** True when `part` is part `index` of `total` under the part set root `root`: a forged part fails alone. */
export function verifyPart(part: BlockPart, total: number, root: Uint8Array): boolean {
  return verifyInclusion(leafHash(part.bytes), part.index, total, part.proof, root);
}

/**
 * BFT time (CometBFT's MedianTime): the voting-power-weighted median of the timestamps in the commit of
 * the previous block. Validators whose power sums to 1/3 or less cannot move it outside the range the
 * others' clocks gave, and every node computes it from the block alone.
 */
export function medianTime(commit: Commit, validators: ValidatorSet): Timestamp {
  const weighted: Array<{ ns: bigint; ts: Timestamp; power: bigint }> = [];
  let total = 0n;
  for (const sig of commit.signatures) {
    if (sig.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_ABSENT || sig.timestamp === undefined) continue;
    const found = validators.getByAddress(sig.validatorAddress);
    if (found === null) continue;
    total += found.validator.votingPower;
    weighted.push({ ns: sig.timestamp.seconds * 1_000_000_000n + BigInt(sig.timestamp.nanos), ts: sig.timestamp, power: found.validator.votingPower });
  }
  if (weighted.length === 0) throw EngineErrors.invalidBlock('the last commit has no signatures to take a time from');
  weighted.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  let median = total / 2n;
  for (const w of weighted) {
    if (median <= w.power) return w.ts;
    median -= w.power;
  }
  return weighted[weighted.length - 1]!.ts;
}

/** What a block must agree with: the chain as this node has committed it. */
export interface ChainContext {
  readonly chainId: string;
  readonly height: bigint;
  readonly initialHeight: bigint;
  readonly lastBlockId: BlockID | null;
  readonly lastBlockTimeNs: bigint;
  readonly lastCommitValidators: ValidatorSet | null;
  readonly validators: ValidatorSet;
  readonly nextValidators: ValidatorSet;
  readonly appHash: Uint8Array;
  readonly lastResultsHash: Uint8Array;
  readonly consensusHash: Uint8Array;
  readonly appVersion: bigint;
  /** Validator sets by evidence height that may be judged here (this height and the last). */
  readonly evidenceValidators: (height: bigint) => ValidatorSet | null;
  /**
   * evidenceKey of each piece of evidence the previous block committed. Evidence is judged only at its own
   * height and the next, so it can have been committed at most once before, in that block.
   */
  readonly previousEvidence: ReadonlySet<string>;
  readonly verify: Ed25519Verify;
}

/**
 * The header checks CometBFT's validateBlock makes (state/validation.go) that do not need the app: every
 * hash that links the block to the chain, the proposer, the last commit's signatures and the evidence.
 */
export function checkBlock(b: BuiltBlock, ctx: ChainContext): void {
  const h = b.block.header!;
  const fail = (what: string) => {
    throw EngineErrors.invalidBlock(`block ${h.height}: ${what}`);
  };
  if (h.chainId !== ctx.chainId) fail(`chain id ${h.chainId}, expected ${ctx.chainId}`);
  if (h.height !== ctx.height) fail(`height, expected ${ctx.height}`);
  if (h.version.app !== ctx.appVersion) fail(`app version ${h.version.app}, expected ${ctx.appVersion}`);
  if (!bytesEqual(h.validatorsHash, ctx.validators.hash())) fail('wrong validators hash');
  if (!bytesEqual(h.nextValidatorsHash, ctx.nextValidators.hash())) fail('wrong next validators hash');
  if (!bytesEqual(h.consensusHash, ctx.consensusHash)) fail('wrong consensus hash');
  if (!bytesEqual(h.appHash, ctx.appHash)) fail(`app hash ${toHex(h.appHash)}, expected ${toHex(ctx.appHash)}`);
  if (!bytesEqual(h.lastResultsHash, ctx.lastResultsHash)) fail('wrong last results hash');
  // A valid value may be re-proposed in a later round by another proposer: the header names a validator.
  if (ctx.validators.getByAddress(h.proposerAddress) === null) fail(`proposer ${toHex(h.proposerAddress)} is not a validator`);
  if (!bytesEqual(h.dataHash, txsHash(b.block.data?.txs ?? []))) fail('data hash does not match the txs');
  const timeNs = h.time.seconds * 1_000_000_000n + BigInt(h.time.nanos);
  if (timeNs <= ctx.lastBlockTimeNs) fail('time is not after the previous block');

  if (ctx.height === ctx.initialHeight) {
    if (b.block.lastCommit !== undefined && b.block.lastCommit.signatures.length > 0) fail('the first block carries a last commit');
  } else {
    const lc = b.block.lastCommit;
    if (lc === undefined || ctx.lastBlockId === null || ctx.lastCommitValidators === null) fail('no last commit');
    if (blockIdKey(h.lastBlockId) !== blockIdKey(ctx.lastBlockId!)) fail('wrong last block id');
    if (!bytesEqual(h.lastCommitHash, commitHash(lc!))) fail('last commit hash does not match');
    try {
      verifyCommit(ctx.chainId, ctx.lastCommitValidators!, ctx.lastBlockId!, ctx.height - 1n, lc!, ctx.verify);
    } catch (e) {
      fail(`last commit: ${(e as Error).message}`);
    }
    const bft = medianTime(lc!, ctx.lastCommitValidators!);
    if (bft.seconds !== h.time.seconds || bft.nanos !== h.time.nanos) fail('time is not the weighted median of the last commit\'s votes (BFT time)');
  }

  const evidence = blockEvidence(b.block);
  if (!bytesEqual(h.evidenceHash, evidenceHash(evidence))) fail('evidence hash does not match');
  const inBlock = new Set<string>();
  for (const ev of evidence) {
    const key = evidenceKey(ev);
    if (inBlock.has(key)) fail('the same evidence twice');
    if (ctx.previousEvidence.has(key)) fail('evidence the previous block already committed');
    inBlock.add(key);
    const set = ctx.evidenceValidators(ev.voteA?.height ?? 0n);
    if (set === null) fail(`evidence of height ${ev.voteA?.height} is too old or from the future`);
    try {
      verifyDuplicateVoteEvidence(ctx.chainId, ev, set!, ctx.verify);
    } catch (e) {
      fail(`evidence: ${(e as Error).message}`);
    }
  }
}

export function blockEvidence(block: Block): DuplicateVoteEvidence[] {
  return (block.evidence?.evidence ?? []).map((e) => {
    if (e.duplicateVoteEvidence === undefined) throw EngineErrors.invalidBlock('only duplicate-vote evidence is supported');
    return e.duplicateVoteEvidence;
  });
}

/** The ABCI misbehaviour the app is told about for each piece of evidence. */
export function misbehaviorOf(evidence: readonly DuplicateVoteEvidence[]): Misbehavior[] {
  return evidence.map((e) => ({
    type: MisbehaviorType.DUPLICATE_VOTE,
    validator: { address: e.voteA!.validatorAddress, power: e.validatorPower },
    height: e.voteA!.height,
    time: e.timestamp,
    totalVotingPower: e.totalVotingPower,
  }));
}

/** ABCI CommitInfo of a commit (who signed the previous block), for the app. */
export function commitInfoOf(commit: Commit | undefined, validators: ValidatorSet | null): CommitInfo {
  if (commit === undefined || validators === null) return { round: 0, votes: [] };
  return {
    round: commit.round,
    votes: commit.signatures.map((s, i) => ({
      validator: { address: validators.getByIndex(i)?.address ?? s.validatorAddress, power: validators.getByIndex(i)?.votingPower ?? 0n },
      blockIdFlag: s.blockIdFlag,
    })),
  };
}

/** A stable id for evidence (dedupe in the pool and in blocks). */
export function evidenceKey(e: DuplicateVoteEvidence): string {
  return toHex(DuplicateVoteEvidence.encode({ ...e, totalVotingPower: 0n, validatorPower: 0n, timestamp: { seconds: 0n, nanos: 0 } }).finish());
}
