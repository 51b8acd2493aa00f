import type { Event, ExecTxResult, ResponseFinalizeBlock } from 'cosmjs-types/tendermint/abci/types';
import type { Block } from 'cosmjs-types/tendermint/types/block';
import type { DuplicateVoteEvidence } from 'cosmjs-types/tendermint/types/evidence';
import type { BlockID, Commit, Header, Vote } from 'cosmjs-types/tendermint/types/types';
import type { Validator } from '../../consensus/types/validator.js';
import { sha256 } from '../../crypto/hash.js';
import { inclusionPath } from '../../crypto/merkleProof.js';
import { leafHash } from '../../ledger/merkle.js';
import type { StoredTx } from '../../store/chainReader.js';
import { base64, base64OrNull, hexUpper, rfc3339Nano } from '../encoding.js';
import { eventsJson } from '../../client/wire.js';

/**
 * CometBFT 0.38's JSON (rpc/core/types, cmtjson): int64 as decimal strings, int32/uint32 as numbers, hashes
 * and addresses as upper-case hex, other bytes as base64, times as RFC 3339 with nanoseconds. ABCI results
 * are written as jsonpb with defaults (every field present; empty bytes null).
 */

export function blockIdJson(id: BlockID | undefined) {
  return {
    hash: hexUpper(id?.hash),
    parts: { total: id?.partSetHeader?.total ?? 0, hash: hexUpper(id?.partSetHeader?.hash) },
  };
}

export function headerJson(h: Header) {
  return {
    version: { block: h.version!.block.toString(), app: h.version!.app.toString() },
    chain_id: h.chainId,
    height: h.height.toString(),
    time: rfc3339Nano(h.time),
    last_block_id: blockIdJson(h.lastBlockId),
    last_commit_hash: hexUpper(h.lastCommitHash),
    data_hash: hexUpper(h.dataHash),
    validators_hash: hexUpper(h.validatorsHash),
    next_validators_hash: hexUpper(h.nextValidatorsHash),
    consensus_hash: hexUpper(h.consensusHash),
    app_hash: hexUpper(h.appHash),
    last_results_hash: hexUpper(h.lastResultsHash),
    evidence_hash: hexUpper(h.evidenceHash),
    proposer_address: hexUpper(h.proposerAddress),
  };
}

export function commitJson(c: Commit | undefined) {
  if (!c) return { height: '0', round: 0, block_id: blockIdJson(undefined), signatures: [] };
  return {
    height: c.height.toString(),
    round: c.round,
    block_id: blockIdJson(c.blockId),
    signatures: c.signatures.map((s) => ({
      block_id_flag: s.blockIdFlag,
      validator_address: hexUpper(s.validatorAddress),
      timestamp: rfc3339Nano(s.timestamp),
      signature: base64OrNull(s.signature),
    })),
  };
}

export function blockJson(b: Block) {
  return {
    header: headerJson(b.header!),
    data: { txs: (b.data?.txs ?? []).map(base64) },
    evidence: { evidence: (b.evidence?.evidence ?? []).flatMap((e) => (e.duplicateVoteEvidence ? [duplicateVoteEvidenceJson(e.duplicateVoteEvidence)] : [])) },
    last_commit: commitJson(b.lastCommit),
  };
}

function voteJson(v: Vote) {
  return {
    type: v.type,
    height: v.height.toString(),
    round: v.round,
    block_id: blockIdJson(v.blockId),
    timestamp: rfc3339Nano(v.timestamp),
    validator_address: hexUpper(v.validatorAddress),
    validator_index: v.validatorIndex,
    signature: base64OrNull(v.signature),
  };
}

/** CometBFT's amino-JSON shape of double-sign evidence (its field names are as CometBFT writes them). */
export function duplicateVoteEvidenceJson(e: DuplicateVoteEvidence) {
  return {
    type: 'tendermint/DuplicateVoteEvidence',
    value: {
      vote_a: e.voteA ? voteJson(e.voteA) : null,
      vote_b: e.voteB ? voteJson(e.voteB) : null,
      TotalVotingPower: e.totalVotingPower.toString(),
      ValidatorPower: e.validatorPower.toString(),
      Timestamp: rfc3339Nano(e.timestamp),
    },
  };
}


type ResultLike = Pick<ExecTxResult, 'code' | 'data' | 'log' | 'gasWanted' | 'gasUsed' | 'events' | 'codespace'> & { info?: string };

export { eventsJson };

/** ExecTxResult / ResponseCheckTx. */
export function txResultJson(r: ResultLike) {
  return {
    code: r.code,
    data: base64OrNull(r.data),
    log: r.log,
    info: r.info ?? '',
    gas_wanted: r.gasWanted.toString(),
    gas_used: r.gasUsed.toString(),
    events: eventsJson(r.events),
    codespace: r.codespace,
  };
}

export function pubKeyJson(key: Uint8Array) {
  return { type: 'tendermint/PubKeyEd25519', value: base64(key) };
}

export function validatorJson(v: Validator) {
  return {
    address: hexUpper(v.address),
    pub_key: pubKeyJson(v.pubKey),
    voting_power: v.votingPower.toString(),
    proposer_priority: v.proposerPriority.toString(),
  };
}

/** A committed tx as `tx` and `tx_search` return it; with `proof`, its inclusion in the block's data_hash. */
export function txJson(t: StoredTx, proveIn?: Block) {
  const out: Record<string, unknown> = {
    hash: hexUpper(t.hash),
    height: t.height.toString(),
    index: t.index,
    tx_result: txResultJson(t.result),
    tx: base64(t.tx),
  };
  if (proveIn) out.proof = txProofJson(proveIn, t.index);
  return out;
}

/** CometBFT's TxProof: the simple-merkle path from SHA-256(tx) to the header's data_hash. */
export function txProofJson(block: Block, index: number) {
  const txs = block.data?.txs ?? [];
  const leaves = txs.map((tx) => leafHash(sha256(tx)));
  const aunts = inclusionPath(leaves, index);
  return {
    root_hash: hexUpper(block.header!.dataHash),
    data: base64(txs[index]),
    proof: { total: String(txs.length), index: String(index), leaf_hash: base64(leaves[index]), aunts: aunts.map(base64) },
  };
}

export function finalizeBlockJson(f: ResponseFinalizeBlock, txResults: readonly ExecTxResult[]) {
  return {
    events: eventsJson(f.events),
    tx_results: txResults.map(txResultJson),
    validator_updates: f.validatorUpdates.map((u) => ({ pub_key: { Sum: { type: 'tendermint.crypto.PublicKey_Ed25519', value: { ed25519: base64(u.pubKey?.ed25519) } } }, power: u.power.toString() })),
    consensus_param_updates: null,
    app_hash: base64(f.appHash),
  };
}

/** The "type.key" -> values map CometBFT attaches to each event message (and matches subscriptions against). */
export function eventMap(events: readonly Event[], base: Record<string, string>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of Object.entries(base)) m.set(k, [v]);
  for (const e of events) {
    for (const a of e.attributes) {
      const k = `${e.type}.${a.key}`;
      const list = m.get(k);
      if (list) list.push(a.value);
      else m.set(k, [a.value]);
    }
  }
  return m;
}
