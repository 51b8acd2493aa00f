/**
 * Double-sign evidence: two votes of one validator for different blocks at the same height, round and
 * step (CometBFT DuplicateVoteEvidence). Any node holding both signed votes can prove the misbehaviour.
 */
import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { DuplicateVoteEvidence } from 'cosmjs-types/tendermint/types/evidence';
import { Vote } from 'cosmjs-types/tendermint/types/types';
import { blockIdKey, bytesEqual, toHex } from './blockId.js';
import { ConsensusErrors } from './errors.js';
import { Ed25519Verify, voteValidator } from './vote.js';
import { ValidatorSet } from './validatorSet.js';

export type { DuplicateVoteEvidence };

/**
 * Evidence from two conflicting votes, ordered as CometBFT orders them (vote A has the smaller block id
 * key), with the powers at that height and `blockTime`, the time of the last block before the votes'
 * height.
 */
export function duplicateVoteEvidence(
  vote1: Vote,
  vote2: Vote,
  blockTime: Timestamp,
  validators: ValidatorSet,
): DuplicateVoteEvidence {
  const found = validators.getByAddress(vote1.validatorAddress);
  if (found === null) throw ConsensusErrors.unknownValidator(`evidence against ${toHex(vote1.validatorAddress)}`);
  const [voteA, voteB] = blockIdKey(vote1.blockId) < blockIdKey(vote2.blockId) ? [vote1, vote2] : [vote2, vote1];
  return {
    voteA,
    voteB,
    totalVotingPower: validators.totalVotingPower,
    validatorPower: found.validator.votingPower,
    timestamp: blockTime,
  };
}

/**
 * Checks evidence received from a peer or in a block (CometBFT VerifyDuplicateVote): same validator,
 * height, round and type, different blocks, ordered, powers matching `validators` (the set at the
 * votes' height), and both signatures valid.
 */
export function verifyDuplicateVoteEvidence(
  chainId: string,
  evidence: DuplicateVoteEvidence,
  validators: ValidatorSet,
  verify: Ed25519Verify,
): void {
  const { voteA, voteB } = evidence;
  if (voteA === undefined || voteB === undefined) throw ConsensusErrors.invalidEvidence('a vote is missing');
  if (voteA.height !== voteB.height || voteA.round !== voteB.round || voteA.type !== voteB.type) {
    throw ConsensusErrors.invalidEvidence('the votes are for different heights, rounds or steps');
  }
  if (!bytesEqual(voteA.validatorAddress, voteB.validatorAddress) || voteA.validatorIndex !== voteB.validatorIndex) {
    throw ConsensusErrors.invalidEvidence('the votes are from different validators');
  }
  const keyA = blockIdKey(voteA.blockId);
  const keyB = blockIdKey(voteB.blockId);
  if (keyA === keyB) throw ConsensusErrors.invalidEvidence('the votes are for the same block');
  if (keyA > keyB) throw ConsensusErrors.invalidEvidence('vote A must have the smaller block id');
  const validator = voteValidator(chainId, voteA, validators, verify);
  voteValidator(chainId, voteB, validators, verify);
  if (evidence.validatorPower !== validator.votingPower || evidence.totalVotingPower !== validators.totalVotingPower) {
    throw ConsensusErrors.invalidEvidence(
      `powers ${evidence.validatorPower}/${evidence.totalVotingPower} do not match ${validator.votingPower}/${validators.totalVotingPower}`,
    );
  }
}
