/**
 * The Tendermint consensus algorithm as a pure function: (state, event) -> {state, actions}.
 * Line numbers refer to Algorithm 1 of "The latest gossip on BFT consensus" (Buchman, Kwon, Milosevic
 * 2018). Its upon-rules are conditions over the messages received so far; after every event they are
 * re-evaluated until none applies, so a rule fires as soon as its condition holds, whatever the order
 * in which the messages arrived (a proposal after its votes, votes of a round we have not reached yet).
 *
 * Deviations, each for the engine's sake and none touching safety:
 * - timeoutPropose is scheduled by the proposer too (as CometBFT does), so a proposer whose app is slow
 *   to build a block still moves on;
 * - getValue() and valid(v) are asynchronous: requestValue / validateBlock actions answered by events;
 *   a rule that needs valid(v) waits for the answer;
 * - the decision (line 49) needs 2f+1 precommits for id(v) and valid(v): the block may have come from any
 *   peer, as in CometBFT, not only inside the round's proposal;
 * - a height ends in step 'commit'; the engine starts the next one with startHeight, because the app's
 *   validator updates decide who validates it.
 */
import { BlockID, Commit, Proposal, Vote } from 'cosmjs-types/tendermint/types/types';
import { blockIdKey, isCompleteBlockId, isNilBlockId, nilBlockId } from '../types/blockId.js';
import { makeCommit } from '../types/commit.js';
import { duplicateVoteEvidence } from '../types/evidence.js';
import { ConsensusErrors } from '../types/errors.js';
import { validateProposalBasic, voteValidator, VoteType } from '../types/vote.js';
import { ValidatorSet } from '../types/validatorSet.js';
import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { TimeoutParams, timeoutDuration, TimeoutStep } from './params.js';
import { isOneThirdPlus } from './quorum.js';
import {
  ConsensusAction,
  ConsensusEvent,
  ConsensusState,
  PRECOMMIT,
  PREVOTE,
  proposerFor,
  RoundState,
  selfIndex,
  Transition,
} from './state.js';
import { NIL_KEY, VoteSet } from './voteSet.js';

/** "for the first time" flags of the upon-rules, per round. */
const FIRED_PREVOTE_TIMEOUT = 1; // line 34
const FIRED_LOCK = 2; // line 36
const FIRED_PRECOMMIT_TIMEOUT = 4; // line 47

export interface HeightConfig {
  readonly height: bigint;
  /** The height's validator set, its proposer being round 0's (State.Validators in CometBFT). */
  readonly validators: ValidatorSet;
  /** Our validator address; null (or an address outside the set) to follow without voting. */
  readonly self: Uint8Array | null;
  readonly params: TimeoutParams;
  /** Time of the previous block (evidence timestamps). */
  readonly lastBlockTime: Timestamp;
}

/** Lines 1-10: initial state of a height, then StartRound(0). */
export function startHeight(config: HeightConfig): Transition {
  const state: ConsensusState = {
    height: config.height,
    round: 0,
    step: 'propose',
    validators: config.validators,
    self: config.self,
    params: config.params,
    lastBlockTime: config.lastBlockTime,
    lockedValue: null, // line 6
    lockedRound: -1, // line 7
    validValue: null, // line 8
    validRound: -1, // line 9
    decision: null,
    rounds: new Map(),
    validity: new Map(),
    validationRequested: new Set(),
    awaitingValue: null,
    peerCommit: null,
  };
  const actions: ConsensusAction[] = [];
  return { state: evaluate(startRound(state, 0, actions), actions), actions }; // line 10
}

/** Applies one event. Throws a typed error (and changes nothing) for a malformed or foreign message. */
export function step(state: ConsensusState, event: ConsensusEvent): Transition {
  const actions: ConsensusAction[] = [];
  let next: ConsensusState;
  switch (event.kind) {
    case 'proposal':
      next = receiveProposal(state, event.proposal, actions);
      break;
    case 'vote':
      next = receiveVote(state, event.vote, actions);
      break;
    case 'timeout':
      next = onTimeout(state, event.step, event.height, event.round, actions);
      break;
    case 'blockValidity':
      next = receiveValidity(state, event.height, event.blockId, event.valid);
      break;
    case 'proposalValue':
      next = receiveValue(state, event.height, event.round, event.blockId, actions);
      break;
    case 'commit':
      next = receiveCommit(state, event.commit);
      break;
  }
  if (next === state) return { state, actions };
  return { state: evaluate(next, actions), actions };
}

