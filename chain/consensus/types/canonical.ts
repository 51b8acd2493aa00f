/**
 * CometBFT 0.38 canonical sign bytes: what validators sign for votes and proposals. The messages are
 * tendermint.types.CanonicalVote / CanonicalProposal, protobuf-encoded and prefixed with their length as
 * an unsigned varint (protoio.MarshalDelimited). Height and round are sfixed64 so the encoding has a
 * fixed shape; a nil block id is left out; the timestamp is always present; the chain id is included,
 * so a signature never replays on another chain.
 */
import { BinaryWriter } from 'cosmjs-types/binary';
import { Timestamp } from 'cosmjs-types/google/protobuf/timestamp';
import { BlockID, SignedMsgType } from 'cosmjs-types/tendermint/types/types';
import { isNilBlockId } from './blockId.js';

/** The fields of a vote that are signed (validator address and index are not). */
export interface VoteSignFields {
  readonly type: SignedMsgType;
  readonly height: bigint;
  readonly round: number;
  readonly blockId: BlockID;
  readonly timestamp: Timestamp;
}

/** The fields of a proposal that are signed. */
export interface ProposalSignFields {
  readonly height: bigint;
  readonly round: number;
  readonly polRound: number;
  readonly blockId: BlockID;
  readonly timestamp: Timestamp;
}

export function voteSignBytes(chainId: string, vote: VoteSignFields): Uint8Array {
  const w = BinaryWriter.create();
  if (vote.type !== 0) w.uint32(0x08).int32(vote.type);
  writeFixedHeightRound(w, vote.height, vote.round);
  writeCanonicalBlockId(w, 4, vote.blockId);
  writeTimestamp(w, 5, vote.timestamp);
  if (chainId !== '') w.uint32((6 << 3) | 2).string(chainId);
  return delimited(w.finish());
}

export function proposalSignBytes(chainId: string, proposal: ProposalSignFields): Uint8Array {
  const w = BinaryWriter.create();
  w.uint32(0x08).int32(SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL);
  writeFixedHeightRound(w, proposal.height, proposal.round);
  if (proposal.polRound !== 0) w.uint32(0x20).int64(BigInt(proposal.polRound));
  writeCanonicalBlockId(w, 5, proposal.blockId);
  writeTimestamp(w, 6, proposal.timestamp);
  if (chainId !== '') w.uint32((7 << 3) | 2).string(chainId);
  return delimited(w.finish());
}

function writeFixedHeightRound(w: BinaryWriter, height: bigint, round: number): void {
  // proto3 leaves zero scalars out, fixed-width ones included
  if (height !== 0n) w.uint32(0x11).sfixed64(height);
  if (round !== 0) w.uint32(0x19).sfixed64(BigInt(round));
}

/** CanonicalBlockID {hash = 1, part_set_header = 2 (always present)}; nil ids are omitted entirely. */
function writeCanonicalBlockId(w: BinaryWriter, field: number, id: BlockID): void {
  if (isNilBlockId(id)) return;
  w.uint32((field << 3) | 2).fork();
  if (id.hash.length !== 0) w.uint32(0x0a).bytes(id.hash);
  w.uint32(0x12).fork();
  if (id.partSetHeader.total !== 0) w.uint32(0x08).uint32(id.partSetHeader.total);
  if (id.partSetHeader.hash.length !== 0) w.uint32(0x12).bytes(id.partSetHeader.hash);
  w.ldelim();
  w.ldelim();
}

/** Non-nullable Timestamp: always written, its own zero fields omitted. */
export function writeTimestamp(w: BinaryWriter, field: number, t: Timestamp): void {
  w.uint32((field << 3) | 2).fork();
  if (t.seconds !== 0n) w.uint32(0x08).int64(t.seconds);
  if (t.nanos !== 0) w.uint32(0x10).int32(t.nanos);
  w.ldelim();
}

function delimited(body: Uint8Array): Uint8Array {
  return BinaryWriter.create().bytes(body).finish();
}
