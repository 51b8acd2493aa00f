import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveSecp256k1 } from '../../chain/crypto/hd.js';
import { TEST_MNEMONIC } from '../helpers/chain.js';
import { runCli as vivian, startCliNode, startDevChain, stopProcess } from '../helpers/e2e.js';

t.test('dev chain, keys, send and queries through the CLI', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'vivian-cli-'));
  const keyHome = join(home, 'client');
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const { proc, rpc, banner } = await startDevChain(join(home, 'chain'));
  t.teardown(() => stopProcess(proc));
  const alice = deriveSecp256k1(TEST_MNEMONIC, 0).address;
  t.match(banner, /chain id\s+vivian-dev-1/);
  t.match(banner, alice, 'funded accounts are printed');
  const kr = ['--home', keyHome, '--keyring-backend', 'test'];

  const added = await vivian(['keys', 'add', 'alice', '--recover', ...kr, '--output', 'json'], TEST_MNEMONIC + '\n');
  t.equal(added.code, 0, added.err);
  t.equal(JSON.parse(added.out).address, alice, 'recovered key has the dev account address');
  const bob = await vivian(['keys', 'add', 'bob', '--algo', 'ed25519', ...kr, '--output', 'json']);
  t.equal(bob.code, 0, bob.err);
  const bobInfo = JSON.parse(bob.out);
  t.equal(bobInfo.algo, 'ed25519');
  t.ok(bobInfo.mnemonic.split(' ').length === 24, 'a new key shows its mnemonic once');
  const shown = await vivian(['keys', 'show', 'bob', '--address', ...kr]);
  t.equal(shown.out.trim(), bobInfo.address);
  const list = await vivian(['keys', 'list', ...kr, '--output', 'json']);
  t.same(JSON.parse(list.out).map((k: { name: string }) => k.name), ['alice', 'bob']);

  const node = ['--node', rpc, '--output', 'json'];
  const sent = await vivian(['tx', 'bank', 'send', 'alice', bobInfo.address, '1000uviv', '--chain-id', 'vivian-dev-1', '--yes', ...kr, ...node]);
  t.equal(sent.code, 0, sent.err);
  const res = JSON.parse(sent.out);
  t.equal(res.code, 0);
  t.match(res.txhash, /^[0-9A-F]{64}$/);

  const bal = await vivian(['query', 'bank', 'balances', bobInfo.address, ...node]);
  t.same(JSON.parse(bal.out).balances, [{ denom: 'uviv', amount: '1000' }]);
  const acc = await vivian(['query', 'account', alice, ...node]);
  t.equal(JSON.parse(acc.out).sequence, '1');
  const tx = await vivian(['query', 'tx', res.txhash.toLowerCase(), ...node]);
  t.equal(JSON.parse(tx.out).txhash, res.txhash, 'hashes are accepted in either case');
  const ledger = await vivian(['query', 'ledger', '0', ...node]);
  t.equal(JSON.parse(ledger.out).tx_hash, res.txhash, 'the first tx is ledger version 0');
  const block = await vivian(['query', 'block', ...node]);
  t.equal(JSON.parse(block.out).header.chain_id, 'vivian-dev-1');

  // bad input: clear errors, non-zero exit, node unaffected
  const badHash = await vivian(['query', 'tx', 'xyz', ...node]);
  t.equal(badHash.code, 1);
  t.match(badHash.err, /64 hex characters/);
  const noLedger = await vivian(['query', 'ledger', '99', ...node]);
  t.equal(noLedger.code, 1);
  t.match(noLedger.err, /ledger version 99/);
  const wrongChain = await vivian(['tx', 'bank', 'send', 'alice', bobInfo.address, '1uviv', '--chain-id', 'other', '--yes', ...kr, ...node]);
  t.equal(wrongChain.code, 1);
  t.match(wrongChain.err, /does not match/);
  const poor = await vivian(['tx', 'bank', 'send', 'bob', alice, '1uviv', '--chain-id', 'vivian-dev-1', '--yes', ...kr, ...node]);
  t.equal(poor.code, 1, 'an account with no funds cannot pay');
  const after = await vivian(['query', 'bank', 'balances', bobInfo.address, ...node]);
  t.same(JSON.parse(after.out).balances, [{ denom: 'uviv', amount: '1000' }]);
});

t.test('validator lifecycle: init, genesis add-account, start', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'vivian-val-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  const init = await vivian(['init', '--home', home, '--chain-id', 'vivian-lc-1', '--moniker', 'val0']);
  t.equal(init.code, 0, init.err);
  const again = await vivian(['init', '--home', home, '--chain-id', 'vivian-lc-1']);
  t.equal(again.code, 1);
  t.match(again.err, /already initialised/);
  const alice = deriveSecp256k1(TEST_MNEMONIC, 0).address;
  t.equal((await vivian(['genesis', 'add-account', alice, '5000uviv', '--home', home])).code, 0);
  const bad = await vivian(['genesis', 'add-account', 'vivian1nope', '5uviv', '--home', home]);
  t.equal(bad.code, 1);
  t.match(bad.err, /invalid address/);
  // any config setting can be given on the command line; a wrong one stops the node before it starts
  const unknown = await vivian(['start', '--home', home, '--set', 'no_such_setting=1']);
  t.equal(unknown.code, 1);
  t.match(unknown.err, /unknown config setting "no_such_setting"/);
  const badThreads = await vivian(['start', '--home', home, '--verify-threads', 'many']);
  t.match(badThreads.err, /--verify-threads must be a non-negative integer/);
  const badSet = await vivian(['start', '--home', home, '--set', 'verify_threads=99']);
  t.match(badSet.err, /verify_threads must be "auto" or an integer 0-64, got 99/);
  const { proc, rpc } = await startCliNode(['start', '--home', home, '--rpc-port', '0', '--api-port', '0', '--block-time', '200', '--min-gas-price', '0uviv', '--set', 'pruning_keep_recent=500', '--verify-threads', '1']);
  t.teardown(() => stopProcess(proc));
  const bal = await vivian(['query', 'bank', 'balances', alice, '--node', rpc, '--output', 'json']);
  t.same(JSON.parse(bal.out).balances, [{ denom: 'uviv', amount: '5000' }]);
});
