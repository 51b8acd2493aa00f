import t from 'tap';
import { SignedMsgType } from 'cosmjs-types/tendermint/types/types';
import { BlockIDFlag, blockIdKey, ConsensusErrors } from '../../../../chain/consensus/types/index.js';
import { commitFor, type ConsensusAction } from '../../../../chain/consensus/rules/index.js';
import { throwsKind } from '../helpers.js';
import { block, broadcastVotes, kinds, LAST_BLOCK_TIME, Scenario } from './scenario.js';

const V = block('v');
const W = block('w');
const X = block('x');
const labels = { V, W, X };
const votes = (actions: readonly ConsensusAction[]) => broadcastVotes(actions, labels);
const FOUR = [1n, 1n, 1n, 1n];
/** In a set of four equal validators rounds 0..3 have four different proposers: we propose round 3. */
const notProposerBefore3 = (p: number[]) => p[3]!;
const others = (s: Scenario, self: number) => [0, 1, 2, 3].filter((i) => i !== self);
const selfIndexOf = (s: Scenario) => s.validators.getByAddress(s.state.self!)!.index;
function timeouts(actions: readonly ConsensusAction[]) {
  return actions.filter((a) => a.kind === 'scheduleTimeout').map((a) => {
    const x = a as Extract<ConsensusAction, { kind: 'scheduleTimeout' }>;
    return `${x.step}@${x.round}:${x.durationMs}`;
  });
}
function decided(actions: readonly ConsensusAction[]) {
  return actions.find((a) => a.kind === 'decide') as Extract<ConsensusAction, { kind: 'decide' }> | undefined;
}

/** Round 0 with proposal V accepted and locked: we prevoted and precommitted V. */
function lockOnV(s: Scenario, round = 0) {
  const me = selfIndexOf(s);
  const [a, b] = others(s, me);
  s.propose(round, V);
  s.valid(V);
  s.prevote(me, round, V);
  s.prevote(a!, round, V);
  const acts = s.prevote(b!, round, V);
  return acts;
}

/** Ends the current round without a decision: everyone else precommits nil, then timeoutPrecommit. */
function endRound(s: Scenario, round: number) {
  const me = selfIndexOf(s);
  s.precommits(others(s, me), round, null);
  return s.timeout('precommit', round);
}

t.test('one validator: propose, prevote, precommit, decide', async (t) => {
  const s = new Scenario([10n], () => 0);
  t.same(kinds(s.actions), ['newRound', 'requestValue', 'scheduleTimeout'], 'the proposer asks for a value (line 18)');
  s.send({ kind: 'proposalValue', height: s.height, round: 0, blockId: V });
  t.same(s.actions, [{ kind: 'broadcastProposal', proposal: { height: s.height, round: 0, polRound: -1, blockId: V } }]);
  t.same(votes(s.propose(0, V)), ['prevote:V'], 'our own value needs no validation (line 24)');
  t.same(votes(s.prevote(0, 0, V)), ['precommit:V'], 'lock and precommit (lines 36-41)');
  t.same(s.state.lockedRound, 0);
  t.same(blockIdKey(s.state.lockedValue!), blockIdKey(V));
  const d = decided(s.precommit(0, 0, V));
  t.ok(d, 'decides (line 49)');
  t.equal(blockIdKey(d!.blockId), blockIdKey(V));
  t.equal(d!.commit.signatures[0]!.blockIdFlag, BlockIDFlag.BLOCK_ID_FLAG_COMMIT);
  t.equal(s.state.step, 'commit');
  t.same(s.timeout('precommit', 0), [], 'nothing happens after the decision');
});

