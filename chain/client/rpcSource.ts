/**
 * Reads headers, commits and validator sets from a node's CometBFT JSON-RPC (`commit`, `validators`,
 * `status`) and turns the JSON back into the protobuf types the header hash and vote signatures are computed
 * over. Nothing read here is trusted: the light client verifies every field it uses.
 */
import { BlockIDFlag } from 'cosmjs-types/tendermint/types/validator';
import type { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import type { BlockID, Commit, Header } from 'cosmjs-types/tendermint/types/types';
import { addressFromPubKey, ValidatorSet, type Validator } from '../consensus/types/index.js';
import { LightErrors } from './errors.js';
import { fetchJson } from './http.js';

export interface SignedHeader {
  header: Header;
  commit: Commit;
}

/** Where the light client gets what it verifies (a node's RPC, or anything else in tests). */
export interface LightBlockSource {
  signedHeader(height: bigint): Promise<SignedHeader>;
  validatorSet(height: bigint): Promise<ValidatorSet>;
  latestHeight(): Promise<bigint>;
}

const bad = (what: string) => LightErrors.MalformedResponse(what);

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw bad(`${what} is not a string`);
  return v;
}

function hexBytes(v: unknown, what: string): Uint8Array {
  const s = str(v, what);
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw bad(`${what} is not hex`);
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function b64Bytes(v: unknown, what: string): Uint8Array {
  if (v === null || v === undefined) return new Uint8Array(0);
  const s = str(v, what);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw bad(`${what} is not base64`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

function int(v: unknown, what: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v !== 'string' || !/^-?[0-9]{1,20}$/.test(v)) throw bad(`${what} is not an integer`);
  return BigInt(v);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(`${what} is not an object`);
  return v as Record<string, unknown>;
}

/** RFC 3339 with up to nine fraction digits (Go's RFC3339Nano, UTC) back to a protobuf Timestamp. */
export function parseRfc3339Nano(v: unknown, what: string): Timestamp {
  const s = str(v, what);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(s);
  const ms = m ? Date.parse(`${m[1]}Z`) : NaN;
  if (!m || Number.isNaN(ms)) throw bad(`${what} ${JSON.stringify(s)} is not an RFC 3339 UTC time`);
  return { seconds: BigInt(ms / 1000), nanos: m[2] ? Number(m[2].padEnd(9, '0')) : 0 };
}

function blockId(v: unknown, what: string): BlockID {
  const o = obj(v, what);
  const parts = obj(o.parts, `${what}.parts`);
  return { hash: hexBytes(o.hash, `${what}.hash`), partSetHeader: { total: Number(int(parts.total, `${what}.parts.total`)), hash: hexBytes(parts.hash, `${what}.parts.hash`) } };
}

export function headerFromJson(v: unknown): Header {
  const h = obj(v, 'header');
  const version = obj(h.version, 'header.version');
  return {
    version: { block: int(version.block, 'version.block'), app: int(version.app, 'version.app') },
    chainId: str(h.chain_id, 'chain_id'),
    height: int(h.height, 'height'),
    time: parseRfc3339Nano(h.time, 'time'),
    lastBlockId: blockId(h.last_block_id, 'last_block_id'),
    lastCommitHash: hexBytes(h.last_commit_hash, 'last_commit_hash'),
    dataHash: hexBytes(h.data_hash, 'data_hash'),
    validatorsHash: hexBytes(h.validators_hash, 'validators_hash'),
    nextValidatorsHash: hexBytes(h.next_validators_hash, 'next_validators_hash'),
    consensusHash: hexBytes(h.consensus_hash, 'consensus_hash'),
    appHash: hexBytes(h.app_hash, 'app_hash'),
    lastResultsHash: hexBytes(h.last_results_hash, 'last_results_hash'),
    evidenceHash: hexBytes(h.evidence_hash, 'evidence_hash'),
    proposerAddress: hexBytes(h.proposer_address, 'proposer_address'),
  };
}

export function commitFromJson(v: unknown): Commit {
  const c = obj(v, 'commit');
  if (!Array.isArray(c.signatures)) throw bad('commit.signatures is not a list');
  return {
    height: int(c.height, 'commit.height'),
    round: Number(int(c.round, 'commit.round')),
    blockId: blockId(c.block_id, 'commit.block_id'),
    signatures: c.signatures.map((s, i) => {
      const o = obj(s, `signature #${i}`);
      const flag = Number(int(o.block_id_flag, `signature #${i}.block_id_flag`)) as BlockIDFlag;
      return {
        blockIdFlag: flag,
        validatorAddress: hexBytes(o.validator_address ?? '', `signature #${i}.validator_address`),
        timestamp: parseRfc3339Nano(o.timestamp, `signature #${i}.timestamp`),
        signature: b64Bytes(o.signature, `signature #${i}.signature`),
      };
    }),
  };
}

export function validatorFromJson(v: unknown, i: number): Validator {
  const o = obj(v, `validator #${i}`);
  const pk = obj(o.pub_key, `validator #${i}.pub_key`);
  if (pk.type !== 'tendermint/PubKeyEd25519') throw bad(`validator #${i} has a ${String(pk.type)} key; only ed25519 is supported`);
  const pubKey = b64Bytes(pk.value, `validator #${i}.pub_key`);
  if (pubKey.length !== 32) throw bad(`validator #${i} key has ${pubKey.length} bytes`);
  return { address: addressFromPubKey(pubKey), pubKey, votingPower: int(o.voting_power, `validator #${i}.voting_power`), proposerPriority: int(o.proposer_priority ?? '0', `validator #${i}.proposer_priority`) };
}

/** A LightBlockSource over a node's CometBFT JSON-RPC at `url` (e.g. http://127.0.0.1:26657). */
export class RpcLightBlockSource implements LightBlockSource {
  constructor(private readonly url: string) {}

  private async call(method: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    const q = new URLSearchParams(params).toString();
    const body = obj(await fetchJson(`${this.url.replace(/\/$/, '')}/${method}${q ? `?${q}` : ''}`), `${method} answer`);
    if (body.error !== undefined) {
      const e = obj(body.error, 'error');
      throw LightErrors.Unavailable(`${method}: ${String(e.message)} ${String(e.data ?? '')}`.trim());
    }
    return obj(body.result, `${method} result`);
  }

  async signedHeader(height: bigint): Promise<SignedHeader> {
    const r = await this.call('commit', { height: height.toString() });
    const sh = obj(r.signed_header, 'signed_header');
    return { header: headerFromJson(sh.header), commit: commitFromJson(sh.commit) };
  }

  async validatorSet(height: bigint): Promise<ValidatorSet> {
    const validators: Validator[] = [];
    for (let page = 1; ; page++) {
      const r = await this.call('validators', { height: height.toString(), page: String(page), per_page: '100' });
      if (!Array.isArray(r.validators)) throw bad('validators is not a list');
      r.validators.forEach((v, i) => validators.push(validatorFromJson(v, validators.length + i)));
      const total = Number(int(r.total, 'validators total'));
      if (validators.length >= total || r.validators.length === 0) break;
    }
    // the node's order and priorities are not trusted: the set is rebuilt in canonical order, and its hash is checked
    return ValidatorSet.fromExisting(validators);
  }

  async latestHeight(): Promise<bigint> {
    const r = await this.call('status', {});
    return int(obj(r.sync_info, 'sync_info').latest_block_height, 'latest_block_height');
  }
}
