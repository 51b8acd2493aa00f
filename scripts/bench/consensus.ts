/**
 * Consensus benchmark: 4 validators on this machine (localnet processes running the compiled node in
 * dist/), signed bank transfers offered at fixed rates and then at saturation. Prints committed tx/s, block
 * time, finality latency (offered -> seen committed) p50/p99 and the CPU the validator processes spent per
 * committed tx, per phase.
 *
 * The load generator stays off the measured cores as far as it can: each phase's txs are signed, hashed and
 * rendered as JSON-RPC request text before its clock starts, so during a phase the bench only sends bytes
 * (its own CPU time is printed). Each sender always goes to the same node, in JSON-RPC batches of
 * broadcast_tx_sync sent without waiting for the previous answer (a tx that overtakes its predecessor
 * waits in the mempool for it). Txs a phase signed but never sent give their sequences back, so later
 * phases leave no gaps behind them.
 * Latency runs from the moment a tx is due to be offered (client-side queueing counts against the chain)
 * to the moment node0 publishes the block that commits it (its NewBlock event over the RPC websocket).
 *
 * Usage: tsx scripts/bench/consensus.ts [--quick] [--json] [--tx-index kv|null]   (it runs dist/: `npm ci` builds it, or `npx tsc -p tsconfig.build.json`)
 * Knobs (environment): BENCH_RATES=100,500 (fixed rates; 0 = none), BENCH_PHASE_S (seconds per phase),
 * BENCH_NO_SATURATION=1 (fixed rates only), BENCH_COMMIT_MS (pause after each commit; default: the
 * localnet default), BENCH_NO_SYNC=1 (state store without fsync; the consensus WAL always fsyncs),
 * BENCH_VERIFY_THREADS=N (each validator's signature workers; default: the localnet's share of the cores),
 * BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" (node flags, e.g. to profile), BENCH_VALIDATORS=N (default 4;
 * 1 or 2 show what a node costs per tx without the others sharing its cores),
 * BENCH_DEBUG=1 (node logs and each block seen; 2 also each batch's round trip).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPrivateKey, randomBytes, sign as signWith, type KeyObject } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TxBody, AuthInfo, TxRaw, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { connectComet, type Comet38Client } from '@cosmjs/tendermint-rpc';
import { initLocalnet, LOCALNET_BLOCK_TIME_MS, localnetNodeCli, spawnNodeProcess, type NodeProcess } from '../../chain/cli/commands/localnet.js';
import { toBech32Address } from '../../chain/crypto/addresses.js';
import { ed25519PublicKey } from '../../chain/crypto/ed25519.js';
import { addressOfPubKey, encodePubKeyAny } from '../../chain/crypto/pubkeys.js';
import { homePaths } from '../../chain/node/config.js';
import { txIndexFlag } from './lib/txIndexFlag.js';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const TX_INDEX = txIndexFlag(process.argv);
const VALIDATORS = Number(process.env.BENCH_VALIDATORS ?? 4);
const CHAIN = 'vivian-bench-consensus';
const MNEMONIC = 'test test test test test test test test test test test junk';
const SENDERS = 400;
const PHASE_S = Number(process.env.BENCH_PHASE_S ?? (quick ? 8 : 20));
/** Fixed offered rates, then saturation: offered as fast as the nodes take them, backlog capped. */
const RATES = process.env.BENCH_RATES ? process.env.BENCH_RATES.split(',').map(Number).filter((r) => r > 0) : quick ? [100, 500] : [100, 250, 500, 1000];
const SATURATION = !process.env.BENCH_NO_SATURATION;
const SATURATION_OFFER = 4000;
const MAX_BACKLOG = 2000;
const BATCH = 100;
const TICK_MS = 50;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// each validator starts as `vivian localnet start` starts it (the launcher's node flags with the localnet's young
// generation), then the bench's extra node flags
const LAUNCHER = join(root, 'bin', 'vivian.js');
const launcherFlags = (/^#!.*\bnode\b(.*)$/.exec(readFileSync(LAUNCHER, 'utf8').split('\n')[0]!)?.[1] ?? '').split(' ').filter((a) => a !== '');
const nodeCli = localnetNodeCli(launcherFlags, LAUNCHER);
const CLI = [...nodeCli.slice(0, -1), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''), LAUNCHER];