t.test('four validators, happy path as a non-proposer', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  t.same(timeouts(s.actions), ['propose@0:3000']);
  t.same(kinds(s.propose(0, V)), ['validateBlock'], 'the engine is asked to run ProcessProposal');
  t.same(votes(s.valid(V)), ['prevote:V']);
  const [a, b, c] = others(s, me);
  t.same(s.prevote(me, 0, V), []);
  t.same(s.prevote(a!, 0, V), [], 'two of four is not a quorum');
  const acts = s.prevote(b!, 0, V);
  t.same(timeouts(acts), ['prevote@0:1000'], 'line 34');
  t.same(votes(acts), ['precommit:V'], 'line 36');
  s.precommit(me, 0, V);
  t.notOk(decided(s.precommit(a!, 0, V)));
  const d = decided(s.precommit(c!, 0, V));
  t.ok(d);
  t.same(
    d!.commit.signatures.map((x) => x.blockIdFlag),
    [0, 1, 2, 3].map((i) => (i === b ? BlockIDFlag.BLOCK_ID_FLAG_ABSENT : BlockIDFlag.BLOCK_ID_FLAG_COMMIT)),
    'one slot per validator, absent where no precommit arrived',
  );
});

t.test('a silent proposer: nil votes, timeouts that grow per round, next round', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  t.same(votes(s.timeout('propose', 0)), ['prevote:nil'], 'lines 57-60');
  s.prevote(me, 0, null);
  s.prevote(others(s, me)[0]!, 0, null);
  const acts = s.prevote(others(s, me)[1]!, 0, null);
  t.same(timeouts(acts), ['prevote@0:1000']);
  t.same(votes(acts), ['precommit:nil'], 'lines 44-46');
  s.precommit(me, 0, null);
  s.precommit(others(s, me)[0]!, 0, null);
  t.same(timeouts(s.precommit(others(s, me)[1]!, 0, null)), ['precommit@0:1000'], 'lines 47-48');
  const next = s.timeout('precommit', 0);
  t.same(kinds(next), ['newRound', 'scheduleTimeout'], 'lines 65-67');
  t.same(timeouts(next), ['propose@1:3500'], 'timeoutPropose grows by its delta');
  t.same(s.timeout('propose', 0), [], 'a timeout of a past round is ignored');
  t.same(votes(s.timeout('propose', 1)), ['prevote:nil']);
  t.same(timeouts(s.prevotes(others(s, me), 1, null)), ['prevote@1:1500'], 'timeoutPrevote grows too');
  t.same(s.state.step, 'precommit');
  s.precommits(others(s, me), 1, null);
  t.same(timeouts(s.timeout('precommit', 1)), ['propose@2:4000']);
  t.equal(s.state.round, 2);
  t.equal(s.state.lockedRound, -1, 'nil rounds lock nothing');
});

t.test('timeoutPrevote: 2f+1 prevotes for different blocks, then precommit nil on timeout', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  const [a, b] = others(s, me);
  s.propose(0, V);
  s.valid(V);
  s.prevote(me, 0, V);
  s.prevote(a!, 0, W);
  const acts = s.prevote(b!, 0, null);
  t.same(timeouts(acts), ['prevote@0:1000']);
  t.same(votes(acts), [], 'no quorum for anything yet');
  t.same(votes(s.timeout('prevote', 0)), ['precommit:nil'], 'lines 61-64');
  t.same(s.timeout('prevote', 0), [], 'only once');
});

t.test('quorums: exactly 2/3 is not enough, and exactly 1/3 does not skip rounds', async (t) => {
  const s = new Scenario([1n, 1n, 1n], (p) => p[2]!);
  const me = selfIndexOf(s);
  const [a, b] = [0, 1, 2].filter((i) => i !== me);
  s.propose(0, V);
  s.valid(V);
  s.prevote(me, 0, V);
  t.same(votes(s.prevote(a!, 0, V)), [], '2 of 3 is exactly 2/3: no lock');
  t.same(votes(s.prevote(b!, 0, V)), ['precommit:V'], '3 of 3 is more');
  s.precommit(me, 0, V);
  t.notOk(decided(s.precommit(a!, 0, V)), 'exactly 2/3 precommits decide nothing');
  t.same(s.prevote(a!, 5, null), [], '1 of 3 in a higher round is exactly 1/3: no skip');
  t.equal(s.state.round, 0);

  const u = new Scenario([3n, 1n, 1n, 1n], (p) => p.find((i) => i !== 0)!);
  const big = 0;
  const smalls = [1, 2, 3].filter((i) => i !== selfIndexOf(u));
  u.propose(0, V);
  u.valid(V);
  u.prevote(big, 0, V);
  t.same(votes(u.prevote(smalls[0]!, 0, V)), [], 'power 4 of 6 is exactly 2/3');
  t.same(votes(u.prevote(smalls[1]!, 0, V)), ['precommit:V'], 'power 5 of 6 is more');
  t.same(u.prevote(smalls[0]!, 3, null), [], 'power 1 of 6 in round 3 does not skip');
  const skip = u.prevote(big, 3, null);
  t.same(kinds(skip).slice(0, 1), ['newRound'], 'power 4 of 6 in round 3 does (lines 55-56)');
  t.equal(u.state.round, 3);
});

