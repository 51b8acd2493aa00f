/**
 * State tree benchmark: applyBatch for blocks of 1k and 10k changes into trees of 10^4..10^6 keys, with nodes
 * in memory (MemoryTreeStore) and in a real LMDB environment under a temporary directory; then proof
 * generation and verification. Usage: tsx scripts/bench/stateTree.ts [--quick] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { open, type Database, type RootDatabase } from 'lmdb';
import { sha256 } from '../../chain/crypto/hash.js';
import { u64be } from '../../chain/store/buckets.js';
import {
  MemoryTreeStore,
  StateTree,
  type TreeBatchResult,
  type TreeChange,
  type TreeNodeReader,
  encodeProof,
  verifyProof,
} from '../../chain/store/stateTree/index.js';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const blockSizes = [1_000, 10_000];
const reps = quick ? 2 : 3;
const proofCount = quick ? 500 : 2_000;
const LOAD_CHUNK = 100_000;

const log = (s: string) => {
  if (!json) process.stderr.write(`${s}\n`);
};

/** A node store the benchmark can write batches to and prune as it goes (it only needs the latest version). */
interface Backend extends TreeNodeReader {
  readonly name: string;
  commit(version: bigint, r: TreeBatchResult): void;
  close(): void;
}

class MemoryBackend implements Backend {
  readonly name = 'memory';
  private readonly store = new MemoryTreeStore();
  get(k: Uint8Array) {
    return this.store.get(k);
  }
  commit(version: bigint, r: TreeBatchResult) {
    this.store.commit(version, r);
    this.store.prune(version);
  }
  close() {}
}

