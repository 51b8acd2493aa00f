/**
 * The ledger: the vector of committed transactions. Each transaction takes the next version and its TxInfo
 * leaf is appended to an RFC 9162 Merkle accumulator whose root (with the size) goes into the app hash.
 *
 * Block flow: for each tx `acc.append(txInfoLeafHash(info))`; at commit write `acc.pendingNodes()` under
 * `ledgerNodeKey(level, index)` (plus the leaf bytes and tx-hash index) in the block's write transaction, then
 * `acc.markCommitted()`; a failed block calls `acc.rollback()`. A restarted node resumes with
 * `new LedgerAccumulator(keyValueLedgerNodeStore(get), committedSize)`. Proofs come from `inclusionProof` /
 * `consistencyProof` and are checked with `verifyInclusion` / `verifyConsistency` (no store needed).
 */
export * from './errors.js';
export * from './merkle.js';
export * from './accumulator.js';
export * from './proofs.js';
export * from './txInfo.js';
export * from './keys.js';
export * from './entry.js';
export { toUint64, type Uint64Input } from './uint64.js';
