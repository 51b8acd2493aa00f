import t from 'tap';
import { ContractHarness } from '../../chain/modules/wasm/harness.js';
import { contractWasm } from './build.js';
import { exampleWasm } from './examples.js';

const wasm = await contractWasm('nft');
const receiverWasm = await exampleWasm('nft', 'receiver');

const b64 = (s: string) => Buffer.from(s).toString('base64');

function setup() {
  const h = new ContractHarness();
  const minter = h.addr('minter');
  const alice = h.addr('alice');
  const bob = h.addr('bob');
  const carol = h.addr('carol');
  const { codeId } = h.upload(wasm);
  const { address: nft } = h.instantiate(codeId, minter, { name: 'Vivian Punks', symbol: 'VPK', minter });
  const mint = (id: string, owner: string, extra: Record<string, unknown> = {}) =>
    h.execute(nft, minter, { mint: { token_id: id, owner, token_uri: null, extension: null, ...extra } });
  const ownerOf = (id: string, include_expired?: boolean) =>
    h.query<{ owner: string; approvals: Array<{ spender: string; expires: unknown }> }>(nft, { owner_of: { token_id: id, include_expired } });
  return { h, minter, alice, bob, carol, nft, codeId, mint, ownerOf };
}

t.test('instantiate: contract_info, minter, num_tokens', async (t) => {
  const { h, nft, minter, codeId, alice } = setup();
  t.same(h.query(nft, { contract_info: {} }), { name: 'Vivian Punks', symbol: 'VPK' });
  t.same(h.query(nft, { minter: {} }), { minter });
  t.same(h.query(nft, { num_tokens: {} }), { count: 0 });
  // the minter defaults to the instantiator
  const { address: other } = h.instantiate(codeId, alice, { name: 'Other', symbol: 'OTH' });
  t.same(h.query(other, { minter: {} }), { minter: alice });
  t.throws(() => h.instantiate(codeId, alice, { symbol: 'X' }), /name must be a string/);
  t.throws(() => h.instantiate(codeId, alice, { name: 'x', symbol: 'X', minter: 'nope' }), /invalid address nope/);
});

t.test('mint: only the minter, ids unique; nft_info keeps uri and extension as given', async (t) => {
  const { h, nft, minter, alice, bob, mint, ownerOf } = setup();
  const ext = { image: 'ipfs://x', attributes: [{ trait_type: 'eyes', value: 'laser' }], rank: 7 };
  const r = h.execute(nft, minter, { mint: { token_id: 'punk-1', owner: alice, token_uri: 'https://viv/1.json', extension: ext } });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: nft, action: 'mint', minter, owner: alice, token_id: 'punk-1' });
  t.ok(r.gasUsed > 0, `mint used ${r.gasUsed} gas`);
  t.same(h.query(nft, { nft_info: { token_id: 'punk-1' } }), { token_uri: 'https://viv/1.json', extension: ext });
  t.same(ownerOf('punk-1'), { owner: alice, approvals: [] });
  t.same(h.query(nft, { num_tokens: {} }), { count: 1 });
  t.throws(() => mint('punk-1', bob), /token_id already claimed/);
  t.throws(() => h.execute(nft, alice, { mint: { token_id: 'punk-2', owner: alice } }), /Unauthorized/);
  t.throws(() => mint('', bob), /token_id must not be empty/);
  t.throws(() => mint('punk-3', 'vivian1bad'), /invalid address/);
  mint('punk-4', bob);
  t.same(h.query(nft, { nft_info: { token_id: 'punk-4' } }), { token_uri: null, extension: null });
  t.same(h.query(nft, { num_tokens: {} }), { count: 2 });
  t.throws(() => h.query(nft, { nft_info: { token_id: 'nope' } }), /Token nope not found/);
});

t.test('transfer_nft: owner moves the token, approvals are cleared, strangers are refused', async (t) => {
  const { h, nft, alice, bob, carol, mint, ownerOf } = setup();
  mint('a', alice);
  h.execute(nft, alice, { approve: { spender: carol, token_id: 'a' } });
  t.throws(() => h.execute(nft, bob, { transfer_nft: { recipient: bob, token_id: 'a' } }), /Unauthorized/);
  const r = h.execute(nft, alice, { transfer_nft: { recipient: bob, token_id: 'a' } });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: nft, action: 'transfer_nft', sender: alice, recipient: bob, token_id: 'a' });
  t.same(ownerOf('a'), { owner: bob, approvals: [] }, 'the approval given by the old owner is gone');
  t.throws(() => h.execute(nft, carol, { transfer_nft: { recipient: carol, token_id: 'a' } }), /Unauthorized/);
  t.throws(() => h.execute(nft, bob, { transfer_nft: { recipient: carol, token_id: 'zzz' } }), /Token zzz not found/);
  t.same(h.query(nft, { tokens: { owner: alice } }), { tokens: [] });
  t.same(h.query(nft, { tokens: { owner: bob } }), { tokens: ['a'] });
});

