import { LedgerAccumulator, cachingLedgerNodeStore, keyValueLedgerNodeStore, type LedgerNodeStore } from '../../../ledger/index.js';
import type { NodeDb } from '../../../store/nodeDb.js';

/**
 * Proofs over the committed ledger, read from the node's LedgerNode and LedgerEntry rows. Frozen nodes never
 * change, so one accumulator built at the latest committed size proves every smaller size too; it is
 * rebuilt (about one read per tree level) only when the ledger has grown.
 */
export class LedgerProver {
  private readonly store: LedgerNodeStore;
  private acc: LedgerAccumulator | undefined;

  constructor(db: NodeDb) {
    this.store = cachingLedgerNodeStore(keyValueLedgerNodeStore((k) => db.getRaw(k)));
  }

  /** An accumulator holding at least `size` committed leaves. */
  at(size: bigint): LedgerAccumulator {
    if (!this.acc || this.acc.size < size) this.acc = new LedgerAccumulator(this.store, size);
    return this.acc;
  }
}
