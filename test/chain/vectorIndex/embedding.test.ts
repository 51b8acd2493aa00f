import t from 'tap';
import { sha256 } from '../../../chain/crypto/hash.js';
import {
  defaultEmbedding, embeddingHash, HASH_SEEDS, TARGET_NORM, textEmbedding, tokenize, WEIGHTS, type TxFeatures,
} from '../../../chain/vectorIndex/embedding.js';
import { murmur3 } from '../../../chain/vectorIndex/murmur3.js';
import { VectorIndex } from '../../../chain/vectorIndex/index.js';

const hex = (v: Uint8Array | Int8Array): string => Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const none: TxFeatures = { msgTypes: [], addresses: [], denoms: [], amounts: [], memo: '', contractMsgs: [] };

const send: TxFeatures = {
  msgTypes: ['/cosmos.bank.v1beta1.MsgSend'],
  addresses: ['vivian1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu', 'vivian1zg69v7ys40x77y352eufp27daufrg4ncnjqz7q'],
  denoms: ['uviv'],
  amounts: [1500000n],
  memo: 'Coffee beans for the office',
  contractMsgs: [],
};
const exec: TxFeatures = {
  msgTypes: ['/cosmwasm.wasm.v1.MsgExecuteContract'],
  addresses: [
    'vivian1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu',
    'vivian14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s4hmalr',
  ],
  denoms: [],
  amounts: [],
  memo: '',
  contractMsgs: [{ transfer: { recipient: 'vivian1zg69v7ys40x77y352eufp27daufrg4ncnjqz7q', amount: '250' } }],
};
const text = 'Dataset: ImageNet labels, café';

t.test('murmur3 matches the published x86_32 test vectors', async (t) => {
  t.equal(murmur3(utf8(''), 0), 0);
  t.equal(murmur3(utf8(''), 1), 0x514e28b7);
  t.equal(murmur3(utf8('hello'), 0), 0x248bfa47);
  t.equal(murmur3(utf8('abc'), 0), 0xb3dd93fa);
  t.equal(murmur3(utf8('aaaa'), 0x9747b28c), 0x5a97808a);
  t.equal(murmur3(utf8('The quick brown fox jumps over the lazy dog'), 0), 0x2e4ff723);
});

t.test('tokenize: ASCII lower-casing, ASCII separators, non-ASCII kept as is', async (t) => {
  t.same(tokenize('Hello, World!  café_au-lait 42x ÄBC'), ['hello', 'world', 'café', 'au', 'lait', '42x', 'Äbc']);
  t.same(tokenize(''), []);
  t.same(tokenize('...'), []);
  t.equal(tokenize('a'.repeat(100))[0]!.length, 64, 'tokens are cut to 64 code units');
});

t.test('golden vectors: fixed inputs give fixed bytes', async (t) => {
  t.equal(hex(defaultEmbedding(send, 32)), '0000000000002a0000380038000000e48100002aabc800d6ab00d60000ab0000');
  t.equal(hex(defaultEmbedding(exec, 32)), '0000c5c5003b00003b000000003b3b00007f003bc500c500007500000000b200');
  t.equal(hex(textEmbedding(text, 32)), '000000000000000000005fa100a15f00000000000000005f5f005f000000005f');
  t.equal(hex(embeddingHash(defaultEmbedding(send, 256))), '90f2fff5b199b8e1bb0bf7fde5d18ea6e925d26c2201b445df85741760c2f9b6');
  t.equal(hex(embeddingHash(defaultEmbedding(exec, 256))), 'ae7406d9bf363a2aa0cb4c290df3a41237a0ed9992c4f221f302f4456bdc7646');
  t.equal(hex(embeddingHash(textEmbedding(text, 256))), 'd6666d4df00b27f45cddeab93d5a789d16717bfba4d9757687360d48cf112c12');
});

/** The documented algorithm, written again independently with BigInt arithmetic. */
function reference(f: TxFeatures, dim: number): Int8Array {
  const acc = new Array<bigint>(dim).fill(0n);
  const add = (token: string, w: number): void => {
    for (const seed of HASH_SEEDS) {
      const h = murmur3(utf8(token), seed);
      acc[h % dim] = acc[h % dim]! + (h & 0x8000_0000 ? -1n : 1n) * BigInt(w);
    }
  };
  f.msgTypes.forEach((x) => add(`type:${x}`, WEIGHTS.msgType));
  f.addresses.forEach((x) => add(`addr:${x.toLowerCase()}`, WEIGHTS.address));
  f.denoms.forEach((x) => add(`denom:${x}`, WEIGHTS.denom));
  f.amounts.forEach((x) => add(`amount:${x === 0n ? 0 : (x < 0n ? -x : x).toString().length}`, WEIGHTS.amount));
  [...new Set(tokenize(f.memo))].forEach((x) => add(`word:${x}`, WEIGHTS.memoWord));
  const sumSq = acc.reduce((s, a) => s + a * a, 0n);
  let norm = 0n;
  while ((norm + 1n) * (norm + 1n) <= sumSq) norm++;
  return Int8Array.from(acc, (a) => {
    if (a === 0n) return 0;
    const m = a < 0n ? -a : a;
    let q = (2n * m * BigInt(TARGET_NORM) + norm) / (2n * norm);
    if (q > 127n) q = 127n;
    return Number(a < 0n ? -q : q);
  });
}

