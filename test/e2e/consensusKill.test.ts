import t from 'tap';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initLocalnet, spawnNodeProcess, type NodeProcess } from '../../chain/cli/commands/localnet.js';
import { decodeMessage } from '../../chain/consensus/engine/messages.js';
import { toHex } from '../../chain/consensus/types/blockId.js';
import { ConsensusWal, type WalRecord } from '../../chain/consensus/wal/wal.js';
import { homePaths } from '../../chain/node/config.js';
import { newEd25519Key, readGenesis } from '../../chain/node/home.js';
import { Channel, channelSpecs } from '../../chain/p2p/reactors.js';
import { P2PSwitch } from '../../chain/p2p/switch.js';
import { freePorts, sleep, LOCALNET_CHAIN_ID } from '../chain/consensus/engine/localnetHelper.js';
import { msgSend, secpAccounts, signTx, TEST_MNEMONIC } from '../helpers/chain.js';

/**
 * SIGKILL under load: 4 validator processes, a stream of signed transfers, validators killed at random
 * moments (one at a time) and restarted. Afterwards every signed message the network saw — gossiped to an
 * observer, written in each WAL, carried in the blocks' commits — is checked: no validator ever signed two
 * different things for one height/round/step, no block carries double-sign evidence, and every node holds
 * the same blocks and app hashes. The schedule comes from a seeded RNG: VIVIAN_KILL_SEED=<n> replays it.
 */
const CLI = [process.execPath, join(import.meta.dirname, '..', '..', 'bin', 'vivian.js')];
const KILLS = 3;

/** mulberry32: a small seeded PRNG (test schedule only). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

async function rpc<T>(url: string, method: string, params: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { result?: T; error?: { message: string; data?: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message} ${body.error.data ?? ''}`);
  return body.result!;
}

const heightOf = async (url: string) => BigInt((await rpc<{ sync_info: { latest_block_height: string } }>(url, 'status')).sync_info.latest_block_height);

/** Every signed message seen, by signer and height/round/step; a second, different one is a double sign. */
class SignedLedger {
  private readonly byStep = new Map<string, { sig: string; from: string }>();
  readonly conflicts: string[] = [];
  count = 0;

  record(signer: string, height: bigint, round: number, step: string, signature: Uint8Array | string, from: string): void {
    const sig = typeof signature === 'string' ? signature : Buffer.from(signature).toString('base64');
    const key = `${signer}/${height}/${round}/${step}`;
    const had = this.byStep.get(key);
    if (had === undefined) {
      this.byStep.set(key, { sig, from });
      this.count++;
    } else if (had.sig !== sig) this.conflicts.push(`${key}: one seen in ${had.from}, another in ${from}`);
  }

  recordWal(r: WalRecord, signer: string, from: string): void {
    if (r.kind === 'vote') this.record(signer, r.vote.height, r.vote.round, r.vote.type === 1 ? 'prevote' : 'precommit', r.vote.signature, from);
    else if (r.kind === 'proposal') this.record('proposer', r.proposal.height, r.proposal.round, 'proposal', r.proposal.signature, from);
    // a 'block' record (the proposal's block) carries no signature
  }
}

