import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_CONFIG } from '../../chain/node/config.js';
import { initHome } from '../../chain/node/home.js';
import { VivianNode } from '../../chain/node/node.js';
import { headerHash } from '../../chain/consensus/types/header.js';
import { appHash } from '../../chain/app/application.js';
import { CHAIN_ID, secpAccounts } from '../helpers/chain.js';

interface Line { height: string; hash: string; appHash: string; txs: number }

/** Starts the loaded node, lets it commit for a random while, then SIGKILLs it; returns what it reported. */
function runAndKill(home: string, killAfterMs: number): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'loadedNode.ts'), home], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Line[] = [];
    let timer: NodeJS.Timeout | undefined;
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const j = JSON.parse(l);
      if (j.started !== undefined) return;
      lines.push(j);
      // the kill clock starts at the first commit, so every run has committed something under load
      if (lines.length === 1) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`loaded node exited on its own (code ${code})`));
    });
  });
}

t.test('SIGKILL under load at random moments: the node resumes with nothing lost and nothing half-written', async (t) => {
  const accounts = await secpAccounts(4);
  const home = mkdtempSync(join(tmpdir(), 'vivian-crash-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  initHome(home, { chainId: CHAIN_ID, moniker: 'crash', balances: accounts.map((a) => ({ address: a.address, coins: [{ denom: 'uviv', amount: '1000000000000' }] })) });

  const reported: Line[] = [];
  // deterministic "random" kill moments, so a failure can be reproduced
  const delays = [300, 900, 50, 1500, 650];
  for (const d of delays) {
    const lines = await runAndKill(home, d);
    t.ok(lines.length > 0, `committed ${lines.length} blocks before the kill`);
    reported.push(...lines);
  }

  const node = VivianNode.open(home, { ...DEFAULT_CONFIG, no_sync: true, block_time_ms: 0 });
  t.teardown(() => node.stop());
  const last = node.app.height;
  t.ok(last >= BigInt(reported.length), `resumed at height ${last}`);
  // every block reported as committed is there, with the same block hash and app hash
  for (const l of reported) {
    const block = node.reader.block(BigInt(l.height));
    t.ok(block, `block ${l.height} survived`);
    if (!block) continue;
    t.equal(Buffer.from(headerHash(block.header!)!).toString('hex'), l.hash, `block hash ${l.height}`);
    t.equal(Buffer.from(node.reader.roots(BigInt(l.height))!.appHash).toString('hex'), l.appHash, `app hash ${l.height}`);
  }
  // no half block: each height's header carries the previous height's app hash, roots recompute,
  // and the ledger holds exactly the txs of the stored blocks
  let txs = 0n;
  for (let h = 1n; h <= last; h++) {
    const block = node.reader.block(h)!;
    t.ok(block, `block ${h} stored`);
    const prevRoots = node.reader.roots(h - 1n)!;
    t.same(block.header!.appHash, prevRoots.appHash, `header ${h} carries app hash of ${h - 1n}`);
    const r = node.reader.roots(h)!;
    t.same(appHash(r.stateRoot, r.ledgerRoot, r.ledgerSize), r.appHash);
    const res = node.reader.blockResults(h)!;
    t.equal(res.firstVersion, txs);
    t.equal(res.txCount, block.data!.txs.length);
    txs += BigInt(res.txCount);
  }
  t.equal(node.reader.ledgerSize(), txs, 'ledger size = txs in stored blocks');
  t.equal(node.reader.block(last + 1n), undefined, 'nothing past the last commit');
  t.ok(txs > 0n);
  // and it keeps going
  const next = node.engine.produceBlock();
  t.equal(next.height, last + 1n);
});
