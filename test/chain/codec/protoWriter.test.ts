import t from 'tap';
import fc from 'fast-check';
import { BinaryWriter } from 'cosmjs-types/binary';
import { encodeProto, stringLength, varint64Length, varintLength } from '../../../chain/codec/protoWriter.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

t.test('fields are written as cosmjs-types writes them', async (t) => {
  const field = fc.oneof(
    fc.record({ kind: fc.constant('varint' as const), v: fc.nat({ max: Number.MAX_SAFE_INTEGER }) }),
    fc.record({ kind: fc.constant('int64' as const), v: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) }),
    fc.record({ kind: fc.constant('string' as const), v: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant('\ud800x')) }),
    fc.record({ kind: fc.constant('bytes' as const), v: fc.uint8Array({ maxLength: 40000 }) }),
  );
  fc.assert(
    fc.property(fc.array(field, { maxLength: 12 }), (fields) => {
      const ref = BinaryWriter.create();
      const got = encodeProto((w) => {
        fields.forEach((f, i) => {
          const no = i + 1;
          if (f.kind === 'varint') {
            w.tag(no, 0).varint(f.v);
            ref.uint32((no << 3) | 0).uint64(BigInt(f.v));
          } else if (f.kind === 'int64') {
            w.tag(no, 0).varint64(f.v);
            ref.uint32((no << 3) | 0).int64(f.v);
          } else if (f.kind === 'string') {
            w.tag(no, 2).string(f.v);
            ref.uint32((no << 3) | 2).string(f.v);
          } else {
            w.tag(no, 2).bytes(f.v);
            ref.uint32((no << 3) | 2).bytes(f.v);
          }
        });
      });
      return hex(got) === hex(ref.finish());
    }),
    { numRuns: 1500 },
  );
  t.equal(varintLength(0), 1);
  t.equal(varintLength(2 ** 53 - 1), 8);
  t.equal(varint64Length(-1n), 10, 'a negative int64 takes 10 bytes');
  t.equal(stringLength('\u00e9\ud800'), 5, 'non-ASCII and a lone surrogate counted as cosmjs-types counts them');
});

t.test('an encoding inside another, or after one that threw, is still exact', async (t) => {
  const inner = () => encodeProto((w) => w.tag(1, 2).string('inner'));
  const outer = encodeProto((w) => {
    w.tag(1, 2).bytes(inner());
    w.tag(2, 2).string('outer');
  });
  t.equal(hex(outer), hex(BinaryWriter.create().uint32(10).bytes(inner()).uint32(18).string('outer').finish()));
  t.throws(() => encodeProto((w) => {
    w.tag(1, 2).string('half');
    throw new Error('boom');
  }), /boom/);
  t.equal(hex(encodeProto((w) => w.tag(1, 2).string('after'))), hex(BinaryWriter.create().uint32(10).string('after').finish()));
});

t.test('nested fields written in one pass (begin/endDelimited) match cosmjs-types fork/ldelim at every length', async (t) => {
  type Node = { bytes: Uint8Array } | { children: Node[] };
  const node: fc.Memo<Node> = fc.memo((depth) =>
    depth <= 1
      ? fc.record({ bytes: fc.oneof(fc.uint8Array({ maxLength: 130 }), fc.uint8Array({ minLength: 16380, maxLength: 16390 })) })
      : fc.oneof(fc.record({ bytes: fc.uint8Array({ maxLength: 300 }) }), fc.record({ children: fc.array(node(depth - 1), { maxLength: 4 }) })),
  );
  fc.assert(
    fc.property(fc.array(node(3), { maxLength: 4 }), (nodes) => {
      const ref = BinaryWriter.create();
      const writeRef = (n: Node, no: number) => {
        if ('bytes' in n) return void ref.uint32((no << 3) | 2).bytes(n.bytes);
        ref.uint32((no << 3) | 2).fork();
        n.children.forEach((c, i) => writeRef(c, i + 1));
        ref.ldelim();
      };
      nodes.forEach((n, i) => writeRef(n, i + 1));
      const got = encodeProto((w) => {
        const write = (n: Node, no: number) => {
          if ('bytes' in n) return void w.tag(no, 2).bytes(n.bytes);
          w.tag(no, 2);
          const mark = w.beginDelimited();
          n.children.forEach((c, i) => write(c, i + 1));
          w.endDelimited(mark);
        };
        nodes.forEach((n, i) => write(n, i + 1));
      });
      return hex(got) === hex(ref.finish());
    }),
    { numRuns: 500 },
  );
  t.pass('500 random nested messages, lengths across the 1-, 2- and 3-byte varints');
});
