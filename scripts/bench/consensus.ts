/**
 * Consensus benchmark: 4 validators on this machine (localnet processes running the compiled node in
 * dist/), signed bank transfers offered at fixed rates and then at saturation. Prints committed tx/s, block
 * time and finality latency (offered -> seen committed) p50/p99 per phase.
 *
 * Txs are signed before the clock starts (signing is the wallets' cost). Each sender always goes to the
 * same node, in JSON-RPC batches of broadcast_tx_sync sent without waiting for the previous answer (a tx
 * that overtakes its predecessor waits in the mempool for it).
 * Latency runs from the moment a tx is due to be offered (client-side queueing counts against the chain)
 * to the moment node0's RPC shows it in a committed block (polled every 20 ms).
 *
 * Usage: tsx scripts/bench/consensus.ts [--quick] [--json]   (it runs dist/: `npm ci` builds it, or `npx tsc -p tsconfig.build.json`)
 * Knobs (environment): BENCH_RATES=100,500 (fixed rates), BENCH_PHASE_S (seconds per phase),
 * BENCH_COMMIT_MS (pause after each commit, default 200), BENCH_NO_SYNC=1 (state store without fsync; the
 * consensus WAL always fsyncs), BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" (node flags, e.g. to profile),
 * BENCH_DEBUG=1 (node logs and each block seen; 2 also each batch's round trip).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TxBody, AuthInfo, TxRaw, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { initLocalnet, spawnNodeProcess, type NodeProcess } from '../../chain/cli/commands/localnet.js';
import { toBech32Address } from '../../chain/crypto/addresses.js';
import { ed25519PublicKey, signEd25519 } from '../../chain/crypto/ed25519.js';
import { addressOfPubKey, encodePubKeyAny } from '../../chain/crypto/pubkeys.js';
import { homePaths } from '../../chain/node/config.js';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const VALIDATORS = 4;
const CHAIN = 'vivian-bench-consensus';
const MNEMONIC = 'test test test test test test test test test test test junk';
const SENDERS = 400;
const PHASE_S = Number(process.env.BENCH_PHASE_S ?? (quick ? 8 : 20));
/** Fixed offered rates, then saturation: offered as fast as the nodes take them, backlog capped. */
const RATES = process.env.BENCH_RATES ? process.env.BENCH_RATES.split(',').map(Number) : quick ? [100, 500] : [100, 250, 500, 1000];
const SATURATION_OFFER = 4000;
const MAX_BACKLOG = 2000;
const TICK_MS = 50;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = [process.execPath, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''), join(root, 'bin', 'vivian.js')];

interface Sender { priv: Uint8Array; pub: Uint8Array; address: string; node: number; accountNumber: bigint; sequence: bigint }

function signedSend(s: Sender, to: string): Uint8Array {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({
    messages: [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.encode({ fromAddress: s.address, toAddress: to, amount: [{ denom: 'uviv', amount: '1' }] }).finish() }],
  })).finish();
  const authInfoBytes = AuthInfo.encode(AuthInfo.fromPartial({
    signerInfos: [{ publicKey: encodePubKeyAny({ algo: 'ed25519', key: s.pub }), modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence: s.sequence }],
    fee: { amount: [{ denom: 'uviv', amount: '2000' }], gasLimit: 100_000n },
  })).finish();
  const doc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: CHAIN, accountNumber: s.accountNumber }).finish();
  s.sequence++;
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signEd25519(s.priv, doc)] }).finish();
}

