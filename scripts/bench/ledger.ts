/**
 * Ledger benchmark: ledgers of 10^3, 10^5 and 10^6 transactions (--quick stops at 10^5) stored in a real LMDB
 * environment under a temporary directory, with the node's key layout (LedgerNode, LedgerEntry, TxByHash) and
 * 10,000 appends per write transaction. Measures the append rate, random lookups by version and by tx hash,
 * inclusion-proof generation (frozen nodes from LMDB, levels >= 8 cached in memory) and verification, and proof size.
 * Usage: tsx scripts/bench/ledger.ts [--quick] [--json]   (--json adds a last line of JSON figures)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { open, type RootDatabase } from 'lmdb';
import { sha256 } from '../../chain/crypto/hash.js';
import { readU64be, u64be } from '../../chain/store/buckets.js';
import {
  LedgerAccumulator,
  MemoryLedgerNodeStore,
  cachingLedgerNodeStore,
  decodeTxInfo,
  encodeTxInfo,
  keyValueLedgerNodeStore,
  leafHash,
  ledgerEntryKey,
  encodeLedgerEntry,
  decodeLedgerEntry,
  ledgerNodeKey,
  txByHashKey,
  verifyInclusion,
  type TxInfo,
} from '../../chain/ledger/index.js';

const EMPTY = new Uint8Array(0);
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const sizes = quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000];
const BATCH = 10_000;
const LOOKUPS = 20_000;
const PROOFS = quick ? 10_000 : 20_000;
const VERIFIES = quick ? 5_000 : 10_000;
const APPEND_PROBE = 2_000;

const TXS_PER_BLOCK = 100;
const txHashOf = (version: number) => sha256(u64be(version));

/** A realistic leaf: every field set, as a failed or successful transfer would have. */
function txInfoOf(version: number): TxInfo {
  return {
    txHash: txHashOf(version),
    height: BigInt(Math.floor(version / TXS_PER_BLOCK) + 1),
    index: version % TXS_PER_BLOCK,
    code: version % 17 === 0 ? 5 : 0,
    codespace: version % 17 === 0 ? 'bank' : '',
    gasWanted: 200_000n,
    gasUsed: BigInt(60_000 + (version % 9_973)),
    eventsHash: sha256(u64be(version), Uint8Array.of(1)),
    embeddingHash: sha256(u64be(version), Uint8Array.of(2)),
    dataHash: new Uint8Array(0),
  };
}

/** Deterministic xorshift, so every run reads the same positions. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

const ROUNDS = 5;

/**
 * Microseconds per call of `fn(i)` for i in [0, count), after a short warm-up: the median of ROUNDS slices,
 * so a burst of load from other processes on a shared machine does not decide the figure.
 */
function timePerCall(count: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(1_000, count); i++) fn(i);
  const slice = Math.ceil(count / ROUNDS);
  const perCall: number[] = [];
  for (let from = 0; from < count; from += slice) {
    const to = Math.min(from + slice, count);
    const t0 = performance.now();
    for (let i = from; i < to; i++) fn(i);
    perCall.push(((performance.now() - t0) * 1000) / (to - from));
  }
  return perCall.sort((a, b) => a - b)[perCall.length >> 1]!;
}

interface SizeResult {
  n: number;
  appendsPerS: number;
  appendTotalUs: number;
  accumulatorAppendUs: number;
  writeUs: number;
  lookupVersionUs: number;
  lookupHashUs: number;
  proofsPerS: number;
  historicalProofsPerS: number;
  verifyUs: number;
  proofBytes: number;
  consistencyProofsPerS: number;
}

