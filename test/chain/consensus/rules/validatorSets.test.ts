import t from 'tap';
import { ConsensusErrors, makeValidator, ValidatorSet } from '../../../../chain/consensus/types/index.js';
import {
  advanceValidatorSets,
  genesisValidatorSets,
  timeoutDuration,
  DEFAULT_TIMEOUT_PARAMS,
  validatorsFromAbciUpdates,
  isTwoThirdsMajority,
  isOneThirdPlus,
} from '../../../../chain/consensus/rules/index.js';
import { testKey, testValidators, throwsKind } from '../helpers.js';

const names = (set: ValidatorSet) => set.validators.map((v) => `${v.votingPower}`).join(',');

t.test('genesis sets: current as NewValidatorSet, next one increment ahead (MakeGenesisState)', async (t) => {
  const { validators } = testValidators([3n, 2n, 1n]);
  const sets = genesisValidatorSets(validators);
  t.equal(sets.last, null);
  t.same(sets.next.validators, ValidatorSet.create(validators).incrementProposerPriority(1).validators);
  t.same(sets.current.validators, ValidatorSet.create(validators).validators);
});

t.test('updates returned at height H sign from H+2; priorities advance once per height', async (t) => {
  const { validators } = testValidators([3n, 2n, 1n]);
  const h1 = genesisValidatorSets(validators); // sets while executing height 1
  const updates = validatorsFromAbciUpdates([
    { pubKey: { ed25519: testKey('newcomer').pubKey }, power: 5n },
    { pubKey: { ed25519: validators[2]!.pubKey }, power: 0n },
  ]);
  const h2 = advanceValidatorSets(h1, updates); // the app returned them in FinalizeBlock(1)
  t.equal(names(h2.current), '3,2,1', 'height 2 is still signed by the old set');
  t.equal(names(h2.next), '5,3,2', 'height 3 will be signed by the new one');
  t.equal(h2.last, h1.current);
  const h3 = advanceValidatorSets(h2, []);
  t.equal(names(h3.current), '5,3,2');
  t.same(h3.current.hash(), h2.next.hash(), 'next_validators_hash of header 2 = validators_hash of header 3');
  t.same(h2.current.validators, h1.next.validators);
  t.same(h2.next.incrementProposerPriority(1).validators, h3.next.validators, 'one increment per height');
  throwsKind(t, () => validatorsFromAbciUpdates([{ pubKey: { secp256k1: new Uint8Array(33) }, power: 1n }]), ConsensusErrors.invalidPublicKey);
  throwsKind(t, () => advanceValidatorSets(h1, [makeValidator(testKey('nobody').pubKey, 0n)]), ConsensusErrors.unknownValidator);
});

t.test('timeouts grow linearly per round; quorum arithmetic', async (t) => {
  t.same([0, 1, 2, 3].map((r) => timeoutDuration(DEFAULT_TIMEOUT_PARAMS, 'propose', r)), [3000, 3500, 4000, 4500]);
  t.same([0, 4].map((r) => timeoutDuration(DEFAULT_TIMEOUT_PARAMS, 'prevote', r)), [1000, 3000]);
  t.same([0, 4].map((r) => timeoutDuration(DEFAULT_TIMEOUT_PARAMS, 'precommit', r)), [1000, 3000]);
  t.equal(isTwoThirdsMajority(2n, 3n), false);
  t.equal(isTwoThirdsMajority(3n, 4n), true);
  t.equal(isTwoThirdsMajority(6n, 9n), false);
  t.equal(isTwoThirdsMajority(7n, 10n), true);
  t.equal(isOneThirdPlus(1n, 3n), false);
  t.equal(isOneThirdPlus(2n, 4n), true);
});
