import t from 'tap';
import type { Test } from 'tap';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { MsgExecuteContract } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import {
  carriedEmbedding, decodeVectorParams, encodeVectorParams, MAX_MODEL_NAME, txEmbedding, txFeatures, vectorParamsFromJson,
} from '../../../../chain/modules/vector/index.js';
import { defaultEmbedding, embeddingHash, textEmbedding } from '../../../../chain/vectorIndex/embedding.js';
import { EMBEDDING_TYPE_URL, encodeEmbeddingOption } from '../../../../chain/vectorIndex/embeddingOption.js';
import { ErrInvalidParams, ErrMalformedEmbedding, ErrWrongDimension } from '../../../../chain/vectorIndex/errors.js';
import { dotInt8 } from '../../../../chain/vectorIndex/vector.js';

const hex = (v: Uint8Array | Int8Array) => Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex');
const ALICE = 'vivian1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';
const BOB = 'vivian1zg69v7ys40x77y352eufp27daufrg4ncnjqz7q';
const CONTRACT = 'vivian14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s4hmalr';

const sendMsg: Any = {
  typeUrl: '/cosmos.bank.v1beta1.MsgSend',
  value: MsgSend.encode({ fromAddress: ALICE, toAddress: BOB, amount: [{ denom: 'uviv', amount: '1500000' }] }).finish(),
};
const execMsg: Any = {
  typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
  value: MsgExecuteContract.encode({
    sender: ALICE,
    contract: CONTRACT,
    msg: new TextEncoder().encode(JSON.stringify({ transfer: { recipient: BOB, amount: '250' } })),
    funds: [{ denom: 'uviv', amount: '7' }],
  }).finish(),
};
/** Asserts that fn throws an error of `kind` whose message matches `re`. */
function refuses(t: Test, fn: () => unknown, kind: { is(e: unknown): boolean }, re?: RegExp, what?: string): void {
  try {
    fn();
    t.fail(`${what ?? 'call'} should have thrown`);
  } catch (e) {
    t.ok(kind.is(e), `${what ?? 'error'}: ${(e as Error).message}`);
    if (re) t.match((e as Error).message, re);
  }
}
const tx = (messages: Any[], memo = '', options: Any[] = []) => ({ messages, memo, nonCriticalExtensionOptions: options });
const option = (values: Int8Array, model = 'test-model'): Any => ({ typeUrl: EMBEDDING_TYPE_URL, value: encodeEmbeddingOption({ model, values }) });

t.test('features of a bank send: type, addresses, coin, memo', async (t) => {
  t.same(txFeatures(tx([sendMsg], 'Coffee beans for the office')), {
    msgTypes: ['/cosmos.bank.v1beta1.MsgSend'],
    // keys walked in sorted order: amount, fromAddress, toAddress
    addresses: [ALICE, BOB],
    denoms: ['uviv'],
    amounts: [1500000n],
    memo: 'Coffee beans for the office',
    contractMsgs: [],
  });
});

t.test('features of a contract execution: its JSON message is a contract message, not an address list', async (t) => {
  t.same(txFeatures(tx([execMsg])), {
    msgTypes: ['/cosmwasm.wasm.v1.MsgExecuteContract'],
    addresses: [CONTRACT, ALICE],
    denoms: ['uviv'],
    amounts: [7n],
    memo: '',
    contractMsgs: [{ transfer: { recipient: BOB, amount: '250' } }],
  });
  const notJson = { ...execMsg, value: MsgExecuteContract.encode({ sender: ALICE, contract: CONTRACT, msg: new TextEncoder().encode('not json'), funds: [] }).finish() };
  t.same(txFeatures(tx([notJson])).contractMsgs, ['not json'], 'text that is not JSON counts as one string');
});

t.test('unknown and undecodable messages add their type URL only; the fallback decoder is used for the rest', async (t) => {
  const odd: Any = { typeUrl: '/example.v1.MsgOdd', value: Uint8Array.of(1, 2, 3) };
  t.same(txFeatures(tx([odd])).msgTypes, ['/example.v1.MsgOdd']);
  t.same(txFeatures(tx([odd])).addresses, []);
  const viaRouter = txFeatures(tx([odd]), () => ({ owner: BOB, nested: { coins: [{ denom: 'uatom', amount: 'x12' }] } }));
  t.same(viaRouter.addresses, [BOB]);
  t.same(viaRouter.denoms, ['uatom']);
  t.same(viaRouter.amounts, [], 'an amount that is not a decimal integer is left out');
  const broken = { ...sendMsg, value: Uint8Array.of(0xff, 0xff) };
  t.same(txFeatures(tx([broken])).addresses, []);
});

