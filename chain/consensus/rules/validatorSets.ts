/**
 * Which validators sign which height. Updates the app returns in FinalizeBlock of height H take effect
 * at H+2: H+1's set was already fixed (its hash is in header H as next_validators_hash). This mirrors
 * CometBFT's state.updateState and MakeGenesisState, including the one priority increment per height.
 */
import { ValidatorUpdate } from 'cosmjs-types/tendermint/abci/types';
import { ConsensusErrors } from '../types/errors.js';
import { makeValidator, Validator } from '../types/validator.js';
import { ValidatorSet } from '../types/validatorSet.js';

export interface ValidatorSets {
  /** Signed the previous block (its commit is in the current block); null at the first height. */
  readonly last: ValidatorSet | null;
  /** Signs the current height. */
  readonly current: ValidatorSet;
  /** Signs the next height. */
  readonly next: ValidatorSet;
}

export function genesisValidatorSets(validators: readonly Validator[]): ValidatorSets {
  const current = ValidatorSet.create(validators);
  return { last: null, current, next: current.incrementProposerPriority(1) };
}

/** The sets after committing the current height with the app's validator `updates`. */
export function advanceValidatorSets(sets: ValidatorSets, updates: readonly Validator[]): ValidatorSets {
  return {
    last: sets.current,
    current: sets.next,
    next: sets.next.updateWithChangeSet(updates).incrementProposerPriority(1),
  };
}

/** ABCI ValidatorUpdate {pub_key, power} -> Validator (power 0 means removal). */
export function validatorsFromAbciUpdates(updates: readonly ValidatorUpdate[]): Validator[] {
  return updates.map((u) => {
    if (u.pubKey.ed25519 === undefined) throw ConsensusErrors.invalidPublicKey('validator updates must carry ed25519 keys');
    return makeValidator(u.pubKey.ed25519, u.power);
  });
}
