import t from 'tap';
import { ContractHarness } from '../../chain/modules/wasm/harness.js';
import { contractWasm } from './build.js';

const wasm = await contractWasm('multisig');
const tokenWasm = await contractWasm('token');

type Threshold = Record<string, Record<string, unknown>>;

interface ProposalAnswer {
  id: number;
  title: string;
  description: string;
  msgs: unknown[];
  status: string;
  expires: unknown;
  threshold: unknown;
  proposer: string;
  deposit: null;
}

function setup(threshold: Threshold = { absolute_count: { weight: 4 } }, period: unknown = { height: 5 }) {
  const h = new ContractHarness();
  const [alice, bob, carol, zero, stranger] = ['alice', 'bob', 'carol', 'zero', 'stranger'].map((n) => h.addr(n)) as [string, string, string, string, string];
  const { codeId } = h.upload(wasm);
  const voters = [
    { addr: alice, weight: 1 },
    { addr: bob, weight: 2 },
    { addr: carol, weight: 3 },
    { addr: zero, weight: 0 },
  ];
  const { address: msig } = h.instantiate(codeId, alice, { voters, threshold, max_voting_period: period });
  h.mint(msig, [{ denom: 'uviv', amount: 1000n }]);
  const send = (to: string, amount: string) => ({ bank: { send: { to_address: to, amount: [{ denom: 'uviv', amount }] } } });
  const propose = (who: string, msgs: unknown[] = [send(stranger, '100')], extra: Record<string, unknown> = {}) => {
    const r = h.execute(msig, who, { propose: { title: 'pay', description: 'pay the stranger', msgs, ...extra } });
    return { ...r, id: Number(ContractHarness.attributes(r.events, 'wasm').proposal_id) };
  };
  const vote = (who: string, id: number, v: string) => h.execute(msig, who, { vote: { proposal_id: id, vote: v } });
  const proposal = (id: number) => h.query<ProposalAnswer>(msig, { proposal: { proposal_id: id } });
  return { h, msig, codeId, alice, bob, carol, zero, stranger, voters, send, propose, vote, proposal };
}

t.test('instantiate validates voters, threshold and period; threshold query per kind', async (t) => {
  const { h, codeId, alice, voters, msig } = setup();
  t.same(h.query(msig, { threshold: {} }), { absolute_count: { weight: 4, total_weight: 6 } });
  const inst = (msg: Record<string, unknown>) => h.instantiate(codeId, alice, { voters, threshold: { absolute_count: { weight: 1 } }, max_voting_period: { height: 5 }, ...msg });
  t.throws(() => inst({ voters: [] }), /No voters/);
  t.throws(() => inst({ threshold: { absolute_count: { weight: 0 } } }), /Required weight cannot be zero/);
  t.throws(() => inst({ threshold: { absolute_count: { weight: 7 } } }), /Not possible to reach required \(passing\) weight/);
  t.throws(() => inst({ threshold: { absolute_percentage: { percentage: '0.4' } } }), /must be in the 0.5-1.0 range/);
  t.throws(() => inst({ threshold: { absolute_percentage: { percentage: '1.01' } } }), /must be in the 0.5-1.0 range/);
  t.throws(() => inst({ threshold: { threshold_quorum: { threshold: '0.5', quorum: '0' } } }), /quorum threshold cannot be zero/);
  t.throws(() => inst({ threshold: { threshold_quorum: { threshold: '0.5', quorum: '1.5' } } }), /Not possible to reach required quorum/);
  t.throws(() => inst({ threshold: { absolute_percentage: { percentage: 'half' } } }), /not a valid Decimal/);
  t.throws(() => inst({ threshold: { majority: {} } }), /threshold must be/);
  t.throws(() => inst({ max_voting_period: { days: 3 } }), /max_voting_period must be/);
  t.throws(() => inst({ voters: [voters[0], voters[0]] }), /listed twice/);
  t.throws(() => inst({ voters: [{ addr: 'x', weight: 1 }] }), /invalid address x/);

  const pct = inst({ threshold: { absolute_percentage: { percentage: '0.50' } } }).address;
  t.same(h.query(pct, { threshold: {} }), { absolute_percentage: { percentage: '0.5', total_weight: 6 } }, 'decimals written as cosmwasm-std writes them');
  const tq = inst({ threshold: { threshold_quorum: { threshold: '0.666666666666666667', quorum: '1' } } }).address;
  t.same(h.query(tq, { threshold: {} }), { threshold_quorum: { threshold: '0.666666666666666667', quorum: '1', total_weight: 6 } });
});