t.test('validators SIGKILLed at random moments under load never double-sign; the chain agrees everywhere', { timeout: 150_000 }, async (t) => {
  const seed = process.env.VIVIAN_KILL_SEED ? Number(process.env.VIVIAN_KILL_SEED) : Math.floor(Math.random() * 2 ** 31);
  t.comment(`seed ${seed} (replay with VIVIAN_KILL_SEED=${seed})`);
  const random = rng(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));

  const dir = mkdtempSync(join(tmpdir(), 'vivian-kill-'));
  const [probe] = await freePorts(1);
  const file = initLocalnet({ validators: 4, home: dir, basePort: 20000 + ((probe! * 7) % 30000), mnemonic: TEST_MNEMONIC, accounts: 4, chainId: LOCALNET_CHAIN_ID, blockTimeMs: 50 });
  for (const n of file.nodes) {
    // the state store may skip fsync (a SIGKILL loses no written page); the WAL always fsyncs
    const cfgPath = homePaths(n.home).config;
    writeFileSync(cfgPath, JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, 'utf8')), no_sync: true }));
  }
  const procs: Array<NodeProcess | null> = file.nodes.map(() => null);
  const logs: string[][] = file.nodes.map(() => []);
  const start = (k: number) => {
    const p = spawnNodeProcess(CLI, file.nodes[k]!.home, (line) => logs[k]!.push(line));
    procs[k] = p;
    return p.ready;
  };
  const observer = new P2PSwitch({
    identity: newEd25519Key(),
    network: LOCALNET_CHAIN_ID,
    listenHost: '127.0.0.1',
    listenPort: 0,
    persistentPeers: file.nodes.map((n) => n.p2p),
    channels: channelSpecs(Number(readGenesis(file.nodes[0]!.home).consensus_params.block.max_bytes), 1024 * 1024),
  });
  t.teardown(async () => {
    await observer.stop();
    for (const p of procs) p?.child.kill('SIGKILL');
    await sleep(200);
    rmSync(dir, { recursive: true, force: true });
  });

  // the observer hears every proposal and vote the validators gossip
  const ledger = new SignedLedger();
  observer.onMessage(Channel.consensus, (peer, payload) => {
    const m = decodeMessage(payload);
    if (m.kind === 'vote') ledger.record(toHex(m.vote.validatorAddress), m.vote.height, m.vote.round, m.vote.type === 1 ? 'prevote' : 'precommit', m.vote.signature, `gossip from ${peer.slice(0, 8)}`);
    if (m.kind === 'proposal') ledger.record('proposer', m.proposal.height, m.proposal.round, 'proposal', m.proposal.signature, `gossip from ${peer.slice(0, 8)}`);
  });
  for (const ch of [Channel.blockParts, Channel.mempool, Channel.blockSync]) observer.onMessage(ch, () => {});

  const began = Date.now();
  await Promise.all(file.nodes.map((_, k) => start(k)));
  await observer.start();
  t.comment(`4 validator processes up in ${Date.now() - began} ms`);
  const rpcs = file.nodes.map((n) => n.rpc);

  // load: transfers from 4 accounts, each to a random live node, sequences tracked per account
  const accounts = await secpAccounts(4);
  const accountNumbers = await Promise.all(
    accounts.map(async (a) => {
      const res = await fetch(`${file.nodes[0]!.api}/cosmos/auth/v1beta1/accounts/${a.address}`);
      return BigInt(((await res.json()) as { account: { account_number: string } }).account.account_number);
    }),
  );
  const sequences = accounts.map(() => 0n);
  let accepted = 0;
  let loading = true;
  const load = (async () => {
    for (let i = 0; loading; i++) {
      const a = i % accounts.length;
      const up = procs.map((p, k) => (p !== null ? k : -1)).filter((k) => k >= 0);
      const url = rpcs[up[i % up.length]!]!;
      try {
        const tx = await signTx(accounts[a]!, [msgSend(accounts[a]!.address, accounts[(a + 1) % 4]!.address, 1n)], { accountNumber: accountNumbers[a]!, sequence: sequences[a]!, chainId: LOCALNET_CHAIN_ID });
        const res = await rpc<{ code: number; log: string }>(url, 'broadcast_tx_sync', { tx: Buffer.from(tx).toString('base64') });
        if (res.code === 0) {
          sequences[a]!++;
          accepted++;
        } else {
          const expected = /expected (\d+)/.exec(res.log);
          if (expected) sequences[a] = BigInt(expected[1]!);
        }
      } catch {
        await sleep(20); // that node is down or restarting
      }
    }
  })();

  // kill a random validator at a random moment, restart it, again
  for (let i = 0; i < KILLS; i++) {
    await sleep(pick(300, 2500));
    const k = pick(0, 4);
    const before = await heightOf(rpcs[(k + 1) % 4]!);
    procs[k]!.child.kill('SIGKILL');
    procs[k] = null;
    t.comment(`kill ${i + 1}: SIGKILL node${k} at about height ${before}`);
    await sleep(pick(100, 1500));
    const t0 = Date.now();
    await start(k);
    t.comment(`node${k} restarted in ${Date.now() - t0} ms`);
  }
  const afterKills = await heightOf(rpcs[0]!);
  await sleep(1000);
  loading = false;
  await load;
  t.ok(accepted > 0, `${accepted} transfers accepted during the run`);

  // everyone reaches a common height, then stops
  const target = afterKills + 3n;
  const until = Date.now() + 40_000;
  let heights: bigint[] = [];
  while (Date.now() < until) {
    heights = await Promise.all(rpcs.map((u) => heightOf(u).catch(() => 0n)));
    if (heights.every((h) => h >= target)) break;
    await sleep(200);
  }
  t.ok(heights.every((h) => h >= target), `every node reached height ${target} (${heights.join(', ')})`);
  const top = heights.reduce((a, b) => (a < b ? a : b));

  // the same blocks everywhere; their commits' signatures join the ledger; no evidence anywhere
  let disagreements = 0;
  let evidence = 0;
  for (let h = 1n; h <= top; h++) {
    const blocks = await Promise.all(
      rpcs.map((u) => rpc<{ block_id: { hash: string }; block: { header: { app_hash: string }; evidence: { evidence: unknown[] }; last_commit: { height: string; round: number; signatures: Array<{ validator_address: string; signature: string | null }> } } }>(u, 'block', { height: h.toString() })),
    );
    if (new Set(blocks.map((b) => `${b.block_id.hash}/${b.block.header.app_hash}`)).size !== 1) disagreements++;
    for (const b of blocks) {
      evidence += b.block.evidence.evidence.length;
      const lc = b.block.last_commit;
      for (const s of lc.signatures) if (s.signature !== null) ledger.record(s.validator_address.toLowerCase(), BigInt(lc.height), lc.round, 'precommit', s.signature, `the commit in block ${h}`);
    }
  }
  t.equal(disagreements, 0, `4 nodes agree on block and app hashes at heights 1..${top}`);
  t.equal(evidence, 0, 'no block carries double-sign evidence');

  // stop the nodes, then read what each WAL says it signed
  for (const p of procs) p?.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => (p && p.child.exitCode === null ? new Promise((r) => p.child.once('exit', r)) : null)));
  for (const [k, n] of file.nodes.entries()) {
    const signer = readGenesis(n.home).validators[k]!.address.toLowerCase();
    const wal = ConsensusWal.open(join(homePaths(n.home).data, 'cs.wal', 'wal'));
    for (const r of wal.entries) ledger.recordWal(r, signer, `node${k}'s WAL`);
    wal.close();
  }
  t.ok(ledger.count > 8 * Number(top), `${ledger.count} signed proposals and votes checked`);
  t.same(ledger.conflicts, [], 'no validator signed two different things for one height/round/step');
});
