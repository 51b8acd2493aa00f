/**
 * The JSON a node serves under /vivian/ledger/v1 and /vivian/state/v1 (the REST plugin writes it, the light
 * client reads it). Cosmos REST conventions: 64-bit integers as decimal strings, hashes as upper-case hex,
 * bytes as base64.
 */
import type { Event } from 'cosmjs-types/tendermint/abci/types';
import type { StoredTx } from '../store/chainReader.js';
import { base64, hexUpper } from '../api/encoding.js';

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

export function eventsJson(events: readonly Event[]): EventJson[] {
  return events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })) }));
}

/** A committed tx as the ledger serves it (REST /vivian/ledger/v1/txs/… and the `/vivian/ledger/tx` app query). */
export function ledgerTxJson(t: StoredTx): LedgerTxJson {
  return {
    version: t.version.toString(),
    height: t.height.toString(),
    tx_hash: hexUpper(t.hash),
    tx: base64(t.tx),
    result: {
      code: t.result.code,
      codespace: t.result.codespace,
      log: t.result.log,
      gas_wanted: t.result.gasWanted.toString(),
      gas_used: t.result.gasUsed.toString(),
      events: eventsJson(t.result.events),
    },
    leaf_data: base64(t.leafData),
  };
}