t.test('round skip: f+1 messages of a higher round, then that round’s stored proposal is handled', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  const a = s.proposers(3)[2]!;
  const b = others(s, me).find((i) => i !== a)!;
  t.same(kinds(s.propose(2, W)), ['validateBlock'], 'a proposal of a future round is kept and validated');
  s.valid(W);
  t.same(s.prevote(a, 2, W), [], 'the proposal and a prevote of one validator (1/4) are not f+1');
  const acts = s.prevote(b, 2, W);
  t.same(kinds(acts), ['newRound', 'scheduleTimeout', 'broadcastVote']);
  t.same(votes(acts), ['prevote:W'], 'the kept proposal of round 2 is prevoted at once (line 22)');
  t.equal(s.state.round, 2);
  t.same(timeouts(acts), ['propose@2:4000']);
});

t.test('locking: a locked validator prevotes nil for another fresh value, but its locked value again', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  t.same(votes(lockOnV(s)), ['precommit:V']);
  endRound(s, 0);
  t.equal(s.state.round, 1);
  t.equal(s.state.lockedRound, 0);
  s.propose(1, W);
  t.same(votes(s.valid(W)), ['prevote:nil'], 'line 23 fails: locked on V (line 26)');
  // jump to round 2 (f+1 in round 2), where V is proposed again without a proof-of-lock
  const [a, b] = others(s, selfIndexOf(s));
  s.prevote(a!, 2, null);
  s.prevote(b!, 2, null);
  t.equal(s.state.round, 2);
  t.same(votes(s.propose(2, V)), ['prevote:V'], 'lockedValue = v (line 23)');
});

t.test('locking: a proof-of-lock newer than the lock releases it (lines 28-30)', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  lockOnV(s);
  endRound(s, 0);
  // round 1: we miss the proposal; the others prevote W
  t.same(votes(s.timeout('propose', 1)), ['prevote:nil']);
  s.prevote(me, 1, null);
  s.prevotes(others(s, me), 1, W);
  t.same(s.state.lockedRound, 0, 'without the proposal of round 1 we cannot lock on W');
  t.same(votes(s.timeout('prevote', 1)), ['precommit:nil']);
  endRound(s, 1);
  t.equal(s.state.round, 2);
  s.propose(2, W, 1);
  t.same(votes(s.valid(W)), ['prevote:W'], 'POL round 1 >= locked round 0: prevote W');
});

t.test('locking: a proof-of-lock older than the lock does not release it (lines 28-32)', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  // round 0: W gets 2/3 prevotes but we never saw its proposal
  s.timeout('propose', 0);
  s.prevote(me, 0, null);
  s.prevotes(others(s, me), 0, W);
  s.timeout('prevote', 0);
  endRound(s, 0);
  // round 1: lock on V
  t.same(votes(lockOnV(s, 1)), ['precommit:V']);
  t.equal(s.state.lockedRound, 1);
  endRound(s, 1);
  s.propose(2, W, 0);
  t.same(votes(s.valid(W)), ['prevote:nil'], 'POL round 0 < locked round 1 and W is not the locked value');

  const u = new Scenario(FOUR, notProposerBefore3);
  lockOnV(u, 0);
  endRound(u, 0);
  u.timeout('propose', 1);
  u.prevotes(others(u, selfIndexOf(u)), 1, null);
  endRound(u, 1);
  u.propose(2, V, 0);
  t.same(votes(u.actions), ['prevote:V'], 'a re-proposal of the locked value itself is prevoted');
});

