import { createHash } from 'node:crypto';
import { VM_INTERNAL_MODULE, type EntryPoint } from './abi.js';
import { LruCache } from './cache.js';
import { CallContext, forwardingHost, type HostSlot } from './context.js';
import { OutOfGasError, VmError, VmErrorCode } from './errors.js';
import { DEFAULT_GAS_SCHEDULE, type GasSchedule } from './gas.js';
import type { Host } from './host.js';
import { createEnvImports } from './imports/env.js';
import { INSTRUMENTED, instrumentWasm } from './instrument.js';
import { DEFAULT_LIMITS, type VmLimits } from './limits.js';
import type { ContractResult, Env, MessageInfo, Response } from './types.js';
import { validateWasm, type ModuleReport } from './validate.js';

export interface VmOptions {
  readonly schedule?: GasSchedule;
  readonly limits?: Partial<VmLimits>;
  /** Capabilities the chain offers (`requires_<capability>` exports must be a subset). */
  readonly capabilities?: Iterable<string>;
  /** Compiled modules kept in memory (LRU by checksum). */
  readonly cacheSize?: number;
  /** Original code by checksum, for modules not (or no longer) cached: they are re-validated and re-instrumented. */
  readonly loadCode?: (checksum: Uint8Array) => Uint8Array | undefined;
  /** Benchmarks only: compile without gas and depth metering, to measure the instrumentation's cost. */
  readonly unmetered?: boolean;
  /** Idle instances kept for reuse, at most one per module (each holds a memory reservation). Default 16; 0 disables. */
  readonly instancePoolSize?: number;
}

export interface CallOptions {
  /** Call-depth budget already used by the callers (a query made from inside another contract call). */
  readonly stackUsed?: number;
  /** Read-only call: storage writes abort it (queries). */
  readonly readOnly?: boolean;
}

/** The raw outcome of an entry-point call. */
export interface RawCallResult {
  /** The result JSON bytes the contract returned. */
  readonly data: Uint8Array;
  /** All gas used, including `externalGasUsed`. */
  readonly gasUsed: bigint;
  /** Gas the host decided (storage, nested queries). */
  readonly externalGasUsed: bigint;
}

export interface VmCallResult<T> {
  readonly result: ContractResult<T>;
  readonly gasUsed: bigint;
  readonly externalGasUsed: bigint;
}

/** A failed call: the VmError thrown carries the gas the call used up to the failure. */
export interface VmCallFailure {
  gasUsed?: bigint;
}

interface CompiledCode {
  readonly module: WebAssembly.Module;
  readonly report: ModuleReport;
}

/**
 * An instance with its call context and imports, reusable after a call: `reset` returns its memory and mutable
 * globals to what instantiation gave (the table cannot change), which is exactly the state of a fresh instance.
 * Creating an instance costs far more than the copy (V8 reserves and maps a new memory each time).
 */
interface PooledInstance {
  readonly module: WebAssembly.Module;
  readonly exports: Record<string, (...a: number[]) => number>;
  readonly ctx: CallContext;
  readonly slot: HostSlot;
  readonly memory: WebAssembly.Memory;
  readonly pristineMemory: Uint8Array;
  readonly pristineGlobals: ReadonlyArray<readonly [WebAssembly.Global, number | bigint]>;
}

/** Instances with more initial memory than this are not kept: restoring them would cost more than it saves. */
const MAX_POOLED_MEMORY_BYTES = 4 * 1024 * 1024;

const te = new TextEncoder();
const td = new TextDecoder();

/**
 * The contract VM: validates and instruments code at upload, caches compiled modules by checksum, and runs
 * CosmWasm entry points in a fresh instance per call, against a host the embedder supplies.
 */
