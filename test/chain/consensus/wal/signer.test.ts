import t from 'tap';
import { appendFileSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignedMsgType, type BlockID, type Vote } from 'cosmjs-types/tendermint/types/types';
import { ed25519PublicKey, verifyEd25519 } from '../../../../chain/crypto/ed25519.js';
import { voteSignBytes } from '../../../../chain/consensus/types/canonical.js';
import { nilBlockId } from '../../../../chain/consensus/types/blockId.js';
import { makeProposal, makeVote } from '../../../../chain/consensus/types/vote.js';
import { ConsensusWal } from '../../../../chain/consensus/wal/wal.js';
import { GuardedSigner } from '../../../../chain/consensus/wal/signer.js';

const CHAIN = 'wal-test';
const key = new Uint8Array(32).fill(7);
const pub = ed25519PublicKey(key);
const blockA = { hash: new Uint8Array(32).fill(1), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(2) } };
const blockB = { hash: new Uint8Array(32).fill(3), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(4) } };
const signer = { validatorAddress: new Uint8Array(20).fill(9), validatorIndex: 0, timestamp: { seconds: 100n, nanos: 0 } };
const vote = (type: SignedMsgType.SIGNED_MSG_TYPE_PREVOTE | SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, height: bigint, round: number, blockId: BlockID = blockA): Vote =>
  makeVote({ type, height, round, blockId }, signer);
const PREVOTE = SignedMsgType.SIGNED_MSG_TYPE_PREVOTE;
const PRECOMMIT = SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT;

function tempWal(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-wal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'cs.wal', 'wal');
}

t.test('signs once per height/round/step and survives a restart with the same answers', async (t) => {
  const path = tempWal(t);
  let wal = ConsensusWal.open(path);
  let s = new GuardedSigner(CHAIN, key, wal);
  const first = s.signVote(vote(PREVOTE, 5n, 0));
  t.equal(first.status, 'signed');
  if (first.status === 'refused') return;
  t.ok(verifyEd25519(pub, voteSignBytes(CHAIN, first.message), first.message.signature), 'a valid signature');
  // the same step asked again, for another block: the first vote comes back, never a second signature
  const again = s.signVote(vote(PREVOTE, 5n, 0, blockB));
  t.equal(again.status, 'replayed');
  if (again.status !== 'refused') t.same(again.message.blockId, blockA);
  t.equal(s.signVote(vote(PRECOMMIT, 5n, 0)).status, 'signed');
  t.equal(s.signVote(vote(PREVOTE, 5n, 1, nilBlockId())).status, 'signed');
  // going back below the last signed step is refused
  t.equal(s.signVote(vote(PRECOMMIT, 4n, 3)).status, 'refused');
  t.equal(s.signProposal(makeProposal({ height: 5n, round: 0, polRound: -1, blockId: blockB }, signer.timestamp)).status, 'refused', 'a proposal below the last signed step');
  wal.close();

  // restart: the log answers as before
  wal = ConsensusWal.open(path);
  s = new GuardedSigner(CHAIN, key, wal);
  t.equal(wal.entries.length, 3);
  const replay = s.signVote(vote(PREVOTE, 5n, 0, blockB));
  t.equal(replay.status, 'replayed');
  if (replay.status !== 'refused') t.same(replay.message.signature, first.message.signature, 'the logged signature, not a new one');
  t.equal(s.signVote(vote(PRECOMMIT, 5n, 0, blockB)).status, 'replayed');
  t.equal(s.signVote(vote(PREVOTE, 5n, 0)).status, 'replayed');
  t.equal(s.signedAt(5n).length, 3);
  t.equal(s.signVote(vote(PREVOTE, 6n, 0)).status, 'signed');
  wal.close();
});

t.test('a torn tail is cut off; what was complete stays', async (t) => {
  const path = tempWal(t);
  const wal = ConsensusWal.open(path);
  const s = new GuardedSigner(CHAIN, key, wal);
  s.signVote(vote(PREVOTE, 1n, 0));
  s.signVote(vote(PRECOMMIT, 1n, 0));
  wal.close();
  const size = statSync(path).size;
  truncateSync(path, size - 5); // the second record half-written
  appendFileSync(path, Buffer.from([1, 2, 3]));
  const reopened = ConsensusWal.open(path);
  t.equal(reopened.entries.length, 1, 'only the complete record');
  t.ok(statSync(path).size < size, 'the torn bytes are gone');
  // the half-written precommit was never sent: it may be signed now
  const s2 = new GuardedSigner(CHAIN, key, reopened);
  t.equal(s2.signVote(vote(PRECOMMIT, 1n, 0, blockB)).status, 'signed');
  reopened.close();
});

t.test("the proposer's block is logged with its proposal, only when the proposal is signed now", async (t) => {
  const path = tempWal(t);
  let wal = ConsensusWal.open(path);
  let s = new GuardedSigner(CHAIN, key, wal);
  const block = new Uint8Array(100_000).fill(5); // larger than a vote or proposal ever is
  const proposal = makeProposal({ height: 3n, round: 0, polRound: -1, blockId: blockA }, signer.timestamp);
  t.equal(s.signProposal(proposal, block).status, 'signed');
  t.equal(s.signProposal(proposal, new Uint8Array(10)).status, 'replayed');
  t.same(wal.entries.map((r) => r.kind), ['block', 'proposal'], 'the block before the proposal, and no second block');
  wal.close();

  wal = ConsensusWal.open(path);
  s = new GuardedSigner(CHAIN, key, wal);
  const at3 = s.signedAt(3n);
  t.equal(at3.length, 2);
  const logged = at3[0]!;
  t.ok(logged.kind === 'block' && logged.height === 3n && Buffer.from(logged.bytes).equals(block), 'the block survives a restart');
  // a block record is no signature: it does not move the last signed step
  t.equal(s.signVote(vote(PREVOTE, 3n, 0)).status, 'signed');
  wal.close();

  // a crash during the write: a torn proposal leaves the block alone (harmless), a torn block leaves nothing
  truncateSync(path, 0);
  wal = ConsensusWal.open(path);
  new GuardedSigner(CHAIN, key, wal).signProposal(proposal, block);
  wal.close();
  truncateSync(path, statSync(path).size - 5);
  let reopened = ConsensusWal.open(path);
  t.same(reopened.entries.map((r) => r.kind), ['block'], 'the proposal was never sent');
  reopened.close();
  truncateSync(path, 1000);
  reopened = ConsensusWal.open(path);
  t.equal(reopened.entries.length, 0, 'a half-written block is cut off');
  reopened.close();
});