// Golden vectors: the default embedding is consensus data (its hash is in every ledger leaf), so any change
// to the features or to the embedding must show up here.
t.test('golden default embeddings of whole txs', async (t) => {
  const send = txEmbedding(tx([sendMsg], 'Coffee beans for the office'), 32);
  t.equal(hex(send), GOLDEN_SEND_32);
  const exec256 = txEmbedding(tx([execMsg]), 256);
  t.equal(hex(embeddingHash(exec256)), GOLDEN_EXEC_256_HASH);
  t.equal(hex(embeddingHash(txEmbedding(tx([sendMsg], 'Coffee beans for the office'), 256))), GOLDEN_SEND_256_HASH);
});

t.test('memo words dominate: a text query ranks the tx with that memo word first', async (t) => {
  const coffee = txEmbedding(tx([sendMsg], 'coffee beans'), 256);
  const rent = txEmbedding(tx([sendMsg], 'rent for march'), 256);
  const q = textEmbedding('coffee', 256);
  t.ok(dotInt8(q, coffee) > dotInt8(q, rent) + 1000, `coffee ${dotInt8(q, coffee)} vs rent ${dotInt8(q, rent)}`);
  const contractQ = textEmbedding('transfer recipient', 256);
  t.ok(dotInt8(contractQ, txEmbedding(tx([execMsg]), 256)) > dotInt8(contractQ, rent));
});

t.test('a carried embedding: right size is used, wrong size refused with a clear error', async (t) => {
  const v = new Int8Array(16).map((_, i) => i - 8);
  t.same(carriedEmbedding(tx([sendMsg], '', [option(v)]), 16)?.values, v);
  t.same(txEmbedding(tx([sendMsg], '', [option(v)]), 16), v, 'the committed embedding is the carried one');
  t.equal(carriedEmbedding(tx([sendMsg]), 16), undefined);

  const wrong = tx([sendMsg], 'memo', [option(new Int8Array(15))]);
  refuses(t, () => carriedEmbedding(wrong, 16), ErrWrongDimension, /has 15 values, the chain's embedding dimension is 16/);
  t.same(txEmbedding(wrong, 16), defaultEmbedding(txFeatures(wrong), 16), 'a tx whose option is wrong gets the default');

  refuses(t, () => carriedEmbedding(tx([sendMsg], '', [option(v), option(v)]), 16), ErrMalformedEmbedding, /one .* option/);
  refuses(t, () => carriedEmbedding(tx([sendMsg], '', [option(v, 'm'.repeat(MAX_MODEL_NAME + 1))]), 16), ErrMalformedEmbedding, /model name/);
  refuses(t, () => carriedEmbedding(tx([sendMsg], '', [{ typeUrl: EMBEDDING_TYPE_URL, value: Uint8Array.of(0x12, 0x40) }]), 16), ErrMalformedEmbedding);
});

t.test('params: genesis JSON checked, stored encoding round-trips', async (t) => {
  t.same(vectorParamsFromJson(undefined), { dimension: 256 });
  t.same(vectorParamsFromJson({}), { dimension: 256 });
  t.same(vectorParamsFromJson({ dimension: 64 }), { dimension: 64 });
  t.same(vectorParamsFromJson({ dimension: '128' }), { dimension: 128 });
  for (const bad of [{ dimension: 0 }, { dimension: 4097 }, { dimension: 1.5 }, { dimension: 'x' }, { dimension: null }, { dim: 3 }, [], 'x']) {
    refuses(t, () => vectorParamsFromJson(bad), ErrInvalidParams, undefined, JSON.stringify(bad));
  }
  t.same(decodeVectorParams(encodeVectorParams({ dimension: 300 })), { dimension: 300 });
});

const GOLDEN_SEND_32 = '0000000000002a0000380038000000e48100002aabc800d6ab00d60000ab0000';
const GOLDEN_SEND_256_HASH = '90f2fff5b199b8e1bb0bf7fde5d18ea6e925d26c2201b445df85741760c2f9b6';
const GOLDEN_EXEC_256_HASH = '9fc044699d62a616d962c581cbfdd02bba0867f70e96f1e633a3945e2778782e';
