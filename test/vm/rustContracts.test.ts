import t from 'tap';
import { VmError, VmErrorCode, WasmVm, type Env } from '../../vm/index.js';
import { dec, enc, RUST_CONTRACTS, rustContract, testHost } from './fixtures.js';

/** Contracts compiled for CosmWasm from Rust pass upload validation, instrumentation and instantiation unchanged. */
const CHAIN_CAPABILITIES = ['iterator', 'staking', 'stargate', 'cosmwasm_1_1', 'cosmwasm_1_2'];
const GAS = 500_000_000_000n;
const alice = 'vivian1alice';
const bob = 'vivian1bob';

function env(height: number): Env {
  return { block: { height, time: '1700000000000000000', chain_id: 'vivian-test' }, transaction: null, contract: { address: 'vivian1token' } };
}

t.test('every Rust-built contract passes validation and instrumentation; the report names what it needs', async (t) => {
  const vm = new WasmVm({ capabilities: CHAIN_CAPABILITIES });
  for (const name of RUST_CONTRACTS) {
    const { report } = vm.storeCode(rustContract(name));
    t.ok(report.entryPoints.includes('instantiate') && report.entryPoints.includes('execute') && report.entryPoints.includes('query'), `${name}: entry points ${report.entryPoints.join(', ')}`);
    t.ok(report.requiredCapabilities.includes('iterator'), `${name}: requires ${report.requiredCapabilities.join(', ')}`);
    t.ok(report.requiredCapabilities.every((c) => CHAIN_CAPABILITIES.includes(c)), `${name}: only capabilities the chain offers`);
    t.ok(report.imports.includes('query_chain') && report.imports.includes('db_scan'), `${name}: imports the chain querier and iterators`);
  }
  const again = vm.storeCode(rustContract('cw20-base'));
  t.equal(again.report, vm.report(again.checksum), 'storing the same code again reuses the compiled module');
  const cw20 = vm.analyze(rustContract('cw20-base'));
  t.same(cw20.requiredCapabilities, ['iterator', 'staking', 'stargate']);
  t.ok(cw20.exports.includes('interface_version_8') && cw20.exports.includes('allocate') && cw20.exports.includes('deallocate'));
});

t.test('a chain without a capability a contract declares refuses it at upload, naming what is missing', async (t) => {
  const vm = new WasmVm({ capabilities: ['iterator'] });
  try {
    vm.storeCode(rustContract('cw20-base'));
    t.fail('accepted');
  } catch (e) {
    t.ok(e instanceof VmError && e.code === VmErrorCode.UnavailableCapability);
    t.match((e as Error).message, /requires capabilities this chain does not offer: staking, stargate/);
  }
  t.doesNotThrow(() => vm.storeCode(rustContract('cw4-group')), 'cw4-group needs only iterator');
});

/** cw20-base on the bare VM: instantiate, transfer, query; returns the gas of each call. */
function cw20Run(vm: WasmVm): { gas: bigint[]; balance: unknown } {
  const { checksum } = vm.storeCode(rustContract('cw20-base'));
  const host = testHost();
  const gas: bigint[] = [];
  const init = { name: 'Rust Token', symbol: 'RST', decimals: 6, initial_balances: [{ address: alice, amount: '1000' }], mint: { minter: alice } };
  const inst = vm.instantiate(checksum, env(1), { sender: alice, funds: [] }, enc(JSON.stringify(init)), host, GAS);
  t.ok('ok' in inst.result, `instantiate: ${JSON.stringify(inst.result)}`);
  gas.push(inst.gasUsed);
  for (let i = 0; i < 3; i++) {
    const r = vm.execute(checksum, env(2 + i), { sender: alice, funds: [] }, enc(JSON.stringify({ transfer: { recipient: bob, amount: '7' } })), host, GAS);
    t.ok('ok' in r.result, `transfer: ${JSON.stringify(r.result)}`);
    gas.push(r.gasUsed);
  }
  const q = vm.query(checksum, env(9), enc(JSON.stringify({ balance: { address: bob } })), host, GAS);
  gas.push(q.gasUsed);
  const balance = 'ok' in q.result ? JSON.parse(dec(Buffer.from(q.result.ok, 'base64'))) : q.result;
  return { gas, balance };
}

t.test('cw20-base runs on the bare VM; every call costs the same gas in a reused instance as in a fresh one', async (t) => {
  const a = cw20Run(new WasmVm({ capabilities: CHAIN_CAPABILITIES }));
  const b = cw20Run(new WasmVm({ capabilities: CHAIN_CAPABILITIES, instancePoolSize: 0 }));
  t.same(a.balance, { balance: '21' });
  t.same(b.balance, a.balance);
  t.same(b.gas, a.gas, `gas per call: ${a.gas.join(', ')}`);
  t.ok(a.gas.every((g) => g > 0n));
});

t.test('out of gas in Rust code stops the call with the whole limit charged, and the next call is unaffected', async (t) => {
  const vm = new WasmVm({ capabilities: CHAIN_CAPABILITIES });
  const { checksum } = vm.storeCode(rustContract('cw20-base'));
  const host = testHost();
  const init = enc(JSON.stringify({ name: 'Rust Token', symbol: 'RST', decimals: 6, initial_balances: [] }));
  try {
    vm.instantiate(checksum, env(1), { sender: alice, funds: [] }, init, host, 1_000_000n);
    t.fail('ran with too little gas');
  } catch (e) {
    t.ok(e instanceof VmError && e.code === VmErrorCode.OutOfGas, (e as Error).message);
    t.equal((e as VmError & { gasUsed?: bigint }).gasUsed, 1_000_000n);
  }
  t.same(host.storage.map.size, 0, 'nothing written by the host for the failed call is kept by the VM (the chain drops the branch)');
  const ok = vm.instantiate(checksum, env(1), { sender: alice, funds: [] }, init, testHost(), GAS);
  t.ok('ok' in ok.result);
});