t.test('approve / revoke with expiry; approval and approvals queries', async (t) => {
  const { h, nft, alice, bob, carol, mint, ownerOf } = setup();
  mint('a', alice);
  const r = h.execute(nft, alice, { approve: { spender: bob, token_id: 'a', expires: { at_height: 3 } } });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: nft, action: 'approve', sender: alice, spender: bob, token_id: 'a' });
  h.execute(nft, alice, { approve: { spender: carol, token_id: 'a' } });
  t.same(ownerOf('a').approvals, [
    { spender: bob, expires: { at_height: 3 } },
    { spender: carol, expires: { never: {} } },
  ]);
  t.same(h.query(nft, { approval: { token_id: 'a', spender: bob } }), { approval: { spender: bob, expires: { at_height: 3 } } });
  t.same(h.query(nft, { approval: { token_id: 'a', spender: alice } }), { approval: { spender: alice, expires: { never: {} } } }, 'the owner is always approved');
  t.throws(() => h.execute(nft, bob, { approve: { spender: bob, token_id: 'a' } }), /Unauthorized/, 'a spender cannot approve');
  t.throws(() => h.execute(nft, alice, { approve: { spender: bob, token_id: 'a', expires: { at_height: 1 } } }), /already expired/);
  t.throws(() => h.execute(nft, alice, { approve: { spender: bob, token_id: 'a', expires: { later: 1 } } }), /expires must be/);

  // re-approving replaces the spender's approval
  h.execute(nft, alice, { approve: { spender: bob, token_id: 'a', expires: { at_height: 2 } } });
  t.same(h.query(nft, { approvals: { token_id: 'a' } }), {
    approvals: [
      { spender: carol, expires: { never: {} } },
      { spender: bob, expires: { at_height: 2 } },
    ],
  });
  h.nextBlock(); // height 2: bob's approval has expired
  t.same(h.query(nft, { approvals: { token_id: 'a' } }), { approvals: [{ spender: carol, expires: { never: {} } }] });
  t.equal(h.query<{ approvals: unknown[] }>(nft, { approvals: { token_id: 'a', include_expired: true } }).approvals.length, 2);
  t.throws(() => h.query(nft, { approval: { token_id: 'a', spender: bob } }), /Approval not found/);
  t.same(h.query(nft, { approval: { token_id: 'a', spender: bob, include_expired: true } }), { approval: { spender: bob, expires: { at_height: 2 } } });
  t.throws(() => h.execute(nft, bob, { transfer_nft: { recipient: bob, token_id: 'a' } }), /Unauthorized/, 'an expired approval does not count');

  const rv = h.execute(nft, alice, { revoke: { spender: carol, token_id: 'a' } });
  t.same(ContractHarness.attributes(rv.events, 'wasm').action, 'revoke');
  t.throws(() => h.execute(nft, carol, { transfer_nft: { recipient: carol, token_id: 'a' } }), /Unauthorized/);

  // a live approval lets the spender transfer
  h.execute(nft, alice, { approve: { spender: carol, token_id: 'a', expires: { at_time: (BigInt(h.block.timeNs) + 60_000_000_000n).toString() } } });
  h.execute(nft, carol, { transfer_nft: { recipient: carol, token_id: 'a' } });
  t.equal(ownerOf('a').owner, carol);
});

t.test('approve_all / revoke_all: operators act for the owner; operator and all_operators queries', async (t) => {
  const { h, nft, alice, bob, carol, mint, ownerOf } = setup();
  mint('a', alice);
  mint('b', alice);
  const r = h.execute(nft, alice, { approve_all: { operator: bob } });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: nft, action: 'approve_all', sender: alice, operator: bob });
  h.execute(nft, alice, { approve_all: { operator: carol, expires: { at_height: 2 } } });
  t.same(h.query(nft, { operator: { owner: alice, operator: bob } }), { approval: { spender: bob, expires: { never: {} } } });
  const all = h.query<{ operators: Array<{ spender: string }> }>(nft, { all_operators: { owner: alice } });
  t.same(all.operators.map((o) => o.spender), [bob, carol].sort());
  t.equal(h.query<{ operators: unknown[] }>(nft, { all_operators: { owner: alice, limit: 1 } }).operators.length, 1);

  // an operator may approve others and transfer
  h.execute(nft, bob, { approve: { spender: carol, token_id: 'a' } });
  t.equal(ownerOf('a').approvals[0]!.spender, carol);
  h.execute(nft, bob, { transfer_nft: { recipient: bob, token_id: 'b' } });
  t.equal(ownerOf('b').owner, bob);

  h.nextBlock(); // carol's operator grant expires at height 2
  t.same(h.query(nft, { all_operators: { owner: alice } }), { operators: [{ spender: bob, expires: { never: {} } }] });
  t.equal(h.query<{ operators: unknown[] }>(nft, { all_operators: { owner: alice, include_expired: true } }).operators.length, 2);
  t.throws(() => h.query(nft, { operator: { owner: alice, operator: carol } }), /Approval not found/);
  t.same(h.query(nft, { operator: { owner: alice, operator: carol, include_expired: true } }), { approval: { spender: carol, expires: { at_height: 2 } } });

  const rv = h.execute(nft, alice, { revoke_all: { operator: bob } });
  t.same(ContractHarness.attributes(rv.events, 'wasm').action, 'revoke_all');
  t.throws(() => h.query(nft, { operator: { owner: alice, operator: bob } }), /Approval not found/);
  t.throws(() => h.execute(nft, alice, { approve_all: { operator: bob, expires: { at_height: 1 } } }), /already expired/);
});

