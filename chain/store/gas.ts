import { SdkErrors } from '../types/sdkErrors.js';
import type { Entry, KVStore } from './kv.js';

/** Gas is a safe integer (limits above 2^53 are refused when a tx is decoded), so plain numbers are exact. */
export class GasMeter {
  private used = 0;
  constructor(readonly limit: number) {}

  get consumed(): number {
    return this.used;
  }

  /** Charges `amount`; past the limit the tx fails with sdk/11 naming where it ran out. */
  consume(amount: number, descriptor: string): void {
    this.used += amount;
    if (this.used > this.limit) {
      throw SdkErrors.OutOfGas(
        `out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${this.used}`,
      );
    }
  }

  /** Gas to report: never more than the limit (as the Cosmos SDK reports it). */
  reported(): number {
    return Math.min(this.used, this.limit);
  }
}

/** An unlimited meter for block-level work (genesis, begin/end block hooks). */
export function infiniteGasMeter(): GasMeter {
  return new GasMeter(Number.MAX_SAFE_INTEGER);
}

/** The Cosmos SDK's KV gas schedule (store/types/gas.go KVGasConfig), so "auto" gas estimates behave as wallets expect. */
export interface KVGasConfig {
  hasCost: number;
  deleteCost: number;
  readCostFlat: number;
  readCostPerByte: number;
  writeCostFlat: number;
  writeCostPerByte: number;
  iterNextCostFlat: number;
}

export const DEFAULT_KV_GAS: KVGasConfig = {
  hasCost: 1000,
  deleteCost: 1000,
  readCostFlat: 1000,
  readCostPerByte: 3,
  writeCostFlat: 2000,
  writeCostPerByte: 30,
  iterNextCostFlat: 30,
};

/** Charges gas for every read, write and iteration step before passing it on. */
export class GasKVStore implements KVStore {
  constructor(
    private readonly parent: KVStore,
    private readonly meter: GasMeter,
    private readonly config: KVGasConfig = DEFAULT_KV_GAS,
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    const c = this.config;
    this.meter.consume(c.readCostFlat, 'ReadFlat');
    const v = this.parent.get(key);
    this.meter.consume(c.readCostPerByte * (key.length + (v?.length ?? 0)), 'ReadPerByte');
    return v;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    const c = this.config;
    this.meter.consume(c.writeCostFlat, 'WriteFlat');
    this.meter.consume(c.writeCostPerByte * (key.length + value.length), 'WritePerByte');
    this.parent.set(key, value);
  }

  delete(key: Uint8Array): void {
    this.meter.consume(this.config.deleteCost, 'Delete');
    this.parent.delete(key);
  }

  *iterate(start: Uint8Array, end: Uint8Array | undefined, reverse = false): Iterable<Entry> {
    const c = this.config;
    for (const [k, v] of this.parent.iterate(start, end, reverse)) {
      this.meter.consume(c.iterNextCostFlat, 'IterNextFlat');
      this.meter.consume(c.readCostPerByte * (k.length + v.length), 'ValuePerByte');
      yield [k, v];
    }
  }
}
