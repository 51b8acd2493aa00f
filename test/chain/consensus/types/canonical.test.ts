import t from 'tap';
import { SignedMsgType } from 'cosmjs-types/tendermint/types/types';
import { sha256 } from '../../../../chain/crypto/hash.js';
import { GO_ZERO_TIME, nilBlockId, proposalSignBytes, voteSignBytes } from '../../../../chain/consensus/types/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (...parts: (number[] | Uint8Array)[]) => Buffer.concat(parts.map((p) => Buffer.from(p as Uint8Array)));
const le64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(n);
  return b;
};
/** The Go zero time as a Timestamp message: field 1 = -62135596800 as a varint. */
const zeroTime = [0x08, 0x80, 0x92, 0xb8, 0xc3, 0x98, 0xfe, 0xff, 0xff, 0xff, 0x01];

t.test('vote sign bytes: CometBFT TestVoteSignBytesTestVectors', async (t) => {
  const base = { type: 0 as SignedMsgType, height: 0n, round: 0, blockId: nilBlockId(), timestamp: GO_ZERO_TIME };
  // 0: the empty vote: only the (always present) timestamp
  t.equal(hex(voteSignBytes('', base)), hex(bytes([0x0d, 0x2a, 0x0b], zeroTime)));
  // 1: precommit at height 1 round 1: fixed-width height and round
  const hr = bytes([0x11], le64(1n), [0x19], le64(1n));
  t.equal(
    hex(voteSignBytes('', { ...base, type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, height: 1n, round: 1 })),
    hex(bytes([0x21, 0x08, 0x02], hr, [0x2a, 0x0b], zeroTime)),
  );
  // 2: prevote
  t.equal(
    hex(voteSignBytes('', { ...base, type: SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, height: 1n, round: 1 })),
    hex(bytes([0x21, 0x08, 0x01], hr, [0x2a, 0x0b], zeroTime)),
  );
  // 3: no type
  t.equal(hex(voteSignBytes('', { ...base, height: 1n, round: 1 })), hex(bytes([0x1f], hr, [0x2a, 0x0b], zeroTime)));
  // 4: with a chain id
  t.equal(
    hex(voteSignBytes('test_chain_id', { ...base, height: 1n, round: 1 })),
    hex(bytes([0x2e], hr, [0x2a, 0x0b], zeroTime, [0x32, 0x0d], Buffer.from('test_chain_id'))),
  );
  // the literal bytes of vector 4, as published
  t.equal(
    hex(voteSignBytes('test_chain_id', { ...base, height: 1n, round: 1 })),
    '2e1101000000000000001901000000000000002a0b088092b8c398feffffff01320d746573745f636861696e5f6964',
  );
});

t.test('vote sign bytes with a block id and a real timestamp (CometBFT exampleVote)', async (t) => {
  // 2017-12-25T03:00:01.234Z
  const timestamp = { seconds: BigInt(Date.UTC(2017, 11, 25, 3, 0, 1) / 1000), nanos: 234_000_000 };
  const blockHash = sha256(Buffer.from('blockID_hash'));
  const partsHash = sha256(Buffer.from('blockID_part_set_header_hash'));
  const vote = {
    type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
    height: 12345n,
    round: 2,
    blockId: { hash: blockHash, partSetHeader: { total: 1_000_000, hash: partsHash } },
    timestamp,
  };
  const psh = bytes([0x08, 0xc0, 0x84, 0x3d, 0x12, 0x20], partsHash); // total 1,000,000 as a varint
  const blockId = bytes([0x0a, 0x20], blockHash, [0x12, psh.length], psh);
  const time = bytes([0x08], varint(timestamp.seconds), [0x10], varint(234_000_000n));
  const body = bytes(
    [0x08, 0x02, 0x11], le64(12345n), [0x19], le64(2n),
    [0x22, blockId.length], blockId,
    [0x2a, time.length], time,
    [0x32, 0x0d], Buffer.from('test_chain_id'),
  );
  t.equal(hex(voteSignBytes('test_chain_id', vote)), hex(bytes(varint(BigInt(body.length)), body)));
});

t.test('proposal sign bytes (CometBFT testProposal: pol round -1 as a 10-byte varint)', async (t) => {
  // 2018-02-11T07:09:22.765Z
  const timestamp = { seconds: BigInt(Date.UTC(2018, 1, 11, 7, 9, 22) / 1000), nanos: 765_000_000 };
  const h = Buffer.from('--June_15_2020_amino_was_removed');
  const proposal = { height: 12345n, round: 23456, polRound: -1, blockId: { hash: h, partSetHeader: { total: 111, hash: h } }, timestamp };
  const psh = bytes([0x08, 111, 0x12, h.length], h);
  const blockId = bytes([0x0a, h.length], h, [0x12, psh.length], psh);
  const time = bytes([0x08], varint(timestamp.seconds), [0x10], varint(765_000_000n));
  const body = bytes(
    [0x08, 0x20, 0x11], le64(12345n), [0x19], le64(23456n),
    [0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    [0x2a, blockId.length], blockId,
    [0x32, time.length], time,
    [0x3a, 0x0d], Buffer.from('test_chain_id'),
  );
  t.ok(body.length > 127, 'the length prefix takes two varint bytes');
  t.equal(hex(proposalSignBytes('test_chain_id', proposal)), hex(bytes(varint(BigInt(body.length)), body)));
  // a proposal never signs the same bytes as a vote (CometBFT TestVoteProposalNotEq)
  const p = proposalSignBytes('', { height: 1n, round: 1, polRound: 0, blockId: nilBlockId(), timestamp: GO_ZERO_TIME });
  const v = voteSignBytes('', { type: 0 as SignedMsgType, height: 1n, round: 1, blockId: nilBlockId(), timestamp: GO_ZERO_TIME });
  t.not(hex(p), hex(v));
});

function varint(n: bigint): number[] {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