class LmdbBackend implements Backend {
  readonly name = 'lmdb';
  private readonly dir = mkdtempSync(join(tmpdir(), 'vivian-statetree-bench-'));
  private readonly env: RootDatabase = open({ path: this.dir, compression: false });
  private readonly db: Database<Uint8Array, Uint8Array> = this.env.openDB({
    name: 'nodes',
    keyEncoding: 'binary',
    encoding: 'binary',
  });
  get(k: Uint8Array) {
    return this.db.get(k);
  }
  commit(_version: bigint, r: TreeBatchResult) {
    this.db.transactionSync(() => {
      for (const [k, v] of r.newNodes) this.db.putSync(k, v);
      for (const k of r.staleNodes) this.db.removeSync(k);
    });
  }
  close() {
    this.env.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const keyHashOf = (i: number) => sha256(u64be(i));
const valueHashOf = (i: number, version: bigint) => sha256(u64be(i), u64be(version));

/** Deterministic xorshift, so every run measures the same batches. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;

interface BlockRow {
  backend: string;
  treeKeys: number;
  blockChanges: number;
  applyMs: number;
  /** CPU time of the same call: on a shared machine wall time includes waiting for a core. */
  applyCpuMs: number;
  usPerChange: number;
  commitMs: number;
  newNodes: number;
  staleNodes: number;
}
interface LoadRow {
  backend: string;
  treeKeys: number;
  loadSeconds: number;
  keysPerSecond: number;
}
interface ProofRow {
  backend: string;
  treeKeys: number;
  kind: 'existence' | 'non-existence';
  proveUs: number;
  verifyUs: number;
  avgBytes: number;
  avgSiblings: number;
}

function runSize(backend: Backend, n: number, blocks: BlockRow[], loads: LoadRow[], proofs: ProofRow[]) {
  const tree = new StateTree(backend);
  let version: bigint | null = null;
  let nextKey = 0;
  const apply = (changes: TreeChange[]) => {
    const v: bigint = version === null ? 1n : version + 1n;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = tree.applyBatch(version, v, changes);
    const t1 = performance.now();
    const cpu = process.cpuUsage(c0);
    backend.commit(v, r);
    const t2 = performance.now();
    version = v;
    return { r, applyMs: t1 - t0, applyCpuMs: (cpu.user + cpu.system) / 1000, commitMs: t2 - t1 };
  };

  const loadStart = performance.now();
  while (nextKey < n) {
    const count = Math.min(LOAD_CHUNK, n - nextKey);
    const v = version === null ? 1n : (version as bigint) + 1n;
    apply(Array.from({ length: count }, (_, i) => ({ keyHash: keyHashOf(nextKey + i), valueHash: valueHashOf(nextKey + i, v) })));
    nextKey += count;
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  loads.push({ backend: backend.name, treeKeys: n, loadSeconds, keysPerSecond: Math.round(n / loadSeconds) });
  log(`  ${backend.name} ${n} keys loaded in ${loadSeconds.toFixed(1)} s`);

  const pick = rng(n);
  const deleted = new Set<number>();
  for (const size of blockSizes) {
    const applyTimes: number[] = [];
    const applyCpuTimes: number[] = [];
    const commitTimes: number[] = [];
    let last: TreeBatchResult | undefined;
    for (let rep = 0; rep < reps; rep++) {
      // 70% updates of existing keys, 25% inserts, 5% deletes; distinct keys
      const v = (version as bigint | null ?? 0n) + 1n;
      const used = new Set<number>();
      const existing = nextKey;
      const changes: TreeChange[] = [];
      while (changes.length < size) {
        const roll = pick(100);
        if (roll < 25) {
          const k = nextKey++;
          changes.push({ keyHash: keyHashOf(k), valueHash: valueHashOf(k, v) });
          continue;
        }
        const k = pick(existing);
        if (used.has(k)) continue;
        used.add(k);
        if (roll < 95) deleted.delete(k);
        else deleted.add(k);
        changes.push({ keyHash: keyHashOf(k), valueHash: roll < 95 ? valueHashOf(k, v) : null });
      }
      const { r, applyMs, applyCpuMs, commitMs } = apply(changes);
      applyTimes.push(applyMs);
      applyCpuTimes.push(applyCpuMs);
      commitTimes.push(commitMs);
      last = r;
    }
    const applyMs = median(applyTimes);
    blocks.push({
      backend: backend.name,
      treeKeys: n,
      blockChanges: size,
      applyMs: round(applyMs),
      applyCpuMs: round(median(applyCpuTimes)),
      usPerChange: round((applyMs * 1000) / size),
      commitMs: round(median(commitTimes)),
      newNodes: last!.newNodes.length,
      staleNodes: last!.staleNodes.length,
    });
    log(`  ${backend.name} ${n} keys, block of ${size}: apply ${applyMs.toFixed(1)} ms, commit ${median(commitTimes).toFixed(1)} ms`);
  }

  const root = tree.getRoot(version!);
  for (const kind of ['existence', 'non-existence'] as const) {
    const keys: Uint8Array[] = [];
    for (let i = 0; keys.length < proofCount; i++) {
      if (kind === 'non-existence') keys.push(sha256(Uint8Array.of(0xff), u64be(i)));
      else {
        const k = pick(nextKey);
        if (!deleted.has(k)) keys.push(keyHashOf(k));
      }
    }
    const t0 = performance.now();
    const ps = keys.map((k) => tree.getProof(version!, k));
    const t1 = performance.now();
    const values = ps.map((p) => (kind === 'existence' ? p.leaf!.valueHash : null));
    const encoded = ps.map(encodeProof);
    const t2 = performance.now();
    let ok = 0;
    for (let i = 0; i < keys.length; i++) if (verifyProof(root, keys[i]!, values[i]!, encoded[i]!)) ok++;
    const t3 = performance.now();
    if (ok !== keys.length) throw new Error(`${keys.length - ok} proofs failed to verify`);
    proofs.push({
      backend: backend.name,
      treeKeys: n,
      kind,
      proveUs: round(((t1 - t0) * 1000) / keys.length),
      verifyUs: round(((t3 - t2) * 1000) / keys.length),
      avgBytes: Math.round(encoded.reduce((s, e) => s + e.length, 0) / keys.length),
      avgSiblings: round(ps.reduce((s, p) => s + p.siblings.length, 0) / keys.length),
    });
  }
}

function round(x: number) {
  return Math.round(x * 100) / 100;
}

/** The machine's ceiling for the tree's dominant cost: 80-byte SHA-256 through chain/crypto/hash.ts. */
function hashRate(): number {
  const a = new Uint8Array(16);
  const b = new Uint8Array(32);
  const count = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) sha256(a, b, b);
  return Math.round(count / ((performance.now() - t0) / 1000));
}

const blocks: BlockRow[] = [];
const loads: LoadRow[] = [];
const proofs: ProofRow[] = [];
const hashesPerSecond = hashRate();
for (const n of sizes) {
  for (const make of [() => new MemoryBackend(), () => new LmdbBackend()]) {
    const backend = make();
    try {
      runSize(backend, n, blocks, loads, proofs);
    } finally {
      backend.close();
    }
  }
}

if (json) {
  process.stdout.write(`${JSON.stringify({ hashesPerSecond, loads, blocks, proofs }, null, 2)}\n`);
} else {
  console.log(`\nSHA-256 (80 bytes, chain/crypto/hash.ts): ${hashesPerSecond.toLocaleString('en')} /s`);
  console.log('\nInitial load (chunks of 100k keys per version)');
  console.table(loads);
  console.log('applyBatch (median of', reps, 'blocks; 70% updates, 25% inserts, 5% deletes)');
  console.table(blocks);
  console.log('Proofs (per proof)');
  console.table(proofs);
}