export class WasmVm {
  readonly schedule: GasSchedule;
  readonly limits: VmLimits;
  private readonly capabilities: ReadonlySet<string>;
  private readonly cache: LruCache<string, CompiledCode>;
  private readonly loadCode?: (checksum: Uint8Array) => Uint8Array | undefined;
  private readonly unmetered: boolean;
  /** Idle instances by code checksum (one each), least recently used dropped first. */
  private readonly idle: LruCache<string, PooledInstance> | undefined;
  /**
   * The initial memory of each module's instances, copied once: every fresh instance of a module starts with the
   * same bytes (data segments over zeros; the start function runs later, in each call). Contracts whose memory
   * grows in every call (Rust's allocator does) get a new instance per call and so skip a copy per call.
   */
  private readonly initialMemory = new WeakMap<WebAssembly.Module, Uint8Array>();

  constructor(options: VmOptions = {}) {
    this.schedule = options.schedule ?? DEFAULT_GAS_SCHEDULE;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.capabilities = new Set(options.capabilities ?? []);
    this.cache = new LruCache(options.cacheSize ?? 100);
    if (options.loadCode) this.loadCode = options.loadCode;
    this.unmetered = options.unmetered ?? false;
    const poolSize = options.instancePoolSize ?? 16;
    if (poolSize > 0) this.idle = new LruCache(poolSize);
  }

  static checksum(wasm: Uint8Array): Uint8Array {
    return new Uint8Array(createHash('sha256').update(wasm).digest());
  }

  /** Static validation only (no compilation): the upload checks with their named reasons. */
  analyze(wasm: Uint8Array): ModuleReport {
    return validateWasm(wasm, this.limits, this.capabilities);
  }

  /**
   * Validates, instruments and compiles `wasm`; caches it under its SHA-256 checksum. Code already compiled is
   * not compiled again: the result depends only on the bytes and this VM's settings.
   */
  storeCode(wasm: Uint8Array): { checksum: Uint8Array; report: ModuleReport } {
    const checksum = WasmVm.checksum(wasm);
    const cached = this.cache.get(hex(checksum));
    if (cached) return { checksum, report: cached.report };
    const compiled = this.compile(wasm);
    this.cache.set(hex(checksum), compiled);
    return { checksum, report: compiled.report };
  }

  /** Whether a compiled module for `checksum` is in the cache. */
  isCached(checksum: Uint8Array): boolean {
    return this.cache.has(hex(checksum));
  }

