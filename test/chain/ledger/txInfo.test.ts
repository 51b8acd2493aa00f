import fc from 'fast-check';
import t from 'tap';
import { BinaryWriter } from 'cosmjs-types/binary';
import { ErrInvalidTxInfo, ErrMalformedTxInfo } from '../../../chain/ledger/errors.js';
import { leafHash } from '../../../chain/ledger/merkle.js';
import { decodeTxInfo, encodeTxInfo, txInfoLeafHash, type TxInfo } from '../../../chain/ledger/txInfo.js';
import { VivianError } from '../../../chain/types/errors.js';
import { hex, unhex } from './rfc9162Reference.js';
import { throwsKind } from './throwsKind.js';

const hash = (byte: number) => new Uint8Array(32).fill(byte);

const sample: TxInfo = {
  txHash: hash(0xaa),
  height: 7n,
  index: 2,
  code: 5,
  codespace: 'bank',
  gasWanted: 200_000n,
  gasUsed: 51_234n,
  eventsHash: hash(0x01),
  embeddingHash: hash(0x02),
  dataHash: new Uint8Array(0),
};

const minimal: TxInfo = {
  txHash: hash(0x11),
  height: 0n,
  index: 0,
  code: 0,
  codespace: '',
  gasWanted: 0n,
  gasUsed: 0n,
  eventsHash: new Uint8Array(0),
  embeddingHash: new Uint8Array(0),
  dataHash: new Uint8Array(0),
};

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u32 = fc.nat({ max: 0xffff_ffff });
const optionalHash = fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 32, maxLength: 32 }));
const txInfo: fc.Arbitrary<TxInfo> = fc.record({
  txHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  height: u64,
  index: u32,
  code: u32,
  codespace: fc.string({ unit: 'grapheme', maxLength: 20 }),
  gasWanted: u64,
  gasUsed: u64,
  eventsHash: optionalHash,
  embeddingHash: optionalHash,
  dataHash: optionalHash,
});

t.test('the encoding, byte by byte', async (t) => {
  const bytes = encodeTxInfo(sample);
  const expected =
    '0a20' + 'aa'.repeat(32) + // 1: tx_hash
    '1007' + // 2: height
    '1802' + // 3: index
    '2005' + // 4: code
    '2a0462616e6b' + // 5: codespace "bank"
    '30c09a0c' + // 6: gas_wanted 200000
    '38a29003' + // 7: gas_used 51234
    '4220' + '01'.repeat(32) + // 8: events_hash
    '4a20' + '02'.repeat(32); // 9: embedding_hash; 10: data_hash empty, omitted
  t.equal(hex(bytes), expected);
  t.equal(hex(encodeTxInfo(minimal)), '0a20' + '11'.repeat(32), 'zero values are omitted');
  t.equal(hex(txInfoLeafHash(sample)), hex(leafHash(bytes)), 'leaf hash = SHA-256(0x00 ‖ TxInfo bytes)');
});

t.test('round trips', async (t) => {
  t.same(decodeTxInfo(encodeTxInfo(sample)), sample);
  t.same(decodeTxInfo(encodeTxInfo(minimal)), minimal);
  fc.assert(
    fc.property(txInfo, (info) => {
      const bytes = encodeTxInfo(info);
      const back = decodeTxInfo(bytes);
      return (
        hex(back.txHash) === hex(info.txHash) &&
        back.height === info.height &&
        back.index === info.index &&
        back.code === info.code &&
        back.codespace === info.codespace &&
        back.gasWanted === info.gasWanted &&
        back.gasUsed === info.gasUsed &&
        hex(back.eventsHash) === hex(info.eventsHash) &&
        hex(back.embeddingHash) === hex(info.embeddingHash) &&
        hex(back.dataHash) === hex(info.dataHash) &&
        hex(encodeTxInfo(back)) === hex(bytes)
      );
    }),
    { numRuns: 300 },
  );
});

t.test('decoded values do not alias the input bytes', async (t) => {
  const bytes = encodeTxInfo(sample);
  const info = decodeTxInfo(bytes);
  bytes.fill(0, 2, 34);
  t.equal(hex(info.txHash), 'aa'.repeat(32));
});

