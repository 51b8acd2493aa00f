import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import binaryen from 'binaryen';
import { Order, type Host, type Storage, type StorageIterator } from '../../vm/index.js';

/**
 * Assembles WebAssembly text to bytes (all features enabled, so hostile modules can be written too;
 * `bulkMemory` adds just that proposal, as Rust >= 1.87 emits it for wasm32).
 */
export function wat(text: string, allFeatures = false, bulkMemory = false): Uint8Array {
  const mod = binaryen.parseText(text);
  try {
    const F = binaryen.Features;
    // binaryen 132 knows the compact import encoding (not in its .d.ts); V8 and CosmWasm do not: leave it off.
    const compactImports = (F as unknown as Record<string, number>).CompactImports ?? 0;
    const base = F.MutableGlobals | F.SignExt | F.NontrappingFPToInt | F.Multivalue | (bulkMemory ? F.BulkMemory | F.BulkMemoryOpt : 0);
    mod.setFeatures(allFeatures ? F.All & ~compactImports : base);
    return mod.emitBinary();
  } finally {
    mod.dispose();
  }
}

/** Every env import with its CosmWasm signature, for WAT contracts. */
export const ENV_IMPORTS_WAT = `
  (import "env" "abort" (func $abort (param i32)))
  (import "env" "debug" (func $debug (param i32)))
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (import "env" "db_write" (func $db_write (param i32 i32)))
  (import "env" "db_remove" (func $db_remove (param i32)))
  (import "env" "db_scan" (func $db_scan (param i32 i32 i32) (result i32)))
  (import "env" "db_next" (func $db_next (param i32) (result i32)))
  (import "env" "db_next_key" (func $db_next_key (param i32) (result i32)))
  (import "env" "db_next_value" (func $db_next_value (param i32) (result i32)))
  (import "env" "addr_validate" (func $addr_validate (param i32) (result i32)))
  (import "env" "addr_canonicalize" (func $addr_canonicalize (param i32 i32) (result i32)))
  (import "env" "addr_humanize" (func $addr_humanize (param i32 i32) (result i32)))
  (import "env" "query_chain" (func $query_chain (param i32) (result i32)))
  (import "env" "secp256k1_verify" (func $secp256k1_verify (param i32 i32 i32) (result i32)))
  (import "env" "secp256k1_recover_pubkey" (func $secp256k1_recover_pubkey (param i32 i32 i32) (result i64)))
  (import "env" "secp256r1_verify" (func $secp256r1_verify (param i32 i32 i32) (result i32)))
  (import "env" "secp256r1_recover_pubkey" (func $secp256r1_recover_pubkey (param i32 i32 i32) (result i64)))
  (import "env" "ed25519_verify" (func $ed25519_verify (param i32 i32 i32) (result i32)))
  (import "env" "ed25519_batch_verify" (func $ed25519_batch_verify (param i32 i32 i32) (result i32)))
  (import "env" "bls12_381_aggregate_g1" (func $bls12_381_aggregate_g1 (param i32 i32) (result i32)))
  (import "env" "bls12_381_aggregate_g2" (func $bls12_381_aggregate_g2 (param i32 i32) (result i32)))
  (import "env" "bls12_381_pairing_equality" (func $bls12_381_pairing_equality (param i32 i32 i32 i32) (result i32)))
  (import "env" "bls12_381_hash_to_g1" (func $bls12_381_hash_to_g1 (param i32 i32 i32 i32) (result i32)))
  (import "env" "bls12_381_hash_to_g2" (func $bls12_381_hash_to_g2 (param i32 i32 i32 i32) (result i32)))
`;

/**
 * A minimal CosmWasm contract in WAT: a bump allocator over Regions, the interface marker, and `body`
 * (entry points and helpers). `$ok` returns a Region holding {"ok":{...empty Response...}}.
 */
