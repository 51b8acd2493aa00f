/**
 * Commits: the 2/3+ precommits that finalise a block, carried by the next block as its last commit.
 * One CommitSig per validator, in validator-set order (CometBFT types/block.go, vote_set.go).
 */
import { BlockIDFlag } from 'cosmjs-types/tendermint/types/validator';
import { BlockID, Commit, CommitSig, SignedMsgType, Vote } from 'cosmjs-types/tendermint/types/types';
import { merkleRootOfItems } from '../../ledger/merkle.js';
import { blockIdKey, GO_ZERO_TIME, isCompleteBlockId, isNilBlockId, nilBlockId, toHex } from './blockId.js';
import { voteSignBytes } from './canonical.js';
import { ConsensusErrors } from './errors.js';
import { Ed25519Verify } from './vote.js';
import { ValidatorSet } from './validatorSet.js';

export { BlockIDFlag };
export type { Commit, CommitSig };

/** The signature slot of a validator whose precommit is missing. */
export function absentCommitSig(): CommitSig {
  return {
    blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_ABSENT,
    validatorAddress: new Uint8Array(0),
    timestamp: GO_ZERO_TIME,
    signature: new Uint8Array(0),
  };
}

/**
 * The slot for `vote` in a commit of `blockId`: COMMIT for a precommit of that block, NIL for a nil
 * precommit, ABSENT for no vote or a vote for another block (as MakeExtendedCommit excludes those).
 */
export function commitSigFromVote(vote: Vote | undefined, blockId: BlockID): CommitSig {
  if (vote === undefined) return absentCommitSig();
  let flag: BlockIDFlag;
  if (isNilBlockId(vote.blockId)) flag = BlockIDFlag.BLOCK_ID_FLAG_NIL;
  else if (blockIdKey(vote.blockId) === blockIdKey(blockId)) flag = BlockIDFlag.BLOCK_ID_FLAG_COMMIT;
  else return absentCommitSig();
  return { blockIdFlag: flag, validatorAddress: vote.validatorAddress, timestamp: vote.timestamp, signature: vote.signature };
}

/** A commit from the precommits of one round, indexed by validator index. */
export function makeCommit(height: bigint, round: number, blockId: BlockID, precommitsByIndex: readonly (Vote | undefined)[]): Commit {
  return { height, round, blockId, signatures: precommitsByIndex.map((v) => commitSigFromVote(v, blockId)) };
}

/** The precommit that signature `index` of `commit` stands for (to check its signature). */
export function voteFromCommitSig(commit: Commit, index: number): Vote {
  const sig = commit.signatures[index];
  if (sig === undefined) throw ConsensusErrors.invalidCommit(`no signature #${index}`);
  return {
    type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
    height: commit.height,
    round: commit.round,
    blockId: sig.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_COMMIT ? commit.blockId : nilBlockId(),
    timestamp: sig.timestamp,
    validatorAddress: sig.validatorAddress,
    validatorIndex: index,
    signature: sig.signature,
    extension: new Uint8Array(0),
    extensionSignature: new Uint8Array(0),
  };
}

/**
 * Checks that `commit` finalises `blockId` at `height` under `validators`, as CometBFT's VerifyCommit:
 * one slot per validator, every present signature valid (nil ones too), and the COMMIT slots holding
 * more than 2/3 of the voting power. Throws a typed error naming the first problem.
 */
export function verifyCommit(
  chainId: string,
  validators: ValidatorSet,
  blockId: BlockID,
  height: bigint,
  commit: Commit,
  verify: Ed25519Verify,
): void {
  if (commit.height !== height) throw ConsensusErrors.invalidCommit(`commit is for height ${commit.height}, expected ${height}`);
  if (!isCompleteBlockId(commit.blockId) || blockIdKey(commit.blockId) !== blockIdKey(blockId)) {
    throw ConsensusErrors.invalidCommit('commit is for another block');
  }
  if (commit.signatures.length !== validators.size) {
    throw ConsensusErrors.invalidCommit(`commit has ${commit.signatures.length} signatures for ${validators.size} validators`);
  }
  let tallied = 0n;
  commit.signatures.forEach((sig, index) => {
    if (sig.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_ABSENT) return;
    if (sig.blockIdFlag !== BlockIDFlag.BLOCK_ID_FLAG_COMMIT && sig.blockIdFlag !== BlockIDFlag.BLOCK_ID_FLAG_NIL) {
      throw ConsensusErrors.invalidCommit(`signature #${index} has unknown flag ${sig.blockIdFlag}`);
    }
    const validator = validators.getByIndex(index)!;
    if (toHex(sig.validatorAddress) !== toHex(validator.address)) {
      throw ConsensusErrors.invalidCommit(`signature #${index} is from ${toHex(sig.validatorAddress)}, expected ${toHex(validator.address)}`);
    }
    if (!verify(validator.pubKey, voteSignBytes(chainId, voteFromCommitSig(commit, index)), sig.signature)) {
      throw ConsensusErrors.invalidSignature(`commit signature #${index} (${toHex(validator.address)})`);
    }
    if (sig.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_COMMIT) tallied += validator.votingPower;
  });
  if (tallied * 3n <= validators.totalVotingPower * 2n) {
    throw ConsensusErrors.invalidCommit(`commit carries ${tallied} of ${validators.totalVotingPower} voting power, more than 2/3 needed`);
  }
}

/** Commit.Hash(): simple merkle root over each CommitSig's protobuf bytes (the header's last_commit_hash). */
export function commitHash(commit: Commit): Uint8Array {
  return merkleRootOfItems(commit.signatures.map((s) => CommitSig.encode(s).finish()));
}
