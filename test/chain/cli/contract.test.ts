import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildContractDir, createContract } from '../../../chain/cli/commands/contract.js';
import { contractNameProblem } from '../../../chain/cli/contractBuild.js';
import { ContractHarness } from '../../../chain/modules/wasm/harness.js';
import { contractWasm } from '../../contracts/build.js';

const dir = mkdtempSync(join(tmpdir(), 'vivian-contract-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the generated test with node's runner (tsx loads the harness from source, as the CLI here runs from source). */
function nodeTest(cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--test', '--test-reporter=tap'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (out += d));
    p.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

t.test('contract new writes the template; names and non-empty folders are refused', async (t) => {
  const made = createContract('counter', dir);
  t.equal(made.dir, join(dir, 'counter'));
  t.same(made.files, ['README.md', 'asconfig.json', 'contract.test.mjs', 'contract.ts']);
  const test = readFileSync(join(made.dir, 'contract.test.mjs'), 'utf8');
  t.notMatch(test, /\{\{/, 'every placeholder is filled');
  t.match(test, /build\/counter\.wasm/);
  t.match(readFileSync(join(made.dir, 'README.md'), 'utf8'), /vivian tx wasm store build\/counter\.wasm/);
  const cfg = JSON.parse(readFileSync(join(made.dir, 'asconfig.json'), 'utf8'));
  t.same(cfg.targets.release.outFile, 'build/counter.wasm');
  t.same(cfg.options.disable, ['bulk-memory'], 'the flags of the SDK build');
  t.throws(() => createContract('counter', dir), /already exists and is not empty/);
  t.throws(() => createContract('Counter', dir), /must start with a lower-case letter/);
  t.throws(() => createContract('sdk', dir), /reserved/);
  t.equal(contractNameProblem('my_counter-2'), null);
});

t.test('contract build compiles reproducibly; the generated test passes on the harness', async (t) => {
  const src = join(dir, 'counter');
  const first = await buildContractDir(src);
  t.equal(first.path, join(src, 'build', 'counter.wasm'));
  t.ok(existsSync(first.path));
  t.match(first.checksum, /^[0-9a-f]{64}$/);
  const again = await buildContractDir(src);
  t.equal(again.checksum, first.checksum, 'same source, same bytes');

  // the module runs on the harness as the chain would run it
  const h = new ContractHarness();
  const alice = h.addr('alice');
  const { codeId } = h.upload(first.bytes);
  const { address } = h.instantiate(codeId, alice, { count: 1 });
  t.ok(h.execute(address, alice, { increment: {} }).gasUsed > 0, 'gas used is reported per call');
  t.same(h.query(address, { get_count: {} }), { count: 2, owner: alice });

  const run = await nodeTest(src);
  if (run.code !== 0) t.comment(run.out);
  t.equal(run.code, 0, 'node --test passes in the new contract folder');
  t.match(run.out, /# pass 5/);
  t.match(run.out, /# fail 0/);
});

t.test('build errors: no entry file, compiler diagnostics, a bad asconfig', async (t) => {
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  await t.rejects(buildContractDir(empty), /no contract\.ts in .*empty \(make one with: vivian contract new NAME\)/);

  const broken = join(dir, 'broken');
  mkdirSync(broken);
  writeFileSync(join(broken, 'contract.ts'), "import { nothing } from '../sdk/index';\nexport function f(): i32 { return nothing; }\n");
  await t.rejects(buildContractDir(broken), /contract broken failed to build:[\s\S]*nothing/);

  const badCfg = join(dir, 'badcfg');
  mkdirSync(badCfg);
  writeFileSync(join(badCfg, 'contract.ts'), '');
  writeFileSync(join(badCfg, 'asconfig.json'), '{ nope');
  await t.rejects(buildContractDir(badCfg), /asconfig\.json is not JSON/);
});

t.test('the standard contracts build through the same code', async (t) => {
  const { buildContract } = await import('../../../scripts/buildContracts.js');
  const out = await buildContract('token', join(dir, 'std'));
  t.equal(out, join(dir, 'std', 'token.wasm'));
  t.same(new Uint8Array(readFileSync(out)), await contractWasm('token'), 'same bytes as contracts/build/token.wasm');
});
