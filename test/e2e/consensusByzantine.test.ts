import t from 'tap';
import type { RequestFinalizeBlock } from 'cosmjs-types/tendermint/abci/types';
import { MisbehaviorType } from 'cosmjs-types/tendermint/abci/types';
import { buildRpcServer } from '../../chain/api/rpc/server.js';
import { blockEvidence, evidenceKey } from '../../chain/consensus/engine/blocks.js';
import { toHex } from '../../chain/consensus/types/blockId.js';
import type { VivianNode } from '../../chain/node/node.js';
import { checkAgreement, makeLocalnet, sleep, waitHeight } from '../chain/consensus/engine/localnetHelper.js';

const BYZANTINE = 3;

/**
 * Validator 3 runs with unsafe_double_sign: every prevote and precommit it casts goes out twice, for two
 * different blocks. The honest three must catch it, gossip the evidence, commit it in a block (once), tell
 * the app, and keep agreeing.
 */
t.test('a double-signing validator: evidence detected, gossiped, committed once, handed to the app', async (t) => {
  const net = await makeLocalnet(4, { config: (k) => ({ unsafe_double_sign: k === BYZANTINE }) });
  t.teardown(() => net.cleanup());
  const misbehavior = new Map<number, RequestFinalizeBlock['misbehavior'][]>();
  for (let k = 0; k < 4; k++) {
    const node = await net.start(k);
    // what the app is handed at FinalizeBlock
    const finalize = node.app.finalizeBlock.bind(node.app);
    misbehavior.set(k, []);
    node.app.finalizeBlock = (req) => {
      if (req.misbehavior.length > 0) misbehavior.get(k)!.push(req.misbehavior);
      return finalize(req);
    };
  }
  const nodes = () => net.nodes as VivianNode[];
  const byzantineAddress = toHex(nodes()[BYZANTINE]!.validatorKey.address);

  // wait for a committed block that carries evidence
  let found = 0n;
  const until = Date.now() + 30_000;
  while (found === 0n && Date.now() < until) {
    await sleep(100);
    for (let h = 1n; h <= nodes()[0]!.app.height; h++) {
      if (blockEvidence(nodes()[0]!.reader.block(h)!).length > 0) {
        found = h;
        break;
      }
    }
  }
  t.ok(found > 0n, `block ${found} commits double-sign evidence`);
  const top = found + 3n;
  await Promise.all(nodes().map((n) => waitHeight(n, top, 30_000)));
  checkAgreement(t, nodes(), top);

  const evidence = blockEvidence(nodes()[0]!.reader.block(found)!);
  for (const e of evidence) {
    t.equal(toHex(e.voteA!.validatorAddress), byzantineAddress, 'the evidence names the double-signer');
    t.equal(e.voteA!.height, e.voteB!.height, 'two votes of one height');
    t.equal(e.voteA!.round, e.voteB!.round, '... one round');
    t.equal(e.voteA!.type, e.voteB!.type, '... one step');
    t.not(toHex(e.voteA!.blockId!.hash), toHex(e.voteB!.blockId!.hash), '... for different blocks');
    t.ok(found - e.voteA!.height <= 1n, 'committed at its own height or the next (never expired)');
  }

  // no piece of evidence is committed twice, however many heights it was gossiped over
  const seen = new Map<string, bigint>();
  for (let h = 1n; h <= top; h++) {
    for (const e of blockEvidence(nodes()[0]!.reader.block(h)!)) {
      const key = evidenceKey(e);
      if (seen.has(key)) t.fail(`evidence committed at ${seen.get(key)} and again at ${h}`);
      seen.set(key, h);
    }
  }
  t.ok(seen.size >= 1, `${seen.size} pieces of evidence committed, each once`);

  // the app got the misbehaviour, on every node, honest or not
  for (let k = 0; k < 4; k++) {
    const got = misbehavior.get(k)!.flat();
    t.ok(got.length > 0, `node${k}'s app was told about ${got.length} misbehaviours`);
    t.ok(
      got.every((m) => m.type === MisbehaviorType.DUPLICATE_VOTE && toHex(m.validator!.address) === byzantineAddress && m.validator!.power === 10n && m.totalVotingPower === 40n),
      'duplicate votes of the byzantine validator, with its power',
    );
  }

  // visible over RPC /block as CometBFT renders it
  const rpc = buildRpcServer(nodes()[1]!);
  t.teardown(() => rpc.close());
  const res = await rpc.inject({ method: 'GET', url: `/block?height=${found}` });
  const body = res.json() as { result: { block: { evidence: { evidence: Array<{ type: string; value: { vote_a: { validator_address: string; height: string }; ValidatorPower: string } }> } } } };
  const ev = body.result.block.evidence.evidence;
  t.equal(ev.length, evidence.length, 'RPC /block lists the evidence');
  t.equal(ev[0]!.type, 'tendermint/DuplicateVoteEvidence', 'as CometBFT types it');
  t.equal(ev[0]!.value.vote_a.validator_address, byzantineAddress.toUpperCase(), 'naming the double-signer');
  t.equal(ev[0]!.value.ValidatorPower, '10', 'with its power');
});
