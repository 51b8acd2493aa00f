/**
 * Drives one validator's state machine by hand: the test plays the other validators, the network and
 * the engine, and looks at what the machine asks for.
 */
import { SignedMsgType, type BlockID, type Vote } from 'cosmjs-types/tendermint/types/types';
import { sha256 } from '../../../../chain/crypto/hash.js';
import { nilBlockId, ValidatorSet } from '../../../../chain/consensus/types/index.js';
import {
  DEFAULT_TIMEOUT_PARAMS,
  proposerFor,
  startHeight,
  step,
  type ConsensusAction,
  type ConsensusEvent,
  type ConsensusState,
  type TimeoutStep,
} from '../../../../chain/consensus/rules/index.js';
import { testValidators } from '../helpers.js';

/** A complete block id named by a label. */
export function block(label: string): BlockID {
  return { hash: sha256(Buffer.from(`block ${label}`)), partSetHeader: { total: 1, hash: sha256(Buffer.from(`parts ${label}`)) } };
}

export const LAST_BLOCK_TIME = { seconds: 1_700_000_000n, nanos: 0 };

export class Scenario {
  readonly validators: ValidatorSet;
  readonly height = 7n;
  state!: ConsensusState;
  /** Actions of the last call. */
  actions: readonly ConsensusAction[] = [];

  /** `self` picks our index given the proposer index of rounds 0..7; null follows without voting. */
  constructor(powers: readonly bigint[], self: ((proposers: number[]) => number) | null) {
    this.validators = ValidatorSet.create(testValidators(powers).validators);
    const proposers = this.proposers(8);
    const selfIndex = self === null ? null : self(proposers);
    const t = startHeight({
      height: this.height,
      validators: this.validators,
      self: selfIndex === null ? null : this.validators.validators[selfIndex]!.address,
      params: DEFAULT_TIMEOUT_PARAMS,
      lastBlockTime: LAST_BLOCK_TIME,
    });
    this.state = t.state;
    this.actions = t.actions;
  }

  /** Index of the proposer of rounds 0..n-1. */
  proposers(n: number): number[] {
    const probe = { validators: this.validators } as ConsensusState;
    return Array.from({ length: n }, (_, r) => this.validators.getByAddress(proposerFor(probe, r).address)!.index);
  }

  send(event: ConsensusEvent): readonly ConsensusAction[] {
    const t = step(this.state, event);
    this.state = t.state;
    this.actions = t.actions;
    return t.actions;
  }

  vote(type: SignedMsgType, from: number, round: number, id: BlockID | null, height = this.height): Vote {
    return {
      type,
      height,
      round,
      blockId: id ?? nilBlockId(),
      timestamp: { seconds: 1_700_000_001n + BigInt(from), nanos: round },
      validatorAddress: this.validators.validators[from]!.address,
      validatorIndex: from,
      signature: new Uint8Array(64),
      extension: new Uint8Array(0),
      extensionSignature: new Uint8Array(0),
    };
  }

  prevote(from: number, round: number, id: BlockID | null) {
    return this.send({ kind: 'vote', vote: this.vote(SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, from, round, id) });
  }

  precommit(from: number, round: number, id: BlockID | null) {
    return this.send({ kind: 'vote', vote: this.vote(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, from, round, id) });
  }

  /** Several validators prevote (or precommit) the same thing; returns all actions. */
  prevotes(from: number[], round: number, id: BlockID | null): ConsensusAction[] {
    return from.flatMap((i) => [...this.prevote(i, round, id)]);
  }

  precommits(from: number[], round: number, id: BlockID | null): ConsensusAction[] {
    return from.flatMap((i) => [...this.precommit(i, round, id)]);
  }

  propose(round: number, id: BlockID, polRound = -1) {
    return this.send({
      kind: 'proposal',
      proposal: {
        type: SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL,
        height: this.height,
        round,
        polRound,
        blockId: id,
        timestamp: { seconds: 1_700_000_001n, nanos: 0 },
        signature: new Uint8Array(64),
      },
    });
  }

  valid(id: BlockID, valid = true) {
    return this.send({ kind: 'blockValidity', height: this.height, blockId: id, valid });
  }

  timeout(stepName: TimeoutStep, round: number) {
    return this.send({ kind: 'timeout', step: stepName, height: this.height, round });
  }
}

/** The votes we broadcast in `actions`, as "prevote:<label|nil>" strings for easy comparison. */
export function broadcastVotes(actions: readonly ConsensusAction[], labels: Record<string, BlockID>): string[] {
  const nameOf = (id: BlockID) => {
    if (id.hash.length === 0) return 'nil';
    const found = Object.entries(labels).find(([, b]) => Buffer.from(b.hash).equals(id.hash));
    return found ? found[0] : '?';
  };
  return actions
    .filter((a) => a.kind === 'broadcastVote')
    .map((a) => {
      const v = (a as Extract<ConsensusAction, { kind: 'broadcastVote' }>).vote;
      return `${v.type === SignedMsgType.SIGNED_MSG_TYPE_PREVOTE ? 'prevote' : 'precommit'}:${nameOf(v.blockId)}`;
    });
}

export function kinds(actions: readonly ConsensusAction[]): string[] {
  return actions.map((a) => a.kind);
}
