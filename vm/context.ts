import { VmError, VmErrorCode, OutOfGasError } from './errors.js';
import { linearCost, type GasSchedule, type LinearCost } from './gas.js';
import type { Host, StorageIterator, StorageOp } from './host.js';
import { INSTRUMENTED } from './instrument.js';
import type { VmLimits } from './limits.js';

const REGION_SIZE = 12;

/** Where a reused instance finds the host of the call it is running. */
export interface HostSlot {
  current: Host;
}

/**
 * A Host that forwards every property to `slot.current`: the imports of a reused instance are created once and
 * keep one Host object, while each call brings its own.
 */
export function forwardingHost(slot: HostSlot): Host {
  return new Proxy({} as Host, { get: (_target, key) => (slot.current as unknown as Record<PropertyKey, unknown>)[key] });
}
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The state of one contract call: its instance, gas, open iterators and host. Host functions and the VM
 * reach contract memory only through the Region helpers here, which check bounds and charge gas.
 */
export class CallContext {
  memory!: WebAssembly.Memory;
  private allocateFn!: (size: number) => number;
  private gasGlobal!: WebAssembly.Global;
  private stackGlobal!: WebAssembly.Global;
  readonly iterators: StorageIterator[] = [];
  externalGas = 0n;

  /**
   * `host`, `gasLimit` and `readOnly` belong to the current call: a context bound to a reused instance starts
   * each call with `begin` (its imports keep this object, so `host` is then a stable forwarder, see forwardingHost).
   */
  constructor(
    readonly host: Host,
    readonly schedule: GasSchedule,
    readonly limits: VmLimits,
    public gasLimit: bigint,
    public readOnly: boolean,
  ) {}

  /** Takes the instance's memory, allocator and instrumentation globals. */
  bind(instance: WebAssembly.Instance): void {
    const ex = instance.exports as Record<string, unknown>;
    this.memory = (ex.memory instanceof WebAssembly.Memory ? ex.memory : ex[INSTRUMENTED.memoryExport]) as WebAssembly.Memory;
    if (!(this.memory instanceof WebAssembly.Memory)) {
      for (const v of Object.values(ex)) if (v instanceof WebAssembly.Memory) this.memory = v;
    }
    this.allocateFn = ex.allocate as (size: number) => number;
    this.gasGlobal = ex[INSTRUMENTED.gasGlobal] as WebAssembly.Global;
    this.stackGlobal = ex[INSTRUMENTED.stackGlobal] as WebAssembly.Global;
  }

  /** Starts a call: its gas limit, read-only flag and the call-depth budget its callers used. */
  begin(gasLimit: bigint, readOnly: boolean, stackBase: number): void {
    this.gasLimit = gasLimit;
    this.readOnly = readOnly;
    this.iterators.length = 0;
    this.externalGas = 0n;
    if (this.gasGlobal) this.gasGlobal.value = gasLimit;
    if (this.stackGlobal) this.stackGlobal.value = stackBase;
  }

  gasLeft(): bigint {
    return this.gasGlobal ? (this.gasGlobal.value as bigint) : this.gasLimit;
  }

  gasUsed(): bigint {
    const left = this.gasLeft();
    return left < 0n ? this.gasLimit : this.gasLimit - left;
  }

  stackUsed(): number {
    return this.stackGlobal ? (this.stackGlobal.value as number) : 0;
  }

  charge(gas: number | bigint): void {
    if (!this.gasGlobal) return;
    const left = (this.gasGlobal.value as bigint) - BigInt(gas);
    if (left < 0n) {
      this.gasGlobal.value = 0n;
      throw new OutOfGasError(this.gasLimit);
    }
    this.gasGlobal.value = left;
  }

  chargeLinear(cost: LinearCost, items: number): void {
    this.charge(linearCost(cost, items));
  }

  /** Gas the chain decides (storage, nested queries): charged to this call and reported separately. */
  chargeExternal(gas: number | bigint): void {
    this.externalGas += BigInt(gas);
    this.charge(gas);
  }

