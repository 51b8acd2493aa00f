import t from 'tap';
import { ContractHarness } from '../../chain/modules/wasm/harness.js';
import { contractWasm } from './build.js';

const wasm = await contractWasm('token');

function setup() {
  const h = new ContractHarness();
  const alice = h.addr('alice');
  const bob = h.addr('bob');
  const carol = h.addr('carol');
  const { codeId } = h.upload(wasm);
  const { address: token } = h.instantiate(codeId, alice, {
    name: 'Vivian Token',
    symbol: 'VIV',
    decimals: 6,
    initial_balances: [{ address: alice, amount: '1000' }],
    mint: { minter: alice, cap: '5000' },
  });
  const balance = (a: string) => h.query<{ balance: string }>(token, { balance: { address: a } }).balance;
  return { h, alice, bob, carol, token, codeId, balance };
}

t.test('instantiate and token_info / minter', async (t) => {
  const { h, token, alice, balance } = setup();
  t.same(h.query(token, { token_info: {} }), { name: 'Vivian Token', symbol: 'VIV', decimals: 6, total_supply: '1000' });
  t.same(h.query(token, { minter: {} }), { minter: alice, cap: '5000' });
  t.equal(balance(alice), '1000');
});

t.test('transfer moves balances and emits cw20 attributes', async (t) => {
  const { h, token, alice, bob, balance } = setup();
  const r = h.execute(token, alice, { transfer: { recipient: bob, amount: '250' } });
  t.equal(balance(alice), '750');
  t.equal(balance(bob), '250');
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: token, action: 'transfer', from: alice, to: bob, amount: '250' });
  t.ok(r.gasUsed > 0);
  t.throws(() => h.execute(token, bob, { transfer: { recipient: alice, amount: '251' } }), /Cannot Sub with 250 and 251/);
  t.throws(() => h.execute(token, bob, { transfer: { recipient: alice, amount: '0' } }), /Invalid zero amount/);
  t.throws(() => h.execute(token, bob, { transfer: { recipient: 'nope', amount: '1' } }), /invalid address/);
  t.equal(balance(bob), '250', 'failed calls change nothing');
});

t.test('the same call uses the same gas every time', async (t) => {
  const a = setup();
  const b = setup();
  const ra = a.h.execute(a.token, a.alice, { transfer: { recipient: a.bob, amount: '1' } });
  const rb = b.h.execute(b.token, b.alice, { transfer: { recipient: b.bob, amount: '1' } });
  t.equal(ra.gasUsed, rb.gasUsed);
});

t.test('mint respects minter and cap; burn lowers supply', async (t) => {
  const { h, token, alice, bob, balance } = setup();
  h.execute(token, alice, { mint: { recipient: bob, amount: '4000' } });
  t.equal(balance(bob), '4000');
  t.throws(() => h.execute(token, alice, { mint: { recipient: bob, amount: '1' } }), /cannot exceed the cap/);
  t.throws(() => h.execute(token, bob, { mint: { recipient: bob, amount: '1' } }), /Unauthorized/);
  h.execute(token, bob, { burn: { amount: '500' } });
  t.equal(h.query<{ total_supply: string }>(token, { token_info: {} }).total_supply, '4500');
  h.execute(token, alice, { update_minter: { new_minter: null } });
  t.same(h.query(token, { minter: {} }), null);
});

t.test('allowances: increase, decrease, transfer_from, burn_from, expiry, listing', async (t) => {
  const { h, token, alice, bob, carol, balance } = setup();
  h.execute(token, alice, { increase_allowance: { spender: bob, amount: '300' } });
  h.execute(token, alice, { decrease_allowance: { spender: bob, amount: '100' } });
  t.same(h.query(token, { allowance: { owner: alice, spender: bob } }), { allowance: '200', expires: { never: {} } });
  h.execute(token, bob, { transfer_from: { owner: alice, recipient: carol, amount: '150' } });
  t.equal(balance(carol), '150');
  t.equal(balance(alice), '850');
  t.throws(() => h.execute(token, bob, { transfer_from: { owner: alice, recipient: carol, amount: '51' } }), /Cannot Sub with 50 and 51/);
  h.execute(token, bob, { burn_from: { owner: alice, amount: '50' } });
  t.same(h.query(token, { allowance: { owner: alice, spender: bob } }), { allowance: '0', expires: { never: {} } });
  t.throws(() => h.execute(token, carol, { transfer_from: { owner: alice, recipient: carol, amount: '1' } }), /No allowance/);

  h.execute(token, alice, { increase_allowance: { spender: carol, amount: '10', expires: { at_height: 3 } } });
  h.execute(token, alice, { increase_allowance: { spender: bob, amount: '7' } });
  const all = h.query<{ allowances: Array<{ spender: string; allowance: string }> }>(token, { all_allowances: { owner: alice } });
  t.same(all.allowances.map((a) => a.spender).sort(), [bob, carol].sort());
  h.nextBlock();
  h.nextBlock();
  t.throws(() => h.execute(token, carol, { transfer_from: { owner: alice, recipient: carol, amount: '1' } }), /expired/);
  t.throws(() => h.execute(token, alice, { increase_allowance: { spender: alice, amount: '1' } }), /own account/);
});

t.test('all_accounts pages in key order', async (t) => {
  const { h, token, alice, bob, carol } = setup();
  h.execute(token, alice, { transfer: { recipient: bob, amount: '1' } });
  h.execute(token, alice, { transfer: { recipient: carol, amount: '1' } });
  const sorted = [alice, bob, carol].sort();
  t.same(h.query(token, { all_accounts: {} }), { accounts: sorted });
  t.same(h.query(token, { all_accounts: { limit: 1 } }), { accounts: [sorted[0]] });
  t.same(h.query(token, { all_accounts: { start_after: sorted[0], limit: 5 } }), { accounts: sorted.slice(1) });
});

t.test('send calls the receiver hook; a failing hook reverts the whole send', async (t) => {
  const { h, token, alice, bob, balance, codeId } = setup();
  // a second token instance is a contract without a `receive` variant: the hook fails and nothing moves
  const { address: other } = h.instantiate(codeId, alice, { name: 'Other', symbol: 'OTH', decimals: 0, initial_balances: [] });
  t.throws(
    () => h.execute(token, alice, { send: { contract: other, amount: '5', msg: Buffer.from('{}').toString('base64') } }),
    /unknown variant `receive`/,
  );
  t.equal(balance(alice), '1000');
  t.equal(balance(other), '0');
  t.ok(bob);
});

t.test('bad messages name the problem', async (t) => {
  const { h, token, alice } = setup();
  t.throws(() => h.execute(token, alice, { frobnicate: {} }), /unknown variant `frobnicate`/);
  t.throws(() => h.query(token, { nothing: {} }), /unknown variant `nothing`/);
  t.throws(() => h.execute(token, alice, { transfer: { recipient: alice, amount: 'ten' } }), /not a valid Uint128/);
  t.throws(
    () => h.instantiate(1n, alice, { name: 'X', symbol: 'VIV', decimals: 6, initial_balances: [] }),
    /Name is not in the expected format/,
  );
});
