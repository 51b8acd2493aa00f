import t, { type Test } from 'tap';
import { gzipSync } from 'node:zlib';
import { ContractHarness } from '../../../../chain/modules/wasm/harness.js';
import { classicContractAddress, WasmErrors } from '../../../../chain/modules/wasm/index.js';
import { contractWasm } from '../../../contracts/build.js';

const wasm = await contractWasm('token');
/** Asserts that `fn` throws an error of `kind` whose message matches `re`. */
function throwsKind(t: Test, fn: () => unknown, kind: { is(e: unknown): boolean }, re: RegExp = /./): void {
  try {
    fn();
    t.fail('expected an error');
  } catch (e) {
    t.ok(kind.is(e), `error kind: ${(e as Error).message}`);
    t.match((e as Error).message, re);
  }
}
const tokenInit = (minter: string) => ({ name: 'Token', symbol: 'TOK', decimals: 0, initial_balances: [{ address: minter, amount: '100' }] });

t.test('upload: gzip accepted, bombs and bad modules refused with the reason, nothing stored', async (t) => {
  const h = new ContractHarness();
  const { codeId, checksum } = h.upload(gzipSync(wasm));
  t.equal(codeId, 1n);
  t.equal(Buffer.from(h.keeper.getCode(h.store, checksum)!).length, wasm.length, 'the uncompressed code is kept');
  throwsKind(t, () => h.upload(gzipSync(new Uint8Array(4 * 1024 * 1024))), WasmErrors.Limit, /expands beyond/);
  throwsKind(t, () => h.upload(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff)), WasmErrors.CreateFailed);
  t.throws(() => h.upload(new Uint8Array(900 * 1024)), /more than the 819200 allowed/);
  t.equal(h.keeper.lastCodeId(h.store), 1n, 'no code id was used by the failures');
});

t.test('contract addresses: classic by code and instance sequence, same as instantiating', async (t) => {
  const h = new ContractHarness();
  const alice = h.addr('alice');
  const { codeId } = h.upload(wasm);
  const a = h.instantiate(codeId, alice, tokenInit(alice)).address;
  const b = h.instantiate(codeId, alice, tokenInit(alice)).address;
  t.not(a, b);
  t.same(ContractHarness.attributes(h.execute(a, alice, { transfer: { recipient: b, amount: '1' } }).events, 'execute'), { _contract_address: a });
  const { toBech32Address } = await import('../../../../chain/crypto/addresses.js');
  t.equal(a, toBech32Address(classicContractAddress(1n, 1n)));
  t.equal(b, toBech32Address(classicContractAddress(1n, 2n)));
});

t.test('funds go to the contract; unknown denoms and unknown code or contract fail cleanly', async (t) => {
  const h = new ContractHarness();
  const alice = h.addr('alice');
  h.mint(alice, [{ denom: 'uviv', amount: 1000n }]);
  const { codeId } = h.upload(wasm);
  const { address } = h.instantiate(codeId, alice, tokenInit(alice), { funds: [{ denom: 'uviv', amount: 300n }] });
  t.equal(h.balance(address, 'uviv'), 300n);
  t.equal(h.balance(alice, 'uviv'), 700n);
  h.execute(address, alice, { transfer: { recipient: address, amount: '1' } }, [{ denom: 'uviv', amount: 5n }]);
  t.equal(h.balance(address, 'uviv'), 305n);
  t.throws(() => h.execute(address, alice, { burn: { amount: '1' } }, [{ denom: 'ufoo', amount: 5n }]), /smaller than 5ufoo/);
  t.same(h.query(address, { balance: { address: alice } }), { balance: '99' }, 'the failed burn changed nothing');
  throwsKind(t, () => h.instantiate(42n, alice, {}), WasmErrors.NoSuchCode, /no code with id 42/);
  throwsKind(t, () => h.execute(h.addr('nobody'), alice, {}), WasmErrors.NoSuchContract);
  t.throws(() => h.query(h.addr('nobody'), {}), /no contract at/);
});

t.test('admin: migrate and admin changes need the admin', async (t) => {
  const h = new ContractHarness();
  const alice = h.addr('alice');
  const bob = h.addr('bob');
  const { codeId } = h.upload(wasm);
  const { address } = h.instantiate(codeId, alice, tokenInit(alice), { admin: alice });
  throwsKind(t, () => h.migrate(address, bob, codeId, {}), WasmErrors.Unauthorized, /only its admin/);
  t.throws(() => h.migrate(address, alice, codeId, {}), /has no migrate entry point/, 'the token has no migrate entry point');
  const noAdmin = h.instantiate(codeId, alice, tokenInit(alice)).address;
  t.throws(() => h.migrate(noAdmin, alice, codeId, {}), /it has no admin/);
});

t.test('contract errors, out of gas and bad JSON leave state untouched', async (t) => {
  const h = new ContractHarness();
  const alice = h.addr('alice');
  const { codeId } = h.upload(wasm);
  const { address } = h.instantiate(codeId, alice, tokenInit(alice));
  throwsKind(t, () => h.execute(address, alice, { transfer: { recipient: h.addr('bob'), amount: '101' } }), WasmErrors.ExecuteFailed);
  h.gasLimit = 70_000;
  t.throws(() => h.execute(address, alice, { transfer: { recipient: h.addr('bob'), amount: '1' } }), /out of gas/);
  h.gasLimit = 10_000_000;
  t.throws(() => h.execute(address, alice, 'not an object'), /Error parsing/);
  t.same(h.query(address, { balance: { address: alice } }), { balance: '100' });
});

t.test('migrate moves the contract to its new code in the by-code listing (as wasmd does)', async (t) => {
  const { contract } = await import('../../../vm/fixtures.js');
  const { contractsByCodePrefix } = await import('../../../../chain/modules/wasm/keys.js');
  const { prefixEnd } = await import('../../../../chain/store/kv.js');
  const { toBech32Address } = await import('../../../../chain/crypto/addresses.js');
  const migratable = (version: number) =>
    contract(`(data (i32.const 3000) "${version}") (func (export "instantiate") (param i32 i32 i32) (result i32) (call $ok))
      (func (export "migrate") (param i32 i32) (result i32) (call $ok))`);
  const h = new ContractHarness();
  const alice = h.addr('alice');
  const v1 = h.upload(migratable(1)).codeId;
  const v2 = h.upload(migratable(2)).codeId;
  const listed = (codeId: bigint) => {
    const prefix = contractsByCodePrefix(codeId);
    return [...h.store.iterate(prefix, prefixEnd(prefix))].map(([k]) => toBech32Address(k.slice(prefix.length + 16)));
  };
  const { address } = h.instantiate(v1, alice, {}, { admin: alice });
  const other = h.instantiate(v1, alice, {}).address;
  t.same(listed(v1).sort(), [address, other].sort());
  h.migrate(address, alice, v2, {});
  t.same(listed(v1), [other], 'gone from the old code');
  t.same(listed(v2), [address], 'listed under the new code');
  h.migrate(address, alice, v1, {});
  t.same(listed(v2), []);
  t.same(listed(v1).sort(), [address, other].sort(), 'and back again');
});
