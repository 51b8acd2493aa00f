/**
 * The validator set and CometBFT's weighted round-robin proposer selection (types/validator_set.go).
 * Every step is reproduced with its int64 behaviour — clipping adds, truncating divisions, the Euclidean
 * average — because every node must agree on the proposer of each round bit for bit.
 *
 * Order of `validators`: voting power descending, then address ascending. Priorities change every round
 * but never the order, so a validator's index is fixed for a height.
 */
import { ValidatorSet as ValidatorSetProto } from 'cosmjs-types/tendermint/types/validator';
import { merkleRootOfItems } from '../../ledger/merkle.js';
import { bytesEqual, compareBytes, toHex } from './blockId.js';
import { ConsensusErrors } from './errors.js';
import { simpleValidatorBytes, Validator, validatorFromProto, validatorToProto } from './validator.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Keeps priorities clear of overflow in the arithmetic below (CometBFT: MaxInt64 / 8). */
export const MAX_TOTAL_VOTING_POWER = INT64_MAX / 8n;
/** Priorities stay within this many times the total power of each other. */
export const PRIORITY_WINDOW_SIZE_FACTOR = 2n;

export class ValidatorSet {
  private constructor(
    readonly validators: readonly Validator[],
    /** The proposer of the round these priorities belong to. */
    readonly proposer: Validator,
    readonly totalVotingPower: bigint,
  ) {}

  /**
   * A fresh set from validators (priorities as given, usually 0): validated, sorted, centred, and
   * incremented once, exactly as NewValidatorSet does.
   */
  static create(validators: readonly Validator[]): ValidatorSet {
    if (validators.length === 0) throw ConsensusErrors.emptyValidatorSet();
    for (const v of validators) {
      if (v.votingPower === 0n) throw ConsensusErrors.invalidVotingPower(`validator ${toHex(v.address)} has power 0`);
    }
    const list = applyChangeSet([], validators);
    return ValidatorSet.fromList(list, findProposer(list)).incrementProposerPriority(1);
  }

  /** A set that keeps the priorities it is given (a stored set read back; ValidatorSetFromExistingValidators). */
  static fromExisting(validators: readonly Validator[]): ValidatorSet {
    if (validators.length === 0) throw ConsensusErrors.emptyValidatorSet();
    checkUniqueAddresses(validators);
    const list = [...validators].sort(byVotingPower);
    return ValidatorSet.fromList(list, findProposer(list));
  }

  static fromProto(p: ValidatorSetProto): ValidatorSet {
    const set = ValidatorSet.fromExisting(p.validators.map(validatorFromProto));
    if (p.proposer === undefined) return set;
    const found = set.getByAddress(p.proposer.address);
    if (found === null) throw ConsensusErrors.unknownValidator('proposer of stored validator set');
    return new ValidatorSet(set.validators, found.validator, set.totalVotingPower);
  }

  private static fromList(list: readonly Validator[], proposer: Validator): ValidatorSet {
    let total = 0n;
    for (const v of list) total += v.votingPower;
    if (total > MAX_TOTAL_VOTING_POWER) {
      throw ConsensusErrors.invalidVotingPower(`total voting power ${total} exceeds the maximum ${MAX_TOTAL_VOTING_POWER}`);
    }
    return new ValidatorSet(Object.freeze([...list]), proposer, total);
  }

  get size(): number {
    return this.validators.length;
  }

  getByAddress(address: Uint8Array): { index: number; validator: Validator } | null {
    const index = this.validators.findIndex((v) => bytesEqual(v.address, address));
    return index < 0 ? null : { index, validator: this.validators[index]! };
  }

  getByIndex(index: number): Validator | null {
    return Number.isInteger(index) && index >= 0 && index < this.validators.length ? this.validators[index]! : null;
  }

  /** Simple merkle root over each validator's SimpleValidator bytes (the header's validators_hash). */
  hash(): Uint8Array {
    return merkleRootOfItems(this.validators.map(simpleValidatorBytes));
  }

