import type { KVStore } from '../store/kv.js';
import type { GasMeter } from '../store/gas.js';
import type { EventManager } from './events.js';

/** What a block's header says about when and where code runs: the only clock consensus code may read. */
export interface BlockInfo {
  chainId: string;
  height: bigint;
  /** block time, nanoseconds since the Unix epoch (from the header, never the local clock) */
  timeNs: bigint;
}

export type ExecMode = 'check' | 'recheck' | 'simulate' | 'deliver';

/** Everything a keeper or message handler may touch while running one tx (or one block hook). */
export interface Context {
  readonly store: KVStore;
  readonly gas: GasMeter;
  readonly events: EventManager;
  readonly block: BlockInfo;
  readonly mode: ExecMode;
}

/** Read-only context for queries. */
export interface QueryContext {
  readonly store: import('../store/kv.js').KVReader;
  readonly height: bigint;
  readonly chainId: string;
}