t.test('burn: owner or approved; count and listings follow', async (t) => {
  const { h, nft, alice, bob, mint } = setup();
  mint('a', alice);
  mint('b', alice);
  t.throws(() => h.execute(nft, bob, { burn: { token_id: 'a' } }), /Unauthorized/);
  const r = h.execute(nft, alice, { burn: { token_id: 'a' } });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: nft, action: 'burn', sender: alice, token_id: 'a' });
  h.execute(nft, alice, { approve: { spender: bob, token_id: 'b' } });
  h.execute(nft, bob, { burn: { token_id: 'b' } });
  t.same(h.query(nft, { num_tokens: {} }), { count: 0 });
  t.same(h.query(nft, { all_tokens: {} }), { tokens: [] });
  t.same(h.query(nft, { tokens: { owner: alice } }), { tokens: [] });
  t.throws(() => h.query(nft, { owner_of: { token_id: 'a' } }), /Token a not found/);
  t.throws(() => h.execute(nft, alice, { burn: { token_id: 'a' } }), /Token a not found/);
});

t.test('tokens and all_tokens page in id order (default 10, start_after, limit caps)', async (t) => {
  const { h, nft, alice, bob, mint } = setup();
  const ids = Array.from({ length: 14 }, (_, i) => `t${String(i).padStart(2, '0')}`);
  for (const id of ids) mint(id, id < 't05' ? bob : alice);
  t.same(h.query(nft, { all_tokens: {} }), { tokens: ids.slice(0, 10) });
  t.same(h.query(nft, { all_tokens: { start_after: 't09', limit: 3 } }), { tokens: ids.slice(10, 13) });
  t.same(h.query(nft, { all_tokens: { limit: 5000 } }), { tokens: ids }, 'a large limit is capped, not refused');
  t.same(h.query(nft, { tokens: { owner: bob } }), { tokens: ids.slice(0, 5) });
  t.same(h.query(nft, { tokens: { owner: alice, start_after: 't10' } }), { tokens: ids.slice(11) });
  t.same(h.query(nft, { tokens: { owner: alice, limit: 2 } }), { tokens: ['t05', 't06'] });
  t.same(h.query(nft, { all_nft_info: { token_id: 't00' } }), { access: { owner: bob, approvals: [] }, info: { token_uri: null, extension: null } });
});

t.test('send_nft: moves the token and calls receive_nft on the contract; a failing hook reverts the send', async (t) => {
  const { h, nft, alice, mint, ownerOf } = setup();
  const { codeId } = h.upload(receiverWasm);
  const { address: receiver } = h.instantiate(codeId, alice, {});
  mint('a', alice);
  mint('b', alice);
  const r = h.execute(nft, alice, { send_nft: { contract: receiver, token_id: 'a', msg: b64('{"stake":{}}') } });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: nft, action: 'send_nft', sender: alice, recipient: receiver, token_id: 'a' });
  const hook = r.events.filter((e) => e.type === 'wasm')[1];
  t.same(Object.fromEntries(hook!.attributes.map((a) => [a.key, a.value])), { _contract_address: receiver, action: 'receive_nft', token_id: 'a' });
  t.equal(ownerOf('a').owner, receiver);
  t.same(h.query(receiver, {}), { nft_contract: nft, sender: alice, token_id: 'a', msg: '{"stake":{}}' });

  t.throws(() => h.execute(nft, alice, { send_nft: { contract: receiver, token_id: 'b', msg: b64('"reject"') } }), /receiver rejected the token/);
  t.equal(ownerOf('b').owner, alice, 'the failed hook left the token with its owner');
  t.throws(() => h.execute(nft, alice, { send_nft: { contract: receiver, token_id: 'b' } }), /msg must be a string/);
});

t.test('bad messages name the problem; the same call costs the same gas', async (t) => {
  const a = setup();
  t.throws(() => a.h.execute(a.nft, a.alice, { frobnicate: {} }), /unknown variant `frobnicate`/);
  t.throws(() => a.h.query(a.nft, { nothing: {} }), /unknown variant `nothing`/);
  t.throws(() => a.h.execute(a.nft, a.alice, { transfer_nft: { recipient: a.bob } }), /token_id must be a string/);
  const b = setup();
  a.mint('x', a.alice);
  b.mint('x', b.alice);
  const ga = a.h.execute(a.nft, a.alice, { transfer_nft: { recipient: a.bob, token_id: 'x' } }).gasUsed;
  const gb = b.h.execute(b.nft, b.alice, { transfer_nft: { recipient: b.bob, token_id: 'x' } }).gasUsed;
  t.equal(ga, gb);
});
