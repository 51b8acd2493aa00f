import t from 'tap';
import { SignedMsgType } from 'cosmjs-types/tendermint/types/types';
import { BlockIDFlag } from 'cosmjs-types/tendermint/types/validator';
import { buildBlock, checkBlock, evidenceKey, medianTime, type ChainContext } from '../../../../chain/consensus/engine/blocks.js';
import { EngineErrors } from '../../../../chain/consensus/engine/errors.js';
import { consensusParamsHash, resultsHash } from '../../../../chain/consensus/block.js';
import { voteSignBytes } from '../../../../chain/consensus/types/canonical.js';
import { duplicateVoteEvidence } from '../../../../chain/consensus/types/evidence.js';
import { nilBlockId } from '../../../../chain/consensus/types/blockId.js';
import { ValidatorSet } from '../../../../chain/consensus/types/validatorSet.js';
import { makeVote } from '../../../../chain/consensus/types/vote.js';
import { sha256 } from '../../../../chain/crypto/hash.js';
import { testValidators, throwsKind, verifyEd25519 } from '../helpers.js';

const CHAIN = 'blocks-test';
const HEIGHT = 3n;
const { validators, keys } = testValidators([10n, 10n, 10n, 10n]);
const set = ValidatorSet.create(validators);
const time = { seconds: 1_700_000_000n, nanos: 0 };

/** A signed prevote of validator `index` at `height` for `block` (or nil). */
function prevote(index: number, height: bigint, block: string | null) {
  const v = set.getByIndex(index)!;
  const blockId = block === null ? nilBlockId() : { hash: sha256(Buffer.from(block)), partSetHeader: { total: 1, hash: sha256(Buffer.from(block + ' parts')) } };
  const vote = makeVote({ type: SignedMsgType.SIGNED_MSG_TYPE_PREVOTE, height, round: 0, blockId }, { validatorAddress: v.address, validatorIndex: index, timestamp: time });
  return { ...vote, signature: keys.get(Buffer.from(v.address).toString('hex'))!.sign(voteSignBytes(CHAIN, vote)) };
}

const doubleSign = (index: number, height: bigint) => duplicateVoteEvidence(prevote(index, height, 'a'), prevote(index, height, null), time, set);

/** Height 3 is the chain's first here (no last commit to check); evidence of heights 3 and 2 may be judged. */
function context(previousEvidence: string[] = []): ChainContext {
  return {
    chainId: CHAIN,
    height: HEIGHT,
    initialHeight: HEIGHT,
    lastBlockId: null,
    lastBlockTimeNs: 0n,
    lastCommitValidators: null,
    validators: set,
    nextValidators: set,
    appHash: sha256(Buffer.from('app')),
    lastResultsHash: resultsHash([]),
    consensusHash: consensusParamsHash(1_000_000n, -1n),
    appVersion: 1n,
    evidenceValidators: (h) => (h === HEIGHT || h === HEIGHT - 1n ? set : null),
    previousEvidence: new Set(previousEvidence),
    verify: verifyEd25519,
  };
}

function blockWith(evidence: ReturnType<typeof doubleSign>[]) {
  const ctx = context();
  return buildBlock(
    {
      chainId: CHAIN,
      height: HEIGHT,
      time,
      lastBlockId: nilBlockId(),
      lastCommit: undefined,
      txs: [],
      validatorsHash: set.hash(),
      nextValidatorsHash: set.hash(),
      consensusHash: ctx.consensusHash,
      appHash: ctx.appHash,
      lastResultsHash: ctx.lastResultsHash,
      proposerAddress: set.getByIndex(0)!.address,
      appVersion: 1n,
    },
    evidence,
  );
}

t.test('evidence of this height and the last is accepted', async (t) => {
  checkBlock(blockWith([doubleSign(1, HEIGHT), doubleSign(2, HEIGHT - 1n)]), context());
  t.pass('valid block with two pieces of evidence');
});

t.test('the same evidence twice in one block is refused', async (t) => {
  const e = doubleSign(1, HEIGHT);
  throwsKind(t, () => checkBlock(blockWith([e, e]), context()), EngineErrors.invalidBlock);
});

t.test('evidence the previous block committed is refused', async (t) => {
  const e = doubleSign(1, HEIGHT - 1n);
  throwsKind(t, () => checkBlock(blockWith([e]), context([evidenceKey(e)])), EngineErrors.invalidBlock);
  checkBlock(blockWith([e]), context([evidenceKey(doubleSign(2, HEIGHT - 1n))]));
  t.pass('other evidence in the previous block does not matter');
});

t.test('expired evidence (older than the last height) and evidence from the future are refused', async (t) => {
  throwsKind(t, () => checkBlock(blockWith([doubleSign(1, HEIGHT - 2n)]), context()), EngineErrors.invalidBlock);
  throwsKind(t, () => checkBlock(blockWith([doubleSign(1, HEIGHT + 1n)]), context()), EngineErrors.invalidBlock);
});

t.test('forged evidence (a signature that does not verify) is refused', async (t) => {
  const e = doubleSign(1, HEIGHT);
  const forged = { ...e, voteB: { ...e.voteB!, signature: new Uint8Array(64) } };
  throwsKind(t, () => checkBlock(blockWith([forged]), context()), EngineErrors.invalidBlock);
});

t.test('BFT time is the power-weighted median of the last commit\'s timestamps, absent votes skipped', async (t) => {
  const at = (s: bigint) => ({ seconds: s, nanos: 0 });
  const sig = (index: number, seconds: bigint | null) => ({
    blockIdFlag: seconds === null ? BlockIDFlag.BLOCK_ID_FLAG_ABSENT : BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
    validatorAddress: set.getByIndex(index)!.address,
    timestamp: at(seconds ?? 0n),
    signature: new Uint8Array(64),
  });
  const commit = (sigs: ReturnType<typeof sig>[]) => ({ height: 1n, round: 0, blockId: nilBlockId(), signatures: sigs });
  t.same(medianTime(commit([sig(0, 40n), sig(1, 10n), sig(2, 30n), sig(3, 20n)]), set), at(20n), 'four equal powers: the lower middle');
  t.same(medianTime(commit([sig(0, 40n), sig(1, 10n), sig(2, null), sig(3, 20n)]), set), at(20n), 'absent skipped');
  const { validators: unequal } = testValidators([50n, 10n, 10n]);
  const heavy = ValidatorSet.create(unequal);
  const heavyIndex = heavy.getByAddress(unequal[0]!.address)!.index;
  const sigs = [0, 1, 2].map((i) => ({ ...sig(0, i === heavyIndex ? 99n : BigInt(i + 1)), validatorAddress: heavy.getByIndex(i)!.address }));
  t.same(medianTime(commit(sigs), heavy), at(99n), 'a validator with more than half the power sets the time');
  throwsKind(t, () => medianTime(commit([sig(0, null)]), set), EngineErrors.invalidBlock);
});