  chargeStorage(op: StorageOp, keyBytes: number, valueBytes: number): void {
    const s = this.schedule;
    const gas = this.host.storageGas
      ? this.host.storageGas(op, keyBytes, valueBytes)
      : op === 'read' ? linearCost(s.storageRead, valueBytes)
      : op === 'write' ? linearCost(s.storageWrite, keyBytes + valueBytes)
      : op === 'remove' ? s.storageRemove
      : op === 'scan' ? s.storageScan
      : linearCost(s.storageNext, keyBytes + valueBytes);
    this.chargeExternal(gas);
  }

  private region(ptr: number): { offset: number; capacity: number; length: number } {
    const buf = this.memory.buffer;
    if (ptr === 0) throw new VmError(VmErrorCode.RegionError, 'region pointer is 0');
    if (ptr + REGION_SIZE > buf.byteLength) {
      throw new VmError(VmErrorCode.RegionError, `region pointer ${ptr} is outside the contract's memory (${buf.byteLength} bytes)`);
    }
    const view = new DataView(buf, ptr, REGION_SIZE);
    const offset = view.getUint32(0, true);
    const capacity = view.getUint32(4, true);
    const length = view.getUint32(8, true);
    if (offset === 0) throw new VmError(VmErrorCode.RegionError, `region at ${ptr} has offset 0`);
    if (length > capacity) throw new VmError(VmErrorCode.RegionError, `region at ${ptr} has length ${length} > capacity ${capacity}`);
    if (offset + capacity > buf.byteLength) {
      throw new VmError(VmErrorCode.RegionError, `region at ${ptr} (offset ${offset}, capacity ${capacity}) is outside the contract's memory (${buf.byteLength} bytes)`);
    }
    return { offset, capacity, length };
  }

  /** Copies the bytes a Region points at out of contract memory. */
  readRegion(ptr: number, maxLength: number, what: string): Uint8Array {
    const r = this.region(ptr);
    this.chargeLinear(this.schedule.regionRead, r.length);
    if (r.length > maxLength) {
      throw new VmError(VmErrorCode.TooLarge, `${what} is ${r.length} bytes, more than the limit of ${maxLength}`);
    }
    return new Uint8Array(this.memory.buffer, r.offset, r.length).slice();
  }

  /** `readRegion`, or undefined for a null pointer (optional arguments such as db_scan bounds). */
  readOptionalRegion(ptr: number, maxLength: number, what: string): Uint8Array | undefined {
    return ptr === 0 ? undefined : this.readRegion(ptr, maxLength, what);
  }

  readString(ptr: number, maxLength: number, what: string): string {
    const bytes = this.readRegion(ptr, maxLength, what);
    this.chargeLinear(this.schedule.stringFromBytes, bytes.length);
    return new TextDecoder().decode(bytes);
  }

  /** Decodes UTF-8 strictly; undefined when invalid. */
  static utf8(bytes: Uint8Array): string | undefined {
    try {
      return utf8.decode(bytes);
    } catch {
      return undefined;
    }
  }

  /** Writes into a Region the contract allocated. */
  writeRegion(ptr: number, data: Uint8Array): void {
    this.chargeLinear(this.schedule.regionWrite, data.length);
    const r = this.region(ptr);
    if (data.length > r.capacity) {
      throw new VmError(VmErrorCode.RegionError, `region at ${ptr} has capacity ${r.capacity}, too small for ${data.length} bytes`);
    }
    new Uint8Array(this.memory.buffer, r.offset, data.length).set(data);
    new DataView(this.memory.buffer, ptr + 8, 4).setUint32(0, data.length, true);
  }

  /** Asks the contract to allocate a Region, fills it and returns its pointer. */
  writeToContract(data: Uint8Array): number {
    const ptr = this.allocateFn(data.length) >>> 0;
    if (ptr === 0) throw new VmError(VmErrorCode.RegionError, 'allocate returned a null pointer');
    this.writeRegion(ptr, data);
    return ptr;
  }
}
