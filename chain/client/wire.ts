/**
 * The JSON a node serves under /vivian/ledger/v1 and /vivian/state/v1 (the REST plugin writes it, the light
 * client reads it). Cosmos REST conventions: 64-bit integers as decimal strings, hashes as upper-case hex,
 * bytes as base64.
 */

export interface EventJson {
  type: string;
  attributes: Array<{ key: string; value: string; index: boolean }>;
}

export interface TxResultJson {
  code: number;
  codespace: string;
  log: string;
  gas_wanted: string;
  gas_used: string;
  events: EventJson[];
}

/** An RFC 9162 inclusion proof of a leaf in the ledger as of the end of block `height`. */
export interface InclusionProofJson {
  ledger_size: string;
  /** hex */
  root: string;
  height: string;
  /** hex hashes, leaf side first */
  path: string[];
}

export interface LedgerTxJson {
  version: string;
  height: string;
  /** hex */
  tx_hash: string;
  /** TxRaw bytes, base64 */
  tx: string;
  result: TxResultJson;
  /** TxInfo bytes (the leaf data), base64 */
  leaf_data: string;
  proof?: InclusionProofJson;
}

export interface LedgerInfoJson {
  size: string;
  root: string;
  height: string;
}

export interface ConsistencyJson {
  first: string;
  second: string;
  first_root: string;
  second_root: string;
  path: string[];
}

export interface RootsJson {
  height: string;
  ledger_size: string;
  ledger_root: string;
  state_root: string;
  /** SHA-256(state_root ‖ ledger_root ‖ uint64be(ledger_size)); the app_hash of header height + 1 */
  app_hash: string;
}

export interface ProofOpJson {
  type: string;
  /** base64 */
  key: string;
  /** base64 */
  data: string;
}

export interface StateProofJson {
  height: string;
  /** hex */
  key: string;
  exists: boolean;
  /** base64, null when absent */
  value: string | null;
  /** the state tree proof bytes (see store/stateTree/README.md), base64 */
  proof: string;
  roots: RootsJson;
  /** the same proof as CometBFT proof_ops (see stateProofOps.ts) */
  proof_ops: { ops: ProofOpJson[] };
}