function runSize(n: number): SizeResult {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-ledger-bench-'));
  const db: RootDatabase<Uint8Array, Uint8Array> = open({
    path: dir,
    keyEncoding: 'binary',
    encoding: 'binary',
    compression: false,
  });
  try {
    const acc = new LedgerAccumulator(keyValueLedgerNodeStore((key) => db.get(key)));
    let writeMs = 0;
    const start = performance.now();
    for (let first = 0; first < n; first += BATCH) {
      const last = Math.min(first + BATCH, n);
      const puts: Array<[Uint8Array, Uint8Array]> = [];
      const leaves: Uint8Array[] = [];
      for (let v = first; v < last; v++) {
        const info = txInfoOf(v);
        const bytes = encodeTxInfo(info);
        leaves.push(leafHash(bytes));
        puts.push([ledgerEntryKey(BigInt(v)), encodeLedgerEntry(bytes, EMPTY, EMPTY)], [txByHashKey(info.txHash), u64be(v)]);
      }
      for (const leaf of leaves) acc.append(leaf);
      const writeStart = performance.now();
      for (const node of acc.pendingNodes()) puts.push([ledgerNodeKey(node.level, node.index), node.hash]);
      db.transactionSync(() => {
        for (const [k, v] of puts) db.putSync(k, v);
      });
      acc.markCommitted();
      writeMs += performance.now() - writeStart;
    }
    const totalMs = performance.now() - start;

    // Resume from the store, as a restarted node would, and check the root survived;
    // with the upper levels cached in memory, as a serving node would run it.
    const resumed = new LedgerAccumulator(cachingLedgerNodeStore(keyValueLedgerNodeStore((key) => db.get(key))), n);
    if (Buffer.compare(resumed.root(), acc.root()) !== 0) throw new Error('resumed root differs');

    const pick = rng(n * 7 + 1);
    const versions = Array.from({ length: LOOKUPS }, () => pick(n));
    const hashes = versions.map(txHashOf);
    let check = 0;
    const lookupVersionUs = timePerCall(LOOKUPS, (i) => {
      check += decodeTxInfo(decodeLedgerEntry(db.get(ledgerEntryKey(BigInt(versions[i]!)))!).leaf).index;
    });
    const lookupHashUs = timePerCall(LOOKUPS, (i) => {
      const version = readU64be(db.get(txByHashKey(hashes[i]!))!);
      check += decodeTxInfo(decodeLedgerEntry(db.get(ledgerEntryKey(version))!).leaf).index;
    });

    const size = BigInt(n);
    const proofIndexes = Array.from({ length: PROOFS }, () => BigInt(pick(n)));
    const proveUs = timePerCall(PROOFS, (i) => {
      check += resumed.inclusionProof(proofIndexes[i]!).length;
    });
    // Against a past size, so the right edge is composed from frozen nodes read from LMDB.
    const pastSizes = proofIndexes.map((index) => index + 1n + BigInt(pick(n - Number(index))));
    const historicalUs = timePerCall(PROOFS, (i) => {
      check += resumed.inclusionProof(proofIndexes[i]!, pastSizes[i]!).length;
    });
    const consistencyUs = timePerCall(PROOFS, (i) => {
      check += resumed.consistencyProof(proofIndexes[i]! + 1n).length;
    });

    // The accumulator's own append cost at this size: append a block's worth, then roll it back.
    // Appends touch only the in-memory peaks, never the store, so this must not grow with n.
    const extra = Array.from({ length: APPEND_PROBE }, (_, i) => leafHash(encodeTxInfo(txInfoOf(n + i))));
    const accumulatorAppendUs = timePerCall(APPEND_PROBE * ROUNDS, (i) => {
      resumed.append(extra[i % APPEND_PROBE]!);
      if (i % APPEND_PROBE === APPEND_PROBE - 1) resumed.rollback();
    });
    resumed.rollback();

    const root = resumed.root();
    const samples = proofIndexes.slice(0, VERIFIES).map((index) => ({
      index,
      leaf: resumed.leafHashAt(index),
      path: resumed.inclusionProof(index),
    }));
    let valid = 0;
    const verifyUs = timePerCall(VERIFIES, (i) => {
      const s = samples[i]!;
      if (verifyInclusion(s.leaf, s.index, size, s.path, root)) valid++;
    });
    if (valid < VERIFIES) throw new Error(`only ${valid} of ${VERIFIES} proofs verified`);
    const proofBytes = (samples.reduce((sum, s) => sum + s.path.length, 0) / samples.length) * 32;
    if (check === 0) throw new Error('nothing was measured');

    return {
      n,
      appendsPerS: Math.round((n / totalMs) * 1000),
      appendTotalUs: (totalMs * 1000) / n,
      accumulatorAppendUs,
      writeUs: (writeMs * 1000) / n,
      lookupVersionUs,
      lookupHashUs,
      proofsPerS: Math.round(1e6 / proveUs),
      historicalProofsPerS: Math.round(1e6 / historicalUs),
      verifyUs,
      proofBytes,
      consistencyProofsPerS: Math.round(1e6 / consistencyUs),
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Warms the JIT on an in-memory ledger so the first (smallest) size is not measured cold. */
function warmUp(): void {
  const store = new MemoryLedgerNodeStore();
  const acc = new LedgerAccumulator(store);
  for (let v = 0; v < 20_000; v++) acc.append(leafHash(encodeTxInfo(txInfoOf(v))));
  store.putNodes(acc.pendingNodes());
  acc.markCommitted();
  const root = acc.root();
  for (let i = 0n; i < 5_000n; i++) {
    const index = (i * 7919n) % acc.size;
    verifyInclusion(acc.leafHashAt(index), index, acc.size, acc.inclusionProof(index), root);
    acc.consistencyProof(index + 1n);
  }
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const int = (x: number) => Math.round(x).toLocaleString('en-US');

function printTable(r: SizeResult): void {
  const rows: Array<[string, string]> = [
    ['append rate (encode + accumulate + LMDB write)', `${int(r.appendsPerS)} tx/s (${fmt(r.appendTotalUs, 2)} us/tx)`],
    ['  accumulator append alone (at this size)', `${fmt(r.accumulatorAppendUs, 2)} us/tx`],
    ['  LMDB write (batches of 10,000)', `${fmt(r.writeUs, 2)} us/tx`],
    ['lookup by version (random, TxInfo decoded)', `${fmt(r.lookupVersionUs, 2)} us`],
    ['lookup by tx hash (random, TxInfo decoded)', `${fmt(r.lookupHashUs, 2)} us`],
    ['inclusion proof, current size', `${int(r.proofsPerS)} proofs/s`],
    ['inclusion proof, random past size', `${int(r.historicalProofsPerS)} proofs/s`],
    ['consistency proof, random first size', `${int(r.consistencyProofsPerS)} proofs/s`],
    ['inclusion proof verification', `${fmt(r.verifyUs, 1)} us`],
    ['inclusion proof size (average)', `${int(r.proofBytes)} bytes`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nledger of ${int(r.n)} transactions`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

warmUp();
const results: SizeResult[] = [];
for (const n of sizes) {
  const r = runSize(n);
  results.push(r);
  printTable(r);
}
const small = results[0]!;
const large = results[results.length - 1]!;
const lookupRatio = large.lookupVersionUs / small.lookupVersionUs;
const appendRatio = large.accumulatorAppendUs / small.accumulatorAppendUs;
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
console.log(`\nscaling from ${int(small.n)} to ${int(large.n)} transactions`);
console.log(`  lookup by version   ${fmt(small.lookupVersionUs, 2)} -> ${fmt(large.lookupVersionUs, 2)} us, ratio ${fmt(lookupRatio, 2)} (target <= 1.5: ${verdict(lookupRatio <= 1.5)})`);
console.log(`  accumulator append  ${fmt(small.accumulatorAppendUs, 2)} -> ${fmt(large.accumulatorAppendUs, 2)} us, ratio ${fmt(appendRatio, 2)} (flat)`);
console.log(`  whole append        ${fmt(small.appendTotalUs, 2)} -> ${fmt(large.appendTotalUs, 2)} us`);
console.log(`  proofs at ${int(large.n)}: ${int(large.proofsPerS)}/s (target >= 20,000: ${verdict(large.proofsPerS >= 20_000)}); verification ${fmt(large.verifyUs)} us (target < 50: ${verdict(large.verifyUs < 50)})`);
if (json) {
  console.log(
    JSON.stringify({
      lookup_us_small: +small.lookupVersionUs.toFixed(3),
      lookup_us_large: +large.lookupVersionUs.toFixed(3),
      lookup_by_hash_us_large: +large.lookupHashUs.toFixed(3),
      n_small: small.n,
      n_large: large.n,
      proofs_per_s: large.proofsPerS,
      historical_proofs_per_s: large.historicalProofsPerS,
      consistency_proofs_per_s: large.consistencyProofsPerS,
      verify_us: +large.verifyUs.toFixed(3),
      proof_bytes: Math.round(large.proofBytes),
      appends_per_s: large.appendsPerS,
      append_us_small: +small.accumulatorAppendUs.toFixed(3),
      append_us_large: +large.accumulatorAppendUs.toFixed(3),
    }),
  );
}
