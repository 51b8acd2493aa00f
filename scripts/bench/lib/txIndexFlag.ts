import type { NodeConfig } from '../../../chain/node/config.js';

/**
 * `--tx-index kv|null` (default kv): the nodes' tx_index setting. "null" is how validators that serve no
 * searches run (no event index, vector filters or HNSW graph); benchmarks print which one they measured.
 */
export function txIndexFlag(argv: readonly string[]): NodeConfig['tx_index'] {
  const at = argv.indexOf('--tx-index');
  if (at < 0) return 'kv';
  const value = argv[at + 1];
  if (value !== 'kv' && value !== 'null') throw new Error(`--tx-index must be kv or null, got ${JSON.stringify(value)}`);
  return value;
}