/** `key` is the sender's signing KeyObject, made once: the wallets' cost, kept out of every phase. */
interface Sender { key: KeyObject; pub: Uint8Array; address: string; node: number; accountNumber: bigint; sequence: bigint }
/** A tx ready to go: its base64 (as blocks show it), its JSON-RPC request text and who signed it with which sequence. */
interface SignedTx { b64: string; request: string; node: number; sender: Sender; sequence: bigint }

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

function signedSend(s: Sender, to: string): SignedTx {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({
    messages: [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.encode({ fromAddress: s.address, toAddress: to, amount: [{ denom: 'uviv', amount: '1' }] }).finish() }],
  })).finish();
  const authInfoBytes = AuthInfo.encode(AuthInfo.fromPartial({
    signerInfos: [{ publicKey: encodePubKeyAny({ algo: 'ed25519', key: s.pub }), modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence: s.sequence }],
    fee: { amount: [{ denom: 'uviv', amount: '2000' }], gasLimit: 100_000n },
  })).finish();
  const doc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: CHAIN, accountNumber: s.accountNumber }).finish();
  const sequence = s.sequence++;
  const b64 = Buffer.from(TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signWith(null, doc, s.key)] }).finish()).toString('base64');
  return { b64, request: `{"jsonrpc":"2.0","id":0,"method":"broadcast_tx_sync","params":{"tx":"${b64}"}}`, node: s.node, sender: s, sequence };
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

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;
const monotonicUs = (at: number) => Math.round(Number(process.hrtime.bigint() / 1000n) - (performance.now() - at) * 1000);
const nodesCpuMs = () => procs.reduce((a, p) => a + processCpuMs(p.child.pid), 0);
const benchCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// ---------------------------------------------------------------- the network

const dir = mkdtempSync(join(tmpdir(), 'vivian-bench-consensus-'));
const senders: Sender[] = Array.from({ length: SENDERS }, (_, i) => {
  const seed = new Uint8Array(randomBytes(32));
  const pub = ed25519PublicKey(seed);
  return {
    key: createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' }),
    pub,
    address: toBech32Address(addressOfPubKey({ algo: 'ed25519', key: pub })),
    node: i % VALIDATORS,
    accountNumber: 0n,
    sequence: 0n,
  };
});
const commitMs = Number(process.env.BENCH_COMMIT_MS ?? LOCALNET_BLOCK_TIME_MS);
const file = initLocalnet({
  validators: VALIDATORS,
  home: dir,
  basePort: 30000 + Math.floor(Math.random() * 20000),
  mnemonic: MNEMONIC,
  accounts: 1,
  chainId: CHAIN,
  blockTimeMs: commitMs,
  extraAccounts: senders.map((s) => s.address),
});
for (const n of file.nodes) {
  const path = homePaths(n.home).config;
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), mempool_max_txs: 100_000, max_body_bytes: 16 * 1024 * 1024, tx_index: TX_INDEX, ...(process.env.BENCH_NO_SYNC ? { no_sync: true } : {}), ...(process.env.BENCH_VERIFY_THREADS ? { verify_threads: Number(process.env.BENCH_VERIFY_THREADS) } : {}) }));
}
const procs: NodeProcess[] = [];
/** Neither exited nor killed by a signal (a child killed by a signal keeps exitCode null). */
const running = (p: NodeProcess) => p.child.exitCode === null && p.child.signalCode === null;
let stopping = false;
const stopAll = () => {
  stopping = true;
  for (const p of procs) if (running(p)) p.child.kill('SIGTERM');
};
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));
const loadBefore = loadavg()[0]!;
for (const n of file.nodes) {
  const p = spawnNodeProcess(CLI, n.home, (line) => { if (/error|exited/i.test(line) || process.env.BENCH_DEBUG) console.error(`[${n.name}] ${line}`); });
  p.child.once('exit', (code, signal) => { if (!stopping) console.error(`[${n.name}] exited during the run (${signal ?? code})`); });
  procs.push(p);
}
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

