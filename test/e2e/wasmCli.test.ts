import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '../../chain/crypto/keyring/index.js';
import { contractWasm } from '../contracts/build.js';
import { TEST_MNEMONIC } from '../helpers/chain.js';
import { runCli as vivian, startDevChain, stopProcess } from '../helpers/e2e.js';
import { contract } from '../vm/fixtures.js';

/** The contract dev loop through the `vivian` CLI against `vivian dev`: store, instantiate, execute, query, migrate. */
const dir = mkdtempSync(join(tmpdir(), 'vivian-wasmcli-'));
const keyHome = join(dir, 'client');
const { proc, rpc } = await startDevChain(join(dir, 'chain'));
t.teardown(async () => {
  await stopProcess(proc);
  rmSync(dir, { recursive: true, force: true });
});

// the dev chain's funded accounts 0 and 1, as keys of a test keyring
const kr = await Keyring.open({ home: keyHome, backend: 'test' });
const alice = (await kr.add('alice', { algo: 'secp256k1', mnemonic: TEST_MNEMONIC, index: 0 })).address;
const bob = (await kr.add('bob', { algo: 'secp256k1', mnemonic: TEST_MNEMONIC, index: 1 })).address;

const node = ['--node', rpc, '--output', 'json'];
const signing = (from: string) => ['--from', from, '--chain-id', 'vivian-dev-1', '--yes', '--home', keyHome, '--keyring-backend', 'test', ...node];
/** Runs a command that must succeed and returns its JSON output. */
async function ok(t: Tap.Test, args: string[]): Promise<Record<string, unknown>> {
  const r = await vivian(args);
  t.equal(r.code, 0, `vivian ${args.slice(0, 3).join(' ')}: ${r.err.trim()}`);
  return JSON.parse(r.out || '{}');
}

const token = await contractWasm('token');
const tokenFile = join(dir, 'token.wasm');
writeFileSync(tokenFile, token);
// a second code to migrate to: a migrate entry point that keeps the state
const nextFile = join(dir, 'next.wasm');
writeFileSync(nextFile, contract('(func (export "migrate") (param i32 i32) (result i32) (call $ok))'));
const utf8Hex = (s: string) => Buffer.from(s).toString('hex');

t.test('store, instantiate, execute, query, migrate through the CLI', async (t) => {
  const stored = await ok(t, ['tx', 'wasm', 'store', tokenFile, ...signing('alice')]);
  t.equal(stored.code, 0);
  t.equal(stored.code_id, '1', 'the code id is printed');
  t.equal(stored.checksum, createHash('sha256').update(token).digest('hex'), 'checksum of the uncompressed module');
  t.ok(Number(stored.gas_used) > 0, 'gas used is printed');

  const init = JSON.stringify({ name: 'CLI Token', symbol: 'CLIT', decimals: 2, initial_balances: [{ address: alice, amount: '1000' }] });
  const inst = await ok(t, ['tx', 'wasm', 'instantiate', '1', init, '--label', 'cli token', '--admin', 'alice', ...signing('alice')]);
  const addr = inst.contract_address as string;
  t.match(addr, /^vivian1[0-9a-z]{58}$/, 'the contract address is printed');

  const exec = await ok(t, ['tx', 'wasm', 'execute', addr, JSON.stringify({ transfer: { recipient: bob, amount: '250' } }), ...signing('alice')]);
  t.equal(exec.code, 0);
  t.ok(Number(exec.gas_used) > 0);

  // queries, a second upload from another account, and bad input, side by side
  const [balance, rawHex, rawB64, byCode, stored2, badJson, unknown, noAdmin, poor] = await Promise.all([
    vivian(['query', 'wasm', 'smart', addr, JSON.stringify({ balance: { address: bob } }), ...node]),
    vivian(['query', 'wasm', 'raw', addr, utf8Hex('token_info'), ...node]),
    vivian(['query', 'wasm', 'raw', addr, Buffer.from('token_info').toString('base64'), ...node]),
    vivian(['query', 'wasm', 'list-contract-by-code', '1', ...node]),
    vivian(['tx', 'wasm', 'store', nextFile, ...signing('bob')]),
    vivian(['tx', 'wasm', 'execute', addr, '{transfer:', ...signing('alice')]),
    vivian(['query', 'wasm', 'smart', bob, '{"balance":{}}', ...node]),
    vivian(['tx', 'wasm', 'instantiate', '1', init, '--label', 'x', ...signing('alice')]),
    vivian(['tx', 'wasm', 'execute', addr, JSON.stringify({ transfer: { recipient: alice, amount: '251' } }), ...signing('bob')]),
  ]);
  t.same(JSON.parse(balance.out), { balance: '250' }, 'smart query answers with the contract JSON');
  const raw = JSON.parse(rawHex.out);
  t.match(raw.text, /"symbol":"CLIT"/, 'raw key given as hex');
  t.same(JSON.parse(rawB64.out).data, raw.data, 'the same key given as base64');
  t.same(JSON.parse(byCode.out).contracts, [addr]);
  t.equal(stored2.code, 0, stored2.err);
  t.equal(JSON.parse(stored2.out).code_id, '2');
  t.equal(badJson.code, 1);
  t.match(badJson.err, /execute message is not valid JSON/);
  t.equal(unknown.code, 1);
  t.match(unknown.err, /no contract at/);
  t.equal(noAdmin.code, 1);
  t.match(noAdmin.err, /--admin ADDRESS, or --no-admin/);
  t.equal(poor.code, 1, 'a contract error fails the command');
  t.match(poor.err, /simulation failed: .*(insufficient|Insufficient|overflow|Overflow|Cannot Sub)/i);

  const migrated = await ok(t, ['tx', 'wasm', 'migrate', addr, '2', '{}', ...signing('alice')]);
  t.equal(migrated.code, 0);
  const [info, code, codes, rawAfter, notAdmin] = await Promise.all([
    vivian(['query', 'wasm', 'contract', addr, ...node]),
    vivian(['query', 'wasm', 'code', '2', join(dir, 'downloaded.wasm'), ...node]),
    vivian(['query', 'wasm', 'list-code', ...node]),
    vivian(['query', 'wasm', 'raw', addr, 'token_info', '--encoding', 'utf8', ...node]),
    vivian(['tx', 'wasm', 'migrate', addr, '1', '{}', ...signing('bob')]),
  ]);
  t.same(JSON.parse(info.out), { address: addr, code_id: '2', creator: alice, admin: alice, label: 'cli token' }, 'contract info after migrate');
  const c2 = JSON.parse(code.out);
  t.equal(c2.creator, bob);
  t.same(readFileSync(join(dir, 'downloaded.wasm')), readFileSync(nextFile), 'code bytes downloaded');
  t.same(JSON.parse(codes.out).code_infos.map((c: { code_id: string }) => c.code_id), ['1', '2']);
  t.same(JSON.parse(rawAfter.out).data, raw.data, 'migrate kept the storage');
  t.equal(notAdmin.code, 1);
  t.match(notAdmin.err, /only its admin/);
});
