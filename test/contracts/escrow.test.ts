import t from 'tap';
import { ContractHarness } from '../../chain/modules/wasm/harness.js';
import { contractWasm } from './build.js';

const wasm = await contractWasm('escrow');
const tokenWasm = await contractWasm('token');

const b64json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

function setup() {
  const h = new ContractHarness();
  const [alice, arbiter, recipient, stranger] = ['alice', 'arbiter', 'recipient', 'stranger'].map((n) => h.addr(n)) as [string, string, string, string];
  h.mint(alice, [{ denom: 'uviv', amount: 10_000n }, { denom: 'uatom', amount: 500n }]);
  const { codeId } = h.upload(wasm);
  const { address: escrow } = h.instantiate(codeId, alice, {});
  const create = (id: string, funds = [{ denom: 'uviv', amount: 1000n }], extra: Record<string, unknown> = {}) =>
    h.execute(escrow, alice, { create: { id, arbiter, recipient, title: 'deal', description: 'a deal', end_height: 10, ...extra } }, funds);
  const details = (id: string) => h.query<Record<string, unknown>>(escrow, { details: { id } });
  return { h, escrow, alice, arbiter, recipient, stranger, create, details };
}

t.test('create locks the funds; details and list', async (t) => {
  const { h, escrow, alice, arbiter, recipient, create, details } = setup();
  const r = create('e1', [{ denom: 'uviv', amount: 1000n }, { denom: 'uatom', amount: 50n }], { end_time: 1_800_000_000 });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: escrow, action: 'create', id: 'e1' });
  t.ok(r.gasUsed > 0, `create used ${r.gasUsed} gas`);
  t.equal(h.balance(alice, 'uviv'), 9000n);
  t.equal(h.balance(escrow, 'uviv'), 1000n);
  t.same(details('e1'), {
    id: 'e1',
    arbiter,
    recipient,
    source: alice,
    title: 'deal',
    description: 'a deal',
    end_height: 10,
    end_time: 1_800_000_000,
    native_balance: [{ denom: 'uatom', amount: '50' }, { denom: 'uviv', amount: '1000' }],
    cw20_balance: [],
    cw20_whitelist: [],
  });
  create('e0');
  create('e2');
  t.same(h.query(escrow, { list: {} }), { escrows: ['e0', 'e1', 'e2'] });
  t.same(h.query(escrow, { list: { start_after: 'e0', limit: 1 } }), { escrows: ['e1'] });
});

t.test('create refuses: no funds, used id, bad addresses, an end already past', async (t) => {
  const { h, escrow, alice, create } = setup();
  t.throws(() => create('e1', []), /Send some coins to create an escrow/);
  create('e1');
  t.throws(() => create('e1'), /Escrow id already in use/);
  t.throws(() => create('e2', undefined, { arbiter: 'bad' }), /invalid address bad/);
  t.throws(() => create('e2', undefined, { recipient: 'bad' }), /invalid address bad/);
  t.throws(() => create('e2', undefined, { end_height: 0 }), /Escrow expired/);
  t.throws(() => create('', undefined), /id must be 1 to 64 characters/);
  t.throws(() => create('e2', undefined, { end_height: 'soon' }), /end_height must be a non-negative integer/);
  t.equal(h.balance(alice, 'uviv'), 9000n, 'failed creates kept nothing');
  t.equal(h.balance(escrow, 'uviv'), 1000n);
});

t.test('approve by the arbiter releases everything to the recipient', async (t) => {
  const { h, escrow, alice, arbiter, recipient, stranger, create } = setup();
  create('e1');
  const top = h.execute(escrow, alice, { top_up: { id: 'e1' } }, [{ denom: 'uviv', amount: 500n }, { denom: 'uatom', amount: 7n }]);
  t.same(ContractHarness.attributes(top.events, 'wasm'), { _contract_address: escrow, action: 'top_up', id: 'e1' });
  t.throws(() => h.execute(escrow, alice, { top_up: { id: 'e1' } }), /Send some coins to top up/);
  t.throws(() => h.execute(escrow, stranger, { approve: { id: 'e1' } }), /Unauthorized/);
  t.throws(() => h.execute(escrow, recipient, { approve: { id: 'e1' } }), /Unauthorized/);
  const r = h.execute(escrow, arbiter, { approve: { id: 'e1' } });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: escrow, action: 'approve', id: 'e1', to: recipient });
  t.equal(h.balance(recipient, 'uviv'), 1500n);
  t.equal(h.balance(recipient, 'uatom'), 7n);
  t.equal(h.balance(escrow, 'uviv'), 0n);
  t.throws(() => h.query(escrow, { details: { id: 'e1' } }), /Escrow e1 not found/);
  t.throws(() => h.execute(escrow, arbiter, { approve: { id: 'e1' } }), /Escrow e1 not found/);
  t.throws(() => h.execute(escrow, alice, { top_up: { id: 'nope' } }, [{ denom: 'uviv', amount: 1n }]), /Escrow nope not found/);
});

