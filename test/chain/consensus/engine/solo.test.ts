// A validator alone runs the BFT engine: produceBlock decides a height in one synchronous pass, a started
// engine with block_time_ms 0 makes a block only when txs are pending, and a crash between signing and
// committing resumes with the very block the WAL says was proposed.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCommit } from '../../../../chain/consensus/types/commit.js';
import { headerHash } from '../../../../chain/consensus/types/header.js';
import { ConsensusWal } from '../../../../chain/consensus/wal/wal.js';
import { verifyEd25519 } from '../../../../chain/crypto/ed25519.js';
import { initLocalnet } from '../../../../chain/cli/commands/localnet.js';
import { DEFAULT_CONFIG, homePaths, loadConfig } from '../../../../chain/node/config.js';
import { VivianNode } from '../../../../chain/node/node.js';
import { makeTestNode, msgSend, secpAccounts, signTx, TEST_MNEMONIC } from '../../../helpers/chain.js';
import { accountNumber } from '../../../helpers/e2e.js';
import { until } from '../../../helpers/wait.js';

const [alice, bob] = await secpAccounts(2);
/** A transfer from alice (the only funded account: its number is the same on every test chain). */
let aliceNumber: bigint | undefined;
const send = (seq: bigint) => signTx(alice!, [msgSend(alice!.address, bob!.address, 5n)], { accountNumber: aliceNumber!, sequence: seq });
{
  const tn = makeTestNode([alice!.address]);
  aliceNumber = accountNumber(tn.node, alice!.address);
  await tn.cleanup();
}

t.test('produceBlock: one synchronous pass decides, with a commit the validator signed and BFT time', async (t) => {
  const tn = makeTestNode([alice!.address]);
  t.teardown(tn.cleanup);
  const { node } = tn;
  t.equal(node.bft, null, 'no p2p for a validator alone');
  const first = node.engine.produceBlock();
  t.equal(first.height, 1n);
  t.equal(node.broadcastTx(await send(0n)).result.code, 0);
  const second = node.engine.produceBlock();
  t.equal(second.height, 2n);
  t.equal(second.txs.length, 1, 'the pending tx is in the block');
  t.equal(node.mempool.size, 0, 'and out of the mempool');
  t.equal(node.app.lastCommittedBlock, null, 'published and released: the app no longer holds the block');

  const commit = node.reader.seenCommit(2n)!;
  const block2 = node.reader.block(2n)!;
  t.same(commit.blockId.hash, headerHash(block2.header!), 'the commit is for the stored block');
  t.doesNotThrow(() => verifyCommit(node.chainId, node.engine.validatorSets.last!, commit.blockId, 2n, commit, verifyEd25519), '2/3+ valid signatures');
  // BFT time: block 2's time is the (only) timestamp in block 1's commit, which block 2 carries
  t.same(block2.header!.time, block2.lastCommit!.signatures[0]!.timestamp);
  t.same(block2.lastCommit, node.reader.seenCommit(1n));
});

t.test('started with block_time_ms 0: a block as soon as txs are pending, none while there are none', async (t) => {
  const tn = makeTestNode([alice!.address]);
  t.teardown(tn.cleanup);
  const { node } = tn;
  await node.start();
  node.engine.produceBlock(); // as the servers do for a chain with no block yet
  await new Promise((r) => setTimeout(r, 150));
  t.equal(node.app.height, 1n, 'idle: no empty blocks');
  node.broadcastTx(await send(0n));
  await node.engine.waitForHeight(2n);
  t.equal(node.reader.blockTxs(2n).length, 1);
  node.broadcastTx(await send(1n));
  node.broadcastTx(await send(2n));
  t.ok(await until(() => node.app.height >= 3n && node.mempool.size === 0, 10_000), 'the next txs too');
  const height = node.app.height;
  await new Promise((r) => setTimeout(r, 150));
  t.equal(node.app.height, height, 'idle again');
  t.equal(node.engine.produceBlock().height, height + 1n, 'produceBlock works while idle');
});

t.test('started with block_time_ms > 0: blocks keep coming, empty or not', async (t) => {
  const tn = makeTestNode([alice!.address], { block_time_ms: 20 });
  t.teardown(tn.cleanup);
  await tn.node.start();
  t.ok(await until(() => tn.node.app.height >= 3n, 10_000), `height ${tn.node.app.height}`);
});

t.test('a crash after signing and before the commit: the restarted validator decides the block its WAL names', async (t) => {
  const tn = makeTestNode([alice!.address]);
  t.teardown(tn.cleanup);
  let node = tn.node;
  node.engine.produceBlock();
  node.broadcastTx(await send(0n));
  // the app fails to commit height 2: proposal, votes and the block are in the WAL, the store has height 1
  const commit = node.app.commit.bind(node.app);
  node.app.commit = () => {
    throw new Error('simulated crash');
  };
  t.throws(() => node.engine.produceBlock(), /simulated crash/);
  node.app.commit = commit;
  await node.stop();
  const wal = ConsensusWal.open(join(homePaths(tn.home).data, 'cs.wal', 'wal'));
  const proposal = wal.entries.find((r) => r.kind === 'proposal' && r.proposal.height === 2n);
  t.ok(wal.entries.some((r) => r.kind === 'block' && r.height === 2n), 'the proposed block is logged');
  wal.close();
  if (proposal?.kind !== 'proposal') return t.fail('no proposal for height 2 in the WAL');

  node = tn.reopen();
  t.teardown(() => node.stop());
  t.equal(node.app.height, 1n, 'height 2 was never committed');
  t.equal(node.mempool.size, 0, 'the mempool did not survive either');
  const decided = node.engine.produceBlock();
  t.equal(decided.height, 2n);
  t.same(headerHash(node.reader.block(2n)!.header!), proposal.proposal.blockId.hash, 'the block the WAL names, tx included');
  t.equal(decided.txs.length, 1);
});

t.test('produceBlock refuses when other validators must vote', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-solo-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = initLocalnet({ validators: 2, home: dir, basePort: 40000, mnemonic: TEST_MNEMONIC, accounts: 1, chainId: 'solo-test', blockTimeMs: 0 });
  const node = VivianNode.open(file.nodes[0]!.home, { ...DEFAULT_CONFIG, ...loadConfig(file.nodes[0]!.home), no_sync: true });
  t.teardown(() => node.stop());
  t.throws(() => node.engine.produceBlock(), { codespace: 'consensus', code: 43 });
  t.equal(node.app.height, 0n);
});
