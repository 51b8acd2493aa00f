import t from 'tap';
import fc from 'fast-check';
import { throwsKind } from '../helpers.js';
import { sha256 } from '../../../../chain/crypto/hash.js';
import {
  ConsensusErrors,
  makeValidator,
  MAX_TOTAL_VOTING_POWER,
  ValidatorSet,
  averagePriority,
  type Validator,
} from '../../../../chain/consensus/types/index.js';

/** A validator with a chosen address (as CometBFT's tests build them; the key does not matter here). */
const val = (address: string | Uint8Array, power: bigint, priority = 0n): Validator => ({
  address: typeof address === 'string' ? Buffer.from(address) : address,
  pubKey: sha256(typeof address === 'string' ? Buffer.from(address) : address),
  votingPower: power,
  proposerPriority: priority,
});
const name = (v: Validator) => Buffer.from(v.address).toString();
const addr = (last: number) => Uint8Array.from({ length: 20 }, (_, i) => (i === 19 ? last : 0));

function proposers(set: ValidatorSet, n: number, label: (v: Validator) => string = name): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(label(set.proposer));
    set = set.incrementProposerPriority(1);
  }
  return out;
}

t.test('CometBFT TestProposerSelection1: the published 99-round sequence for powers 1000/300/330', async (t) => {
  const set = ValidatorSet.create([val('foo', 1000n), val('bar', 300n), val('baz', 330n)]);
  const expected =
    'foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar' +
    ' foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar' +
    ' foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz' +
    ' foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo' +
    ' foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo';
  t.equal(proposers(set, 99).join(' '), expected);
});

t.test('CometBFT TestProposerSelection2: equal powers go by address; proportional counts', async (t) => {
  const last = (v: Validator) => String(v.address[19]);
  t.same(proposers(ValidatorSet.create([val(addr(0), 100n), val(addr(1), 100n), val(addr(2), 100n)]), 15, last), '012012012012012'.split(''));
  // more power but not enough to propose twice in a row
  t.same(proposers(ValidatorSet.create([val(addr(0), 100n), val(addr(1), 100n), val(addr(2), 400n)]), 2, last), ['2', '0']);
  // enough to propose twice in a row
  t.same(proposers(ValidatorSet.create([val(addr(0), 100n), val(addr(1), 100n), val(addr(2), 401n)]), 3, last), ['2', '2', '0']);
  const counts = [0, 0, 0];
  for (const p of proposers(ValidatorSet.create([val(addr(0), 4n), val(addr(1), 5n), val(addr(2), 3n)]), 120, last)) counts[Number(p)]!++;
  t.same(counts, [40, 50, 30]);
});

t.test('CometBFT TestAveragingInIncrementProposerPriorityWithVotingPower: priorities step by step', async (t) => {
  const [vp0, vp1, vp2] = [10n, 1n, 1n];
  const total = vp0 + vp1 + vp2;
  const base = ValidatorSet.fromExisting([val(Uint8Array.of(0), vp0), val(Uint8Array.of(1), vp1), val(Uint8Array.of(2), vp2)]);
  const cases: [number, bigint[], number][] = [
    [1, [vp0 - total, vp1, vp2], 0],
    [2, [2n * (vp0 - total), 2n * vp1, 2n * vp2], 0],
    [3, [3n * (vp0 - total), 3n * vp1, 3n * vp2], 0],
    [4, [4n * (vp0 - total), 4n * vp1, 4n * vp2], 0],
    [5, [4n * (vp0 - total) + vp0, 5n * vp1 - total, 5n * vp2], 1],
    [6, [6n * vp0 - 5n * total, 6n * vp1 - total, 6n * vp2], 0],
    [7, [7n * vp0 - 6n * total, 7n * vp1 - total, 7n * vp2], 0],
    [8, [8n * vp0 - 7n * total, 8n * vp1 - total, 8n * vp2], 0],
    [9, [9n * vp0 - 7n * total, 9n * vp1 - total, 9n * vp2 - total], 2],
    [10, [10n * vp0 - 8n * total, 10n * vp1 - total, 10n * vp2 - total], 0],
    [11, [11n * vp0 - 9n * total, 11n * vp1 - total, 11n * vp2 - total], 0],
  ];
  for (const [times, prios, proposer] of cases) {
    const set = base.incrementProposerPriority(times);
    t.same(set.validators.map((v) => v.proposerPriority), prios, `after ${times}`);
    t.equal(set.proposer.address[0], proposer, `proposer after ${times}`);
  }
});

