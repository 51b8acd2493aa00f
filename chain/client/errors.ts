import { registerError } from '../types/errors.js';

/**
 * Errors of the light client (codespace "light"). Each names what failed to verify and the values that
 * disagreed; none of them is consensus data, but codes are still never renumbered.
 */
export const LightErrors = {
  /** The node answered something that is not the shape the protocol defines. */
  MalformedResponse: registerError('light', 2, 'malformed response from the node'),
  /** A header's chain id is not the chain the client follows. */
  WrongChain: registerError('light', 3, 'header is for another chain'),
  /** A header hash differs from the trusted one, or a header does not match the block id its commit signs. */
  HeaderMismatch: registerError('light', 4, 'header does not match'),
  /** Too little voting power signed a header (< 2/3 of its set, or <= 1/3 of the trusted set when skipping). */
  NotEnoughPower: registerError('light', 5, 'not enough voting power signed the header'),
  /** A validator set whose hash is not the one the headers commit to. */
  ValidatorSetMismatch: registerError('light', 6, 'validator set does not link to the trusted headers'),
  /** A commit with a bad signature or shape. */
  InvalidCommit: registerError('light', 7, 'invalid commit'),
  /** A ledger inclusion or consistency proof, or a state proof, that does not hash to the verified root. */
  InvalidProof: registerError('light', 8, 'proof does not verify'),
  /** Roots that do not hash to the verified header's app hash. */
  RootsMismatch: registerError('light', 9, 'roots do not match the app hash'),
  /** The node cannot be reached or answered an HTTP error. */
  Unavailable: registerError('light', 10, 'node unavailable'),
  /** Bad arguments to the client (heights, hashes, versions). */
  InvalidArgument: registerError('light', 11, 'invalid argument'),
  /** The header that would commit to an answer does not exist yet (the app hash of block H is in header H+1). */
  NotYetCommitted: registerError('light', 12, 'not yet committed by a header'),
} as const;