  private compile(wasm: Uint8Array): CompiledCode {
    const report = validateWasm(wasm, this.limits, this.capabilities);
    if (!WebAssembly.validate(wasm)) {
      try {
        new WebAssembly.Module(wasm);
      } catch (err) {
        throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: ${(err as Error).message}`);
      }
    }
    const instrumented = instrumentWasm(wasm, { schedule: this.schedule, limits: this.limits, meter: !this.unmetered });
    try {
      return { module: new WebAssembly.Module(instrumented), report };
    } catch (err) {
      throw new VmError(VmErrorCode.InvalidWasm, `invalid wasm: ${(err as Error).message}`);
    }
  }

  private code(checksum: Uint8Array, key = hex(checksum)): CompiledCode {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const wasm = this.loadCode?.(checksum);
    if (!wasm) throw new VmError(VmErrorCode.CodeNotFound, `no code with checksum ${key}`);
    if (hex(WasmVm.checksum(wasm)) !== key) {
      throw new VmError(VmErrorCode.CodeNotFound, `stored code does not match checksum ${key}`);
    }
    const compiled = this.compile(wasm);
    this.cache.set(key, compiled);
    return compiled;
  }

  report(checksum: Uint8Array): ModuleReport {
    return this.code(checksum).report;
  }

  instantiate(checksum: Uint8Array, env: Env, info: MessageInfo, msg: Uint8Array, host: Host, gasLimit: bigint, opts?: CallOptions): VmCallResult<Response> {
    return this.typed(checksum, 'instantiate', [json(env), json(info), msg], host, gasLimit, opts);
  }

  execute(checksum: Uint8Array, env: Env, info: MessageInfo, msg: Uint8Array, host: Host, gasLimit: bigint, opts?: CallOptions): VmCallResult<Response> {
    return this.typed(checksum, 'execute', [json(env), json(info), msg], host, gasLimit, opts);
  }

  migrate(checksum: Uint8Array, env: Env, msg: Uint8Array, host: Host, gasLimit: bigint, opts?: CallOptions): VmCallResult<Response> {
    return this.typed(checksum, 'migrate', [json(env), msg], host, gasLimit, opts);
  }

  sudo(checksum: Uint8Array, env: Env, msg: Uint8Array, host: Host, gasLimit: bigint, opts?: CallOptions): VmCallResult<Response> {
    return this.typed(checksum, 'sudo', [json(env), msg], host, gasLimit, opts);
  }

  /** `msg` is the Reply JSON: {"id", "payload", "gas_used", "result": {"ok": ..} | {"error": ".."}}. */
  reply(checksum: Uint8Array, env: Env, msg: Uint8Array, host: Host, gasLimit: bigint, opts?: CallOptions): VmCallResult<Response> {
    return this.typed(checksum, 'reply', [json(env), msg], host, gasLimit, opts);
  }

  /** Queries are read-only: a storage write aborts them. The ok value is base64 Binary. */
  query(checksum: Uint8Array, env: Env, msg: Uint8Array, host: Host, gasLimit: bigint, opts?: CallOptions): VmCallResult<string> {
    return this.typed(checksum, 'query', [json(env), msg], host, gasLimit, { ...opts, readOnly: true });
  }

  private typed<T>(checksum: Uint8Array, entry: EntryPoint, args: Uint8Array[], host: Host, gasLimit: bigint, opts?: CallOptions): VmCallResult<T> {
    const raw = this.call(checksum, entry, args, host, gasLimit, opts);
    return { result: parseContractResult<T>(raw.data, entry), gasUsed: raw.gasUsed, externalGasUsed: raw.externalGasUsed };
  }

  /**
   * Runs one entry point in a fresh instance. Throws VmError (with `gasUsed` set) when the call fails: out of
   * gas, trap, abort, bad Region, call depth, write in a query. Errors thrown by the host pass through unchanged.
   */
  call(checksum: Uint8Array, entry: EntryPoint, args: Uint8Array[], host: Host, gasLimit: bigint, opts: CallOptions = {}): RawCallResult {
    const key = hex(checksum);
    const { module, report } = this.code(checksum, key);
    if (!report.entryPoints.includes(entry)) {
      throw new VmError(VmErrorCode.MissingEntryPoint, `the contract has no "${entry}" entry point`);
    }
    if (gasLimit < 0n || gasLimit >= 2n ** 63n) throw new RangeError(`gas limit ${gasLimit} out of range`);
    let inst: PooledInstance | undefined;
    let ctx: CallContext | undefined;
    try {
      inst = this.acquire(key, module);
      ctx = inst.ctx;
      inst.slot.current = host;
      ctx.begin(gasLimit, opts.readOnly ?? false, opts.stackUsed ?? 0);
      const ex = inst.exports;
      ex[INSTRUMENTED.startExport]?.();
      const ptrs = args.map((a) => ctx!.writeToContract(a));
      const resultPtr = ex[entry]!(...ptrs) >>> 0;
      const data = ctx.readRegion(resultPtr, this.limits.maxResultBytes, 'contract result');
      ex.deallocate!(resultPtr);
      return { data, gasUsed: ctx.gasUsed(), externalGasUsed: ctx.externalGas };
    } catch (err) {
      const vmErr = toVmError(err);
      if (!vmErr) throw err;
      (vmErr as VmError & VmCallFailure).gasUsed = vmErr instanceof OutOfGasError ? gasLimit : (ctx?.gasUsed() ?? 0n);
      throw vmErr;
    } finally {
      if (inst) this.release(key, inst);
    }
  }

  /** The idle instance of this code, or a new one. */
  private acquire(key: string, module: WebAssembly.Module): PooledInstance {
    const idle = this.idle?.get(key);
    if (idle && idle.module === module) {
      this.idle!.delete(key);
      return idle;
    }
    return this.instantiateModule(module);
  }

  /** Resets a used instance to its fresh state and keeps it, unless its memory grew (memory cannot shrink). */
  private release(key: string, inst: PooledInstance): void {
    inst.slot.current = DETACHED_HOST;
    if (!this.idle || this.idle.has(key)) return; // a nested call of the same code already returned one
    if (inst.memory.buffer.byteLength !== inst.pristineMemory.length) return;
    new Uint8Array(inst.memory.buffer).set(inst.pristineMemory);
    for (const [global, value] of inst.pristineGlobals) global.value = value;
    inst.ctx.iterators.length = 0;
    this.idle.set(key, inst);
  }

  private instantiateModule(module: WebAssembly.Module): PooledInstance {
    const slot: HostSlot = { current: DETACHED_HOST };
    const ctx = new CallContext(forwardingHost(slot), this.schedule, this.limits, 0n, false);
    const imports: WebAssembly.Imports = {
      env: createEnvImports(ctx),
      [VM_INTERNAL_MODULE]: {
        [INSTRUMENTED.outOfGas]: () => {
          throw new OutOfGasError(ctx.gasLimit);
        },
        [INSTRUMENTED.stackExceeded]: () => {
          throw new VmError(VmErrorCode.CallDepthExceeded, `call depth exceeded: the contract nested calls beyond the VM's stack budget of ${this.limits.maxStackBytes} bytes`);
        },
      },
    };
    const instance = new WebAssembly.Instance(module, imports);
    ctx.bind(instance);
    const exports = instance.exports as Record<string, unknown>;
    const pristineGlobals: Array<readonly [WebAssembly.Global, number | bigint]> = [];
    for (const [name, value] of Object.entries(exports)) {
      if (name.startsWith(INSTRUMENTED.globalExportPrefix) && value instanceof WebAssembly.Global) pristineGlobals.push([value, value.value as number | bigint]);
    }
    const memory = ctx.memory;
    let pristineMemory = this.initialMemory.get(module);
    if (!pristineMemory) {
      // a module too large to restore cheaply gets an empty snapshot: its size never matches, so it is never kept
      pristineMemory = memory.buffer.byteLength <= MAX_POOLED_MEMORY_BYTES ? new Uint8Array(memory.buffer).slice() : new Uint8Array(0);
      this.initialMemory.set(module, pristineMemory);
    }
    return { module, exports: exports as PooledInstance['exports'], ctx, slot, memory, pristineMemory, pristineGlobals };
  }
}