t.test('propose -> votes -> passed -> execute sends the bank message from the multisig', async (t) => {
  const { h, msig, alice, bob, carol, stranger, propose, vote, proposal } = setup();
  t.throws(() => propose(stranger), /Unauthorized/, 'only voters propose');
  const p = propose(alice);
  t.same(ContractHarness.attributes(p.events, 'wasm'), { _contract_address: msig, action: 'propose', sender: alice, proposal_id: '1', status: 'Open' });
  t.ok(p.gasUsed > 0, `propose used ${p.gasUsed} gas`);
  t.same(h.query(msig, { vote: { proposal_id: 1, voter: alice } }), { vote: { proposal_id: 1, voter: alice, vote: 'yes', weight: 1 } }, 'the proposer voted yes');
  const v = vote(bob, 1, 'yes');
  t.same(ContractHarness.attributes(v.events, 'wasm'), { _contract_address: msig, action: 'vote', sender: bob, proposal_id: '1', status: 'Open' });
  t.throws(() => vote(bob, 1, 'no'), /Already voted on this proposal/);
  t.throws(() => h.execute(msig, stranger, { execute: { proposal_id: 1 } }), /must have passed/);
  t.equal(ContractHarness.attributes(vote(carol, 1, 'yes').events, 'wasm').status, 'Passed');
  t.equal(proposal(1).status, 'passed');

  const x = h.execute(msig, stranger, { execute: { proposal_id: 1 } });
  t.same(ContractHarness.attributes(x.events, 'wasm'), { _contract_address: msig, action: 'execute', sender: stranger, proposal_id: '1' });
  t.ok(x.events.some((e) => e.type === 'transfer'), 'the bank send ran');
  t.equal(h.balance(stranger, 'uviv'), 100n);
  t.equal(h.balance(msig, 'uviv'), 900n);
  t.equal(proposal(1).status, 'executed');
  t.throws(() => h.execute(msig, stranger, { execute: { proposal_id: 1 } }), /must have passed and not yet been executed/);
  t.throws(() => vote(alice, 1, 'yes'), /Proposal is not open/);
  t.throws(() => h.execute(msig, stranger, { execute: { proposal_id: 9 } }), /Proposal 9 not found/);
});

t.test('a proposal whose message fails cannot be executed; it stays passed', async (t) => {
  const { h, msig, carol, bob, stranger, send, propose, vote, proposal } = setup();
  const { id } = propose(carol, [send(stranger, '5000')]);
  vote(bob, id, 'yes');
  t.throws(() => h.execute(msig, stranger, { execute: { proposal_id: id } }), /insufficient/i);
  t.equal(proposal(id).status, 'passed');
  t.equal(h.balance(msig, 'uviv'), 1000n);
});

