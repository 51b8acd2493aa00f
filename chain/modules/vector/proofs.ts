import { decodeRoots, type Roots } from '../../app/roots.js';
import { LedgerAccumulator, keyValueLedgerNodeStore } from '../../ledger/index.js';
import { Bucket, u64be } from '../../store/buckets.js';
import type { NodeDb } from '../../store/nodeDb.js';

/**
 * Inclusion proofs of search results against one committed ledger (the latest at query time): a client
 * checks `verifyInclusion(leafHash(leaf_data), version, roots.ledgerSize, path, roots.ledgerRoot)`, then
 * `appHash = SHA-256(state_root ‖ ledger_root ‖ uint64be(ledger_size))` against the header of height+1,
 * and that SHA-256(embedding) is the leaf's embedding hash before trusting a score.
 */
export class LedgerProver {
  private readonly ledger: LedgerAccumulator;

  constructor(
    db: NodeDb,
    readonly height: bigint,
    readonly roots: Roots,
  ) {
    this.ledger = new LedgerAccumulator(keyValueLedgerNodeStore((k) => db.getRaw(k)), roots.ledgerSize);
  }

  /** A prover at the node's latest committed height. */
  static latest(db: NodeDb, height: bigint): LedgerProver | undefined {
    const b = db.get(Bucket.Roots, u64be(height));
    return b ? new LedgerProver(db, height, decodeRoots(b)) : undefined;
  }

  /** The RFC 9162 audit path of `version` in the ledger of `roots.ledgerSize` leaves. */
  inclusionPath(version: bigint): Uint8Array[] {
    return this.ledger.inclusionProof(version, this.roots.ledgerSize);
  }
}
