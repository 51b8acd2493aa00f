import {
  type ExistenceProof,
  HashOp,
  type InnerOp,
  LengthOp,
  ProofSpec,
} from 'cosmjs-types/cosmos/ics23/v1/proofs';
import { sha256 } from '../../crypto/hash.js';
import { ErrInvalidProof } from './errors.js';
import { EMPTY_HASH, HASH_LENGTH, INNER_TAG, LEAF_TAG, bitAt, bytesEqual } from './hashing.js';
import type { StateProof } from './proof.js';

/**
 * The state tree as an ICS23 ProofSpec. It holds when value hashes are SHA-256 of the values (ICS23 prehashes
 * key and value with SHA-256): leaf = SHA-256(LEAF_TAG ‖ SHA-256(key) ‖ SHA-256(value)); inner =
 * SHA-256(INNER_TAG ‖ left ‖ right), so an inner op's prefix is the 16-byte tag, plus the left sibling when the
 * path goes right. Keys must be compared after prehashing (ProofSpec field 5,
 * prehash_key_before_comparison = true, which this version of cosmjs-types does not model; see
 * encodeStateTreeProofSpec).
 */
export const STATE_TREE_PROOF_SPEC: ProofSpec = {
  leafSpec: {
    hash: HashOp.SHA256,
    prehashKey: HashOp.SHA256,
    prehashValue: HashOp.SHA256,
    length: LengthOp.NO_PREFIX,
    prefix: LEAF_TAG,
  },
  innerSpec: {
    childOrder: [0, 1],
    childSize: HASH_LENGTH,
    minPrefixLength: INNER_TAG.length,
    maxPrefixLength: INNER_TAG.length,
    emptyChild: EMPTY_HASH,
    hash: HashOp.SHA256,
  },
  maxDepth: 256,
  minDepth: 0,
};

/** The protobuf bytes of STATE_TREE_PROOF_SPEC including prehash_key_before_comparison = true (field 5). */
export function encodeStateTreeProofSpec(): Uint8Array {
  const base = ProofSpec.encode(STATE_TREE_PROOF_SPEC).finish();
  const out = new Uint8Array(base.length + 2);
  out.set(base);
  out[base.length] = (5 << 3) | 0; // field 5, varint
  out[base.length + 1] = 1;
  return out;
}

/**
 * Turns an existence proof into an ICS23 ExistenceProof for `key` and `value` (whose SHA-256 must be the
 * proof's key hash and value hash). Path ops run from the leaf up, as ICS23 applies them.
 */
export function toIcs23ExistenceProof(key: Uint8Array, value: Uint8Array, proof: StateProof): ExistenceProof {
  const keyHash = sha256(key);
  if (!proof.leaf || !bytesEqual(proof.leaf.keyHash, keyHash) || !bytesEqual(proof.leaf.valueHash, sha256(value))) {
    throw ErrInvalidProof('not an existence proof for this key and value');
  }
  const path: InnerOp[] = [];
  for (let i = proof.siblings.length - 1; i >= 0; i--) {
    const sibling = proof.siblings[i]!;
    path.push(
      bitAt(keyHash, i)
        ? { hash: HashOp.SHA256, prefix: concat(INNER_TAG, sibling), suffix: new Uint8Array(0) }
        : { hash: HashOp.SHA256, prefix: INNER_TAG, suffix: sibling },
    );
  }
  return { key, value, leaf: STATE_TREE_PROOF_SPEC.leafSpec, path };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