/** What an idle instance's imports see: nothing (an import can only run during a call). */
const DETACHED_HOST: Host = new Proxy({} as Host, {
  get: () => {
    throw new Error('no call is running on this instance');
  },
});

/** Engine traps become ContractTrap; VM errors pass; anything else (the host's own errors) is not ours. */
function toVmError(err: unknown): VmError | undefined {
  if (err instanceof VmError) return err;
  if (err instanceof WebAssembly.RuntimeError) {
    return new VmError(VmErrorCode.ContractTrap, `contract trapped: ${err.message}`);
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    // The depth budget is meant to trip first; reaching the engine's limit is still reported, never fatal.
    return new VmError(VmErrorCode.CallDepthExceeded, 'call depth exceeded: the engine stack is exhausted');
  }
  if (err instanceof WebAssembly.LinkError) return new VmError(VmErrorCode.UnsupportedImport, `link error: ${err.message}`);
  return undefined;
}

function parseContractResult<T>(data: Uint8Array, entry: EntryPoint): ContractResult<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(td.decode(data));
  } catch {
    throw new VmError(VmErrorCode.InvalidResult, `the ${entry} result is not JSON: ${preview(data)}`);
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const keys = Object.keys(parsed);
    if (keys.length === 1 && (keys[0] === 'ok' || (keys[0] === 'error' && typeof (parsed as { error: unknown }).error === 'string'))) {
      return parsed as ContractResult<T>;
    }
  }
  throw new VmError(VmErrorCode.InvalidResult, `the ${entry} result is not {"ok": ...} or {"error": "..."}: ${preview(data)}`);
}

function preview(data: Uint8Array): string {
  const text = td.decode(data.subarray(0, 200));
  return data.length > 200 ? `${text}…` : text;
}

function json(value: unknown): Uint8Array {
  return te.encode(JSON.stringify(value));
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