/** Offered and not yet seen committed: the tx's base64 (as the block shows it) -> when it was due. */
const offeredAt = new Map<string, number>();
interface Seen { at: number; height: bigint; txs: number; timeMs: number }
const blocks: Seen[] = [];
/** Finality of each committed tx, by the time it was offered. */
const latencies: Array<{ offered: number; ms: number }> = [];
let committedTotal = 0;
let lastHeight = BigInt((await rpc<{ sync_info: { latest_block_height: string } }>(rpcs[0]!, 'status')).sync_info.latest_block_height);
/** Counts a committed block's txs (their base64, as the block shows them) the moment node0 publishes it. */
function blockSeen(h: bigint, txs: readonly string[], timeMs: number): void {
  const now = performance.now();
  for (const tx of txs) {
    const t0 = offeredAt.get(tx);
    if (t0 !== undefined) {
      latencies.push({ offered: t0, ms: now - t0 });
      offeredAt.delete(tx);
    }
  }
  committedTotal += txs.length;
  blocks.push({ at: now, height: h, txs: txs.length, timeMs });
  if (process.env.BENCH_DEBUG) {
    void Promise.all(rpcs.map((u) => rpc<{ n_txs: string }>(u, 'num_unconfirmed_txs').then((r) => r.n_txs, () => '?'))).then((pools) =>
      console.error(`${Math.round(now)} block ${h}: ${txs.length} txs at ${new Date(timeMs).toISOString()}; mempools ${pools.join(' ')}`),
    );
  }
}
// node0's NewBlock events over its websocket: no polling load on node0 or on the shared cores; a height the
// stream skipped (it never should) is read over RPC
const comet = (await connectComet(rpcs[0]!.replace(/^http/, 'ws'))) as Comet38Client;
let watchQueue = Promise.resolve();
const subscription = comet.subscribeNewBlock().subscribe({
  next: (b) => {
    const txs = b.txs.map((tx) => Buffer.from(tx).toString('base64'));
    const height = BigInt(b.header.height);
    watchQueue = watchQueue.then(async () => {
      for (let h = lastHeight + 1n; h < height; h++) {
        const missed = await rpc<{ block: { header: { time: string }; data: { txs: string[] } } }>(rpcs[0]!, 'block', { height: h.toString() });
        blockSeen(h, missed.block.data.txs, Date.parse(missed.block.header.time));
      }
      if (height > lastHeight) {
        blockSeen(height, txs, b.header.time.getTime());
        lastHeight = height;
      }
    });
  },
  error: (e) => console.error(`NewBlock subscription failed: ${(e as Error).message ?? e}`),
});
const stopWatching = async () => {
  subscription.unsubscribe();
  await watchQueue.catch(() => {});
  comet.disconnect();
};

// ---------------------------------------------------------------- offering txs