t.test('CometBFT TestAveragingInIncrementProposerPriority and TestAvgProposerPriority', async (t) => {
  const cases: [bigint[], number, bigint][] = [
    [[1n, 2n, 3n], 1, 2n],
    [[10n, -10n, 1n], 11, 0n],
    [[100n, -10n, 1n], 1, 30n], // 91 / 3
  ];
  for (const [prios, times, avg] of cases) {
    const set = ValidatorSet.fromExisting(prios.map((p, i) => val(String.fromCharCode(97 + i), 0n, p)));
    const next = set.incrementProposerPriority(times);
    for (const v of set.validators) {
      t.equal(next.getByAddress(v.address)!.validator.proposerPriority, v.proposerPriority - avg);
    }
  }
  const max = (1n << 63n) - 1n;
  const min = -(1n << 63n);
  t.equal(averagePriority([0n, 0n, 0n]), 0n);
  t.equal(averagePriority([max, 0n, 0n]), max / 3n);
  t.equal(averagePriority([max, max]), max);
  t.equal(averagePriority([min, min]), min);
  t.equal(averagePriority([-1n, 0n]), -1n, 'big.Int division rounds down, not toward zero');
});

t.test('skipping rounds at once equals stepping through them (proposer agreement across nodes)', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.bigInt({ min: 1n, max: 1_000_000n }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 30 }),
      (powers, a, b) => {
        const set = ValidatorSet.create(powers.map((p, i) => val(`validator-${i}`, p)));
        const stepped = set.incrementProposerPriority(a).incrementProposerPriority(b);
        const jumped = set.incrementProposerPriority(a + b);
        return (
          name(stepped.proposer) === name(jumped.proposer) &&
          stepped.validators.every((v, i) => v.proposerPriority === jumped.validators[i]!.proposerPriority)
        );
      },
    ),
    { seed: 42, numRuns: 200 },
  );
  t.pass('200 random sets agree');
});

t.test('update with change set: merges, removes, new validators start last', async (t) => {
  let set = ValidatorSet.create([val('v3', 1000n), val('v2', 2n), val('v1', 1n)]);
  set = set.incrementProposerPriority(17);
  const updated = set.updateWithChangeSet([val('v3', 0n), val('v2', 1n), val('v5', 50n), val('v4', 40n)]);
  t.same(updated.validators.map((v) => `${name(v)}:${v.votingPower}`), ['v5:50', 'v4:40', 'v1:1', 'v2:1'], 'CometBFT priority-order case 2');
  t.equal(updated.totalVotingPower, 92n);
  const byPrio = [...updated.validators].sort((a, b) => (a.proposerPriority < b.proposerPriority ? -1 : 1));
  t.same(byPrio.slice(0, 2).map(name).sort(), ['v4', 'v5'], 'added validators have the lowest priority');
  t.equal(byPrio[0]!.proposerPriority, byPrio[1]!.proposerPriority, 'and the same one');
  t.equal(set.size, 3, 'the original set is untouched');

  throwsKind(t, () => set.updateWithChangeSet([val('v1', 5n), val('v1', 6n)]), ConsensusErrors.duplicateValidator);
  throwsKind(t, () => set.updateWithChangeSet([val('v1', -1n)]), ConsensusErrors.invalidVotingPower);
  throwsKind(t, () => set.updateWithChangeSet([val('nobody', 0n)]), ConsensusErrors.unknownValidator);
  throwsKind(t, () => set.updateWithChangeSet([val('v1', 0n), val('v2', 0n), val('v3', 0n)]), ConsensusErrors.emptyValidatorSet);
  throwsKind(t, () => set.updateWithChangeSet([val('big', MAX_TOTAL_VOTING_POWER)]), ConsensusErrors.invalidVotingPower);
  throwsKind(t, () => ValidatorSet.create([]), ConsensusErrors.emptyValidatorSet);
});

t.test('validator set hash and proto round trip', async (t) => {
  const pub = Uint8Array.from({ length: 32 }, (_, i) => i);
  const v = makeValidator(pub, 10n);
  t.equal(Buffer.from(v.address).toString('hex'), Buffer.from(sha256(pub).slice(0, 20)).toString('hex'));
  // SimpleValidator {pub_key = 1 {ed25519 = 1 (32 bytes)}, voting_power = 2 (10)}
  const leaf = Buffer.concat([Buffer.from([0x0a, 0x22, 0x0a, 0x20]), pub, Buffer.from([0x10, 0x0a])]);
  const set = ValidatorSet.create([v]);
  t.equal(Buffer.from(set.hash()).toString('hex'), Buffer.from(sha256(Uint8Array.of(0), leaf)).toString('hex'));
  const two = ValidatorSet.create([v, makeValidator(sha256(pub), 5n)]).incrementProposerPriority(3);
  const back = ValidatorSet.fromProto(two.toProto());
  t.same(back.validators, two.validators);
  t.equal(name(back.proposer), name(two.proposer));
  t.same(back.hash(), two.hash());
});
