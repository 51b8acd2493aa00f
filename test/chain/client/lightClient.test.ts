import t from 'tap';
import { SignedMsgType, type BlockID, type Commit, type Vote } from 'cosmjs-types/tendermint/types/types';
import { makeBlock } from '../../../chain/consensus/block.js';
import { makeCommit, makeValidator, nilBlockId, ValidatorSet, voteSignBytes } from '../../../chain/consensus/types/index.js';
import { LightClient, LightErrors, type LightBlockSource, type SignedHeader } from '../../../chain/client/index.js';
import { ed25519PublicKey, signEd25519 } from '../../../chain/crypto/ed25519.js';
import { sha256 } from '../../../chain/crypto/hash.js';

const CHAIN = 'vivian-light-1';

interface Key {
  priv: Uint8Array;
  pub: Uint8Array;
}
const keys: Key[] = Array.from({ length: 12 }, (_, i) => {
  const priv = sha256(new TextEncoder().encode(`light client key ${i}`));
  return { priv, pub: ed25519PublicKey(priv) };
});
const setOf = (idx: number[]) => ValidatorSet.create(idx.map((i) => makeValidator(keys[i]!.pub, 10n)));
const privOf = new Map(keys.map((k) => [Buffer.from(makeValidator(k.pub, 1n).address).toString('hex'), k.priv]));

/** Signs a commit of `blockId` by the validators of `vals` that `signs` selects (by index in the set). */
function sign(vals: ValidatorSet, height: bigint, blockId: BlockID, time: { seconds: bigint; nanos: number }, signs: (i: number) => boolean, chainId = CHAIN): Commit {
  const votes: Array<Vote | undefined> = vals.validators.map((v, i) => {
    if (!signs(i)) return undefined;
    const vote: Vote = {
      type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
      height,
      round: 0,
      blockId,
      timestamp: time,
      validatorAddress: v.address,
      validatorIndex: i,
      signature: new Uint8Array(),
      extension: new Uint8Array(),
      extensionSignature: new Uint8Array(),
    };
    vote.signature = signEd25519(privOf.get(Buffer.from(v.address).toString('hex'))!, voteSignBytes(chainId, vote));
    return vote;
  });
  return makeCommit(height, 0, blockId, votes);
}

/**
 * A chain of `n` headers whose validator set at height h is `setAt(h)`; each commit signed by all of the set
 * unless `signers` says otherwise.
 */
function makeChain(n: number, setAt: (h: number) => ValidatorSet, signers: (h: number, i: number) => boolean = () => true, chainId = CHAIN) {
  const headers = new Map<bigint, SignedHeader>();
  let lastBlockId: BlockID = nilBlockId();
  for (let h = 1; h <= n; h++) {
    const vals = setAt(h);
    const time = { seconds: 1_700_000_000n + BigInt(h), nanos: 5 };
    const { block, blockId } = makeBlock({
      chainId,
      height: BigInt(h),
      time,
      lastBlockId,
      lastCommit: undefined,
      txs: [],
      validatorsHash: vals.hash(),
      nextValidatorsHash: setAt(h + 1).hash(),
      consensusHash: sha256(),
      appHash: sha256(Uint8Array.of(h)),
      lastResultsHash: sha256(),
      proposerAddress: vals.validators[0]!.address,
      appVersion: 0n,
    });
    headers.set(BigInt(h), { header: block.header!, commit: sign(vals, BigInt(h), blockId, time, (i) => signers(h, i), chainId) });
    lastBlockId = blockId;
  }
  const source: LightBlockSource & { fetched: number } = {
    fetched: 0,
    async signedHeader(height) {
      this.fetched++;
      const sh = headers.get(height);
      if (!sh) throw LightErrors.Unavailable(`no header ${height}`);
      return sh;
    },
    async validatorSet(height) {
      return setAt(Number(height));
    },
    async latestHeight() {
      return BigInt(n);
    },
  };
  return { headers, source, hashOf: (h: number) => headers.get(BigInt(h))!.commit.blockId.hash };
}

const A = setOf([0, 1, 2, 3]);
const B = setOf([0, 1, 2, 4]); // three of A stay: A vouches for B's headers
const C = setOf([8, 9, 10, 11]); // nobody from A or B: only reachable through the headers in between
const changing = (h: number) => (h < 8 ? A : h < 14 ? B : C);

t.test('follows validator set changes by skipping, bisecting where the trusted set no longer vouches', async (t) => {
  const { source, hashOf } = makeChain(20, changing);
  const lc = new LightClient(source, { trust: { height: 1n, hash: hashOf(1) } });
  const v = await lc.verifyHeight(20n);
  t.equal(v.height, 20n);
  t.same(v.hash, hashOf(20));
  t.equal(lc.chainId, CHAIN);
  t.ok(lc.headersVerified < 20, `bisection checked ${lc.headersVerified} headers, fewer than walking all 20`);
  t.same((await lc.verifyHeight(10n)).hash, hashOf(10), 'a height in between, from the nearest verified header');
  // sequential: every adjacent step links validators_hash to the previous next_validators_hash
  const seq = new LightClient(source, { trust: { height: 1n, hash: hashOf(1) } });
  for (let h = 2n; h <= 20n; h++) t.same((await seq.verifyHeight(h)).hash, hashOf(Number(h)));
});

