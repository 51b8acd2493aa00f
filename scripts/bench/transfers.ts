/**
 * Transfers benchmark: signed bank transfers through CheckTx -> block -> commit on one node, for ed25519 and
 * secp256k1 signers, against the single-core signature-verification ceiling of each algorithm measured in
 * the same run. Txs are signed before the clock starts (signing is the wallet's cost, not the chain's).
 *
 * Usage: tsx scripts/bench/transfers.ts [--quick] [--json] [--tx-index kv|null]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TxBody, AuthInfo, TxRaw, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { ed25519PublicKey, signEd25519, verifyEd25519 } from '../../chain/crypto/ed25519.js';
import { secp256k1PublicKey, signSecp256k1, verifySecp256k1 } from '../../chain/crypto/secp256k1.js';
import { encodePubKeyAny, addressOfPubKey } from '../../chain/crypto/pubkeys.js';
import { toBech32Address } from '../../chain/crypto/addresses.js';
import { DEFAULT_CONFIG } from '../../chain/node/config.js';
import { defaultVerifyThreads } from '../../chain/crypto/verifierPool.js';
import { txIndexFlag } from './lib/txIndexFlag.js';
import { initHome } from '../../chain/node/home.js';
import { VivianNode } from '../../chain/node/node.js';
import { LedgerAccumulator, leafHash } from '../../chain/ledger/index.js';
import { ledgerNodeKey } from '../../chain/ledger/keys.js';
import { NodeDb } from '../../chain/store/nodeDb.js';
import { Bucket, u64be } from '../../chain/store/buckets.js';

type Algo = 'ed25519' | 'secp256k1';
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const TX_INDEX = txIndexFlag(process.argv);
const TXS = process.env.BENCH_TXS ? Number(process.env.BENCH_TXS) : quick ? 6_000 : 30_000;
const SENDERS = quick ? 600 : 3_000;
const BLOCK_TXS = 2_000;
const WARMUP_BLOCKS = quick ? 1 : 3;
const CHAIN = 'vivian-bench-1';

interface Sender { algo: Algo; priv: Uint8Array; pub: Uint8Array; address: string }

function makeSender(algo: Algo): Sender {
  const priv = new Uint8Array(randomBytes(32));
  const pub = algo === 'ed25519' ? ed25519PublicKey(priv) : secp256k1PublicKey(priv);
  return { algo, priv, pub, address: toBech32Address(addressOfPubKey({ algo, key: pub })) };
}

function signedSend(s: Sender, accountNumber: bigint, sequence: bigint, to: string): Uint8Array {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({
    messages: [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.encode({ fromAddress: s.address, toAddress: to, amount: [{ denom: 'uviv', amount: '1' }] }).finish() }],
  })).finish();
  const authInfoBytes = AuthInfo.encode(AuthInfo.fromPartial({
    signerInfos: [{ publicKey: encodePubKeyAny({ algo: s.algo, key: s.pub }), modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence }],
    fee: { amount: [{ denom: 'uviv', amount: '2000' }], gasLimit: 100_000n },
  })).finish();
  const doc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: CHAIN, accountNumber }).finish();
  const sig = s.algo === 'ed25519' ? signEd25519(s.priv, doc) : signSecp256k1(s.priv, doc);
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [sig] }).finish();
}

/** Single-core verifications per second through the same node:crypto path the ante uses. */
function ceiling(algo: Algo): { wall: number; cpu: number } {
  const n = 256;
  const keys = Array.from({ length: n }, () => makeSender(algo));
  const msgs = keys.map(() => new Uint8Array(randomBytes(200)));
  const sigs = keys.map((k, i) => (algo === 'ed25519' ? signEd25519(k.priv, msgs[i]!) : signSecp256k1(k.priv, msgs[i]!)));
  const verify = (i: number) => (algo === 'ed25519' ? verifyEd25519(keys[i]!.pub, msgs[i]!, sigs[i]!) : verifySecp256k1(keys[i]!.pub, msgs[i]!, sigs[i]!));
  for (let i = 0; i < n; i++) verify(i); // warm the key-object cache
  let count = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - start < (quick ? 1000 : 3000)) {
    for (let i = 0; i < n; i++) if (verify(i)) count++;
  }
  return { wall: count / ((performance.now() - start) / 1000), cpu: count / (cpuSeconds(cpu0)) };
}

