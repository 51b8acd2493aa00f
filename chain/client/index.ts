/**
 * The VIVIAN light client: verify headers from a trusted anchor (2/3+ ed25519 precommits, validator-set
 * changes followed by skipping + bisection), then ledger inclusion, consistency and state proofs against a
 * verified header's app hash. `vivian verify tx|state|consistency` is the command-line face of this.
 */
export * from './errors.js';
export * from './headers.js';
export * from './lightClient.js';
export * from './proofs.js';
export * from './rpcSource.js';
export * from './stateProofOps.js';
export type * from './wire.js';