t.test('rejection, close and expiry', async (t) => {
  const { h, msig, alice, bob, carol, zero, stranger, propose, vote, proposal } = setup();
  const { id: rejected } = propose(alice);
  vote(bob, rejected, 'no');
  t.equal(ContractHarness.attributes(vote(carol, rejected, 'veto').events, 'wasm').status, 'Open', 'veto is not a no');
  t.throws(() => vote(zero, rejected, 'no'), /Unauthorized/, 'a weight-0 voter cannot vote');
  const { id: r2 } = propose(alice);
  vote(bob, r2, 'no');
  t.equal(ContractHarness.attributes(vote(carol, r2, 'no').events, 'wasm').status, 'Rejected', '5 no of 6 leaves 4 yes unreachable');
  t.throws(() => h.execute(msig, stranger, { execute: { proposal_id: r2 } }), /must have passed/);
  t.throws(() => h.execute(msig, stranger, { close: { proposal_id: r2 } }), /Cannot close completed or passed proposals/);

  const { id: open } = propose(zero); // a weight-0 voter may still propose
  t.equal(proposal(open).proposer, zero);
  t.throws(() => h.execute(msig, stranger, { close: { proposal_id: open } }), /must expire before you can close it/);
  for (let i = 0; i < 5; i++) h.nextBlock();
  t.equal(proposal(open).status, 'rejected', 'an expired open proposal reads as rejected');
  t.throws(() => vote(alice, open, 'yes'), /voting period has expired/);
  const c = h.execute(msig, stranger, { close: { proposal_id: open } });
  t.same(ContractHarness.attributes(c.events, 'wasm'), { _contract_address: msig, action: 'close', sender: stranger, proposal_id: String(open) });
  t.throws(() => h.execute(msig, stranger, { close: { proposal_id: open } }), /Cannot close/);
  t.equal(proposal(rejected).status, 'rejected');
});

t.test('latest: a later end is cut to the voting period; a mismatched kind is refused', async (t) => {
  const { h, alice, propose, proposal } = setup({ absolute_count: { weight: 4 } }, { time: 3600 });
  const now = h.block.timeNs;
  const { id } = propose(alice, [], { latest: { at_time: (now + 10n * 3600n * 1_000_000_000n).toString() } });
  t.same(proposal(id).expires, { at_time: (now + 3600n * 1_000_000_000n).toString() });
  const { id: early } = propose(alice, [], { latest: { at_time: (now + 60n * 1_000_000_000n).toString() } });
  t.same(proposal(early).expires, { at_time: (now + 60n * 1_000_000_000n).toString() });
  const { id: never } = propose(alice, [], { latest: { never: {} } });
  t.same(proposal(never).expires, { at_time: (now + 3600n * 1_000_000_000n).toString() });
  t.throws(() => propose(alice, [], { latest: { at_height: 100 } }), /Wrong expiration option/);
  t.throws(() => propose(alice, [{ teleport: {} }]), /msgs\[0\] is not a CosmosMsg/);
  t.throws(() => propose(alice, 'x' as never), /msgs must be a list/);
});

t.test('absolute_percentage: yes of the weight not abstaining', async (t) => {
  const { alice, bob, carol, propose, vote, proposal } = setup({ absolute_percentage: { percentage: '0.5' } });
  const { id } = propose(alice); // yes 1 of 6: needs 3
  vote(carol, id, 'abstain'); // needs ceil(0.5 * 3) = 2
  t.equal(proposal(id).status, 'open');
  vote(bob, id, 'yes');
  t.equal(proposal(id).status, 'passed');
});

t.test('threshold_quorum: passes early only when certain, otherwise on the cast votes after expiry', async (t) => {
  const { h, alice, bob, carol, propose, vote, proposal } = setup({ threshold_quorum: { threshold: '0.5', quorum: '0.5' } });
  const { id } = propose(carol); // 3 yes of 6 = quorum met; 3 >= ceil(0.5 * 6)
  t.equal(proposal(id).status, 'passed');
  const { id: later } = propose(bob); // 2 yes: quorum (3) not met
  vote(alice, later, 'no'); // 3 cast: quorum met, yes 2 < ceil(0.5 * 6) while open
  t.equal(proposal(later).status, 'open');
  for (let i = 0; i < 5; i++) h.nextBlock();
  t.equal(proposal(later).status, 'passed', 'after expiry: 2 yes of 3 opinions');
});

