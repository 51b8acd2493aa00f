import { registerError } from '../types/errors.js';

/** Errors of tx search (codespace "indexer"). Codes are never renumbered; code 1 is left unused. */
export const IndexerErrors = {
  InvalidQuery: registerError('indexer', 2, 'invalid query'),
  InvalidPage: registerError('indexer', 3, 'invalid page'),
  InvalidOrder: registerError('indexer', 4, 'invalid order_by'),
  TooManyResults: registerError('indexer', 5, 'query matches too many entries'),
  /** the node runs with tx_index "null" (its operator chose to keep no index of committed txs) */
  Disabled: registerError('indexer', 6, 'tx indexing is disabled'),
} as const;