t.test('a proof-of-lock round without its prevotes waits, then prevotes when they arrive', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  s.timeout('propose', 0);
  s.prevote(me, 0, null);
  s.timeout('prevote', 0); // precommits nil
  endRound(s, 0);
  t.equal(s.state.round, 1);
  s.propose(1, W, 0);
  t.same(votes(s.valid(W)), [], 'no 2f+1 prevotes for W in round 0: neither line 22 nor 28 applies');
  const [a, b] = others(s, me);
  s.prevote(a!, 0, W);
  t.same(votes(s.prevote(b!, 0, W)), [], 'still only 2 of 4');
  t.same(votes(s.prevote(others(s, me)[2]!, 0, W)), ['prevote:W'], 'the POL completes: line 28 fires');

  const u = new Scenario(FOUR, notProposerBefore3);
  u.timeout('propose', 0);
  endRound(u, 0);
  u.propose(1, W, 0);
  u.valid(W);
  t.same(votes(u.timeout('propose', 1)), ['prevote:nil'], 'or the propose timeout prevotes nil');
});

t.test('valid value: seen 2f+1 prevotes after precommitting nil, re-proposed with its round', async (t) => {
  const s = new Scenario(FOUR, (p) => p[1]!); // we propose round 1
  const me = selfIndexOf(s);
  s.propose(0, V);
  s.valid(V);
  s.prevote(me, 0, V);
  s.prevote(others(s, me)[0]!, 0, V);
  s.prevote(others(s, me)[1]!, 0, null);
  t.same(votes(s.timeout('prevote', 0)), ['precommit:nil'], 'only 2 of 4 for V when timeoutPrevote fires');
  s.precommit(me, 0, null);
  t.same(votes(s.prevote(others(s, me)[2]!, 0, V)), [], 'lines 36-43 at step precommit: no vote...');
  t.equal(s.state.lockedRound, -1, '...and no lock');
  t.equal(s.state.validRound, 0, 'but V becomes the valid value');
  t.equal(blockIdKey(s.state.validValue!), blockIdKey(V));
  const acts = endRound(s, 0);
  t.same(
    acts.filter((a) => a.kind === 'broadcastProposal'),
    [{ kind: 'broadcastProposal', proposal: { height: s.height, round: 1, polRound: 0, blockId: V } }],
    'the proposer of round 1 proposes the valid value with its proof-of-lock round (lines 15-16)',
  );
  t.notOk(kinds(acts).includes('requestValue'));
});

t.test('an invalid block is prevoted nil and never decided', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  s.propose(0, X);
  t.same(votes(s.valid(X, false)), ['prevote:nil']);
  const acts = s.precommits(others(s, me), 0, X);
  t.notOk(decided(acts), '2f+1 precommits for an invalid block decide nothing (line 50)');
  t.equal(s.state.decision, null);
});

t.test('deciding on precommits of another round, after validating a block we never saw proposed', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  const [a, b] = others(s, me);
  s.prevote(a!, 1, null);
  s.prevote(b!, 1, null);
  t.equal(s.state.round, 1, 'moved on to round 1');
  s.precommits(others(s, me).slice(0, 2), 0, X);
  const acts = s.precommit(others(s, me)[2]!, 0, X);
  t.same(kinds(acts), ['validateBlock'], 'the engine fetches and validates the block');
  const d = decided(s.valid(X));
  t.ok(d, 'decides the round-0 block');
  t.equal(d!.round, 0);
  t.equal(s.state.step, 'commit');
});