// ---- StartRound and the timeouts ----

/** Lines 11-21. */
function startRound(state: ConsensusState, round: number, actions: ConsensusAction[]): ConsensusState {
  let s: ConsensusState = { ...state, round, step: 'propose', awaitingValue: null }; // lines 12-13
  actions.push({ kind: 'newRound', height: s.height, round });
  if (selfIndex(s) >= 0 && isSelf(s, proposerFor(s, round).address)) {
    // line 14
    if (s.validValue !== null) {
      // lines 15-16, 19: re-propose the value that may have been decided, with its proof-of-lock round
      actions.push({
        kind: 'broadcastProposal',
        proposal: { height: s.height, round, polRound: s.validRound, blockId: s.validValue },
      });
    } else {
      // line 18: getValue() — the engine builds a block and answers with a proposalValue event
      s = { ...s, awaitingValue: round };
      actions.push({ kind: 'requestValue', height: s.height, round });
    }
  }
  // line 21 (every validator, see the header comment)
  schedule(s, 'propose', actions);
  return s;
}

/** Lines 57-67. */
function onTimeout(s: ConsensusState, timeout: TimeoutStep, height: bigint, round: number, actions: ConsensusAction[]): ConsensusState {
  if (height !== s.height || round !== s.round || s.step === 'commit') return s;
  switch (timeout) {
    case 'propose': // lines 57-60
      if (s.step !== 'propose') return s;
      vote(s, PREVOTE, null, actions);
      return { ...s, step: 'prevote', awaitingValue: null };
    case 'prevote': // lines 61-64
      if (s.step !== 'prevote') return s;
      vote(s, PRECOMMIT, null, actions);
      return { ...s, step: 'precommit' };
    case 'precommit': // lines 65-67
      return startRound(s, s.round + 1, actions);
  }
}

// ---- receiving messages ----

function receiveProposal(s: ConsensusState, proposal: Proposal, actions: ConsensusAction[]): ConsensusState {
  if (proposal.height !== s.height) return s;
  validateProposalBasic(proposal);
  // Proposals of rounds already left can no longer change anything (decisions count precommits).
  if (proposal.round < s.round || s.step === 'commit') return s;
  const rs = roundState(s, proposal.round);
  // One proposal per round: the engine checked the proposer's signature; a second one is ignored.
  if (rs.proposal !== null) return s;
  const withProposal = setRound(s, proposal.round, { ...rs, proposal });
  return requestValidation(withProposal, proposal.round, proposal.blockId, actions);
}

function receiveVote(s: ConsensusState, vote: Vote, actions: ConsensusAction[]): ConsensusState {
  if (vote.height !== s.height) return s;
  voteValidator('', vote, s.validators); // type, round, index and address; the signature was checked
  const rs = roundState(s, vote.round);
  const set = vote.type === PREVOTE ? rs.prevotes : rs.precommits;
  const result = set.add(vote);
  switch (result.outcome) {
    case 'duplicate':
      return s;
    case 'conflict':
      actions.push({ kind: 'evidence', evidence: duplicateVoteEvidence(result.existing, vote, s.lastBlockTime, s.validators) });
      return s;
    case 'added':
      return setRound(s, vote.round, vote.type === PREVOTE ? { ...rs, prevotes: result.set } : { ...rs, precommits: result.set });
  }
}

function receiveValidity(s: ConsensusState, height: bigint, blockId: BlockID, valid: boolean): ConsensusState {
  const key = blockIdKey(blockId);
  if (height !== s.height || s.validity.has(key)) return s;
  return { ...s, validity: new Map(s.validity).set(key, valid) };
}

/** The block for our proposal (line 18's getValue()) arrived: propose it (line 19). */
function receiveValue(s: ConsensusState, height: bigint, round: number, blockId: BlockID, actions: ConsensusAction[]): ConsensusState {
  if (height !== s.height || round !== s.round || s.awaitingValue !== round || s.step !== 'propose') return s;
  if (isNilBlockId(blockId)) throw ConsensusErrors.invalidBlockId('a proposed value needs a block id');
  actions.push({ kind: 'broadcastProposal', proposal: { height, round, polRound: -1, blockId } });
  return { ...s, awaitingValue: null, validity: new Map(s.validity).set(blockIdKey(blockId), true) };
}