t.test('approve after the end is refused; refund: anyone after the end, the arbiter at any time', async (t) => {
  const { h, escrow, alice, arbiter, stranger, create } = setup();
  create('e1', undefined, { end_height: 3 });
  create('e2', undefined, { end_height: 100 });
  t.throws(() => h.execute(escrow, stranger, { refund: { id: 'e1' } }), /Escrow not expired/);
  h.nextBlock();
  h.nextBlock();
  h.nextBlock(); // height 4 > 3
  t.throws(() => h.execute(escrow, arbiter, { approve: { id: 'e1' } }), /Escrow expired/);
  const r = h.execute(escrow, stranger, { refund: { id: 'e1' } });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: escrow, action: 'refund', id: 'e1', to: alice });
  t.equal(h.balance(alice, 'uviv'), 9000n);
  h.execute(escrow, arbiter, { refund: { id: 'e2' } });
  t.equal(h.balance(alice, 'uviv'), 10_000n);
  t.equal(h.balance(escrow, 'uviv'), 0n);
});

t.test('an end time expires by block time (seconds)', async (t) => {
  const { h, escrow, arbiter, stranger, create } = setup();
  const now = Number(h.block.timeNs / 1_000_000_000n);
  create('e1', undefined, { end_height: null, end_time: now + 10 });
  h.nextBlock(5);
  t.throws(() => h.execute(escrow, stranger, { refund: { id: 'e1' } }), /not expired/);
  h.nextBlock(6);
  t.throws(() => h.execute(escrow, arbiter, { approve: { id: 'e1' } }), /Escrow expired/);
  h.execute(escrow, stranger, { refund: { id: 'e1' } });
});

t.test('without a recipient: set_recipient by the arbiter, then approve', async (t) => {
  const { h, escrow, arbiter, recipient, stranger, create, details } = setup();
  create('e1', undefined, { recipient: null });
  t.equal(details('e1').recipient, null);
  t.throws(() => h.execute(escrow, arbiter, { approve: { id: 'e1' } }), /Recipient is not set/);
  t.throws(() => h.execute(escrow, stranger, { set_recipient: { id: 'e1', recipient: stranger } }), /Unauthorized/);
  const r = h.execute(escrow, arbiter, { set_recipient: { id: 'e1', recipient } });
  t.same(ContractHarness.attributes(r.events, 'wasm'), { _contract_address: escrow, action: 'set_recipient', id: 'e1', recipient });
  h.execute(escrow, arbiter, { approve: { id: 'e1' } });
  t.equal(h.balance(recipient, 'uviv'), 1000n);
});

t.test('cw20: create and top_up through the token send hook; released as cw20 transfers; whitelist enforced', async (t) => {
  const { h, escrow, alice, arbiter, recipient, details, create } = setup();
  const { codeId } = h.upload(tokenWasm);
  const token1 = (name: string) =>
    h.instantiate(codeId, alice, { name, symbol: name.slice(0, 3).toUpperCase(), decimals: 0, initial_balances: [{ address: alice, amount: '1000' }] }).address;
  const viv = token1('vivtoken');
  const other = token1('othertoken');
  const send = (token: string, amount: string, msg: unknown) => h.execute(token, alice, { send: { contract: escrow, amount, msg: b64json(msg) } });
  const bal = (token: string, who: string) => h.query<{ balance: string }>(token, { balance: { address: who } }).balance;

  send(viv, '300', { create: { id: 'c1', arbiter, recipient, title: 't', description: 'd', end_height: 50 } });
  t.same(details('c1').cw20_balance, [{ address: viv, amount: '300' }]);
  t.same(details('c1').cw20_whitelist, [viv]);
  t.equal(details('c1').source, alice, 'the cw20 sender is the source, not the token contract');
  send(viv, '50', { top_up: { id: 'c1' } });
  t.throws(() => send(other, '10', { top_up: { id: 'c1' } }), /Only accepts tokens in the cw20_whitelist/);
  t.equal(bal(other, alice), '1000', 'the refused send moved nothing');
  t.throws(() => send(viv, '10', { bogus: {} }), /unknown variant `bogus`/);
  // native top-up of a cw20 escrow is fine too
  h.execute(escrow, alice, { top_up: { id: 'c1' } }, [{ denom: 'uviv', amount: 5n }]);

  const r = h.execute(escrow, arbiter, { approve: { id: 'c1' } });
  t.ok(r.events.some((e) => e.type === 'wasm' && e.attributes.some((a) => a.key === 'action' && a.value === 'transfer')));
  t.equal(bal(viv, recipient), '350');
  t.equal(bal(viv, escrow), '0');
  t.equal(h.balance(recipient, 'uviv'), 5n);

  // refund of a cw20 escrow returns the tokens to their sender
  create('n1', undefined, { cw20_whitelist: [other] });
  send(other, '40', { top_up: { id: 'n1' } });
  h.execute(escrow, arbiter, { refund: { id: 'n1' } });
  t.equal(bal(other, alice), '1000');
  t.equal(h.balance(alice, 'uviv'), 9995n);
});

t.test('bad messages name the problem', async (t) => {
  const { h, escrow, alice } = setup();
  t.throws(() => h.execute(escrow, alice, { steal: {} }), /unknown variant `steal`/);
  t.throws(() => h.query(escrow, { everything: {} }), /unknown variant `everything`/);
  t.throws(() => h.execute(escrow, alice, { approve: {} }), /id must be a string/);
  t.throws(() => h.execute(escrow, alice, { receive: { sender: alice, amount: '1', msg: 'not base64!' } }), /msg is not base64/);
});
