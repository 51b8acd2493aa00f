/**
 * The published gas schedule. Units are CosmWasm gas (1 Teragas ≈ 1 s of CPU, i.e. 10^6 gas per µs), so
 * figures are comparable with CosmWasm's; the chain converts (wasmd: 140,000 VM gas = 1 SDK gas).
 * Changing a number changes consensus: a schedule is part of the chain's parameters.
 */

/** Gas that grows linearly with a count (bytes, items). */
export interface LinearCost {
  readonly base: number;
  readonly perItem: number;
}

export function linearCost(cost: LinearCost, items: number): number {
  return cost.base + cost.perItem * items;
}

const GAS_PER_US = 1_000_000;

export interface GasSchedule {
  /** Every ordinary Wasm operator (arithmetic, locals, memory access, constants, ...). */
  readonly operator: number;
  /** Control-flow and call operators: block/loop/if/else/end, br, br_if, br_table, call, call_indirect, return. */
  readonly controlOperator: number;
  /** Each 64 KiB page added by `memory.grow` (on top of the operator itself). */
  readonly memoryGrowPerPage: number;
  /**
   * Each byte memory.copy, memory.fill or memory.init moves, by the length the instruction gets at run time,
   * charged before it runs (on top of the instruction itself, a `controlOperator`).
   */
  readonly bulkMemoryPerByte: number;
  /** Every host function call, before its own cost. */
  readonly hostCall: number;
  /** Reading a Region the contract passes to the host (per byte read). */
  readonly regionRead: LinearCost;
  /** Writing bytes into contract memory (arguments, return values of host calls). */
  readonly regionWrite: LinearCost;
  /** Turning bytes into a string (addresses, abort messages). */
  readonly stringFromBytes: LinearCost;
  /** Storage, unless the host's gas callback decides: Cosmos KV costs × 140,000 (wasmd's multiplier). */
  readonly storageRead: LinearCost;
  readonly storageWrite: LinearCost;
  readonly storageRemove: number;
  readonly storageScan: number;
  readonly storageNext: LinearCost;
  readonly secp256k1Verify: number;
  readonly secp256k1RecoverPubkey: number;
  readonly secp256r1Verify: number;
  readonly secp256r1RecoverPubkey: number;
  readonly ed25519Verify: number;
  readonly ed25519BatchVerify: LinearCost;
  readonly ed25519BatchVerifyOnePubkey: LinearCost;
  readonly bls12381AggregateG1: LinearCost;
  readonly bls12381AggregateG2: LinearCost;
  readonly bls12381HashToG1: number;
  readonly bls12381HashToG2: number;
  readonly bls12381PairingEquality: LinearCost;
  /** Vector collections (capability vivian_vector), on top of the host's storage costs: per insert, + per dimension. */
  readonly vectorInsert: LinearCost;
  readonly vectorRemove: number;
  /** Each stored vector a search compares with the query: per vector, + per dimension. */
  readonly vectorCompare: LinearCost;
}

const SDK_GAS = 140_000;

export const DEFAULT_GAS_SCHEDULE: GasSchedule = Object.freeze({
  operator: 115,
  controlOperator: 115 * 14,
  memoryGrowPerPage: 1 * GAS_PER_US,
  // measured: V8's memory.copy/fill move 7-13 ps per byte in cache, a copy of 8 MiB to distinct memory ~93 ps
  // per byte; the figure covers that worst case (a copy loop of i64 loads and stores would pay ~86 per byte)
  bulkMemoryPerByte: 100,
  hostCall: 18_000,
  regionRead: { base: 0, perItem: 115 },
  regionWrite: { base: 230_000, perItem: 570 },
  stringFromBytes: { base: 28_700, perItem: 1_400 },
  storageRead: { base: 1_000 * SDK_GAS, perItem: 3 * SDK_GAS },
  storageWrite: { base: 2_000 * SDK_GAS, perItem: 30 * SDK_GAS },
  storageRemove: 1_000 * SDK_GAS,
  storageScan: 1_000 * SDK_GAS,
  storageNext: { base: 30 * SDK_GAS, perItem: 3 * SDK_GAS },
  secp256k1Verify: 96 * GAS_PER_US,
  secp256k1RecoverPubkey: 194 * GAS_PER_US,
  secp256r1Verify: 279 * GAS_PER_US,
  secp256r1RecoverPubkey: 592 * GAS_PER_US,
  ed25519Verify: 35 * GAS_PER_US,
  ed25519BatchVerify: { base: 24 * GAS_PER_US, perItem: 21 * GAS_PER_US },
  ed25519BatchVerifyOnePubkey: { base: 36 * GAS_PER_US, perItem: 10 * GAS_PER_US },
  bls12381AggregateG1: { base: (136 * GAS_PER_US) / 2, perItem: (24 * GAS_PER_US) / 2 },
  bls12381AggregateG2: { base: (207 * GAS_PER_US) / 2, perItem: (49 * GAS_PER_US) / 2 },
  bls12381HashToG1: 563 * GAS_PER_US,
  bls12381HashToG2: 871 * GAS_PER_US,
  bls12381PairingEquality: { base: 2112 * GAS_PER_US, perItem: 163 * GAS_PER_US },
  // measured: an exact int8 scan costs ~0.15 µs per vector + ~3 ns per dimension; these leave headroom
  vectorInsert: { base: 1 * GAS_PER_US, perItem: 100 },
  vectorRemove: 1 * GAS_PER_US,
  vectorCompare: { base: GAS_PER_US / 2, perItem: 4_000 },
});
