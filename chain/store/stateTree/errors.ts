import { registerError } from '../../types/errors.js';

/** Errors of the state tree. Codes are consensus data: never renumber. */
export const StateTreeCodespace = 'statetree';

/** The caller handed applyBatch something it cannot apply (bad lengths, duplicate keys, version order). */
export const ErrInvalidBatch = registerError(StateTreeCodespace, 1, 'invalid state tree batch');
/** A node the tree needs is absent: the version was never written or has been pruned. */
export const ErrMissingNode = registerError(StateTreeCodespace, 2, 'state tree node not found');
/** Stored node bytes do not decode: the store is corrupt or holds something else under the tree's keys. */
export const ErrCorruptNode = registerError(StateTreeCodespace, 3, 'corrupt state tree node');
/** Proof bytes do not decode. */
export const ErrInvalidProof = registerError(StateTreeCodespace, 4, 'invalid state tree proof encoding');
/** A key hash or value hash is not 32 bytes. */
export const ErrInvalidHash = registerError(StateTreeCodespace, 5, 'state tree hashes are 32 bytes');
