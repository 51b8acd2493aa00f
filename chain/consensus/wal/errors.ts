import { registerError } from '../../types/errors.js';

/** Errors of the WAL and the signer (consensus codespace 30-39, after the types and rules). */
export const WalErrors = {
  corrupt: registerError('consensus', 30, 'consensus WAL is corrupt'),
  wouldDoubleSign: registerError('consensus', 31, 'refusing to sign: this height/round/step was already signed or passed'),
  notValidator: registerError('consensus', 32, 'this node is not a validator at this height'),
} as const;