async function rpc<T>(url: string, method: string, params: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string; data?: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message} ${body.error.data ?? ''}`);
  return body.result!;
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const txKey = (tx: Uint8Array) => createHash('sha256').update(tx).digest('base64');

// ---------------------------------------------------------------- the network

const dir = mkdtempSync(join(tmpdir(), 'vivian-bench-consensus-'));
const senders: Sender[] = Array.from({ length: SENDERS }, (_, i) => {
  const priv = new Uint8Array(randomBytes(32));
  const pub = ed25519PublicKey(priv);
  return { priv, pub, address: toBech32Address(addressOfPubKey({ algo: 'ed25519', key: pub })), node: i % VALIDATORS, accountNumber: 0n, sequence: 0n };
});
const file = initLocalnet({
  validators: VALIDATORS,
  home: dir,
  basePort: 30000 + Math.floor(Math.random() * 20000),
  mnemonic: MNEMONIC,
  accounts: 1,
  chainId: CHAIN,
  blockTimeMs: Number(process.env.BENCH_COMMIT_MS ?? 200),
  extraAccounts: senders.map((s) => s.address),
});
for (const n of file.nodes) {
  const path = homePaths(n.home).config;
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), mempool_max_txs: 100_000, max_body_bytes: 16 * 1024 * 1024, ...(process.env.BENCH_NO_SYNC ? { no_sync: true } : {}) }));
}
const procs: NodeProcess[] = [];
const stopAll = () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
};
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));
const loadBefore = loadavg()[0]!;
for (const n of file.nodes) procs.push(spawnNodeProcess(CLI, n.home, (line) => { if (/error|exited/i.test(line) || process.env.BENCH_DEBUG) console.error(`[${n.name}] ${line}`); }));
await Promise.all(procs.map((p) => p.ready));
const rpcs = file.nodes.map((n) => n.rpc);
// wait for the first blocks, then learn the senders' account numbers
while (BigInt((await rpc<{ sync_info: { latest_block_height: string } }>(rpcs[0]!, 'status')).sync_info.latest_block_height) < 2n) await sleep(100);
for (let i = 0; i < SENDERS; i += 50) {
  await Promise.all(senders.slice(i, i + 50).map(async (s) => {
    const res = await fetch(`${file.nodes[0]!.api}/cosmos/auth/v1beta1/accounts/${s.address}`);
    s.accountNumber = BigInt(((await res.json()) as { account: { account_number: string } }).account.account_number);
  }));
}

// ---------------------------------------------------------------- commit watcher (node0)

const offeredAt = new Map<string, number>();
interface Seen { at: number; height: bigint; txs: number; timeMs: number }
const blocks: Seen[] = [];
/** Finality of each committed tx, by the time it was offered. */
const latencies: Array<{ offered: number; ms: number }> = [];
let committedTotal = 0;
let watching = true;
let lastHeight = BigInt((await rpc<{ sync_info: { latest_block_height: string } }>(rpcs[0]!, 'status')).sync_info.latest_block_height);
const watcher = (async () => {
  while (watching) {
    const latest = BigInt((await rpc<{ sync_info: { latest_block_height: string } }>(rpcs[0]!, 'status')).sync_info.latest_block_height);
    for (let h = lastHeight + 1n; h <= latest; h++) {
      const b = await rpc<{ block: { header: { time: string }; data: { txs: string[] } } }>(rpcs[0]!, 'block', { height: h.toString() });
      const now = performance.now();
      for (const tx of b.block.data.txs) {
        const key = txKey(Buffer.from(tx, 'base64'));
        const t0 = offeredAt.get(key);
        if (t0 !== undefined) {
          latencies.push({ offered: t0, ms: now - t0 });
          offeredAt.delete(key);
        }
      }
      committedTotal += b.block.data.txs.length;
      blocks.push({ at: now, height: h, txs: b.block.data.txs.length, timeMs: Date.parse(b.block.header.time) });
      if (process.env.BENCH_DEBUG) {
        const pools = await Promise.all(rpcs.map((u) => rpc<{ n_txs: string }>(u, 'num_unconfirmed_txs').then((r) => r.n_txs, () => '?')));
        console.error(`${Math.round(now)} block ${h}: ${b.block.data.txs.length} txs at ${b.block.header.time}; mempools ${pools.join(' ')}`);
      }
    }
    lastHeight = latest;
    await sleep(20);
  }
})();

// ---------------------------------------------------------------- offering txs

let rejected = 0;
const inFlight = new Set<Promise<void>>();
function offer(txs: Array<{ tx: Uint8Array; node: number }>, at: number): void {
  for (let k = 0; k < VALIDATORS; k++) {
    const mine = txs.filter((x) => x.node === k);
    if (mine.length === 0) continue;
    for (const x of mine) offeredAt.set(txKey(x.tx), at);
    for (let off = 0; off < mine.length; off += 100) {
      const batch = mine.slice(off, off + 100).map((x, i) => ({ jsonrpc: '2.0', id: i, method: 'broadcast_tx_sync', params: { tx: Buffer.from(x.tx).toString('base64') } }));
      const request = (async () => {
        try {
          const t0 = performance.now();
          const res = await fetch(rpcs[k]!, { method: 'POST', body: JSON.stringify(batch) });
          if (process.env.BENCH_DEBUG === '2') console.error(`node${k} batch of ${batch.length} answered in ${Math.round(performance.now() - t0)} ms (queued ${Math.round(t0 - at)} ms)`);
          const out = (await res.json()) as Array<{ result?: { code: number; log: string }; error?: { message: string; data?: string } }> | { error: { message: string; data?: string } };
          const failed = Array.isArray(out) ? out.filter((r) => r.result?.code !== 0) : batch;
          if (failed.length > 0 && rejected === 0) console.error(`first rejection: ${JSON.stringify(Array.isArray(out) ? failed[0] : out).slice(0, 300)}`);
          rejected += failed.length;
        } catch (e) {
          if (rejected === 0) console.error(`first rejection: ${(e as Error).message}`);
          rejected += batch.length;
        }
      })();
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
  }
}

/** Signs `n` transfers, senders round robin (so each sender's sequence is in order within its node's stream). */
let nextSender = 0;
function sign(n: number): Array<{ tx: Uint8Array; node: number }> {
  const out: Array<{ tx: Uint8Array; node: number }> = [];
  for (let i = 0; i < n; i++) {
    const s = senders[nextSender++ % SENDERS]!;
    out.push({ tx: signedSend(s, senders[(nextSender + 7) % SENDERS]!.address), node: s.node });
  }
  return out;
}

interface PhaseResult { phase: string; offered_tps: number; tps: number; p50_ms: number; p99_ms: number; block_ms: number; txs_per_block: number; lost: number }

/** Offers `rate` tx/s for PHASE_S seconds, then waits (bounded) for what it offered to commit. */
async function phase(name: string, rate: number, capBacklog: boolean): Promise<PhaseResult> {
  const txs = sign(Math.ceil(rate * PHASE_S));
  const start = performance.now();
  const committedBefore = committedTotal;
  let sent = 0;
  while (performance.now() - start < PHASE_S * 1000 && sent < txs.length) {
    const elapsed = performance.now() - start;
    let due = Math.min(txs.length, Math.floor((rate * elapsed) / 1000)) - sent;
    if (capBacklog) due = Math.min(due, Math.max(0, MAX_BACKLOG - offeredAt.size));
    if (due > 0) {
      offer(txs.slice(sent, sent + due), performance.now());
      sent += due;
    }
    await sleep(TICK_MS);
  }
  const end = performance.now();
  const seconds = (end - start) / 1000;
  const committed = committedTotal - committedBefore;
  const inPhase = blocks.filter((b) => b.at >= start && b.at <= end);
  const lost = await drain(20_000);
  // finality of the txs offered after the first second (the ramp), however late they committed
  const settled = latencies.filter((l) => l.offered >= start + 1000 && l.offered <= end).map((l) => l.ms);
  const blockMs = inPhase.length > 1 ? (inPhase[inPhase.length - 1]!.timeMs - inPhase[0]!.timeMs) / (inPhase.length - 1) : NaN;
  return {
    phase: name,
    offered_tps: Math.round(sent / seconds),
    tps: Math.round(committed / seconds),
    p50_ms: Math.round(pct(settled, 50)),
    p99_ms: Math.round(pct(settled, 99)),
    block_ms: Math.round(blockMs),
    txs_per_block: inPhase.length === 0 ? 0 : Math.round(inPhase.reduce((a, b) => a + b.txs, 0) / inPhase.length),
    lost,
  };
}

/** Waits until what was offered is committed or `ms` passes, so phases do not overlap; returns how many never were. */
async function drain(ms: number): Promise<number> {
  const until = performance.now() + ms;
  while ((offeredAt.size > 0 || inFlight.size > 0) && performance.now() < until) await sleep(100);
  const lost = offeredAt.size;
  offeredAt.clear();
  return lost;
}

const results: PhaseResult[] = [];
try {
  for (const rate of RATES) results.push(await phase(`${rate} tx/s`, rate, false));
  results.push(await phase('saturation', SATURATION_OFFER, true));
} finally {
  watching = false;
  await watcher.catch(() => {});
  stopAll();
  await Promise.all(procs.map((p) => (p.child.exitCode === null ? new Promise((r) => p.child.once('exit', r)) : null)));
  rmSync(dir, { recursive: true, force: true });
}

const loadAfter = loadavg()[0]!;
console.log(`consensus: ${VALIDATORS} validators (processes) on this machine, ${SENDERS} ed25519 senders, ${PHASE_S} s per phase; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
console.log('| phase | offered tx/s | committed tx/s | block time | txs/block | finality p50 | p99 | not committed in 20 s |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.phase} | ${r.offered_tps} | ${r.tps} | ${r.block_ms} ms | ${r.txs_per_block} | ${r.p50_ms} ms | ${r.p99_ms} ms | ${r.lost} |`);
console.log(`rejected at CheckTx: ${rejected}; targets: p50 < 500 ms and p99 < 1 s at 500 tx/s, >= 2,000 tx/s at saturation`);
if (json) {
  const at500 = results.find((r) => r.phase === '500 tx/s')!;
  const sat = results.find((r) => r.phase === 'saturation')!;
  console.log(JSON.stringify({ bench: 'consensus', validators: VALIDATORS, tps: sat.tps, p50_ms: at500.p50_ms, p99_ms: at500.p99_ms, block_ms: at500.block_ms, tps_at_500: at500.tps, load_average: Number(loadBefore.toFixed(1)), phases: results }));
}
