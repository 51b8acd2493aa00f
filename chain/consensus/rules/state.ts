/**
 * The state, inputs and outputs of the Tendermint state machine for one height (Buchman, Kwon,
 * Milosevic 2018, Algorithm 1). Everything here is plain immutable data: the engine owns timers, the
 * network, the WAL and signing, and feeds what happens back in as events.
 */
import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { BlockID, Commit, Proposal, SignedMsgType, Vote } from 'cosmjs-types/tendermint/types/types';
import { DuplicateVoteEvidence } from 'cosmjs-types/tendermint/types/evidence';
import { blockIdKey } from '../types/blockId.js';
import { makeCommit } from '../types/commit.js';
import { Validator } from '../types/validator.js';
import { ValidatorSet } from '../types/validatorSet.js';
import { UnsignedProposal, UnsignedVote } from '../types/vote.js';
import { TimeoutParams, TimeoutStep } from './params.js';
import { VoteSet } from './voteSet.js';

/** propose → prevote → precommit per round; commit once the height is decided (waiting for the next). */
export type Step = 'propose' | 'prevote' | 'precommit' | 'commit';

/** What happened in one round: the proposal from its proposer, the votes, and which one-shot rules fired. */
export interface RoundState {
  readonly proposal: Proposal | null;
  readonly prevotes: VoteSet;
  readonly precommits: VoteSet;
  /** Bits of the "for the first time" upon-rules already executed in this round (see machine.ts). */
  readonly fired: number;
}

export interface ConsensusState {
  readonly height: bigint;
  /** round_p */
  readonly round: number;
  /** step_p */
  readonly step: Step;
  /** The height's validators with the priorities of round 0 (its proposer proposes round 0). */
  readonly validators: ValidatorSet;
  /** Our validator address, or null when this node only follows (it never proposes or votes). */
  readonly self: Uint8Array | null;
  readonly params: TimeoutParams;
  /** Time of the previous block: the timestamp of evidence found at this height. */
  readonly lastBlockTime: Timestamp;
  readonly lockedValue: BlockID | null;
  readonly lockedRound: number;
  readonly validValue: BlockID | null;
  readonly validRound: number;
  /** decision_p[h_p]: set once, then the step is 'commit'. */
  readonly decision: { readonly round: number; readonly blockId: BlockID } | null;
  readonly rounds: ReadonlyMap<number, RoundState>;
  /** valid(v) by block id key, as the engine reported it (ProcessProposal, or our own value). */
  readonly validity: ReadonlyMap<string, boolean>;
  /** Block id keys the engine was already asked to validate. */
  readonly validationRequested: ReadonlySet<string>;
  /** The round whose value we asked the engine for (getValue()), until it arrives. */
  readonly awaitingValue: number | null;
  /** A 2/3+ commit of this height received whole (gossip or block sync), checked by the engine. */
  readonly peerCommit: Commit | null;
}

/** Inputs. Signatures are checked by the engine before a message becomes an event. */
export type ConsensusEvent =
  /** Signed by proposerFor(state, proposal.round) — the engine checks that signature. */
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  /** Signed by the validator at vote.validatorIndex; our own signed votes come back this way too. */
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'timeout'; readonly step: TimeoutStep; readonly height: bigint; readonly round: number }
  /** valid(v): the engine holds the block and the app accepted (or rejected) it. */
  | { readonly kind: 'blockValidity'; readonly height: bigint; readonly blockId: BlockID; readonly valid: boolean }
  /** The answer to requestValue: the block the engine built for our proposal (valid by construction). */
  | { readonly kind: 'proposalValue'; readonly height: bigint; readonly round: number; readonly blockId: BlockID }
  /**
   * A commit of this height from a peer or block sync, already checked with verifyCommit against
   * state.validators. Lets a node decide whose own vote set cannot reach 2/3: e.g. it counted a
   * double-signer's other precommit, or it missed precommits while the others moved to the next height.
   */
  | { readonly kind: 'commit'; readonly commit: Commit };

/** Outputs, in the order they must be carried out. */
export type ConsensusAction =
  | { readonly kind: 'newRound'; readonly height: bigint; readonly round: number }
  /** getValue(): build a block (PrepareProposal) and answer with a proposalValue event. */
  | { readonly kind: 'requestValue'; readonly height: bigint; readonly round: number }
  /** Write to the WAL, sign, send to peers and feed back as a proposal event. */
  | { readonly kind: 'broadcastProposal'; readonly proposal: UnsignedProposal }
  /** Write to the WAL, sign, send to peers and feed back as a vote event. */
  | { readonly kind: 'broadcastVote'; readonly vote: UnsignedVote }
  | { readonly kind: 'scheduleTimeout'; readonly step: TimeoutStep; readonly height: bigint; readonly round: number; readonly durationMs: number }
  /** Fetch the block if needed, run ProcessProposal, answer with a blockValidity event. */
  | { readonly kind: 'validateBlock'; readonly height: bigint; readonly round: number; readonly blockId: BlockID }
  /** The height is decided: finalize and commit the block, then start the next height. */
  | { readonly kind: 'decide'; readonly height: bigint; readonly round: number; readonly blockId: BlockID; readonly commit: Commit }
  /** A validator double-signed: store, gossip and propose the evidence. */
  | { readonly kind: 'evidence'; readonly evidence: DuplicateVoteEvidence };

export interface Transition {
  readonly state: ConsensusState;
  readonly actions: readonly ConsensusAction[];
}

export const PREVOTE = SignedMsgType.SIGNED_MSG_TYPE_PREVOTE;
export const PRECOMMIT = SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT;

const proposerCache = new WeakMap<ValidatorSet, Validator[]>();

/**
 * proposer(h_p, round): the round-0 set advanced `round` times. Advancing step by step equals advancing
 * at once (tested), so nodes that skipped rounds agree with nodes that went through them.
 */
export function proposerFor(state: ConsensusState, round: number): Validator {
  let list = proposerCache.get(state.validators);
  if (list === undefined) {
    list = [state.validators.proposer];
    proposerCache.set(state.validators, list);
  }
  if (list.length <= round) {
    let set = state.validators.incrementProposerPriority(list.length);
    list.push(set.proposer);
    while (list.length <= round) {
      set = set.incrementProposerPriority(1);
      list.push(set.proposer);
    }
  }
  return list[round]!;
}

/** Our index in the validator set, or -1 when we do not vote at this height. */
export function selfIndex(state: ConsensusState): number {
  return state.self === null ? -1 : (state.validators.getByAddress(state.self)?.index ?? -1);
}

/**
 * The commit of the decided block from the precommits known now: call it when building the next
 * block to include precommits that arrived after the decision. Null before a decision.
 */
export function commitFor(state: ConsensusState): Commit | null {
  if (state.decision === null) return null;
  const { round, blockId } = state.decision;
  const precommits = state.rounds.get(round)?.precommits;
  if (precommits === undefined || !precommits.hasTwoThirdsFor(blockIdKey(blockId))) return state.peerCommit;
  return makeCommit(state.height, round, blockId, precommits.votes);
}
