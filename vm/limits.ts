/** Static and runtime limits of the VM. Upload limits follow CosmWasm's defaults (packages/vm/src/config.rs). */
export interface VmLimits {
  /** Largest wasm binary accepted (bytes, after any decompression the chain does). */
  readonly maxWasmBytes: number;
  /** Largest initial memory a module may declare, in 64 KiB pages. */
  readonly maxInitialMemoryPages: number;
  /** The cap the VM sets on memory (no module may set its own maximum): 512 pages = 32 MiB. */
  readonly maxMemoryPages: number;
  readonly maxTableElements: number;
  readonly maxImports: number;
  readonly maxFunctions: number;
  readonly maxFunctionParams: number;
  readonly maxTotalFunctionParams: number;
  readonly maxFunctionResults: number;
  readonly maxFunctionLocals: number;
  readonly maxTotalFunctionLocals: number;
  /**
   * Call-depth budget in estimated stack bytes, shared by a call and the queries it makes. Each function
   * entry adds an estimate of its frame (see instrument.ts); the budget stays well below V8's native stack so
   * the VM's own, deterministic limit always trips first.
   */
  readonly maxStackBytes: number;
  /** Largest result (ContractResult JSON) read back from a contract. */
  readonly maxResultBytes: number;
  /** Open db_scan iterators per call. */
  readonly maxIterators: number;
}

export const DEFAULT_LIMITS: VmLimits = Object.freeze({
  maxWasmBytes: 3 * 1024 * 1024,
  maxInitialMemoryPages: 512,
  maxMemoryPages: 512,
  maxTableElements: 2_500,
  maxImports: 100,
  maxFunctions: 20_000,
  maxFunctionParams: 100,
  maxTotalFunctionParams: 10_000,
  maxFunctionResults: 1,
  maxFunctionLocals: 100,
  maxTotalFunctionLocals: 10_000,
  maxStackBytes: 256 * 1024,
  maxResultBytes: 8 * 1024 * 1024,
  maxIterators: 1_000,
});

/** Region and argument limits of the CosmWasm ABI (packages/vm/src/imports.rs). */
export const ABI_LIMITS = Object.freeze({
  dbKey: 64 * 1024,
  dbValue: 128 * 1024,
  canonicalAddress: 64,
  humanAddress: 256,
  queryRequest: 64 * 1024,
  debugMessage: 2 * 1024 * 1024,
  abortMessage: 2 * 1024 * 1024,
  ecdsaMessageHash: 32,
  ecdsaSignature: 64,
  ecdsaPubkey: 65,
  ed25519Message: 128 * 1024,
  ed25519Signature: 64,
  ed25519Pubkey: 32,
  ed25519BatchCount: 256,
  blsAggregate: 2 * 1024 * 1024,
  blsMessage: 5 * 1024 * 1024,
  blsDst: 5 * 1024,
  blsG1: 48,
  blsG2: 96,
});
