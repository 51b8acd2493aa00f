import t from 'tap';
import type { Test } from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_CONFIG } from '../../chain/node/config.js';
import { initHome } from '../../chain/node/home.js';
import { VivianNode } from '../../chain/node/node.js';
import { textEmbedding } from '../../chain/vectorIndex/embedding.js';
import { CHAIN_ID, secpAccounts } from '../helpers/chain.js';

/** Runs the loaded node (a block of transfers after another) and SIGKILLs it `killAfterMs` after its first commit. */
function runAndKill(home: string, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'loadedNode.ts'), home], { stdio: ['ignore', 'pipe', 'inherit'] });
    let blocks = 0;
    let timer: NodeJS.Timeout | undefined;
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (JSON.parse(l).started !== undefined) return;
      if (++blocks === 1) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(blocks);
      else reject(new Error(`loaded node exited on its own (code ${code})`));
    });
  });
}

const config = { ...DEFAULT_CONFIG, no_sync: true, block_time_ms: 0 };

/** The index of a reopened node holds exactly the committed versions and serves nothing beyond them. */
async function checkIndex(t: Test, node: VivianNode, what: string): Promise<void> {
  const size = Number(node.app.ledgerSize);
  t.ok(size > 0, `${what}: ${size} txs committed`);
  await node.vectors!.opened;
  t.equal(node.vectors!.lastVersion, size - 1, `${what}: the index holds every committed version`);
  t.equal(node.vectors!.size, size);
  const query = textEmbedding('anything', node.vectors!.dimension);
  for (const exact of [true, false]) {
    const hits = await node.vectors!.search({ vector: query, k: 1000, exact });
    t.ok(hits.every((h) => h.id < size && node.reader.txByVersion(BigInt(h.id)) !== undefined), `${what}: only committed versions (exact ${exact})`);
  }
  const last = node.vectors!.storedVector(size - 1)!;
  t.equal((await node.vectors!.search({ vector: last, k: 1, exact: true }))[0]!.score, (await node.vectors!.search({ vector: last, k: 1 }))[0]!.score);
}

t.test('SIGKILL during commits: the index is rebuilt or caught up from the store and never serves an uncommitted version', async (t) => {
  const accounts = await secpAccounts(4);
  const home = mkdtempSync(join(tmpdir(), 'vivian-vector-crash-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  initHome(home, { chainId: CHAIN_ID, moniker: 'vector-crash', balances: accounts.map((a) => ({ address: a.address, coins: [{ denom: 'uviv', amount: '1000000000000' }] })) });

  t.ok((await runAndKill(home, 400)) > 0);
  let node = VivianNode.open(home, config);
  t.equal((await node.vectors!.opened).rebuilt, true, 'no index file yet: rebuilt from the store');
  await checkIndex(t, node, 'after the first kill');
  const before = Number(node.app.ledgerSize);
  await node.stop(); // the index worker saves its file

  t.ok((await runAndKill(home, 700)) > 0);
  node = VivianNode.open(home, config);
  t.teardown(() => node.stop());
  const report = await node.vectors!.opened;
  t.equal(report.rebuilt, false, 'the saved file was used');
  t.equal(report.caughtUp, Number(node.app.ledgerSize) - before, 'the versions committed since the save were caught up');
  await checkIndex(t, node, 'after the second kill');
});
