import t from 'tap';
import fc from 'fast-check';
import { BinaryReader, BinaryWriter } from 'cosmjs-types/binary';
import { utf8Read } from 'cosmjs-types/utf8';
import { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import '../../../chain/codec/protobufStrings.js';

/** A protobuf string field's payload as raw bytes (any bytes, valid UTF-8 or not). */
function stringField(payload: Uint8Array): Uint8Array {
  return BinaryWriter.create().uint32(10).bytes(payload).finish();
}

t.test('strings read as cosmjs-types reads them, for any bytes', async (t) => {
  const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), anyText.map((s) => new TextEncoder().encode(s))), (payload) => {
      const decoded = Coin.decode(stringField(payload)).denom;
      return decoded === utf8Read(payload, 0, payload.length);
    }),
    { numRuns: 3000 },
  );
  t.pass('3000 random payloads');
});

t.test('malformed UTF-8 still decodes exactly as before (no replacement characters)', async (t) => {
  for (const bytes of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x61, 0xe2, 0x82], [0xef, 0xbb, 0xbf, 0x41]]) {
    const payload = Uint8Array.from(bytes);
    const r = new BinaryReader(stringField(payload));
    r.uint32();
    t.equal(r.string(), utf8Read(payload, 0, payload.length), `bytes ${Buffer.from(payload).toString('hex')}`);
  }
  t.equal(Coin.decode(stringField(new TextEncoder().encode('uviv'))).denom, 'uviv');
  t.equal(Coin.decode(stringField(new Uint8Array())).denom, '');
});