t.test('matches an independent BigInt implementation of the documented algorithm', async (t) => {
  for (const dim of [7, 32, 256]) {
    t.same(defaultEmbedding(send, dim), reference(send, dim), `send, dim ${dim}`);
    t.same(textEmbedding(text, dim), reference({ ...none, memo: text }, dim), `text, dim ${dim}`);
  }
  const many: TxFeatures = {
    msgTypes: ['/a', '/b'], addresses: ['X1', 'y2', 'Z3'], denoms: ['uviv', 'uatom'], amounts: [0n, -5n, 10n ** 30n],
    memo: 'one two three two ONE', contractMsgs: [],
  };
  t.same(defaultEmbedding(many, 64), reference(many, 64));
});

t.test('deterministic and canonical', async (t) => {
  t.same(defaultEmbedding(send, 256), defaultEmbedding(structuredClone(send), 256));
  t.same(textEmbedding('coffee coffee COFFEE', 256), textEmbedding('coffee', 256), 'a memo word counts once');
  const a = { ...none, contractMsgs: [{ b: 1, a: { y: 'hello', x: [1, 2] } }] };
  const b = { ...none, contractMsgs: [{ a: { x: [1, 2], y: 'hello' }, b: 1 }] };
  t.same(defaultEmbedding(a, 256), defaultEmbedding(b, 256), 'contract message key order does not matter');
  t.same(defaultEmbedding(none, 16), new Int8Array(16), 'no features: the zero vector');
  const v = defaultEmbedding(send, 8);
  t.same(embeddingHash(v), sha256(new Uint8Array(v.buffer)), 'the hash is SHA-256 of the bytes');
  t.throws(() => defaultEmbedding(send, 0), { codespace: 'vector', code: 6 });
});

t.test('components are int8 and the norm is close to the target', async (t) => {
  const v = defaultEmbedding(send, 256);
  let sq = 0;
  for (const x of v) {
    t.ok(x >= -127 && x <= 127);
    sq += x * x;
  }
  t.ok(Math.abs(Math.sqrt(sq) - TARGET_NORM) < 8, `norm ${Math.sqrt(sq)}`);
  t.ok(v.some((x) => x !== 0));
});

t.test('text search over memos finds the transactions that share the words', async (t) => {
  const vocabulary = ['coffee', 'rent', 'salary', 'invoice', 'gpu', 'dataset', 'training', 'refund', 'lunch', 'taxi',
    'bonus', 'loan', 'gift', 'ticket', 'hosting', 'domain', 'license', 'audit', 'grant', 'stake'];
  let seed = 7;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const memos: string[] = [];
  const index = VectorIndex.create({ dimension: 256 });
  for (let v = 0; v < 1500; v++) {
    const words = Array.from({ length: 1 + rand(4) }, () => vocabulary[rand(vocabulary.length)]!);
    const memo = words.join(' ');
    memos.push(memo);
    index.insert(v, defaultEmbedding({
      msgTypes: [rand(2) ? '/cosmos.bank.v1beta1.MsgSend' : '/cosmwasm.wasm.v1.MsgExecuteContract'],
      addresses: [`vivian1sender${rand(50)}`, `vivian1receiver${rand(50)}`],
      denoms: ['uviv'], amounts: [BigInt(rand(1_000_000_000))], memo, contractMsgs: [],
    }, 256));
  }
  for (const word of vocabulary) {
    const hits = index.search(textEmbedding(word.toUpperCase(), 256), { k: 10, exact: true });
    const matching = hits.filter((h) => tokenize(memos[h.id]!).includes(word)).length;
    t.equal(matching, 10, `all top-10 for "${word}" have it in their memo`);
  }
  const two = index.search(textEmbedding('gpu dataset', 256), { k: 5, exact: true });
  for (const h of two) {
    const toks = tokenize(memos[h.id]!);
    t.ok(toks.includes('gpu') && toks.includes('dataset'), `"${memos[h.id]}" has both words`);
  }
});
