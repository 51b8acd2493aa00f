import { registerError } from '../../types/errors.js';

/**
 * Errors of the consensus types and rules. Codes 1-29 of the "consensus" codespace belong here;
 * the engine, WAL and evidence code continue from 30.
 */
export const ConsensusErrors = {
  emptyValidatorSet: registerError('consensus', 1, 'validator set is empty'),
  duplicateValidator: registerError('consensus', 2, 'validator listed twice'),
  invalidVotingPower: registerError('consensus', 3, 'invalid voting power'),
  unknownValidator: registerError('consensus', 4, 'validator is not in the validator set'),
  invalidVote: registerError('consensus', 5, 'invalid vote'),
  invalidProposal: registerError('consensus', 6, 'invalid proposal'),
  invalidBlockId: registerError('consensus', 7, 'invalid block id'),
  invalidCommit: registerError('consensus', 8, 'invalid commit'),
  invalidSignature: registerError('consensus', 9, 'invalid signature'),
  invalidPublicKey: registerError('consensus', 10, 'invalid public key'),
  invalidEvidence: registerError('consensus', 11, 'invalid evidence'),
} as const;