/** User + system CPU seconds of this process since `since`: comparable figures on a busy machine. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function openNode(senders: Sender[], prefillLedger = 0, verifyThreads = 0) {
  const home = mkdtempSync(join(tmpdir(), 'vivian-bench-'));
  initHome(home, { chainId: CHAIN, moniker: 'bench', balances: senders.map((s) => ({ address: s.address, coins: [{ denom: 'uviv', amount: '1000000000000' }] })) });
  const config = { ...DEFAULT_CONFIG, min_gas_price: '0uviv', block_time_ms: 0, mempool_max_txs: 200_000, verify_threads: verifyThreads, tx_index: TX_INDEX };
  if (prefillLedger > 0) {
    // open once to apply genesis, then append synthetic leaves to the ledger so commit cost is seen at size n
    await VivianNode.open(home, config).stop();
    const db = NodeDb.open(join(home, 'data', 'vivian.lmdb'));
    // synthetic leaves have no ledger entries to derive the lower levels from: every level is written
    const acc = new LedgerAccumulator({ getNode: (level, index) => db.getRaw(ledgerNodeKey(level, index)) }, 0n);
    for (let done = 0; done < prefillLedger; ) {
      const n = Math.min(100_000, prefillLedger - done);
      for (let i = 0; i < n; i++) acc.append(leafHash(u64be(done + i)));
      done += n;
      db.commit((w) => {
        for (const node of acc.pendingNodes()) w.put(Bucket.LedgerNode, ledgerNodeKey(node.level, node.index).subarray(1), node.hash);
        w.put(Bucket.Meta, new TextEncoder().encode('ledger_size'), u64be(acc.size));
      });
      acc.markCommitted();
    }
    await db.close();
  }
  const node = VivianNode.open(home, config);
  return { node, cleanup: async () => { await node.stop(); rmSync(home, { recursive: true, force: true }); } };
}

/**
 * One node committing TXS transfers in blocks of BLOCK_TXS. With `verifyThreads` 0 everything runs on the main
 * thread (the 1-core figure). With worker threads the txs go in as clients send them (submitTx): while block k
 * executes and commits on the main thread, the workers verify block k+1's signatures (the 2-core figure).
 *
 * The node first commits WARMUP_BLOCKS blocks the same way, off the clock: the figures are a running node's
 * steady state, not its first seconds (JIT compilation, caches filling, the heap growing to its working size).
 */
async function run(algo: Algo, verifyThreads = 0) {
  const senders = Array.from({ length: SENDERS }, () => makeSender(algo));
  const { node, cleanup } = await openNode(senders, 0, verifyThreads);
  const numbers = senders.map((s) => node.app.auth.getAccount(node.app.db.bucketReader(Bucket.State), s.address)!.accountNumber);
  const total = TXS + WARMUP_BLOCKS * BLOCK_TXS;
  const blocks: Uint8Array[][] = [];
  for (let seq = 0, n = 0; n < total; seq++) {
    for (let i = 0; i < SENDERS && n < total; i++, n++) {
      if (n % BLOCK_TXS === 0) blocks.push([]);
      blocks[blocks.length - 1]!.push(signedSend(senders[i]!, numbers[i]!, BigInt(seq), senders[(i + 1) % SENDERS]!.address));
    }
  }
  await commitBlocks(node, blocks.splice(0, WARMUP_BLOCKS), verifyThreads > 0);
  await node.vectors?.flush();
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const { committed, commitMs } = await commitBlocks(node, blocks, verifyThreads > 0);
  // the clock includes the index thread's inserts of every committed tx (its CPU is in the per-CPU-s figure)
  await node.vectors?.flush();
  const secs = (performance.now() - start) / 1000;
  const cpu = cpuSeconds(cpu0);
  await cleanup();
  return { tps: committed / secs, tpsCpu: committed / cpu, committed, p50: pct(commitMs, 50), p99: pct(commitMs, 99) };
}

/**
 * Offers each block's txs, then produces the block. A block's txs are released once offered, as a node's
 * network buffers are: the bench keeping them would keep alive everything the node caches by tx identity.
 */
async function commitBlocks(node: VivianNode, blocks: Uint8Array[][], viaWorkers: boolean) {
  const commitMs: number[] = [];
  let committed = 0;
  const checked = (r: { result: { code: number; log: string } }) => {
    if (r.result.code !== 0) throw new Error(`checkTx failed: ${r.result.log}`);
  };
  const submit = (k: number) => {
    const txs = blocks[k]!;
    blocks[k] = [];
    return Promise.all(txs.map((tx) => node.submitTx(tx)));
  };
  let next = viaWorkers && blocks.length > 0 ? submit(0) : null;
  for (let k = 0; k < blocks.length; k++) {
    if (next) {
      (await next).forEach(checked);
      next = k + 1 < blocks.length ? submit(k + 1) : null;
      // one event-loop turn, as a node gets between client requests: the batch goes to the workers before the block runs
      await new Promise((resolve) => setImmediate(resolve));
    } else {
      for (const tx of blocks[k]!) checked(node.broadcastTx(tx));
      blocks[k] = [];
    }
    const t0 = performance.now();
    const b = node.engine.produceBlock();
    commitMs.push(performance.now() - t0);
    committed += b.txs.filter((t) => t.result.code === 0).length;
    // an event-loop turn between blocks, as a running node has: the vector index thread hears of the commit
    if (!next) await new Promise((resolve) => setImmediate(resolve));
  }
  return { committed, commitMs };
}

