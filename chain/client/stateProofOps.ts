/**
 * State proofs as CometBFT `proof_ops` (what `abci_query` with prove=true returns for path "/store/key",
 * data = the raw state key). Two ops, applied in order:
 *
 *   0. type "vivian:state", key = the state key, data = the state tree proof bytes (store/stateTree README:
 *      existence or non-existence of SHA-256(key) with value hash SHA-256(value) under state_root);
 *   1. type "vivian:roots", key = "state", data = state_root(32) ‖ ledger_root(32) ‖ uint64be(ledger_size);
 *      SHA-256(data) is the app hash, which header height+1 carries.
 *
 * An existence proof of a key with a value that is SHA-256-hashed also converts to ICS23 (STATE_TREE_PROOF_SPEC
 * and toIcs23ExistenceProof in store/stateTree).
 */
import type { ProofOps } from 'cosmjs-types/tendermint/crypto/proof';
import { sha256 } from '../crypto/hash.js';
import { bytesEqual } from '../ledger/merkle.js';
import { u64be } from '../store/buckets.js';
import { decodeProof, encodeProof, verifyProof, type StateProof } from '../store/stateTree/index.js';

export const STATE_PROOF_OP = 'vivian:state';
export const ROOTS_PROOF_OP = 'vivian:roots';
const ROOTS_KEY = new TextEncoder().encode('state');

export interface RootsInput {
  stateRoot: Uint8Array;
  ledgerRoot: Uint8Array;
  ledgerSize: bigint;
}

export function stateProofOps(key: Uint8Array, proof: StateProof, roots: RootsInput): ProofOps {
  const rootsData = new Uint8Array(72);
  rootsData.set(roots.stateRoot, 0);
  rootsData.set(roots.ledgerRoot, 32);
  rootsData.set(u64be(roots.ledgerSize), 64);
  return {
    ops: [
      { type: STATE_PROOF_OP, key, data: encodeProof(proof) },
      { type: ROOTS_PROOF_OP, key: ROOTS_KEY, data: rootsData },
    ],
  };
}

/**
 * True iff `ops` prove that `key` holds `value` (undefined: that it is absent) in the state committed by
 * `appHash`. Never throws: malformed ops are simply false.
 */
export function verifyStateProofOps(ops: ProofOps, key: Uint8Array, value: Uint8Array | undefined, appHash: Uint8Array): boolean {
  if (ops.ops.length !== 2) return false;
  const [stateOp, rootsOp] = ops.ops as [ProofOps['ops'][0], ProofOps['ops'][0]];
  if (stateOp.type !== STATE_PROOF_OP || rootsOp.type !== ROOTS_PROOF_OP) return false;
  if (!bytesEqual(stateOp.key, key) || !bytesEqual(rootsOp.key, ROOTS_KEY) || rootsOp.data.length !== 72) return false;
  if (!bytesEqual(sha256(rootsOp.data), appHash)) return false;
  let proof: StateProof;
  try {
    proof = decodeProof(stateOp.data);
  } catch {
    return false;
  }
  return verifyProof(rootsOp.data.subarray(0, 32), sha256(key), value === undefined ? null : sha256(value), proof);
}