t.test('verifies below the anchor through last_block_id links', async (t) => {
  const { source, hashOf } = makeChain(12, changing);
  const lc = new LightClient(source, { trust: { height: 12n, hash: hashOf(12) } });
  t.same((await lc.verifyHeight(3n)).hash, hashOf(3));
});

t.test('refuses a header signed by 2/3 or less of the voting power', async (t) => {
  // at height 6 only two of four equal validators sign (exactly half); at 7, three sign (3/4 > 2/3)
  const { source, hashOf } = makeChain(7, () => A, (h, i) => (h === 6 ? i < 2 : true));
  const lc = new LightClient(source, { trust: { height: 5n, hash: hashOf(5) } });
  await t.rejects(lc.verifyHeight(6n), { codespace: 'light', code: LightErrors.NotEnoughPower.code, message: /20 of 40 voting power/ });
  const exactlyTwoThirds = makeChain(3, () => setOf([0, 1, 2]), (h, i) => (h === 3 ? i < 2 : true));
  const lc2 = new LightClient(exactlyTwoThirds.source, { trust: { height: 2n, hash: exactlyTwoThirds.hashOf(2) } });
  await t.rejects(lc2.verifyHeight(3n), { code: LightErrors.NotEnoughPower.code }, 'exactly 2/3 is not enough');
  const ok = makeChain(3, () => A, (h, i) => (h === 3 ? i !== 0 : true));
  t.ok(await new LightClient(ok.source, { trust: { height: 1n, hash: ok.hashOf(1) } }).verifyHeight(3n), '3 of 4 is enough');
});

t.test('refuses a wrong chain id, a wrong trusted hash, and signatures for another chain', async (t) => {
  const { source, hashOf } = makeChain(5, () => A);
  await t.rejects(new LightClient(source, { chainId: 'vivian-other', trust: { height: 1n, hash: hashOf(1) } }).trusted(), { code: LightErrors.WrongChain.code });
  await t.rejects(new LightClient(source, { trust: { height: 1n, hash: hashOf(2) } }).trusted(), { code: LightErrors.HeaderMismatch.code });
  // headers claim CHAIN but were signed for another chain id: the signatures do not verify
  const forged = makeChain(3, () => A);
  for (const [h, sh] of forged.headers) {
    sh.commit = sign(A, h, sh.commit.blockId, sh.header.time, () => true, 'vivian-other');
  }
  await t.rejects(new LightClient(forged.source, { trust: { height: 1n } }).trusted(), { code: LightErrors.InvalidCommit.code });
});

t.test('refuses a header whose app hash was changed after signing', async (t) => {
  const { source, headers, hashOf } = makeChain(6, () => A);
  const lc = new LightClient(source, { trust: { height: 1n, hash: hashOf(1) } });
  headers.get(4n)!.header = { ...headers.get(4n)!.header, appHash: sha256(Uint8Array.of(99)) };
  await t.rejects(lc.verifyHeight(4n), { code: LightErrors.HeaderMismatch.code, message: /commit signs block/ });
  const adjacent = new LightClient(source, { trust: { height: 3n, hash: hashOf(3) } });
  await t.rejects(adjacent.verifyHeight(4n), { code: LightErrors.HeaderMismatch.code }, 'the adjacent step from 3 fails the same way');
  t.ok(await lc.verifyHeight(6n), 'skipping over the damaged header still works');
});

t.test('refuses validator sets it cannot link', async (t) => {
  const { source, hashOf } = makeChain(6, () => A);
  // the node serves another set for height 3 (hash differs from the header's validators_hash)
  const lying: LightBlockSource = { ...source, validatorSet: async (h) => (h === 3n ? B : A) };
  const lc = new LightClient(lying, { trust: { height: 2n, hash: hashOf(2) } });
  await t.rejects(lc.verifyHeight(3n), { code: LightErrors.ValidatorSetMismatch.code });

  // header 3 signed by set C, but header 2 announced A as the next set
  const h3 = makeChain(4, (h) => (h === 3 ? C : A)).headers.get(3n)!;
  const fake = makeChain(4, () => A);
  fake.headers.set(3n, h3); // header 3 signed by C, but header 2 of this chain announced A
  const lc3 = new LightClient({ ...fake.source, validatorSet: async (h) => (h === 3n ? C : A) }, { trust: { height: 2n, hash: fake.hashOf(2) } });
  await t.rejects(lc3.verifyHeight(3n), { code: LightErrors.ValidatorSetMismatch.code, message: /announced/ });
  // and skipping to it finds no trusted power behind it
  const lc4 = new LightClient({ ...fake.source, validatorSet: async (h) => (h === 3n ? C : A) }, { trust: { height: 1n, hash: fake.hashOf(1) } });
  await t.rejects(lc4.verifyHeight(3n), { code: LightErrors.ValidatorSetMismatch.code });
  const honest = makeChain(4, (h) => (h === 3 ? C : A));
  const lc2 = new LightClient(honest.source, { trust: { height: 2n, hash: honest.hashOf(2) } });
  t.ok(await lc2.verifyHeight(3n), 'the honest chain that announced the change verifies');
});