/** Time to execute and commit one block of transfers when the ledger already holds `n` txs. */
async function commitAtLedgerSize(n: number): Promise<number> {
  const senders = Array.from({ length: 1000 }, () => makeSender('ed25519'));
  const { node, cleanup } = await openNode(senders, n);
  const reader = node.app.db.bucketReader(Bucket.State);
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const s of senders) {
      const acc = node.app.auth.getAccount(reader, s.address)!;
      node.broadcastTx(signedSend(s, acc.accountNumber, acc.sequence, senders[0]!.address));
    }
    const t0 = performance.now();
    node.engine.produceBlock();
    times.push(performance.now() - t0);
  }
  await cleanup();
  return pct(times, 50);
}

const ceilEd = ceiling('ed25519');
const ceilSecp = ceiling('secp256k1');
const ed = await run('ed25519');
const secp = await run('secp256k1');
const threads = defaultVerifyThreads();
const ed2 = await run('ed25519', threads);
const secp2 = await run('secp256k1', threads);
const small = await commitAtLedgerSize(1_000);
const largeN = quick ? 100_000 : 1_000_000;
const large = await commitAtLedgerSize(largeN);
const rssMb = process.resourceUsage().maxRSS / 1024;

const f = (x: number) => x.toFixed(0);
console.log(`transfers benchmark (${quick ? 'quick' : 'full'}): ${TXS} signed MsgSend per algorithm, ${SENDERS} senders, blocks of ${BLOCK_TXS}, after ${WARMUP_BLOCKS} warm-up block(s) on the same node; tx_index "${TX_INDEX}"`);
console.log('per CPU-second compares fairly on a busy machine; the ratio uses it');
console.log('algorithm   committed tx/s (wall / per CPU-s)   1-core verify ceiling (wall / per CPU-s)   ratio');
for (const [name, r, c] of [['ed25519', ed, ceilEd], ['secp256k1', secp, ceilSecp]] as const) {
  console.log(`${name.padEnd(11)} ${f(r.tps).padStart(8)} / ${f(r.tpsCpu).padEnd(22)} ${f(c.wall).padStart(8)} / ${f(c.cpu).padEnd(30)} ${(r.tpsCpu / c.cpu).toFixed(2)}`);
}
console.log(`with signature checks on ${threads} worker thread(s) beside the main thread (wall tx/s against the 1-core ceiling):`);
for (const [name, r, c] of [['ed25519', ed2, ceilEd], ['secp256k1', secp2, ceilSecp]] as const) {
  console.log(`${name.padEnd(11)} ${f(r.tps).padStart(8)} tx/s   ceiling ${f(c.wall)}   ratio ${(r.tps / c.wall).toFixed(2)}`);
}
console.log(`block of ${BLOCK_TXS} (execute + commit): p50 ${ed.p50.toFixed(1)} ms, p99 ${ed.p99.toFixed(1)} ms (ed25519); p50 ${secp.p50.toFixed(1)} ms, p99 ${secp.p99.toFixed(1)} ms (secp256k1)`);
console.log(`block of 1000 at ledger size 10^3: ${small.toFixed(1)} ms; at ${largeN.toExponential(0)}: ${large.toFixed(1)} ms (ratio ${(large / small).toFixed(2)})`);
console.log(`peak RSS ${rssMb.toFixed(0)} MB`);
if (json) {
  console.log(JSON.stringify({
    tx_index: TX_INDEX, tps_ed25519: Math.round(ed.tps), tps_secp256k1: Math.round(secp.tps),
    tps_cpu_ed25519: Math.round(ed.tpsCpu), tps_cpu_secp256k1: Math.round(secp.tpsCpu),
    ceiling_ed25519: Math.round(ceilEd.wall), ceiling_secp256k1: Math.round(ceilSecp.wall),
    ceiling_cpu_ed25519: Math.round(ceilEd.cpu), ceiling_cpu_secp256k1: Math.round(ceilSecp.cpu),
    ratio_ed25519: +(ed.tpsCpu / ceilEd.cpu).toFixed(3), ratio_secp256k1: +(secp.tpsCpu / ceilSecp.cpu).toFixed(3),
    p50_ms: +ed.p50.toFixed(2), p99_ms: +ed.p99.toFixed(2),
    commit_ms_ledger_1e3: +small.toFixed(2), commit_ms_ledger_large: +large.toFixed(2), ledger_large: largeN,
    rss_mb: Math.round(rssMb),
    verify_threads: threads, tps_workers_ed25519: Math.round(ed2.tps), tps_workers_secp256k1: Math.round(secp2.tps),
    ratio_workers_ed25519: +(ed2.tps / ceilEd.wall).toFixed(3), ratio_workers_secp256k1: +(secp2.tps / ceilSecp.wall).toFixed(3),
  }));
}