function receiveCommit(s: ConsensusState, commit: Commit): ConsensusState {
  if (commit.height !== s.height || s.peerCommit !== null || s.step === 'commit') return s;
  if (!isCompleteBlockId(commit.blockId)) throw ConsensusErrors.invalidCommit('a commit needs a complete block id');
  return { ...s, peerCommit: commit };
}

// ---- the upon-rules ----

/** Fires enabled upon-rules, one at a time, until none is enabled. */
function evaluate(s: ConsensusState, actions: ConsensusAction[]): ConsensusState {
  for (;;) {
    const next = fireOne(s, actions);
    if (next === s) return s;
    s = next;
  }
}

function fireOne(s: ConsensusState, actions: ConsensusAction[]): ConsensusState {
  if (s.step === 'commit') return s;

  // Lines 49-54: 2f+1 precommits for id(v) in any round r, v valid -> decide.
  for (const r of [...s.rounds.keys()].sort((a, b) => a - b)) {
    const maj = s.rounds.get(r)!.precommits.twoThirdsMajority();
    if (maj === null || maj.key === NIL_KEY) continue;
    const valid = s.validity.get(maj.key);
    if (valid === undefined) {
      if (!s.validationRequested.has(maj.key)) return requestValidation(s, r, maj.blockId, actions);
      continue;
    }
    if (!valid) continue;
    const precommits = s.rounds.get(r)!.precommits;
    actions.push({
      kind: 'decide',
      height: s.height,
      round: r,
      blockId: maj.blockId,
      commit: makeCommit(s.height, r, maj.blockId, precommits.votes),
    });
    return { ...s, step: 'commit', decision: { round: r, blockId: maj.blockId }, awaitingValue: null };
  }
  // The same rule on a whole commit received from a peer: its 2f+1 precommits were checked by the engine.
  if (s.peerCommit !== null) {
    const { blockId, round } = s.peerCommit;
    const valid = s.validity.get(blockIdKey(blockId));
    if (valid === undefined) {
      if (!s.validationRequested.has(blockIdKey(blockId))) return requestValidation(s, round, blockId, actions);
    } else if (valid) {
      actions.push({ kind: 'decide', height: s.height, round, blockId, commit: s.peerCommit });
      return { ...s, step: 'commit', decision: { round, blockId }, awaitingValue: null };
    }
  }

  // Lines 55-56: f+1 validators sent messages of a higher round -> skip to it (the highest such round).
  const skipTo = [...s.rounds.keys()]
    .filter((r) => r > s.round && isOneThirdPlus(senderPower(s, r), s.validators.totalVotingPower))
    .sort((a, b) => b - a)[0];
  if (skipTo !== undefined) return startRound(s, skipTo, actions);

  const rs = roundState(s, s.round);
  const proposal = rs.proposal;
  const v = proposal === null ? null : blockIdKey(proposal.blockId);
  const validV = v === null ? undefined : s.validity.get(v);

  if (s.step === 'propose' && proposal !== null && validV !== undefined) {
    const vr = proposal.polRound;
    if (vr === -1) {
      // Lines 22-27: a fresh proposal. Prevote it unless locked on another value.
      const accept = validV && (s.lockedRound === -1 || isLockedOn(s, v!));
      vote(s, PREVOTE, accept ? proposal.blockId : null, actions);
      return { ...s, step: 'prevote', awaitingValue: null };
    }
    if (vr >= 0 && vr < s.round && (s.rounds.get(vr)?.prevotes.hasTwoThirdsFor(v!) ?? false)) {
      // Lines 28-33: a re-proposal with a proof-of-lock from round vr. Prevote it if we are locked in
      // round vr or earlier (the POL is newer than our lock) or locked on this very value.
      const accept = validV && (s.lockedRound <= vr || isLockedOn(s, v!));
      vote(s, PREVOTE, accept ? proposal.blockId : null, actions);
      return { ...s, step: 'prevote', awaitingValue: null };
    }
  }

  // Lines 34-35: 2f+1 prevotes for anything -> timeoutPrevote, once per round.
  if (s.step === 'prevote' && !(rs.fired & FIRED_PREVOTE_TIMEOUT) && rs.prevotes.hasTwoThirdsAny()) {
    schedule(s, 'prevote', actions);
    return setRound(s, s.round, { ...rs, fired: rs.fired | FIRED_PREVOTE_TIMEOUT });
  }

  // Lines 36-43: the proposal and 2f+1 prevotes for it, valid, step >= prevote, once per round.
  if (
    (s.step === 'prevote' || s.step === 'precommit') &&
    !(rs.fired & FIRED_LOCK) &&
    proposal !== null &&
    validV === true &&
    rs.prevotes.hasTwoThirdsFor(v!)
  ) {
    let next: ConsensusState = setRound(s, s.round, { ...rs, fired: rs.fired | FIRED_LOCK });
    if (s.step === 'prevote') {
      // lines 37-41: lock on v and precommit it
      vote(s, PRECOMMIT, proposal.blockId, actions);
      next = { ...next, lockedValue: proposal.blockId, lockedRound: s.round, step: 'precommit' };
    }
    // lines 42-43: v may be decided by others; propose it when our turn comes
    return { ...next, validValue: proposal.blockId, validRound: s.round };
  }

  // Lines 44-46: 2f+1 prevotes for nil -> precommit nil.
  if (s.step === 'prevote' && rs.prevotes.hasTwoThirdsFor(NIL_KEY)) {
    vote(s, PRECOMMIT, null, actions);
    return { ...s, step: 'precommit' };
  }

  // Lines 47-48: 2f+1 precommits for anything -> timeoutPrecommit, once per round.
  if (!(rs.fired & FIRED_PRECOMMIT_TIMEOUT) && rs.precommits.hasTwoThirdsAny()) {
    schedule(s, 'precommit', actions);
    return setRound(s, s.round, { ...rs, fired: rs.fired | FIRED_PRECOMMIT_TIMEOUT });
  }

  return s;
}