  /**
   * The set `times` rounds later: rescale priorities into the window, centre them on their average, then
   * `times` times add each validator's power and take the total off the one with the highest priority.
   */
  incrementProposerPriority(times: number): ValidatorSet {
    if (!Number.isInteger(times) || times <= 0) throw new RangeError(`times must be a positive integer, got ${times}`);
    const prios = this.validators.map((v) => v.proposerPriority);
    rescalePriorities(prios, PRIORITY_WINDOW_SIZE_FACTOR * this.totalVotingPower);
    shiftByAverage(prios);
    let proposerIndex = 0;
    for (let t = 0; t < times; t++) {
      for (let i = 0; i < prios.length; i++) prios[i] = addClip(prios[i]!, this.validators[i]!.votingPower);
      proposerIndex = indexOfMostPriority(this.validators, prios);
      prios[proposerIndex] = subClip(prios[proposerIndex]!, this.totalVotingPower);
    }
    const list = this.validators.map((v, i) => ({ ...v, proposerPriority: prios[i]! }));
    return new ValidatorSet(Object.freeze(list), list[proposerIndex]!, this.totalVotingPower);
  }

  /**
   * Applies validator updates (power 0 removes): new validators start at
   * -(total + total/8) so they do not propose at once; the result is rescaled and centred. Throws, leaving
   * this set as it was, on duplicates, bad powers, unknown removals, overflow or an empty result.
   */
  updateWithChangeSet(changes: readonly Validator[]): ValidatorSet {
    if (changes.length === 0) return this;
    const list = applyChangeSet(this.validators, changes);
    return ValidatorSet.fromList(list, findProposer(list));
  }

  toProto(): ValidatorSetProto {
    return {
      validators: this.validators.map(validatorToProto),
      proposer: validatorToProto(this.proposer),
      totalVotingPower: this.totalVotingPower,
    };
  }
}

/** CometBFT's updateWithChangeSet on a list (the list is not modified). */
function applyChangeSet(existing: readonly Validator[], changes: readonly Validator[]): Validator[] {
  const sorted = [...changes].sort((a, b) => compareBytes(a.address, b.address));
  const updates: Validator[] = [];
  const removals: Validator[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i]!;
    if (i > 0 && bytesEqual(c.address, sorted[i - 1]!.address)) {
      throw ConsensusErrors.duplicateValidator(`validator ${toHex(c.address)} appears twice in one update`);
    }
    if (c.votingPower < 0n) throw ConsensusErrors.invalidVotingPower(`voting power can't be negative: ${c.votingPower}`);
    if (c.votingPower > MAX_TOTAL_VOTING_POWER) {
      throw ConsensusErrors.invalidVotingPower(`voting power ${c.votingPower} exceeds the maximum ${MAX_TOTAL_VOTING_POWER}`);
    }
    (c.votingPower === 0n ? removals : updates).push(c);
  }
  const byAddress = new Map(existing.map((v) => [toHex(v.address), v] as const));
  const newCount = updates.filter((u) => !byAddress.has(toHex(u.address))).length;
  if (newCount === 0 && existing.length === removals.length) {
    throw ConsensusErrors.emptyValidatorSet('applying the validator changes would leave no validator');
  }

  let removedPower = 0n;
  for (const r of removals) {
    const old = byAddress.get(toHex(r.address));
    if (old === undefined) throw ConsensusErrors.unknownValidator(`cannot remove validator ${toHex(r.address)}`);
    removedPower += old.votingPower;
  }

  // Total after updates (checked at its largest point: smallest deltas first), before removals.
  const delta = (u: Validator) => u.votingPower - (byAddress.get(toHex(u.address))?.votingPower ?? 0n);
  let total = existing.reduce((s, v) => s + v.votingPower, 0n) - removedPower;
  for (const d of updates.map(delta).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    total += d;
    if (total > MAX_TOTAL_VOTING_POWER) {
      throw ConsensusErrors.invalidVotingPower(`total voting power would exceed the maximum ${MAX_TOTAL_VOTING_POWER}`);
    }
  }
  const totalBeforeRemovals = total + removedPower;

  const updated = updates.map((u) => ({
    ...u,
    proposerPriority: byAddress.get(toHex(u.address))?.proposerPriority ?? -(totalBeforeRemovals + (totalBeforeRemovals >> 3n)),
  }));
  const merged = new Map(byAddress);
  for (const u of updated) merged.set(toHex(u.address), u);
  for (const r of removals) merged.delete(toHex(r.address));
  const list = [...merged.values()].sort((a, b) => compareBytes(a.address, b.address));

  const newTotal = list.reduce((s, v) => s + v.votingPower, 0n);
  const prios = list.map((v) => v.proposerPriority);
  rescalePriorities(prios, PRIORITY_WINDOW_SIZE_FACTOR * newTotal);
  shiftByAverage(prios);
  return list.map((v, i) => ({ ...v, proposerPriority: prios[i]! })).sort(byVotingPower);
}

