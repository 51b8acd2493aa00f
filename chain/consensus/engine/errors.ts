import { registerError } from '../../types/errors.js';

/** Errors of the BFT engine (consensus codespace 40-49). */
export const EngineErrors = {
  invalidBlock: registerError('consensus', 40, 'invalid block'),
  invalidMessage: registerError('consensus', 41, 'invalid consensus message'),
  wrongProposer: registerError('consensus', 42, 'proposal from the wrong proposer'),
  notDecided: registerError('consensus', 43, 'the height could not be decided at once'),
  badPart: registerError('consensus', 44, 'block part does not match its part set'),
} as const;
