// Block parts carry their inclusion proof against the part set root the signed proposal names (CometBFT's
// Part.Proof): a forged part is refused alone, with a typed error the switch turns into a penalty, and the
// real part is still taken.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkParts, partSetHeader } from '../../../../chain/consensus/block.js';
import { splitParts, verifyPart } from '../../../../chain/consensus/engine/blocks.js';
import { EngineErrors } from '../../../../chain/consensus/engine/errors.js';
import { decodeMessage, encodeMessage, type ConsensusMessage } from '../../../../chain/consensus/engine/messages.js';
import { proposalSignBytes } from '../../../../chain/consensus/types/canonical.js';
import { makeProposal } from '../../../../chain/consensus/types/vote.js';
import { initLocalnet } from '../../../../chain/cli/commands/localnet.js';
import { signEd25519 } from '../../../../chain/crypto/ed25519.js';
import { sha256 } from '../../../../chain/crypto/hash.js';
import { channelSpecs, Channel } from '../../../../chain/p2p/reactors.js';
import { DEFAULT_CONFIG, homePaths, loadConfig } from '../../../../chain/node/config.js';
import { readKeyFile } from '../../../../chain/node/home.js';
import { VivianNode } from '../../../../chain/node/node.js';
import { TEST_MNEMONIC } from '../../../helpers/chain.js';

/** 5 parts and a bit: bytes that differ at every offset. */
const bytes = Uint8Array.from({ length: 5 * 65536 + 1000 }, (_, i) => (i * 7 + (i >> 16)) & 255);

t.test('splitParts: each part proves itself against the part set hash; a changed byte or index does not', async (t) => {
  const parts = splitParts(bytes);
  const { total, hash } = partSetHeader(bytes);
  t.equal(parts.length, total);
  t.equal(total, 6);
  t.ok(parts.every((p) => verifyPart(p, total, hash)), 'all verify');
  t.same(parts.map((p) => p.bytes.length), chunkParts(bytes).map((c) => c.length));
  const forged = { ...parts[2]!, bytes: Uint8Array.from(parts[2]!.bytes, (b, i) => (i === 10 ? b ^ 1 : b)) };
  t.notOk(verifyPart(forged, total, hash), 'a flipped bit');
  t.notOk(verifyPart({ ...parts[2]!, index: 3 }, total, hash), 'another index');
  t.equal(splitParts(bytes), parts, 'made once per block');
});

t.test('a part message carries its proof on the wire and fits its channel limit', async (t) => {
  const part = splitParts(bytes)[5]!;
  const m: ConsensusMessage = { kind: 'blockPart', height: 9n, round: 2, total: 6, index: 5, psHash: partSetHeader(bytes).hash, proof: part.proof, bytes: part.bytes };
  const wire = encodeMessage(m);
  t.same(decodeMessage(wire), m);
  const limit = channelSpecs(1 << 20, 1 << 20).find((c) => c.id === Channel.blockParts)!.maxMessageBytes;
  const full = splitParts(bytes)[0]!;
  const big = encodeMessage({ ...m, index: 0, proof: [...full.proof, ...Array.from({ length: 32 - full.proof.length }, () => new Uint8Array(32))], bytes: full.bytes });
  t.ok(big.length <= limit, `a full part with a 32-hash proof (${big.length} bytes) fits the limit ${limit}`);
  t.throws(() => decodeMessage(Buffer.concat([wire.subarray(0, 53), Uint8Array.of(33)])), { code: EngineErrors.invalidMessage.code }, 'more than 32 hashes');
  t.throws(() => decodeMessage(wire.subarray(0, 60)), { code: EngineErrors.invalidMessage.code }, 'a proof cut short');
});

t.test('the engine drops a forged part with a typed error and still takes the real one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-parts-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = initLocalnet({ validators: 2, home: dir, basePort: 40000, mnemonic: TEST_MNEMONIC, accounts: 1, chainId: 'parts-test', blockTimeMs: 0 });
  const homes = file.nodes.map((n) => n.home);
  const node = VivianNode.open(homes[1]!, { ...DEFAULT_CONFIG, ...loadConfig(homes[1]!), no_sync: true });
  t.teardown(() => node.stop());
  node.engine.start(); // the engine alone: its messages go to a switch with no peers
  // a proposal for height 1 round 0, signed by that round's proposer, naming these bytes' part set
  const proposer = node.engine.validatorSets.current.proposer;
  const key = homes.map((h) => readKeyFile(homePaths(h).validatorKey)).find((k) => Buffer.from(k.address).equals(proposer.address))!;
  const psh = partSetHeader(bytes);
  const unsigned = makeProposal({ height: 1n, round: 0, polRound: -1, blockId: { hash: sha256(bytes), partSetHeader: psh } }, { seconds: 1n, nanos: 0 });
  const proposal = { ...unsigned, signature: signEd25519(key.privateKey, proposalSignBytes('parts-test', unsigned)) };
  t.equal(node.engine.receive('peer', { kind: 'proposal', proposal }), true, 'the proposal is taken');

  const parts = splitParts(bytes);
  const msg = (p: (typeof parts)[number], over: Partial<Extract<ConsensusMessage, { kind: 'blockPart' }>> = {}): ConsensusMessage => ({
    kind: 'blockPart', height: 1n, round: 0, total: psh.total, index: p.index, psHash: psh.hash, proof: p.proof, bytes: p.bytes, ...over,
  });
  const forgedBytes = Uint8Array.from(parts[1]!.bytes, (b, i) => (i === 0 ? b ^ 0xff : b));
  t.throws(() => node.engine.receive('mallory', msg(parts[1]!, { bytes: forgedBytes })), { codespace: 'consensus', code: EngineErrors.badPart.code }, 'a forged part: typed error (the switch scores the sender down)');
  t.throws(() => node.engine.receive('mallory', msg(parts[1]!, { proof: parts[2]!.proof })), { code: EngineErrors.badPart.code }, 'a proof of another part');
  t.equal(node.engine.receive('peer', msg(parts[1]!)), true, 'the real part 1 is still taken (and relayed)');
  t.equal(node.engine.receive('peer', msg(parts[1]!)), false, 'a duplicate is not relayed again');
  t.equal(node.engine.receive('peer', msg(parts[0]!)), true);
});