function checkUniqueAddresses(validators: readonly Validator[]): void {
  const seen = new Set<string>();
  for (const v of validators) {
    const key = toHex(v.address);
    if (seen.has(key)) throw ConsensusErrors.duplicateValidator(`validator ${key} listed twice`);
    seen.add(key);
  }
}

/** Voting power descending, address ascending (ValidatorsByVotingPower). */
function byVotingPower(a: Validator, b: Validator): number {
  if (a.votingPower !== b.votingPower) return a.votingPower > b.votingPower ? -1 : 1;
  return compareBytes(a.address, b.address);
}

/** Highest priority wins; ties go to the smaller address (Validator.CompareProposerPriority). */
function indexOfMostPriority(validators: readonly Validator[], prios: readonly bigint[]): number {
  let best = 0;
  for (let i = 1; i < prios.length; i++) {
    if (prios[i]! > prios[best]! || (prios[i] === prios[best] && compareBytes(validators[i]!.address, validators[best]!.address) < 0)) {
      best = i;
    }
  }
  return best;
}

function findProposer(validators: readonly Validator[]): Validator {
  return validators[indexOfMostPriority(validators, validators.map((v) => v.proposerPriority))]!;
}

/** Divides all priorities by ceil(diff / diffMax) when their spread exceeds diffMax (Go int64 division). */
export function rescalePriorities(prios: bigint[], diffMax: bigint): void {
  if (diffMax <= 0n || prios.length === 0) return;
  let max = INT64_MIN;
  let min = INT64_MAX;
  for (const p of prios) {
    if (p > max) max = p;
    if (p < min) min = p;
  }
  let diff = BigInt.asIntN(64, max - min);
  if (diff < 0n) diff = BigInt.asIntN(64, -diff);
  const ratio = BigInt.asIntN(64, diff + diffMax - 1n) / diffMax;
  if (diff > diffMax) for (let i = 0; i < prios.length; i++) prios[i] = prios[i]! / ratio;
}

/** Subtracts the average priority. Go computes it with big.Int Div, which is Euclidean: it rounds down. */
export function shiftByAverage(prios: bigint[]): void {
  const avg = averagePriority(prios);
  for (let i = 0; i < prios.length; i++) prios[i] = subClip(prios[i]!, avg);
}

export function averagePriority(prios: readonly bigint[]): bigint {
  const n = BigInt(prios.length);
  const sum = prios.reduce((s, p) => s + p, 0n);
  const q = sum / n;
  return sum % n < 0n ? q - 1n : q;
}

/** int64 addition clipped to the int64 range (safeAddClip). */
export function addClip(a: bigint, b: bigint): bigint {
  const c = a + b;
  return c > INT64_MAX ? INT64_MAX : c < INT64_MIN ? INT64_MIN : c;
}

/** int64 subtraction clipped to the int64 range (safeSubClip). */
export function subClip(a: bigint, b: bigint): bigint {
  const c = a - b;
  return c > INT64_MAX ? INT64_MAX : c < INT64_MIN ? INT64_MIN : c;
}
