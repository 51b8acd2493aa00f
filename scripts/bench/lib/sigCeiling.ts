/**
 * The machine's signature-verification ceiling: how many verifications per second one core does through the
 * node's own verify functions, with distinct keys and messages and the key-object cache warm (as in a busy
 * mempool where the same accounts sign again). The transfers benchmark compares its tx/s with this figure.
 * Usage as a script: tsx scripts/bench/lib/sigCeiling.ts [ms per algorithm, default 2000]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ed25519PublicKey, signEd25519, verifyEd25519 } from '../../../chain/crypto/ed25519.js';
import { secp256k1PublicKey, signSecp256k1, verifySecp256k1 } from '../../../chain/crypto/secp256k1.js';

export type SignatureAlgo = 'ed25519' | 'secp256k1';

/** Distinct signers, well under the verifiers' key caches, so every lookup after warm-up hits. */
const SIGNERS = 256;
/** About the size of a SignDoc for a bank send. */
const MESSAGE_BYTES = 250;
/** Verifications between clock reads. */
const CHUNK = 64;

interface Sample {
  readonly pubkey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

const algorithms = {
  ed25519: { publicKey: ed25519PublicKey, sign: signEd25519, verify: verifyEd25519 },
  secp256k1: { publicKey: secp256k1PublicKey, sign: signSecp256k1, verify: verifySecp256k1 },
} as const;

function samples(algo: SignatureAlgo): Sample[] {
  const { publicKey, sign } = algorithms[algo];
  const out: Sample[] = [];
  while (out.length < SIGNERS) {
    const privateKey = randomBytes(32);
    let pubkey: Uint8Array;
    try {
      pubkey = publicKey(privateKey);
    } catch {
      continue; // a secp256k1 scalar out of range: astronomically rare, just draw again
    }
    const message = randomBytes(MESSAGE_BYTES);
    out.push({ pubkey, message, signature: sign(privateKey, message) });
  }
  return out;
}

export interface VerifyRate {
  /** Verifications per wall-clock second: comparable with other wall-clock figures of the same run. */
  readonly perSecond: number;
  /** Verifications per second of this process's CPU time: the core's capacity, even on a busy machine. */
  readonly perCpuSecond: number;
}

/** Measures for about `ms` milliseconds after a warm-up, on this (single) thread. */
export function measureVerifyRate(algo: SignatureAlgo, ms: number): VerifyRate {
  const { verify } = algorithms[algo];
  const set = samples(algo);
  for (const s of set) {
    if (!verify(s.pubkey, s.message, s.signature)) throw new Error(`${algo}: warm-up signature rejected`);
  }
  let done = 0;
  let valid = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < CHUNK; i++) {
      const s = set[(done + i) % SIGNERS]!;
      if (verify(s.pubkey, s.message, s.signature)) valid++;
    }
    done += CHUNK;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  if (valid !== done) throw new Error(`${algo}: ${done - valid} valid signatures were rejected`);
  return { perSecond: (done * 1000) / elapsed, perCpuSecond: (done * 1e6) / (cpu.user + cpu.system) };
}

/** Verifications per (wall-clock) second on one core through the node's verify functions. */
export function measureVerifyCeiling(algo: SignatureAlgo, ms: number): number {
  return measureVerifyRate(algo, ms).perSecond;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ms = Number(process.argv[2] ?? 2000);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(8);
  for (const algo of ['ed25519', 'secp256k1'] as const) {
    const rate = measureVerifyRate(algo, ms);
    const line = `${fmt(rate.perSecond)} verifications/s wall, ${fmt(rate.perCpuSecond)} per CPU-second`;
    console.log(`${algo.padEnd(10)} ${line}`);
  }
}