export function contract(body: string, opts: { imports?: string; memory?: string; bulkMemory?: boolean } = {}): Uint8Array {
  return wat(`(module
  ${opts.imports ?? ENV_IMPORTS_WAT}
  ${opts.memory ?? '(memory (export "memory") 1)'}
  (global $heap (mut i32) (i32.const 8192))
  (data (i32.const 1024) "{\\"ok\\":{\\"messages\\":[],\\"attributes\\":[],\\"events\\":[],\\"data\\":null}}")
  (data (i32.const 1000) "\\00\\04\\00\\00\\3e\\00\\00\\00\\3e\\00\\00\\00")
  (func (export "interface_version_8"))
  (func $allocate (export "allocate") (param $size i32) (result i32)
    (local $r i32) (local $end i32)
    (local.set $r (global.get $heap))
    (local.set $end (i32.add (i32.add (local.get $r) (i32.const 12)) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1))))))
    (i32.store (local.get $r) (i32.add (local.get $r) (i32.const 12)))
    (i32.store offset=4 (local.get $r) (local.get $size))
    (i32.store offset=8 (local.get $r) (i32.const 0))
    (global.set $heap (i32.and (i32.add (local.get $end) (i32.const 7)) (i32.const -8)))
    (local.get $r))
  (func (export "deallocate") (param i32))
  (func $ok (result i32) (i32.const 1000))
  ${body}
)`, false, opts.bulkMemory);
}

/** An in-memory, sorted storage with snapshot iterators. */
export class MemoryStorage implements Storage {
  readonly map = new Map<string, Uint8Array>();

  get(key: Uint8Array) {
    return this.map.get(Buffer.from(key).toString('hex'));
  }
  set(key: Uint8Array, value: Uint8Array) {
    this.map.set(Buffer.from(key).toString('hex'), value.slice());
  }
  remove(key: Uint8Array) {
    this.map.delete(Buffer.from(key).toString('hex'));
  }
  scan(start: Uint8Array | undefined, end: Uint8Array | undefined, order: Order): StorageIterator {
    const s = start && Buffer.from(start).toString('hex');
    const e = end && Buffer.from(end).toString('hex');
    const keys = [...this.map.keys()].filter((k) => (s === undefined || k >= s) && (e === undefined || k < e)).sort();
    if (order === Order.Descending) keys.reverse();
    const records = keys.map((k) => [Buffer.from(k, 'hex'), this.map.get(k)!] as [Uint8Array, Uint8Array]);
    let i = 0;
    return { next: () => records[i++] };
  }
}

export function testHost(overrides: Partial<Host> = {}): Host & { storage: MemoryStorage; logs: string[] } {
  const logs: string[] = [];
  return {
    storage: new MemoryStorage(),
    api: {
      addrValidate: (h) => (h.startsWith('vivian1') ? { ok: true } : { error: `invalid address ${h}` }),
      addrCanonicalize: (h) => (h.startsWith('vivian1') ? { ok: new TextEncoder().encode(h.slice(7)) } : { error: `invalid address ${h}` }),
      addrHumanize: (c) => ({ ok: `vivian1${new TextDecoder().decode(c)}` }),
    },
    querier: {
      queryChain: (req) => ({ result: new TextEncoder().encode(`{"ok":{"ok":"${Buffer.from(req).toString('base64')}"}}`), gasUsed: 1000n }),
    },
    debug: (m) => logs.push(m),
    logs,
    ...overrides,
  } as Host & { storage: MemoryStorage; logs: string[] };
}

export const ENV = {
  block: { height: 12345, time: '1571797419879305533', chain_id: 'vivian-dev-1' },
  transaction: { index: 3 },
  contract: { address: 'vivian1contract' },
};
export const INFO = { sender: 'vivian1sender', funds: [{ denom: 'uviv', amount: '100' }] };
export const enc = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Rust-built CosmWasm contracts shipped by a dev dependency (cw-plus and others, cosmwasm-std 1.2). */
export const RUST_CONTRACTS = [
  'cw-ics20-latest', 'cw-ics721-bridge', 'cw1-subkeys', 'cw1-whitelist', 'cw20-base', 'cw20-ics20',
  'cw3-fixed-multisig', 'cw3-flex-multisig', 'cw4-group', 'cw4-stake', 'cw721-base', 'multicall',
] as const;

/** The bytes of a Rust-built contract, read from the installed package (never copied into the repository). */
export function rustContract(name: (typeof RUST_CONTRACTS)[number]): Uint8Array {
  const pkg = createRequire(import.meta.url).resolve('@oraichain/common-contracts-build/package.json');
  return new Uint8Array(readFileSync(join(dirname(pkg), 'data', `${name}.wasm`)));
}
