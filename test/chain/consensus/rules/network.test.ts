/**
 * Several state machines wired together by a simulated network with real ed25519 signatures: each
 * message is signed by its sender and checked by its receivers the way the engine will (voteValidator,
 * verifyProposal), timers run on a virtual clock, and decisions are checked with verifyCommit.
 */
import t, { type Test } from 'tap';
import fc from 'fast-check';
import type { DuplicateVoteEvidence } from 'cosmjs-types/tendermint/types/evidence';
import {
  blockIdKey,
  makeProposal,
  makeValidator,
  makeVote,
  proposalSignBytes,
  verifyCommit,
  verifyDuplicateVoteEvidence,
  verifyProposal,
  voteSignBytes,
  voteValidator,
  type Validator,
  type Vote,
} from '../../../../chain/consensus/types/index.js';
import {
  advanceValidatorSets,
  DEFAULT_TIMEOUT_PARAMS,
  genesisValidatorSets,
  proposerFor,
  startHeight,
  step,
  type ConsensusAction,
  type ConsensusEvent,
  type ConsensusState,
  type ValidatorSets,
} from '../../../../chain/consensus/rules/index.js';
import { testKey, testValidators, verifyEd25519, type TestKey } from '../helpers.js';
import { block } from './scenario.js';

const CHAIN_ID = 'vivian-test-1';

interface Node {
  readonly key: TestKey;
  readonly address: Uint8Array;
  state: ConsensusState | null;
  decision: Extract<ConsensusAction, { kind: 'decide' }> | null;
  evidence: DuplicateVoteEvidence[];
}

interface NetOptions {
  /** Indices (in creation order) of validators that never run. */
  offline?: number[];
  /** Index of a validator that signs a second, conflicting vote for every vote it sends. */
  byzantine?: number;
  /** Seed of the delivery order; FIFO without it. */
  seed?: number;
}

class Net {
  readonly nodes: Node[];
  sets: ValidatorSets;
  private queue: { to: number; event: ConsensusEvent }[] = [];
  private timers: { at: number; seq: number; to: number; event: ConsensusEvent }[] = [];
  private seq = 0;
  clock = 0;
  private rng: (() => number) | null;
  readonly proposers: string[] = [];

  constructor(powers: readonly bigint[], private readonly opts: NetOptions = {}) {
    const { validators } = testValidators(powers);
    this.nodes = validators.map((v, i) => ({ key: testKey(`validator-${i}`), address: v.address, state: null, decision: null, evidence: [] }));
    this.sets = genesisValidatorSets(validators);
    let s = opts.seed ?? 0;
    this.rng = opts.seed === undefined ? null : () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  }

  online(i: number): boolean {
    return !(this.opts.offline ?? []).includes(i);
  }

  startHeight(height: bigint): void {
    this.queue = [];
    this.timers = [];
    this.nodes.forEach((node, i) => {
      node.decision = null;
      if (!this.online(i)) return;
      const tr = startHeight({
        height,
        validators: this.sets.current,
        self: node.address,
        params: DEFAULT_TIMEOUT_PARAMS,
        lastBlockTime: { seconds: 1_700_000_000n + height, nanos: 0 },
      });
      node.state = tr.state;
      this.perform(i, tr.actions);
    });
  }

  /** Delivers messages (then timers, on the virtual clock) until every running node decided. */
  run(maxDeliveries = 5000): boolean {
    for (let n = 0; n < maxDeliveries; n++) {
      if (this.nodes.every((node, i) => !this.online(i) || node.decision !== null)) return true;
      let next: { to: number; event: ConsensusEvent } | undefined;
      if (this.queue.length > 0) {
        const at = this.rng === null ? 0 : Math.floor(this.rng() * this.queue.length);
        next = this.queue.splice(at, 1)[0];
      } else if (this.timers.length > 0) {
        this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const timer = this.timers.shift()!;
        this.clock = Math.max(this.clock, timer.at);
        next = timer;
      } else return false;
      this.deliver(next!.to, next!.event);
    }
    return false;
  }

