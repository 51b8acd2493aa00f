/**
 * The CosmWasm contract ABI (interface_version_8) as far as the VM checks it statically: the `env` imports
 * it provides with their exact signatures, the required exports and the entry points.
 */

/** A function signature written as "params->results", value types i32/i64/f32/f64, e.g. "i32,i32->i32". */
export type Signature = string;

/** Every import the VM provides, module `env`. All arguments are u32 Region pointers or ids. */
export const ENV_IMPORTS: Readonly<Record<string, Signature>> = Object.freeze({
  abort: 'i32->',
  debug: 'i32->',
  db_read: 'i32->i32',
  db_write: 'i32,i32->',
  db_remove: 'i32->',
  db_scan: 'i32,i32,i32->i32',
  db_next: 'i32->i32',
  db_next_key: 'i32->i32',
  db_next_value: 'i32->i32',
  addr_validate: 'i32->i32',
  addr_canonicalize: 'i32,i32->i32',
  addr_humanize: 'i32,i32->i32',
  query_chain: 'i32->i32',
  secp256k1_verify: 'i32,i32,i32->i32',
  secp256k1_recover_pubkey: 'i32,i32,i32->i64',
  secp256r1_verify: 'i32,i32,i32->i32',
  secp256r1_recover_pubkey: 'i32,i32,i32->i64',
  ed25519_verify: 'i32,i32,i32->i32',
  ed25519_batch_verify: 'i32,i32,i32->i32',
  bls12_381_aggregate_g1: 'i32,i32->i32',
  bls12_381_aggregate_g2: 'i32,i32->i32',
  bls12_381_pairing_equality: 'i32,i32,i32,i32->i32',
  bls12_381_hash_to_g1: 'i32,i32,i32,i32->i32',
  bls12_381_hash_to_g2: 'i32,i32,i32,i32->i32',
});

export const REQUIRED_EXPORTS = ['allocate', 'deallocate'] as const;
export const INTERFACE_VERSION_PREFIX = 'interface_version_';
export const SUPPORTED_INTERFACE_VERSIONS = ['interface_version_8'] as const;
/** `requires_<capability>` exports declare capabilities the chain must offer. */
export const CAPABILITY_PREFIX = 'requires_';

/** Entry points and helpers with the signatures the VM calls them with. */
export const EXPORT_SIGNATURES: Readonly<Record<string, Signature>> = Object.freeze({
  allocate: 'i32->i32',
  deallocate: 'i32->',
  instantiate: 'i32,i32,i32->i32',
  execute: 'i32,i32,i32->i32',
  query: 'i32,i32->i32',
  migrate: 'i32,i32->i32',
  reply: 'i32,i32->i32',
  sudo: 'i32,i32->i32',
});

export type EntryPoint = 'instantiate' | 'execute' | 'query' | 'migrate' | 'reply' | 'sudo';
export const ENTRY_POINTS: readonly EntryPoint[] = ['instantiate', 'execute', 'query', 'migrate', 'reply', 'sudo'];

/** Import module of the functions the instrumentation adds (never visible to contract authors). */
export const VM_INTERNAL_MODULE = '__vivian_vm';
