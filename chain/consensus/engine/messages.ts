/**
 * What validators and full nodes say to each other about consensus, and its byte encoding: one kind byte,
 * then protobuf for the CometBFT types (Proposal, Vote, Commit, DuplicateVoteEvidence) or fixed-width
 * big-endian integers. Decoding never trusts a length: every malformed input is a typed error.
 */
import { DuplicateVoteEvidence } from 'cosmjs-types/tendermint/types/evidence';
import { Commit, Proposal, Vote } from 'cosmjs-types/tendermint/types/types';
import { EngineErrors } from './errors.js';

export type ConsensusMessage =
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  /**
   * One 64 KiB part of the proposal's block; `psHash` is the part set hash the proposal names and `proof`
   * the part's inclusion path under it (sibling hashes, leaf first), as CometBFT's Part carries.
   */
  | {
      readonly kind: 'blockPart';
      readonly height: bigint;
      readonly round: number;
      readonly total: number;
      readonly index: number;
      readonly psHash: Uint8Array;
      readonly proof: readonly Uint8Array[];
      readonly bytes: Uint8Array;
    }
  | { readonly kind: 'vote'; readonly vote: Vote }
  /** The sender's last committed height (block sync uses it to know who is ahead). */
  | { readonly kind: 'status'; readonly height: bigint }
  | { readonly kind: 'blockRequest'; readonly height: bigint }
  /** A committed block with the commit that finalised it. */
  | { readonly kind: 'blockResponse'; readonly block: Uint8Array; readonly commit: Commit }
  | { readonly kind: 'evidence'; readonly evidence: DuplicateVoteEvidence };

const KINDS = ['proposal', 'blockPart', 'vote', 'status', 'blockRequest', 'blockResponse', 'evidence'] as const;
/** A part proof is one hash per tree level: 32 levels are 2^32 parts, far beyond any block size limit. */
export const MAX_PART_PROOF_HASHES = 32;
const HASH_BYTES = 32;

export function encodeMessage(m: ConsensusMessage): Uint8Array {
  const kind = Buffer.of(KINDS.indexOf(m.kind));
  switch (m.kind) {
    case 'proposal':
      return Buffer.concat([kind, Proposal.encode(m.proposal).finish()]);
    case 'vote':
      return Buffer.concat([kind, Vote.encode(m.vote).finish()]);
    case 'evidence':
      return Buffer.concat([kind, DuplicateVoteEvidence.encode(m.evidence).finish()]);
    case 'status':
    case 'blockRequest': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(m.height);
      return Buffer.concat([kind, b]);
    }
    case 'blockPart': {
      if (m.proof.length > MAX_PART_PROOF_HASHES) throw EngineErrors.invalidMessage(`a part proof of ${m.proof.length} hashes`);
      const head = Buffer.alloc(8 + 4 + 4 + 4 + 32 + 1 + HASH_BYTES * m.proof.length);
      head.writeBigUInt64BE(m.height, 0);
      head.writeUInt32BE(m.round, 8);
      head.writeUInt32BE(m.total, 12);
      head.writeUInt32BE(m.index, 16);
      head.set(m.psHash, 20);
      head[52] = m.proof.length;
      m.proof.forEach((h, i) => head.set(h, 53 + HASH_BYTES * i));
      return Buffer.concat([kind, head, m.bytes]);
    }
    case 'blockResponse': {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(m.block.length);
      return Buffer.concat([kind, len, m.block, Commit.encode(m.commit).finish()]);
    }
  }
}

export function decodeMessage(bytes: Uint8Array): ConsensusMessage {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = KINDS[b[0] ?? 255];
  const body = b.subarray(1);
  const need = (n: number) => {
    if (body.length < n) throw EngineErrors.invalidMessage(`${kind} message of ${body.length} bytes is too short`);
  };
  try {
    switch (kind) {
      case 'proposal':
        return { kind, proposal: Proposal.decode(body) };
      case 'vote':
        return { kind, vote: Vote.decode(body) };
      case 'evidence':
        return { kind, evidence: DuplicateVoteEvidence.decode(body) };
      case 'status':
      case 'blockRequest':
        need(8);
        return { kind, height: body.readBigUInt64BE(0) };
      case 'blockPart': {
        need(53);
        const hashes = body[52]!;
        if (hashes > MAX_PART_PROOF_HASHES) throw EngineErrors.invalidMessage(`a part proof of ${hashes} hashes`);
        const start = 53 + HASH_BYTES * hashes;
        need(start);
        return {
          kind,
          height: body.readBigUInt64BE(0),
          round: body.readUInt32BE(8),
          total: body.readUInt32BE(12),
          index: body.readUInt32BE(16),
          psHash: new Uint8Array(body.subarray(20, 52)),
          proof: Array.from({ length: hashes }, (_, i) => new Uint8Array(body.subarray(53 + HASH_BYTES * i, 53 + HASH_BYTES * (i + 1)))),
          bytes: new Uint8Array(body.subarray(start)),
        };
      }
      case 'blockResponse': {
        need(4);
        const len = body.readUInt32BE(0);
        need(4 + len);
        return { kind, block: new Uint8Array(body.subarray(4, 4 + len)), commit: Commit.decode(body.subarray(4 + len)) };
      }
      default:
        throw EngineErrors.invalidMessage(`unknown message kind ${b[0]}`);
    }
  } catch (e) {
    if (EngineErrors.invalidMessage.is(e)) throw e;
    throw EngineErrors.invalidMessage(`undecodable ${kind}: ${(e as Error).message}`);
  }
}