  private deliver(i: number, event: ConsensusEvent): void {
    const node = this.nodes[i]!;
    if (!this.online(i) || node.state === null) return;
    // what the engine does before an event reaches the rules
    if (event.kind === 'vote') voteValidator(CHAIN_ID, event.vote, this.sets.current, verifyEd25519);
    if (event.kind === 'proposal' && event.proposal.height === node.state.height) {
      verifyProposal(CHAIN_ID, event.proposal, proposerFor(node.state, event.proposal.round), verifyEd25519);
    }
    if (event.kind === 'commit') {
      verifyCommit(CHAIN_ID, this.sets.current, event.commit.blockId, event.commit.height, event.commit, verifyEd25519);
    }
    const tr = step(node.state, event);
    node.state = tr.state;
    this.perform(i, tr.actions);
  }

  private perform(i: number, actions: readonly ConsensusAction[]): void {
    const node = this.nodes[i]!;
    const index = this.sets.current.getByAddress(node.address)?.index ?? -1;
    const timestamp = { seconds: 1_700_000_000n + BigInt(this.clock), nanos: i };
    for (const a of actions) {
      switch (a.kind) {
        case 'requestValue':
          if (a.round === 0) this.proposers.push(Buffer.from(node.address).toString('hex'));
          this.queue.push({ to: i, event: { kind: 'proposalValue', height: a.height, round: a.round, blockId: block(`h${a.height}r${a.round}p${i}`) } });
          break;
        case 'validateBlock':
          this.queue.push({ to: i, event: { kind: 'blockValidity', height: a.height, blockId: a.blockId, valid: true } });
          break;
        case 'broadcastProposal': {
          const proposal = makeProposal(a.proposal, timestamp);
          proposal.signature = node.key.sign(proposalSignBytes(CHAIN_ID, proposal));
          this.broadcast({ kind: 'proposal', proposal });
          break;
        }
        case 'broadcastVote': {
          const vote = this.signVote(node, makeVote(a.vote, { validatorAddress: node.address, validatorIndex: index, timestamp }));
          this.broadcast({ kind: 'vote', vote });
          if (this.opts.byzantine === i) {
            const other = { ...vote, blockId: block(`byzantine h${vote.height}r${vote.round}t${vote.type}`) };
            this.broadcast({ kind: 'vote', vote: this.signVote(node, other) }, i);
          }
          break;
        }
        case 'scheduleTimeout':
          this.timers.push({ at: this.clock + a.durationMs, seq: this.seq++, to: i, event: { kind: 'timeout', step: a.step, height: a.height, round: a.round } });
          break;
        case 'decide':
          node.decision = a;
          this.broadcast({ kind: 'commit', commit: a.commit }, i); // as CometBFT gossips the commit to peers
          break;
        case 'evidence':
          node.evidence.push(a.evidence);
          break;
        case 'newRound':
          break;
      }
    }
  }

  private signVote(node: Node, vote: Vote): Vote {
    return { ...vote, signature: node.key.sign(voteSignBytes(CHAIN_ID, vote)) };
  }

  private broadcast(event: ConsensusEvent, except = -1): void {
    this.nodes.forEach((_, to) => {
      if (to !== except) this.queue.push({ to, event });
    });
  }

  /** The block all running nodes decided, after checking they agree and the commit verifies. */
  agreedDecision(t: Test, height: bigint): string {
    const running = this.nodes.filter((_, i) => this.online(i));
    const keys = new Set(running.map((n) => blockIdKey(n.decision!.blockId)));
    t.equal(keys.size, 1, `height ${height}: every node decided the same block`);
    for (const n of running) {
      verifyCommit(CHAIN_ID, this.sets.current, n.decision!.blockId, height, n.decision!.commit, verifyEd25519);
    }
    return [...keys][0]!;
  }
}

t.test('4 validators commit 8 heights; proposers rotate; commits verify', async (t) => {
  const net = new Net([1n, 1n, 1n, 1n]);
  for (let h = 1n; h <= 8n; h++) {
    net.startHeight(h);
    t.ok(net.run(), `height ${h} decided`);
    net.agreedDecision(t, h);
    t.ok(net.nodes.every((n) => n.decision!.round === 0), 'in round 0');
    net.sets = advanceValidatorSets(net.sets, []);
  }
  t.same(net.proposers.slice(0, 4).sort(), net.nodes.map((n) => Buffer.from(n.address).toString('hex')).sort(), 'each validator proposed once in 4 heights');
  t.same(net.proposers.slice(4), net.proposers.slice(0, 4), 'then the same order again');
});

