import t from 'tap';
import { SignedMsgType } from 'cosmjs-types/tendermint/types/types';
import {
  BlockIDFlag,
  ConsensusErrors,
  duplicateVoteEvidence,
  makeCommit,
  makeProposal,
  makeVote,
  nilBlockId,
  proposalSignBytes,
  ValidatorSet,
  verifyCommit,
  verifyDuplicateVoteEvidence,
  verifyProposal,
  voteSignBytes,
  voteValidator,
  type BlockID,
  type Vote,
} from '../../../../chain/consensus/types/index.js';
import { sha256 } from '../../../../chain/crypto/hash.js';
import { testValidators, throwsKind, verifyEd25519 } from '../helpers.js';

const CHAIN = 'vivian-test-1';
const blockOf = (s: string): BlockID => ({ hash: sha256(Buffer.from(s)), partSetHeader: { total: 2, hash: sha256(Buffer.from(`p${s}`)) } });
const V = blockOf('v');
const W = blockOf('w');
const { validators, keys } = testValidators([4n, 3n, 2n, 1n]);
const set = ValidatorSet.create(validators);

function signed(index: number, blockId: BlockID, type = SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, round = 0): Vote {
  const v = set.validators[index]!;
  const vote = makeVote(
    { type: type as SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT, height: 5n, round, blockId },
    { validatorAddress: v.address, validatorIndex: index, timestamp: { seconds: 1_700_000_000n, nanos: index } },
  );
  return { ...vote, signature: keys.get(Buffer.from(v.address).toString('hex'))!.sign(voteSignBytes(CHAIN, vote)) };
}

t.test('vote checks: index, address, signature, chain id', async (t) => {
  const vote = signed(1, V);
  t.equal(voteValidator(CHAIN, vote, set, verifyEd25519), set.validators[1]);
  throwsKind(t, () => voteValidator('other-chain', vote, set, verifyEd25519), ConsensusErrors.invalidSignature);
  throwsKind(t, () => voteValidator(CHAIN, { ...vote, round: 1 }, set, verifyEd25519), ConsensusErrors.invalidSignature);
  throwsKind(t, () => voteValidator(CHAIN, { ...vote, validatorIndex: 2 }, set, verifyEd25519), ConsensusErrors.unknownValidator);
  throwsKind(t, () => voteValidator(CHAIN, { ...vote, validatorIndex: 4 }, set, verifyEd25519), ConsensusErrors.unknownValidator);
  throwsKind(t, () => voteValidator(CHAIN, { ...vote, height: 0n }, set, verifyEd25519), ConsensusErrors.invalidVote);
});

t.test('proposal checks: shape and the round proposer’s signature', async (t) => {
  const proposal = makeProposal({ height: 5n, round: 2, polRound: 1, blockId: V }, { seconds: 1n, nanos: 0 });
  const proposer = set.proposer;
  proposal.signature = keys.get(Buffer.from(proposer.address).toString('hex'))!.sign(proposalSignBytes(CHAIN, proposal));
  verifyProposal(CHAIN, proposal, proposer, verifyEd25519);
  t.pass('a signed proposal verifies');
  const other = set.validators.find((v) => v !== proposer)!;
  throwsKind(t, () => verifyProposal(CHAIN, proposal, other, verifyEd25519), ConsensusErrors.invalidSignature);
  throwsKind(t, () => verifyProposal(CHAIN, { ...proposal, polRound: 2 }, proposer, verifyEd25519), ConsensusErrors.invalidProposal);
  throwsKind(t, () => verifyProposal(CHAIN, { ...proposal, blockId: nilBlockId() }, proposer, verifyEd25519), ConsensusErrors.invalidBlockId);
});

t.test('verifyCommit: 2/3+ of the power in COMMIT slots, every signature checked', async (t) => {
  // powers 4,3,2,1: 4+3 = 7 of 10 is a majority; 4+2 = 6 is not
  const good = makeCommit(5n, 0, V, [signed(0, V), signed(1, V), signed(2, nilBlockId()), undefined]);
  t.same(good.signatures.map((s) => s.blockIdFlag), [2, 2, 3, 1]);
  verifyCommit(CHAIN, set, V, 5n, good, verifyEd25519);
  t.pass('valid commit');
  const weak = makeCommit(5n, 0, V, [signed(0, V), signed(1, nilBlockId()), signed(2, V), signed(3, W)]);
  t.equal(weak.signatures[3]!.blockIdFlag, BlockIDFlag.BLOCK_ID_FLAG_ABSENT, 'a vote for another block is left out');
  throwsKind(t, () => verifyCommit(CHAIN, set, V, 5n, weak, verifyEd25519), ConsensusErrors.invalidCommit);
  throwsKind(t, () => verifyCommit(CHAIN, set, V, 6n, good, verifyEd25519), ConsensusErrors.invalidCommit);
  throwsKind(t, () => verifyCommit(CHAIN, set, W, 5n, good, verifyEd25519), ConsensusErrors.invalidCommit);
  const forged = { ...good, signatures: good.signatures.map((s, i) => (i === 2 ? { ...s, signature: new Uint8Array(64) } : s)) };
  throwsKind(t, () => verifyCommit(CHAIN, set, V, 5n, forged, verifyEd25519), ConsensusErrors.invalidSignature);
  throwsKind(t, () => verifyCommit(CHAIN, set, V, 5n, { ...good, signatures: good.signatures.slice(0, 3) }, verifyEd25519), ConsensusErrors.invalidCommit);
});

t.test('duplicate vote evidence: built ordered, verified, rejected when not a double-sign', async (t) => {
  const a = signed(2, V, SignedMsgType.SIGNED_MSG_TYPE_PREVOTE);
  const b = signed(2, W, SignedMsgType.SIGNED_MSG_TYPE_PREVOTE);
  const time = { seconds: 99n, nanos: 0 };
  const ev = duplicateVoteEvidence(b, a, time, set);
  t.same(ev, duplicateVoteEvidence(a, b, time, set), 'the order of discovery does not matter');
  t.equal(ev.validatorPower, 2n);
  t.equal(ev.totalVotingPower, 10n);
  verifyDuplicateVoteEvidence(CHAIN, ev, set, verifyEd25519);
  t.pass('verifies');
  throwsKind(t, () => verifyDuplicateVoteEvidence(CHAIN, { ...ev, voteA: ev.voteB, voteB: ev.voteA }, set, verifyEd25519), ConsensusErrors.invalidEvidence);
  throwsKind(t, () => verifyDuplicateVoteEvidence(CHAIN, { ...ev, voteB: ev.voteA }, set, verifyEd25519), ConsensusErrors.invalidEvidence);
  throwsKind(t, () => verifyDuplicateVoteEvidence(CHAIN, { ...ev, validatorPower: 3n }, set, verifyEd25519), ConsensusErrors.invalidEvidence);
  const otherRound = signed(2, W, SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, 1);
  throwsKind(t, () => verifyDuplicateVoteEvidence(CHAIN, duplicateVoteEvidence(a, otherRound, time, set), set, verifyEd25519), ConsensusErrors.invalidEvidence);
  const forged = { ...ev, voteB: { ...ev.voteB!, signature: new Uint8Array(64) } };
  throwsKind(t, () => verifyDuplicateVoteEvidence(CHAIN, forged, set, verifyEd25519), ConsensusErrors.invalidSignature);
});