let rejected = 0;
const inFlight = new Set<Promise<void>>();
/** Sends node k's share of `txs` in batches; the request text was made when the txs were signed. */
function offer(byNode: SignedTx[][], at: number): void {
  for (let k = 0; k < VALIDATORS; k++) {
    const mine = byNode[k]!;
    for (const x of mine) offeredAt.set(x.b64, at);
    for (let off = 0; off < mine.length; off += BATCH) {
      const batch = mine.slice(off, off + BATCH);
      const request = (async () => {
        try {
          const t0 = performance.now();
          const res = await fetch(rpcs[k]!, { method: 'POST', body: `[${batch.map((x) => x.request).join(',')}]` });
          const text = await res.text();
          if (process.env.BENCH_DEBUG === '2') console.error(`node${k} batch of ${batch.length} answered in ${Math.round(performance.now() - t0)} ms (queued ${Math.round(t0 - at)} ms)`);
          // every answer is checked, cheaply: only a batch whose text shows a non-zero code is parsed
          const ok = res.ok && text.split('"code":0,').length - 1 === batch.length;
          if (ok) return;
          const out = JSON.parse(text) as Array<{ result?: { code: number; log: string }; error?: { message: string; data?: string } }> | { error: { message: string; data?: string } };
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
function sign(n: number): SignedTx[] {
  const out: SignedTx[] = [];
  for (let i = 0; i < n; i++) {
    const s = senders[nextSender++ % SENDERS]!;
    out.push(signedSend(s, senders[(nextSender + 7) % SENDERS]!.address));
  }
  return out;
}

/** Txs signed but never sent give their sequences back (a later tx of the sender would wait for them forever). */
function unsign(unsent: readonly SignedTx[]): void {
  for (const x of unsent) if (x.sequence < x.sender.sequence) x.sender.sequence = x.sequence;
}

interface PhaseResult {
  phase: string;
  offered_tps: number;
  tps: number;
  p50_ms: number;
  p99_ms: number;
  block_ms: number;
  txs_per_block: number;
  lost: number;
  /** CPU time of the 4 validator processes (all threads) per tx committed in the phase */
  node_cpu_us_per_tx: number;
  /** cores the validators kept busy during the phase */
  node_cores: number;
  /** CPU time the bench process itself spent during the phase (sending, watching) */
  bench_cpu_ms: number;
}

/** Offers `rate` tx/s for PHASE_S seconds, then waits (bounded) for what it offered to commit. */
async function phase(name: string, rate: number, capBacklog: boolean): Promise<PhaseResult> {
  const txs = sign(Math.ceil(rate * PHASE_S));
  const cpu0 = nodesCpuMs();
  const bench0 = benchCpuMs();
  const start = performance.now();
  const committedBefore = committedTotal;
  let sent = 0;
  while (performance.now() - start < PHASE_S * 1000 && sent < txs.length) {
    const elapsed = performance.now() - start;
    let due = Math.min(txs.length, Math.floor((rate * elapsed) / 1000)) - sent;
    if (capBacklog) due = Math.min(due, Math.max(0, MAX_BACKLOG - offeredAt.size));
    if (due > 0) {
      const byNode: SignedTx[][] = Array.from({ length: VALIDATORS }, () => []);
      for (let i = sent; i < sent + due; i++) byNode[txs[i]!.node]!.push(txs[i]!);
      offer(byNode, performance.now());
      sent += due;
    }
    await sleep(TICK_MS);
  }
  const end = performance.now();
  const cpu = nodesCpuMs() - cpu0;
  // the phase's window on the monotonic clock CPU profiles are stamped with (µs), to cut profiles to it
  if (process.env.BENCH_NODE_ARGS) console.error(`profile window ${name}: ${monotonicUs(start)} ${monotonicUs(end)} committed ${committedTotal - committedBefore}`);
  const benchCpu = benchCpuMs() - bench0;
  unsign(txs.slice(sent));
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
    node_cpu_us_per_tx: committed === 0 ? NaN : Math.round((cpu * 1000) / committed),
    node_cores: Number((cpu / (end - start)).toFixed(2)),
    bench_cpu_ms: Math.round(benchCpu),
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
  if (SATURATION) results.push(await phase('saturation', SATURATION_OFFER, true));
} finally {
  await stopWatching();
  stopAll();
  await Promise.all(procs.map((p) => (running(p) ? new Promise((r) => p.child.once('exit', r)) : null)));
  rmSync(dir, { recursive: true, force: true });
}

const loadAfter = loadavg()[0]!;
console.log(`consensus: ${VALIDATORS} validators (processes: node ${nodeCli.slice(1, -1).join(' ')}; tx_index "${TX_INDEX}") on this machine, ${SENDERS} ed25519 senders, ${PHASE_S} s per phase, ${commitMs} ms pause after each commit; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
console.log('| phase | offered tx/s | committed tx/s | block time | txs/block | finality p50 | p99 | not committed in 20 s | validators\' CPU per tx | cores busy | bench CPU |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.phase} | ${r.offered_tps} | ${r.tps} | ${r.block_ms} ms | ${r.txs_per_block} | ${r.p50_ms} ms | ${r.p99_ms} ms | ${r.lost} | ${r.node_cpu_us_per_tx} us | ${r.node_cores} | ${r.bench_cpu_ms} ms |`);
console.log(`rejected at CheckTx: ${rejected}; targets: p50 < 500 ms and p99 < 1 s at 500 tx/s, >= 2,000 tx/s at saturation`);
if (json) {
  const at500 = results.find((r) => r.phase === '500 tx/s');
  const sat = results.find((r) => r.phase === 'saturation');
  console.log(JSON.stringify({ bench: 'consensus', validators: VALIDATORS, tx_index: TX_INDEX, tps: sat?.tps ?? null, p50_ms: at500?.p50_ms ?? null, p99_ms: at500?.p99_ms ?? null, block_ms: at500?.block_ms ?? null, tps_at_500: at500?.tps ?? null, commit_ms: commitMs, load_average: Number(loadBefore.toFixed(1)), phases: results }));
}
// the websocket client may keep timers of its own: the run is over
process.exit(0);