t.test('unknown fields are skipped', async (t) => {
  const w = BinaryWriter.create();
  w.uint32((1 << 3) | 2).bytes(hash(0x33));
  w.uint32((11 << 3) | 0).uint64(99n); // a future varint field
  w.uint32((12 << 3) | 2).bytes(Uint8Array.of(1, 2, 3)); // a future bytes field
  w.uint32((13 << 3) | 5).fixed32(7); // fixed32
  w.uint32((14 << 3) | 1).fixed64(7n); // fixed64
  w.uint32((2 << 3) | 0).uint64(12n);
  const info = decodeTxInfo(w.finish());
  t.equal(hex(info.txHash), '33'.repeat(32));
  t.equal(info.height, 12n);
});

t.test('malformed bytes are refused with a typed error', async (t) => {
  const good = encodeTxInfo(sample);
  const cases: Array<[string, Uint8Array]> = [
    ['empty: no tx_hash', new Uint8Array(0)],
    ['truncated inside tx_hash', good.subarray(0, 20)],
    ['truncated inside a varint', unhex('0a20' + 'aa'.repeat(32) + '30c0')],
    ['truncated inside codespace', unhex('0a20' + 'aa'.repeat(32) + '2a0462')],
    ['tx_hash of 31 bytes', unhex('0a1f' + 'aa'.repeat(31))],
    ['tx_hash of 33 bytes', unhex('0a21' + 'aa'.repeat(33))],
    ['tx_hash as a varint', unhex('0805')],
    ['height as bytes', unhex('0a20' + 'aa'.repeat(32) + '120101')],
    ['index beyond uint32', unhex('0a20' + 'aa'.repeat(32) + '18' + '8080808010')],
    ['code beyond uint32', unhex('0a20' + 'aa'.repeat(32) + '20' + 'ffffffffffffffff7f')],
    ['varint longer than 10 bytes', unhex('0a20' + 'aa'.repeat(32) + '10' + 'ff'.repeat(10) + '01')],
    ['codespace not UTF-8', unhex('0a20' + 'aa'.repeat(32) + '2a02c328')],
    ['events_hash of 5 bytes', unhex('0a20' + 'aa'.repeat(32) + '42050102030405')],
    ['data_hash of 31 bytes', unhex('0a20' + 'aa'.repeat(32) + '521f' + '00'.repeat(31))],
    ['field number 0', unhex('0220' + 'aa'.repeat(32))],
    ['wire type 7', unhex('0f')],
    ['end-group without start', unhex('0a20' + 'aa'.repeat(32) + '5c')],
    ['length beyond the buffer', unhex('0a20' + 'aa'.repeat(32) + '62ff01')],
  ];
  for (const [what, bytes] of cases) throwsKind(t, () => decodeTxInfo(bytes), ErrMalformedTxInfo, what);
  throwsKind(t, () => decodeTxInfo(unhex('0a1f' + 'aa'.repeat(31))), ErrMalformedTxInfo, 'message names the field', /tx_hash has 31 bytes/);

  // Random bytes and random corruptions of valid bytes: a TxInfo or ErrMalformedTxInfo, nothing else.
  const outcome = (bytes: Uint8Array) => {
    try {
      decodeTxInfo(bytes);
      return true;
    } catch (e) {
      return e instanceof VivianError && ErrMalformedTxInfo.is(e);
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), outcome), { numRuns: 1000 });
  fc.assert(
    fc.property(txInfo, fc.nat(), fc.nat(255), (info, at, value) => {
      const bytes = encodeTxInfo(info).slice();
      bytes[at % bytes.length] = value;
      return outcome(bytes) && outcome(bytes.subarray(0, at % bytes.length));
    }),
    { numRuns: 500 },
  );
});

t.test('encode refuses values outside their types', async (t) => {
  const cases: Array<[string, Partial<TxInfo>]> = [
    ['tx_hash of 20 bytes', { txHash: new Uint8Array(20) }],
    ['negative height', { height: -1n }],
    ['gas_used beyond uint64', { gasUsed: 1n << 64n }],
    ['index beyond uint32', { index: 2 ** 32 }],
    ['fractional code', { code: 1.5 }],
    ['negative code', { code: -1 }],
    ['events_hash of 31 bytes', { eventsHash: new Uint8Array(31) }],
    ['codespace with a lone surrogate', { codespace: 'bad\ud800' }],
  ];
  for (const [what, patch] of cases) {
    throwsKind(t, () => encodeTxInfo({ ...sample, ...patch }), ErrInvalidTxInfo, what);
  }
  t.equal(decodeTxInfo(encodeTxInfo({ ...sample, codespace: 'wasm 🚀' })).codespace, 'wasm 🚀', 'surrogate pairs are fine');
});