// ---- helpers ----

function isSelf(s: ConsensusState, address: Uint8Array): boolean {
  return s.self !== null && Buffer.from(s.self).equals(address);
}

function isLockedOn(s: ConsensusState, key: string): boolean {
  return s.lockedValue !== null && blockIdKey(s.lockedValue) === key;
}

/** Broadcast ⟨type, h_p, round_p, id⟩ (null: nil) — only when we are a validator of this height. */
function vote(s: ConsensusState, type: VoteType, blockId: BlockID | null, actions: ConsensusAction[]): void {
  if (selfIndex(s) < 0) return;
  actions.push({ kind: 'broadcastVote', vote: { type, height: s.height, round: s.round, blockId: blockId ?? nilBlockId() } });
}

function schedule(s: ConsensusState, timeout: TimeoutStep, actions: ConsensusAction[]): void {
  actions.push({
    kind: 'scheduleTimeout',
    step: timeout,
    height: s.height,
    round: s.round,
    durationMs: timeoutDuration(s.params, timeout, s.round),
  });
}

function requestValidation(s: ConsensusState, round: number, blockId: BlockID, actions: ConsensusAction[]): ConsensusState {
  const key = blockIdKey(blockId);
  if (s.validity.has(key) || s.validationRequested.has(key)) return s;
  actions.push({ kind: 'validateBlock', height: s.height, round, blockId });
  return { ...s, validationRequested: new Set(s.validationRequested).add(key) };
}

function roundState(s: ConsensusState, round: number): RoundState {
  return (
    s.rounds.get(round) ?? {
      proposal: null,
      prevotes: VoteSet.empty(PREVOTE, round, s.validators),
      precommits: VoteSet.empty(PRECOMMIT, round, s.validators),
      fired: 0,
    }
  );
}

function setRound(s: ConsensusState, round: number, rs: RoundState): ConsensusState {
  return { ...s, rounds: new Map(s.rounds).set(round, rs) };
}

/** Power of the distinct validators that sent any message for `round` (line 55's f+1). */
function senderPower(s: ConsensusState, round: number): bigint {
  const rs = s.rounds.get(round)!;
  let power = 0n;
  s.validators.validators.forEach((validator, i) => {
    if (rs.prevotes.votes[i] !== undefined || rs.precommits.votes[i] !== undefined) power += validator.votingPower;
  });
  if (rs.proposal !== null) {
    const proposerIndex = s.validators.getByAddress(proposerFor(s, round).address)!.index;
    if (rs.prevotes.votes[proposerIndex] === undefined && rs.precommits.votes[proposerIndex] === undefined) {
      power += s.validators.validators[proposerIndex]!.votingPower;
    }
  }
  return power;
}
