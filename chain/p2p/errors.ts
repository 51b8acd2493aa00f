import { registerError } from '../types/errors.js';

/** Errors of the peer-to-peer layer (codespace "p2p"). */
export const P2PErrors = {
  handshake: registerError('p2p', 1, 'p2p handshake failed'),
  badFrame: registerError('p2p', 2, 'bad p2p frame'),
  oversized: registerError('p2p', 3, 'p2p message too large'),
  badAddress: registerError('p2p', 4, 'bad peer address'),
  flood: registerError('p2p', 5, 'peer sends too fast'),
  pex: registerError('p2p', 6, 'peer exchange violation'),
} as const;
