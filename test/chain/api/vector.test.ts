import t from 'tap';
import { makeAuthInfoBytes, makeSignDoc, encodePubkey } from '@cosmjs/proto-signing';
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { buildRestServer } from '../../../chain/api/index.js';
import { sha256 } from '../../../chain/crypto/hash.js';
import { decodeTxInfo, leafHash, verifyInclusion } from '../../../chain/ledger/index.js';
import { u64be } from '../../../chain/store/buckets.js';
import { textEmbedding } from '../../../chain/vectorIndex/embedding.js';
import { EMBEDDING_TYPE_URL, encodeEmbeddingOption } from '../../../chain/vectorIndex/embeddingOption.js';
import { dotInt8 } from '../../../chain/vectorIndex/vector.js';
import { CHAIN_ID, makeTestNode, msgSend, secpAccounts, signTx, type TestAccount } from '../../helpers/chain.js';

const [alice, bob, carol] = await secpAccounts(3);
const tn = makeTestNode([alice!.address, bob!.address]);
const { node } = tn;
const rest = buildRestServer(node);
t.teardown(async () => {
  await rest.close();
  await tn.cleanup();
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const b64 = (b: Uint8Array | Int8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');

/** A signed tx carrying extension options (the shared helper signs plain ones). */
async function signWithOptions(acc: TestAccount, messages: Any[], seq: bigint, accountNumber: bigint, options: Any[], memo = ''): Promise<Uint8Array> {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages, memo, nonCriticalExtensionOptions: options })).finish();
  const pubkey = encodePubkey(encodeSecp256k1Pubkey(acc.pubkey));
  const authInfoBytes = makeAuthInfoBytes([{ pubkey, sequence: Number(seq) }], [], 200_000, undefined, undefined, SignMode.SIGN_MODE_DIRECT);
  const { signature, signed } = await acc.signer.signDirect(acc.address, makeSignDoc(bodyBytes, authInfoBytes, CHAIN_ID, Number(accountNumber)));
  return TxRaw.encode({ bodyBytes: signed.bodyBytes, authInfoBytes: signed.authInfoBytes, signatures: [Buffer.from(signature.signature, 'base64')] }).finish();
}
const embeddingOption = (values: Int8Array): Any => ({ typeUrl: EMBEDDING_TYPE_URL, value: encodeEmbeddingOption({ model: 'test', values }) });

// alice (account 1) and bob (account 2) send with memos, one tx per block: versions 0..5 at heights 1..6
const memos: Array<[TestAccount, string]> = [
  [alice!, 'coffee beans for the office'],
  [bob!, 'rent payment for march'],
  [alice!, 'rent payment for april'],
  [bob!, 'coffee machine repair'],
  [alice!, 'gym membership'],
];
const seqs = new Map<string, bigint>();
for (const [acc, memo] of memos) {
  const seq = seqs.get(acc.address) ?? 0n;
  seqs.set(acc.address, seq + 1n);
  const tx = await signTx(acc, [msgSend(acc.address, carol!.address, 1000n)], { accountNumber: acc === alice ? 1n : 2n, sequence: seq, memo });
  t.equal(node.broadcastTx(tx).result.code, 0);
  node.engine.produceBlock();
}
const carried = new Int8Array(256).map((_, i) => ((i * 37) % 255) - 127);

const post = async (payload: unknown) => {
  const r = await rest.inject({ method: 'POST', url: '/vivian/vector/v1/search', payload: payload as object });
  return { status: r.statusCode, body: r.json() };
};
const get = async (url: string) => {
  const r = await rest.inject({ url });
  return { status: r.statusCode, body: r.json() };
};