t.test('unequal powers: proposer frequency follows power', async (t) => {
  const net = new Net([5n, 3n, 1n, 1n]);
  for (let h = 1n; h <= 10n; h++) {
    net.startHeight(h);
    t.ok(net.run());
    net.agreedDecision(t, h);
    net.sets = advanceValidatorSets(net.sets, []);
  }
  const count = (i: number) => net.proposers.filter((p) => p === Buffer.from(net.nodes[i]!.address).toString('hex')).length;
  t.same([0, 1, 2, 3].map(count), [5, 3, 1, 1], 'in 10 heights: 5, 3, 1 and 1 proposals');
});

t.test('one of four offline: heights it should propose time out and commit in round 1', async (t) => {
  const net = new Net([1n, 1n, 1n, 1n], { offline: [2] });
  const rounds: number[] = [];
  for (let h = 1n; h <= 4n; h++) {
    net.startHeight(h);
    t.ok(net.run(), `height ${h} decided with 3 of 4`);
    net.agreedDecision(t, h);
    rounds.push(net.nodes[0]!.decision!.round);
    t.equal(net.nodes[0]!.decision!.commit.signatures.filter((s) => s.signature.length > 0).length, 3);
    net.sets = advanceValidatorSets(net.sets, []);
  }
  t.same(rounds.filter((r) => r === 1).length, 1, 'exactly the offline proposer’s height needed a second round');
  t.ok(net.clock >= DEFAULT_TIMEOUT_PARAMS.proposeMs, 'which cost a propose timeout');
});

t.test('two of four offline: no decision; the two wait for 2f+1 prevotes before timing out', async (t) => {
  const net = new Net([1n, 1n, 1n, 1n], { offline: [1, 3] });
  net.startHeight(1n);
  t.notOk(net.run(), 'no 2/3 of the power: nothing is decided, nothing left to do');
  for (const i of [0, 2]) {
    t.equal(net.nodes[i]!.decision, null);
    t.equal(net.nodes[i]!.state!.step, 'prevote', 'stuck in prevote: line 34 needs 2f+1 prevotes');
  }
});

t.test('validator updates of height H take effect at H+2', async (t) => {
  const net = new Net([1n, 1n, 1n, 1n]);
  const newcomer: Validator = makeValidator(testKey('newcomer').pubKey, 1n);
  const sizes: number[] = [];
  for (let h = 1n; h <= 4n; h++) {
    net.startHeight(h);
    t.ok(net.run(), `height ${h} decided`);
    net.agreedDecision(t, h);
    sizes.push(net.sets.current.size);
    net.sets = advanceValidatorSets(net.sets, h === 1n ? [newcomer] : []);
  }
  t.same(sizes, [4, 4, 5, 5], 'added at height 1, signing from height 3 (4 of 5 still commit)');
  t.equal(net.sets.last!.size, 5);
});

t.test('a double-signing validator: evidence at every honest node, verifiable, and still one decision', async (t) => {
  const net = new Net([1n, 1n, 1n, 1n], { byzantine: 3 });
  net.startHeight(1n);
  t.ok(net.run());
  net.agreedDecision(t, 1n);
  for (const [i, node] of net.nodes.entries()) {
    if (i === 3) continue;
    t.ok(node.evidence.length > 0, `node ${i} found evidence`);
    for (const ev of node.evidence) verifyDuplicateVoteEvidence(CHAIN_ID, ev, net.sets.current, verifyEd25519);
    t.ok(node.evidence.every((ev) => Buffer.from(ev.voteA!.validatorAddress).equals(net.nodes[3]!.address)), 'against the cheater only');
  }
});

t.test('safety under random delivery orders, with a double-signer and an offline validator', async (t) => {
  let runs = 0;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean(), (seed, withOffline) => {
      const net = new Net([1n, 1n, 1n, 1n, 1n, 1n, 1n], { seed, byzantine: 6, offline: withOffline ? [5] : [] });
      net.startHeight(1n);
      const done = net.run(20_000);
      const decided = net.nodes.filter((n, i) => i !== 6 && n.decision !== null).map((n) => blockIdKey(n.decision!.blockId));
      runs++;
      return done && new Set(decided).size === 1;
    }),
    { seed: 7, numRuns: 25 },
  );
  t.equal(runs, 25, '25 random schedules: all honest nodes decided, and decided alike');
});