t.test('equivocation: the second vote is evidence, not counted', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  const cheat = others(s, me)[0]!;
  s.prevote(cheat, 0, V);
  const acts = s.prevote(cheat, 0, W);
  const ev = acts.find((a) => a.kind === 'evidence') as Extract<ConsensusAction, { kind: 'evidence' }>;
  t.ok(ev, 'double-sign evidence');
  const [first, second] = [blockIdKey(V), blockIdKey(W)].sort();
  t.equal(blockIdKey(ev.evidence.voteA!.blockId), first, 'vote A has the smaller block id');
  t.equal(blockIdKey(ev.evidence.voteB!.blockId), second);
  t.equal(ev.evidence.validatorPower, 1n);
  t.equal(ev.evidence.totalVotingPower, 4n);
  t.same(ev.evidence.timestamp, LAST_BLOCK_TIME, 'stamped with the previous block time');
  const rs = s.state.rounds.get(0)!;
  t.equal(rs.prevotes.powerFor(blockIdKey(V)), 1n);
  t.equal(rs.prevotes.powerFor(blockIdKey(W)), 0n);
  t.same(s.prevote(cheat, 0, V), [], 'repeating the first vote is a harmless duplicate');
  t.same(kinds(s.precommit(cheat, 0, W)), [], 'a precommit is another step: no equivocation');
});

t.test('a follower decides without ever voting', async (t) => {
  const s = new Scenario(FOUR, null);
  t.same(kinds(s.actions), ['newRound', 'scheduleTimeout']);
  s.propose(0, V);
  s.valid(V);
  t.same(votes(s.actions), []);
  s.prevotes([0, 1, 2], 0, V);
  const d = decided(s.precommits([0, 1, 3], 0, V));
  t.ok(d);
});

t.test('bad input: typed errors, state unchanged', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const before = s.state;
  const vote = s.vote(SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, 0, 0, V);
  throwsKind(t, () => s.send({ kind: 'vote', vote: { ...vote, validatorIndex: 9 } }), ConsensusErrors.unknownValidator);
  throwsKind(t, () => s.send({ kind: 'vote', vote: { ...vote, validatorIndex: 1 } }), ConsensusErrors.unknownValidator);
  throwsKind(t, () => s.send({ kind: 'vote', vote: { ...vote, type: SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL } }), ConsensusErrors.invalidVote);
  throwsKind(
    t,
    () => s.send({ kind: 'vote', vote: { ...vote, blockId: { hash: new Uint8Array(3), partSetHeader: { total: 0, hash: new Uint8Array(0) } } } }),
    ConsensusErrors.invalidBlockId,
  );
  throwsKind(t, () => s.propose(1, V, 1), ConsensusErrors.invalidProposal);
  t.equal(s.state, before);
  t.same(s.send({ kind: 'vote', vote: s.vote(SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, 0, 0, V, 8n) }), [], 'another height is ignored');
  t.equal(s.state, before);
});

t.test('a whole commit from a peer decides once the block is known valid', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const commit = { height: s.height, round: 2, blockId: X, signatures: [] };
  t.same(kinds(s.send({ kind: 'commit', commit })), ['validateBlock']);
  const d = decided(s.valid(X));
  t.ok(d);
  t.equal(d!.round, 2);
  t.equal(d!.commit, commit, 'the verified commit is the decision’s commit');
  t.equal(commitFor(s.state), commit);
  t.same(s.send({ kind: 'commit', commit: { ...commit, height: s.height + 1n } }), [], 'a commit of another height is ignored');
});

t.test('commitFor gathers precommits that arrive after the decision', async (t) => {
  const s = new Scenario(FOUR, notProposerBefore3);
  const me = selfIndexOf(s);
  const [a, b, c] = others(s, me);
  s.propose(0, V);
  s.valid(V);
  s.precommits([me, a!], 0, V);
  t.ok(decided(s.precommit(b!, 0, V)));
  t.equal(commitFor(s.state)!.signatures.filter((x) => x.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_COMMIT).length, 3);
  s.precommit(c!, 0, V);
  t.equal(commitFor(s.state)!.signatures.filter((x) => x.blockIdFlag === BlockIDFlag.BLOCK_ID_FLAG_COMMIT).length, 4, 'the late one is in');
  t.equal(commitFor(new Scenario(FOUR, null).state), null, 'no commit before a decision');
});
