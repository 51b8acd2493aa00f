import t from 'tap';
import { TxBody, AuthInfo, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { MsgMultiSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { MsgExecuteContract, MsgStoreCode } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { decodeTx } from '../../../chain/codec/tx.js';
import { txEmbedding } from '../../../chain/modules/vector/embedding.js';
import { EMBEDDING_TYPE_URL, encodeEmbeddingOption } from '../../../chain/vectorIndex/embeddingOption.js';
import {
  embedPacked, embedTxBytes, packEmbeddingJobs, precomputedEmbedding, rememberEmbeddings,
} from '../../../chain/app/txPrecompute.js';
import { msgSend } from '../../helpers/chain.js';

const A = 'vivian1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';
const B = 'vivian1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjnp7du';

/** TxRaw bytes around `messages` (decodeTx checks the shape, not the signature). */
function txBytes(messages: Any[], opts: { memo?: string; options?: Any[] } = {}): Uint8Array {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages, memo: opts.memo ?? '', nonCriticalExtensionOptions: opts.options ?? [] })).finish();
  const authInfoBytes = AuthInfo.encode(AuthInfo.fromPartial({
    signerInfos: [{ modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence: 0n }],
    fee: { amount: [{ denom: 'uviv', amount: '10' }], gasLimit: 100_000n },
  })).finish();
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [new Uint8Array(64)] }).finish();
}

const vector = (dimension: number, seed: number) => Int8Array.from({ length: dimension }, (_, i) => ((i * 37 + seed) % 255) - 127);
const embeddingOption = (values: Int8Array): Any => ({ typeUrl: EMBEDDING_TYPE_URL, value: encodeEmbeddingOption({ model: 'm', values }) });
const execute = (msg: unknown): Any => ({
  typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
  value: MsgExecuteContract.encode(MsgExecuteContract.fromPartial({ sender: A, contract: B, msg: new TextEncoder().encode(JSON.stringify(msg)), funds: [{ denom: 'uviv', amount: '5' }] })).finish(),
});
const multiSend: Any = {
  typeUrl: '/cosmos.bank.v1beta1.MsgMultiSend',
  value: MsgMultiSend.encode(MsgMultiSend.fromPartial({ inputs: [{ address: A, coins: [{ denom: 'uviv', amount: '3' }] }], outputs: [{ address: B, coins: [{ denom: 'uviv', amount: '3' }] }] })).finish(),
};
const storeCode: Any = { typeUrl: '/cosmwasm.wasm.v1.MsgStoreCode', value: MsgStoreCode.encode(MsgStoreCode.fromPartial({ sender: A, wasmByteCode: new Uint8Array([0, 97, 115, 109]) })).finish() };

const DIM = 64;
const cases: Array<[string, Uint8Array]> = [
  ['a transfer with a memo', txBytes([msgSend(A, B, 7n)], { memo: 'rent for March, flat 4' })],
  ['two messages', txBytes([msgSend(A, B, 1n), msgSend(B, A, 123456789012345678901234567890n)])],
  ['a multi-send', txBytes([multiSend])],
  ['a contract call with a JSON message', txBytes([execute({ transfer: { recipient: B, amount: '12' }, memo: 'Hello World' })])],
  ['a carried embedding', txBytes([msgSend(A, B, 1n)], { options: [embeddingOption(vector(DIM, 3))] })],
  ['a carried embedding of the wrong dimension (the default instead)', txBytes([msgSend(A, B, 1n)], { options: [embeddingOption(vector(DIM + 1, 5))] })],
];

t.test('the worker computes exactly the embedding the vector module computes in place', async (t) => {
  for (const [name, bytes] of cases) {
    const inPlace = txEmbedding(decodeTx(bytes), DIM, () => {
      throw new Error('no router needed for these messages');
    });
    const ahead = embedTxBytes(bytes, DIM);
    t.ok(ahead, name);
    t.same([...ahead!], [...inPlace], name);
  }
  t.same([...embedTxBytes(cases[4]![1], DIM)!], [...vector(DIM, 3)], 'the carried vector itself');
});

t.test('what needs the app (a message decoded by its router) or does not decode is left to DeliverTx', async (t) => {
  t.equal(embedTxBytes(txBytes([storeCode]), DIM), undefined, 'MsgStoreCode is decoded by the router');
  t.equal(embedTxBytes(txBytes([msgSend(A, B, 1n), storeCode]), DIM), undefined);
  t.equal(embedTxBytes(new Uint8Array([1, 2, 3]), DIM), undefined);
});

t.test('a packed task round trip remembers each vector for the same bytes at the same dimension only', async (t) => {
  const txs = [...cases.map(([, b]) => b), txBytes([storeCode])];
  const output = embedPacked(packEmbeddingJobs(DIM, txs));
  t.equal(output.length, txs.length * (1 + DIM));
  rememberEmbeddings(DIM, txs, output);
  cases.forEach(([name, bytes]) => t.same([...(precomputedEmbedding(bytes, DIM) ?? [])], [...embedTxBytes(bytes, DIM)!], name));
  t.equal(precomputedEmbedding(txs.at(-1)!, DIM), undefined, 'not computed: nothing remembered');
  t.equal(precomputedEmbedding(cases[0]![1], DIM + 1), undefined, 'another dimension');
  t.equal(precomputedEmbedding(cases[0]![1].slice(), DIM), undefined, 'the same content in other bytes');
  const v = precomputedEmbedding(cases[0]![1], DIM)!;
  t.equal(v.byteLength, v.buffer.byteLength, 'each vector has a buffer of its own');

  const other = txBytes([msgSend(B, A, 9n)]);
  rememberEmbeddings(DIM, [other], output); // an answer of another size: not for these txs
  t.equal(precomputedEmbedding(other, DIM), undefined);
});
