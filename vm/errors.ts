/**
 * Typed errors of the VM. `code` is stable (the chain maps it into its own codespace), so codes are listed
 * once here and never renumbered. The VM never imports chain code, hence its own class.
 */
export enum VmErrorCode {
  /** The bytes are not a well-formed WebAssembly module. */
  InvalidWasm = 1,
  /** The module uses a WebAssembly feature that is not deterministic or not supported (SIMD, threads, ...). */
  ForbiddenFeature = 2,
  /** A static limit (imports, functions, locals, table, memory, size) is exceeded. */
  LimitExceeded = 3,
  /** The module imports something the VM does not provide, or with the wrong signature. */
  UnsupportedImport = 4,
  /** A required export is missing or has the wrong type (allocate, deallocate, interface_version_8). */
  InvalidExports = 5,
  /** The module requires a capability (requires_* export) the chain does not offer. */
  UnavailableCapability = 6,
  /** No code with this checksum is known to the VM. */
  CodeNotFound = 7,
  /** The call used all its gas. */
  OutOfGas = 8,
  /** The call nested functions deeper than the VM's stack budget. */
  CallDepthExceeded = 9,
  /** The contract trapped (unreachable, out-of-bounds memory access, division by zero, ...). */
  ContractTrap = 10,
  /** The contract called `abort` with a message. */
  ContractAborted = 11,
  /** The contract handed the VM a Region that is malformed, too small or out of bounds. */
  RegionError = 12,
  /** A value crossing the boundary is larger than allowed (result, key, value, message). */
  TooLarge = 13,
  /** The contract's result is not a ContractResult JSON document. */
  InvalidResult = 14,
  /** The contract does not export the entry point that was called (e.g. `migrate`). */
  MissingEntryPoint = 15,
  /** A query (read-only call) tried to write to storage. */
  WriteAccessDenied = 16,
  /** db_next* was called with an iterator id that does not exist in this call. */
  IteratorNotFound = 17,
  /** Invalid input to a host function that CosmWasm treats as a contract error (e.g. db_scan order). */
  InvalidHostCall = 18,
}

export class VmError extends Error {
  readonly codespace = 'wasmvm';
  constructor(
    readonly code: VmErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VmError';
  }

  static is(err: unknown, code?: VmErrorCode): err is VmError {
    return err instanceof VmError && (code === undefined || err.code === code);
  }
}

/** Out of gas carries the limit: the gas used by a call that ran out is the whole limit. */
export class OutOfGasError extends VmError {
  constructor(readonly gasLimit: bigint) {
    super(VmErrorCode.OutOfGas, `out of gas: the call used all of its ${gasLimit} gas; raise the gas limit`);
    this.name = 'OutOfGasError';
  }
}
