import fc from 'fast-check';
import t from 'tap';
import { BinaryWriter } from 'cosmjs-types/binary';
import { ErrMalformedEmbedding, ErrWrongDimension } from '../../../chain/vectorIndex/errors.js';
import {
  decodeEmbeddingOption, EMBEDDING_TYPE_URL, encodeEmbeddingOption,
} from '../../../chain/vectorIndex/embeddingOption.js';

t.test('type URL', async (t) => {
  t.equal(EMBEDDING_TYPE_URL, '/vivian.vector.v1.Embedding');
});

t.test('encodes the protobuf fields by hand as protoc would', async (t) => {
  const bytes = encodeEmbeddingOption({ model: 'm', values: Int8Array.of(1, -1, 127, -128) });
  t.equal(Buffer.from(bytes).toString('hex'), '0a016d120401ff7f80');
});

t.test('round trip (property)', async (t) => {
  fc.assert(
    fc.property(fc.string(), fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 1, maxLength: 300 }), (model, vals) => {
      const values = Int8Array.from(vals);
      const back = decodeEmbeddingOption(encodeEmbeddingOption({ model, values }), values.length);
      return back.model === model && Buffer.from(back.values.buffer).equals(Buffer.from(values.buffer));
    }),
  );
  t.pass('property held');
});

t.test('a vector of the wrong size is refused with a typed error', async (t) => {
  const bytes = encodeEmbeddingOption({ model: 'x', values: new Int8Array(255) });
  const err = t.throws(() => decodeEmbeddingOption(bytes, 256)) as Error;
  t.ok(ErrWrongDimension.is(err));
  t.match(err.message, /255 values.*dimension is 256/);
  t.match(err, { codespace: 'vector', code: 1 });
  t.ok(ErrWrongDimension.is(t.throws(() => decodeEmbeddingOption(new Uint8Array(0), 4))), 'absent values');
});

t.test('malformed protobuf is refused; unknown fields are skipped', async (t) => {
  t.ok(ErrMalformedEmbedding.is(t.throws(() => decodeEmbeddingOption(Uint8Array.of(0x12, 0x05, 1, 2), 4))), 'truncated');
  t.ok(ErrMalformedEmbedding.is(t.throws(() => decodeEmbeddingOption(Uint8Array.of(0x10, 0x01), 4))), 'values as varint');
  const w = new BinaryWriter();
  w.uint32(18).bytes(Uint8Array.of(1, 2, 3, 4));
  w.uint32((9 << 3) | 0).uint64(77n);
  const opt = decodeEmbeddingOption(w.finish(), 4);
  t.same(Array.from(opt.values), [1, 2, 3, 4]);
  t.equal(opt.model, '');
});
