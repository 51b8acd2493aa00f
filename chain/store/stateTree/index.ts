export { StateTree, type TreeBatchResult, type TreeChange, type TreeNodeReader } from './tree.js';
export {
  type ProofLeaf,
  type StateProof,
  MAX_SIBLINGS,
  decodeProof,
  encodeProof,
  provenValueHash,
  verifyProof,
} from './proof.js';
export { EMPTY_HASH, EMPTY_ROOT, INNER_TAG, LEAF_TAG, innerHash, leafHash } from './hashing.js';
export { type DecodedNodeKey, decodeNodeKey, rootNodeKey } from './nodes.js';
export { MemoryTreeStore } from './memoryStore.js';
export { STATE_TREE_PROOF_SPEC, encodeStateTreeProofSpec, toIcs23ExistenceProof } from './ics23.js';
export {
  ErrCorruptNode,
  ErrInvalidBatch,
  ErrInvalidHash,
  ErrInvalidProof,
  ErrMissingNode,
  StateTreeCodespace,
} from './errors.js';