t.test('a proposal can execute a wasm message: a cw20 transfer from the multisig', async (t) => {
  const { h, msig, alice, carol, stranger, propose, vote } = setup();
  const { codeId } = h.upload(tokenWasm);
  const { address: token } = h.instantiate(codeId, alice, { name: 'Vivian Token', symbol: 'VIV', decimals: 6, initial_balances: [{ address: msig, amount: '500' }] });
  const transfer = { wasm: { execute: { contract_addr: token, msg: Buffer.from(JSON.stringify({ transfer: { recipient: stranger, amount: '200' } })).toString('base64'), funds: [] } } };
  const { id } = propose(carol, [transfer]);
  vote(alice, id, 'yes');
  const x = h.execute(msig, stranger, { execute: { proposal_id: id } });
  t.ok(x.events.some((e) => e.type === 'wasm' && e.attributes.some((a) => a.key === 'action' && a.value === 'transfer')));
  t.same(h.query(token, { balance: { address: stranger } }), { balance: '200' });
  t.same(h.query(token, { balance: { address: msig } }), { balance: '300' });
});

t.test('queries: proposal, list/reverse proposals, votes, voters, paging', async (t) => {
  const { h, msig, alice, bob, carol, zero, stranger, send, propose, vote, proposal } = setup();
  for (let i = 0; i < 12; i++) propose(alice);
  vote(bob, 3, 'no');
  vote(carol, 3, 'abstain');
  t.same(proposal(3), {
    id: 3,
    title: 'pay',
    description: 'pay the stranger',
    msgs: [send(stranger, '100')],
    status: 'open',
    expires: { at_height: 6 },
    threshold: { absolute_count: { weight: 4, total_weight: 6 } },
    proposer: alice,
    deposit: null,
  });
  const ids = (r: { proposals: ProposalAnswer[] }) => r.proposals.map((p) => p.id);
  t.same(ids(h.query(msig, { list_proposals: {} })), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  t.same(ids(h.query(msig, { list_proposals: { start_after: 10 } })), [11, 12]);
  t.same(ids(h.query(msig, { list_proposals: { limit: 100 } })).length, 12, 'limit capped at 30, still all 12');
  t.same(ids(h.query(msig, { reverse_proposals: { limit: 3 } })), [12, 11, 10]);
  t.same(ids(h.query(msig, { reverse_proposals: { start_before: 3 } })), [2, 1]);
  const sorted = [alice, bob, carol].sort();
  const votes = h.query<{ votes: Array<{ voter: string; vote: string; weight: number; proposal_id: number }> }>(msig, { list_votes: { proposal_id: 3 } });
  t.same(votes.votes.map((v) => v.voter), sorted);
  t.same(votes.votes.find((v) => v.voter === carol), { proposal_id: 3, voter: carol, vote: 'abstain', weight: 3 });
  t.same(h.query(msig, { list_votes: { proposal_id: 3, start_after: sorted[1], limit: 5 } }), { votes: [votes.votes[2]] });
  t.same(h.query(msig, { vote: { proposal_id: 3, voter: stranger } }), { vote: null });
  t.same(h.query(msig, { voter: { address: carol } }), { weight: 3 });
  t.same(h.query(msig, { voter: { address: stranger } }), { weight: null });
  const voters = h.query<{ voters: Array<{ addr: string; weight: number }> }>(msig, { list_voters: {} });
  t.same(voters.voters.map((v) => v.addr), [alice, bob, carol, zero].sort());
  t.same(h.query<{ voters: unknown[] }>(msig, { list_voters: { limit: 2 } }).voters.length, 2);
  t.throws(() => proposal(99), /Proposal 99 not found/);
  t.throws(() => h.query(msig, { proposal: { proposal_id: 'one' } }), /proposal_id must be a non-negative integer/);
  t.throws(() => h.query(msig, { treasury: {} }), /unknown variant `treasury`/);
  t.throws(() => h.execute(msig, alice, { vote: { proposal_id: 1, vote: 'maybe' } }), /vote must be yes, no, abstain or veto/);
});
