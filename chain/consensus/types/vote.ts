import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { BlockID, Proposal, SignedMsgType, Vote } from 'cosmjs-types/tendermint/types/types';
import { assertVotableBlockId, bytesEqual, isCompleteBlockId, toHex } from './blockId.js';
import { proposalSignBytes, voteSignBytes } from './canonical.js';
import { ConsensusErrors } from './errors.js';
import { Validator } from './validator.js';
import { ValidatorSet } from './validatorSet.js';

export { SignedMsgType };
export type { Vote, Proposal, BlockID };

/** Signature check, injected so these types stay free of a particular crypto backend. */
export type Ed25519Verify = (pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

export type VoteType = SignedMsgType.SIGNED_MSG_TYPE_PREVOTE | SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT;

/** A vote as the rules decide it; the engine stamps time and validator, writes its WAL, then signs. */
export interface UnsignedVote {
  readonly type: VoteType;
  readonly height: bigint;
  readonly round: number;
  /** Nil vote: the nil block id. */
  readonly blockId: BlockID;
}

/** A proposal as the rules decide it; the engine stamps time, writes its WAL, then signs. */
export interface UnsignedProposal {
  readonly height: bigint;
  readonly round: number;
  /** Round of the proof-of-lock this value carries, -1 for a fresh value. */
  readonly polRound: number;
  readonly blockId: BlockID;
}

export interface Signer {
  readonly validatorAddress: Uint8Array;
  readonly validatorIndex: number;
  readonly timestamp: Timestamp;
}

/** A Vote message ready to be signed (signature empty, no vote extension). */
export function makeVote(unsigned: UnsignedVote, signer: Signer): Vote {
  return {
    type: unsigned.type,
    height: unsigned.height,
    round: unsigned.round,
    blockId: unsigned.blockId,
    timestamp: signer.timestamp,
    validatorAddress: signer.validatorAddress,
    validatorIndex: signer.validatorIndex,
    signature: new Uint8Array(0),
    extension: new Uint8Array(0),
    extensionSignature: new Uint8Array(0),
  };
}

/** A Proposal message ready to be signed. */
export function makeProposal(unsigned: UnsignedProposal, timestamp: Timestamp): Proposal {
  return {
    type: SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL,
    height: unsigned.height,
    round: unsigned.round,
    polRound: unsigned.polRound,
    blockId: unsigned.blockId,
    timestamp,
    signature: new Uint8Array(0),
  };
}

export function isVoteType(type: SignedMsgType): type is VoteType {
  return type === SignedMsgType.SIGNED_MSG_TYPE_PREVOTE || type === SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT;
}

/** Shape checks that need no validator set (CometBFT Vote.ValidateBasic, without extensions). */
export function validateVoteBasic(vote: Vote): void {
  if (!isVoteType(vote.type)) throw ConsensusErrors.invalidVote(`type ${vote.type} is neither prevote nor precommit`);
  if (vote.height <= 0n) throw ConsensusErrors.invalidVote(`height must be positive, got ${vote.height}`);
  if (!Number.isInteger(vote.round) || vote.round < 0) throw ConsensusErrors.invalidVote(`round must be >= 0, got ${vote.round}`);
  if (!Number.isInteger(vote.validatorIndex) || vote.validatorIndex < 0) {
    throw ConsensusErrors.invalidVote(`validator index must be >= 0, got ${vote.validatorIndex}`);
  }
  assertVotableBlockId(vote.blockId, 'vote');
}

/**
 * The validator that cast `vote`, after checking its index, address and (when `verify` is given)
 * signature against `validators`. Throws a typed error naming what did not match.
 */
export function voteValidator(chainId: string, vote: Vote, validators: ValidatorSet, verify?: Ed25519Verify): Validator {
  validateVoteBasic(vote);
  const validator = validators.getByIndex(vote.validatorIndex);
  if (validator === null) {
    throw ConsensusErrors.unknownValidator(`vote index ${vote.validatorIndex} is outside the set of ${validators.size}`);
  }
  if (!bytesEqual(validator.address, vote.validatorAddress)) {
    throw ConsensusErrors.unknownValidator(
      `vote address ${toHex(vote.validatorAddress)} is not validator #${vote.validatorIndex} (${toHex(validator.address)})`,
    );
  }
  if (verify !== undefined && !verify(validator.pubKey, voteSignBytes(chainId, vote), vote.signature)) {
    throw ConsensusErrors.invalidSignature(`vote of ${toHex(vote.validatorAddress)} at ${vote.height}/${vote.round}`);
  }
  return validator;
}

/** Shape checks of a proposal (CometBFT Proposal.ValidateBasic). */
export function validateProposalBasic(proposal: Proposal): void {
  if (proposal.type !== SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL) throw ConsensusErrors.invalidProposal(`type ${proposal.type}`);
  if (proposal.height <= 0n) throw ConsensusErrors.invalidProposal(`height must be positive, got ${proposal.height}`);
  if (!Number.isInteger(proposal.round) || proposal.round < 0) throw ConsensusErrors.invalidProposal(`round ${proposal.round}`);
  if (!Number.isInteger(proposal.polRound) || proposal.polRound < -1 || proposal.polRound >= proposal.round) {
    throw ConsensusErrors.invalidProposal(`pol round ${proposal.polRound} must be -1 or below round ${proposal.round}`);
  }
  if (!isCompleteBlockId(proposal.blockId)) throw ConsensusErrors.invalidBlockId('a proposal needs a complete block id');
}

/** Checks a proposal's shape and that `proposer` (the round's expected proposer) signed it. */
export function verifyProposal(chainId: string, proposal: Proposal, proposer: Validator, verify: Ed25519Verify): void {
  validateProposalBasic(proposal);
  if (!verify(proposer.pubKey, proposalSignBytes(chainId, proposal), proposal.signature)) {
    throw ConsensusErrors.invalidSignature(
      `proposal ${proposal.height}/${proposal.round} is not signed by the round's proposer ${toHex(proposer.address)}`,
    );
  }
}
