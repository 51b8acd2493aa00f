import t from 'tap';
import type { Test } from 'tap';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import type { CommittedBlock } from '../../chain/app/application.js';
import { contractWasm } from '../contracts/build.js';
import { makeTestNode, secpAccounts, type TestAccount } from '../helpers/chain.js';
import { executeMsg, instantiatedContracts, instantiateMsg, querySmart, storeCodeMsg, TxSigner } from '../helpers/e2e.js';

/**
 * The same signed txs against the nft, multisig and escrow contracts on two fresh nodes: every block has the
 * same gas per tx and the same app hash, including a block with a failing contract tx.
 */
const [nft, multisig, escrow] = await Promise.all([contractWasm('nft'), contractWasm('multisig'), contractWasm('escrow')]);
const [alice, bob] = (await secpAccounts(2)) as [TestAccount, TestAccount];
type Coins = Array<{ denom: string; amount: string }>;
const coins = (amount: number): Coins => [{ denom: 'uviv', amount: String(amount) }];

const store = (wasm: Uint8Array) => storeCodeMsg(alice.address, wasm);
const instantiate = (codeId: bigint, msg: unknown, funds: Coins = []) => instantiateMsg(alice.address, codeId, `code ${codeId}`, msg, { funds });
const execute = (sender: TestAccount, contract: string, msg: unknown, funds: Coins = []) => executeMsg(sender.address, contract, msg, funds);

async function run(t: Test) {
  const env = makeTestNode([alice.address, bob.address]);
  t.teardown(env.cleanup);
  const { node } = env;
  const signer = new TxSigner(node);
  const submit = async (acc: TestAccount, fee: number, ...msgs: Any[]) => {
    const added = node.broadcastTx(await signer.sign(acc, msgs, { fee, gas: 30_000_000n }));
    t.equal(added.result.code, 0, added.result.log);
  };
  const blocks: CommittedBlock[] = [];
  const produce = () => {
    const b = node.engine.produceBlock();
    blocks.push(b);
    return b;
  };

  await submit(alice, 1, store(nft), store(multisig), store(escrow));
  produce();
  await submit(
    alice,
    1,
    instantiate(1n, { name: 'Vivian Punks', symbol: 'VPK', minter: alice.address }),
    instantiate(2n, { voters: [alice, bob].map((a) => ({ addr: a.address, weight: 1 })), threshold: { absolute_count: { weight: 2 } }, max_voting_period: { height: 100 } }, coins(5000)),
    instantiate(3n, {}),
  );
  const [nftAddr, msigAddr, escrowAddr] = instantiatedContracts(produce().txs[0]!.result.events) as [string, string, string];

  await submit(
    alice,
    1,
    execute(alice, nftAddr, { mint: { token_id: 'a', owner: alice.address, extension: { level: 1 } } }),
    execute(alice, nftAddr, { transfer_nft: { recipient: bob.address, token_id: 'a' } }),
    execute(alice, nftAddr, { mint: { token_id: 'b', owner: alice.address } }),
    execute(alice, nftAddr, { approve_all: { operator: bob.address } }),
    execute(alice, msigAddr, { propose: { title: 'pay bob', description: '', msgs: [{ bank: { send: { to_address: bob.address, amount: coins(1234) } } }] } }),
    execute(alice, escrowAddr, { create: { id: 'deal', arbiter: bob.address, recipient: bob.address, title: 'deal', description: '', end_height: 100 } }, coins(700)),
  );
  produce();
  // CheckTx runs txs in arrival order, the block by fee: alice's revoke_all (high fee, arriving last) runs first in
  // the block, so bob's second tx, which passed CheckTx as her operator, fails there after its first message
  // executed the proposal
  await submit(bob, 1, execute(bob, msigAddr, { vote: { proposal_id: 1, vote: 'yes' } }), execute(bob, escrowAddr, { approve: { id: 'deal' } }));
  await submit(bob, 1, execute(bob, msigAddr, { execute: { proposal_id: 1 } }), execute(bob, nftAddr, { transfer_nft: { recipient: bob.address, token_id: 'b' } }));
  await submit(alice, 1000, execute(alice, nftAddr, { revoke_all: { operator: bob.address } }));
  const last = produce();

  const query = (contract: string, msg: unknown) => querySmart(node, contract, msg);
  return { node, blocks, last, contracts: [nftAddr, msigAddr, escrowAddr], query };
}

t.test('two fresh nodes: the same gas per tx and the same app hash after every block', async (t) => {
  const a = await run(t);
  const [revoke, vote, failed] = a.last.txs;
  t.equal(revoke!.result.code, 0, revoke!.result.log);
  t.equal(vote!.result.code, 0, vote!.result.log);
  t.not(failed!.result.code, 0, 'the tx that lost its operator grant failed');
  t.match(failed!.result.log, /Unauthorized/);
  t.equal(a.query(a.contracts[0]!, { owner_of: { token_id: 'b' } }).owner, alice.address);
  t.same(a.query(a.contracts[0]!, { owner_of: { token_id: 'a' } }), { owner: bob.address, approvals: [] });
  t.equal(a.query(a.contracts[1]!, { proposal: { proposal_id: 1 } }).status, 'passed', 'the execute in the failed tx was rolled back');
  t.same(a.query(a.contracts[2]!, { list: {} }), { escrows: [] });

  const b = await run(t);
  t.same(b.contracts, a.contracts, 'the same contract addresses');
  t.equal(b.blocks.length, a.blocks.length);
  a.blocks.forEach((x, i) => {
    const y = b.blocks[i]!;
    t.same(y.txs.map((tx) => tx.result.gasUsed), x.txs.map((tx) => tx.result.gasUsed), `block ${i + 1}: the same gas per tx`);
    t.equal(Buffer.from(y.appHash).toString('hex'), Buffer.from(x.appHash).toString('hex'), `block ${i + 1}: the same app hash`);
  });
});
