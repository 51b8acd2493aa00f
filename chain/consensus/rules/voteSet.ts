/**
 * The votes of one type (prevote or precommit) in one round of one height, tallied by block. Immutable:
 * adding a vote returns a new set, so a consensus state can be kept, compared and replayed.
 * A validator's first vote is the one counted; a second vote for another block is equivocation and is
 * handed back as a conflict instead of being counted.
 */
import { BlockID, Vote } from 'cosmjs-types/tendermint/types/types';
import { blockIdKey } from '../types/blockId.js';
import { ValidatorSet } from '../types/validatorSet.js';
import { VoteType } from '../types/vote.js';
import { isOneThirdPlus, isTwoThirdsMajority } from './quorum.js';

/** blockIdKey of the nil block id. */
export const NIL_KEY = '';

export type AddVoteResult =
  | { readonly outcome: 'added'; readonly set: VoteSet }
  | { readonly outcome: 'duplicate' }
  /** The validator already voted for another block: `existing` and the new vote are double-signing evidence. */
  | { readonly outcome: 'conflict'; readonly existing: Vote };

export class VoteSet {
  private constructor(
    readonly type: VoteType,
    readonly round: number,
    readonly validators: ValidatorSet,
    /** The counted vote of each validator, by validator index. */
    readonly votes: readonly (Vote | undefined)[],
    private readonly tally: ReadonlyMap<string, { readonly blockId: BlockID; readonly power: bigint }>,
    /** Power of all validators that voted, whatever for. */
    readonly sum: bigint,
  ) {}

  static empty(type: VoteType, round: number, validators: ValidatorSet): VoteSet {
    return new VoteSet(type, round, validators, new Array<Vote | undefined>(validators.size).fill(undefined), new Map(), 0n);
  }

  /** Adds a vote whose type, round, index and address the caller has checked against this set. */
  add(vote: Vote): AddVoteResult {
    const existing = this.votes[vote.validatorIndex];
    const key = blockIdKey(vote.blockId);
    if (existing !== undefined) {
      return blockIdKey(existing.blockId) === key ? { outcome: 'duplicate' } : { outcome: 'conflict', existing };
    }
    const power = this.validators.getByIndex(vote.validatorIndex)!.votingPower;
    const votes = [...this.votes];
    votes[vote.validatorIndex] = vote;
    const tally = new Map(this.tally);
    tally.set(key, { blockId: vote.blockId, power: (this.tally.get(key)?.power ?? 0n) + power });
    return { outcome: 'added', set: new VoteSet(this.type, this.round, this.validators, votes, tally, this.sum + power) };
  }

  /** Voting power of the votes for the block with this key (NIL_KEY for nil). */
  powerFor(key: string): bigint {
    return this.tally.get(key)?.power ?? 0n;
  }

  /** 2f+1 ⟨·, id(v)⟩: more than 2/3 of the power voted for this block (or nil). */
  hasTwoThirdsFor(key: string): boolean {
    return isTwoThirdsMajority(this.powerFor(key), this.validators.totalVotingPower);
  }

  /** The block (or nil) that more than 2/3 voted for, if any: at most one can have it. */
  twoThirdsMajority(): { readonly key: string; readonly blockId: BlockID } | null {
    for (const [key, entry] of this.tally) {
      if (isTwoThirdsMajority(entry.power, this.validators.totalVotingPower)) return { key, blockId: entry.blockId };
    }
    return null;
  }

  /** 2f+1 ⟨·, *⟩: more than 2/3 of the power voted, for anything. */
  hasTwoThirdsAny(): boolean {
    return isTwoThirdsMajority(this.sum, this.validators.totalVotingPower);
  }

  hasOneThirdPlusAny(): boolean {
    return isOneThirdPlus(this.sum, this.validators.totalVotingPower);
  }
}