t.test('an embedding option of the wrong size is refused at CheckTx; the right size is committed as given', async (t) => {
  const seq = seqs.get(alice!.address)!;
  const wrong = await signWithOptions(alice!, [msgSend(alice!.address, carol!.address, 1n)], seq, 1n, [embeddingOption(new Int8Array(255))]);
  const refused = node.broadcastTx(wrong).result;
  t.equal(refused.codespace, 'vector');
  t.equal(refused.code, 1);
  t.match(refused.log, /has 255 values, the chain's embedding dimension is 256/);

  const right = await signWithOptions(alice!, [msgSend(alice!.address, carol!.address, 1n)], seq, 1n, [embeddingOption(carried)], 'carries its own');
  t.equal(node.broadcastTx(right).result.code, 0);
  seqs.set(alice!.address, seq + 1n);
  node.engine.produceBlock();
  const stored = node.reader.txByVersion(5n)!;
  t.equal(stored.result.code, 0);
  t.same(node.vectors!.storedVector(5), carried, 'the vector stored is the one carried');
  t.same(stored.info.embeddingHash, sha256(new Uint8Array(carried.buffer)), 'the ledger leaf commits to its hash');
  const byDefault = node.reader.txByVersion(0n)!;
  t.same(byDefault.info.embeddingHash, sha256(new Uint8Array(node.vectors!.storedVector(0)!.buffer)), 'a default embedding is committed too');
  // inserts into the graph run in the index's worker thread
  await node.vectors!.flush();
  t.equal(node.vectors!.lastVersion, 5, 'the index holds every committed version once its worker took them');
});

t.test('params', async (t) => {
  const r = await get('/vivian/vector/v1/params');
  t.equal(r.status, 200);
  t.match(r.body, { dimension: 256, metric: 'dot', max_k: 1000, embedding_type_url: EMBEDDING_TYPE_URL, index: { vectors: 6, last_version: '5', committed_size: '6' } });
});

t.test('text search finds memos; exact and graph answers agree; results carry hash, height and memo', async (t) => {
  const r = await post({ text: 'coffee', k: 2 });
  t.equal(r.status, 200);
  t.same(r.body.results.map((x: { memo: string }) => x.memo).sort(), ['coffee beans for the office', 'coffee machine repair']);
  const first = r.body.results[0];
  const stored = node.reader.txByVersion(BigInt(first.version))!;
  t.equal(first.tx_hash, hex(stored.hash));
  t.equal(first.height, stored.height.toString());
  t.equal(first.score, dotInt8(textEmbedding('coffee', 256), node.vectors!.storedVector(Number(first.version))!));
  t.same((await post({ text: 'coffee', k: 2, exact: true })).body, r.body);
  const byVector = await post({ vector: b64(carried), k: 1 });
  t.equal(byVector.body.results[0].version, '5', 'a carried embedding is found by its own vector');
  const asList = await post({ vector: Array.from(carried), k: 1 });
  t.same(asList.body, byVector.body, 'a list of integers works as base64 does');
});

t.test('filters', async (t) => {
  const bySender = await post({ text: 'rent coffee', k: 10, filter: { sender: bob!.address } });
  t.same(bySender.body.results.map((x: { version: string }) => x.version).sort(), ['1', '3']);
  const byHeight = await post({ text: 'rent', k: 10, filter: { min_height: '2', max_height: 3 } });
  t.same(byHeight.body.results.map((x: { version: string }) => x.version).sort(), ['1', '2']);
  const byType = await post({ text: 'rent', k: 10, filter: { msg_type: '/cosmos.bank.v1beta1.MsgSend', min_height: '6' } });
  t.same(byType.body.results.map((x: { version: string }) => x.version), ['5']);
  t.same((await post({ text: 'rent', k: 10, filter: { msg_type: '/cosmwasm.wasm.v1.MsgExecuteContract' } })).body.results, []);
  t.same((await post({ text: 'rent', k: 10, filter: { min_height: '99' } })).body.results, []);
});

t.test('proofs: each result is a ledger leaf under the reported root, its embedding the one the leaf commits to', async (t) => {
  const r = await post({ text: 'rent', k: 3, prove: true });
  t.equal(r.status, 200);
  const ledger = r.body.ledger;
  t.equal(ledger.height, node.app.height.toString());
  t.equal(ledger.ledger_size, '6');
  t.same(sha256(fromHex(ledger.state_root), fromHex(ledger.ledger_root), u64be(BigInt(ledger.ledger_size))), fromHex(ledger.app_hash), 'app hash from the roots');
  t.equal(ledger.app_hash, hex(node.app.appHash));
  const query = textEmbedding('rent', 256);
  for (const res of r.body.results) {
    const leaf = fromB64(res.proof.leaf_data);
    t.ok(verifyInclusion(leafHash(leaf), BigInt(res.version), BigInt(ledger.ledger_size), res.proof.path.map(fromHex), fromHex(ledger.ledger_root)), `version ${res.version} is in the ledger`);
    const info = decodeTxInfo(leaf);
    t.equal(hex(info.txHash), res.tx_hash);
    const embedding = fromB64(res.proof.embedding);
    t.same(sha256(embedding), info.embeddingHash, 'the embedding is the committed one');
    t.equal(dotInt8(query, new Int8Array(embedding.buffer, embedding.byteOffset, embedding.length)), res.score, 'the score can be recomputed');
  }
});

t.test('similar to a committed tx', async (t) => {
  const r = await get('/vivian/vector/v1/txs/1/similar?k=2');
  t.equal(r.status, 200);
  t.equal(r.body.results.length, 2);
  t.notOk(r.body.results.some((x: { version: string }) => x.version === '1'), 'the tx itself is left out');
  t.equal(r.body.results[0].memo, 'rent payment for april');
  const missing = await get('/vivian/vector/v1/txs/6/similar');
  t.equal(missing.status, 404);
  t.match(missing.body.message, /ledger version 6 has no embedding \(the ledger has 6 txs\)/);
});

t.test('bad queries answer 400 with a message', async (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [{ vector: b64(new Int8Array(3)), k: 1 }, /got 3 bytes, the index has dimension 256/],
    [{ vector: [1, 2, 3], k: 1 }, /got 3 components, the index has dimension 256/],
    [{ vector: [...new Array(255).fill(0), 1.5] }, /component 255 is 1.5/],
    [{ vector: [...new Array(255).fill(0), 'NaN'] }, /component 255 is NaN/],
    [{ vector: [...new Array(255).fill(0), 300] }, /component 255 is 300/],
    [{ vector: '!!!' }, /base64/],
    [{ text: 'x', k: 0 }, /k must be >= 1/],
    [{ text: 'x', k: 1001 }, /k must be <= 1000/],
    [{ text: 'x', k: 'NaN' }, /k must be integer/],
    [{ text: 'x', k: 2.5 }, /k must be integer/],
    [{ text: 'x', filter: { sender: 'a', color: 'red' } }, /unknown field filter.color; allowed: min_height, max_height, sender, msg_type/],
    [{ text: 'x', limit: 3 }, /unknown field limit/],
    [{ text: 'x', filter: { min_height: 'abc' } }, /filter.min_height must be a non-negative integer/],
    [{ text: 'x', vector: b64(carried) }, /exactly one of vector and text/],
    [{ k: 3 }, /exactly one of vector and text/],
    [{ text: '' }, /text must NOT have fewer than 1 characters/],
  ];
  for (const [payload, message] of bad) {
    const r = await post(payload);
    t.equal(r.status, 400, JSON.stringify(payload).slice(0, 80));
    t.match(r.body.message, message);
    t.equal(r.body.code, 3, 'gRPC InvalidArgument');
  }
  const nanLiteral = await rest.inject({ method: 'POST', url: '/vivian/vector/v1/search', headers: { 'content-type': 'application/json' }, payload: '{"text":"x","k":NaN}' });
  t.equal(nanLiteral.statusCode, 400, 'NaN is not JSON');
  for (const q of ['k=NaN', 'k=0', 'k=1001', 'color=red']) {
    const r = await get(`/vivian/vector/v1/txs/0/similar?${q}`);
    t.equal(r.status, 400, q);
  }
  t.equal((await get('/vivian/vector/v1/txs/abc/similar')).status, 400);
});
