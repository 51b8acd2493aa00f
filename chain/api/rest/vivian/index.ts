import type { FastifyInstance } from 'fastify';
import type { VivianNode } from '../../../node/node.js';
import { ledgerRoutes } from './ledger.js';
import { stateRoutes } from './state.js';

export { stateProofJson } from './state.js';
export { rootsJson, MAX_TXS_PAGE } from './ledger.js';

/**
 * VIVIAN's own REST routes: /vivian/ledger/v1 (the tx vector with RFC 9162 proofs) and /vivian/state/v1
 * (state proofs). Every answer is checkable against a header app hash; see chain/client for the verifier.
 */
export async function vivianRoutes(f: FastifyInstance, opts: { node: VivianNode }): Promise<void> {
  ledgerRoutes(f, opts.node);
  stateRoutes(f, opts.node);
}
