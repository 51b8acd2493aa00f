import fc from 'fast-check';
import t from 'tap';
import { ErrCorruptNode } from '../../../../chain/store/stateTree/errors.js';
import {
  type ChildRef,
  childNodeKey,
  decodeNode,
  decodeNodeKey,
  encodeNode,
  makeInternal,
  nodeKey,
  rootNodeKey,
} from '../../../../chain/store/stateTree/nodes.js';
import { keyHash, valueHash } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

t.test('node keys: version, depth, packed path', (t) => {
  const kh = Uint8Array.from({ length: 32 }, (_, i) => (i * 17 + 0xab) & 0xff); // ab bc cd ...
  t.equal(hex(rootNodeKey(5n)), '000000000000000500');
  t.equal(hex(nodeKey(5n, kh, 1)), '000000000000000501a0');
  t.equal(hex(nodeKey(5n, kh, 2)), '000000000000000502ab');
  t.equal(hex(nodeKey(5n, kh, 3)), '000000000000000503abb0');
  t.equal(hex(childNodeKey(5n, kh, 0, 7)), '00000000000000050170');
  t.equal(hex(childNodeKey(5n, kh, 1, 7)), '000000000000000502a7');
  t.equal(hex(childNodeKey(5n, kh, 2, 0xf)), '000000000000000503abf0');
  t.equal(nodeKey(1n, kh, 64).length, 9 + 32);
  t.same(decodeNodeKey(nodeKey(9n, kh, 3)), { version: 9n, depth: 3, path: Uint8Array.of(0xab, 0xb0) });
  t.throws(() => decodeNodeKey(new Uint8Array(8)), { code: ErrCorruptNode.code });
  t.throws(() => decodeNodeKey(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 3, 0xab)), { code: ErrCorruptNode.code });
  t.throws(() => decodeNodeKey(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 65, ...new Uint8Array(33))), { code: ErrCorruptNode.code });
  t.end();
});

t.test('child keys agree with node keys along any key hash', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(63), fc.bigInt(0n, (1n << 64n) - 1n), (kh, depth, v) => {
      const viaChild = childNodeKey(v, kh, depth, (kh[depth >> 1]! >> (depth & 1 ? 0 : 4)) & 0xf);
      const direct = nodeKey(v, kh, depth + 1);
      const decoded = decodeNodeKey(direct);
      return hex(viaChild) === hex(direct) && decoded.version === v && decoded.depth === depth + 1;
    }),
  );
  t.end();
});

t.test('node encoding round-trips', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.option(fc.record({ version: fc.bigInt(0n, (1n << 64n) - 1n), v: fc.nat(99), isLeaf: fc.boolean() })), {
        minLength: 16,
        maxLength: 16,
      }),
      (slots) => {
        const children: Array<ChildRef | undefined> = slots.map((s) =>
          s ? { version: s.version, hash: valueHash(s.v), isLeaf: s.isLeaf } : undefined,
        );
        if (children.every((c) => !c)) return true;
        const node = makeInternal(children);
        return JSON.stringify(decodeNode(encodeNode(node)), replacer) === JSON.stringify(node, replacer);
      },
    ),
  );
  const leaf = { kind: 'leaf' as const, keyHash: keyHash(1), valueHash: valueHash(2) };
  t.same(decodeNode(encodeNode(leaf)), leaf);
  t.same(decodeNode(encodeNode({ kind: 'null' })), { kind: 'null' });
  t.end();
});

t.test('malformed node bytes are rejected as corrupt', (t) => {
  const internal = encodeNode(makeInternal([{ version: 1n, hash: valueHash(1), isLeaf: true }, undefined]));
  const cases: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['unknown tag', Uint8Array.of(9)],
    ['null with payload', Uint8Array.of(0, 0)],
    ['short leaf', encodeNode({ kind: 'leaf', keyHash: keyHash(1), valueHash: valueHash(1) }).subarray(0, 64)],
    ['internal without children', Uint8Array.of(1, 0, 0, 0, 0)],
    ['leaf bit without child', Uint8Array.of(...internal.subarray(0, 3), 0x00, 0x03, ...internal.subarray(5))],
    ['truncated internal', internal.subarray(0, internal.length - 1)],
  ];
  for (const [why, bytes] of cases) t.throws(() => decodeNode(bytes), { code: ErrCorruptNode.code }, why);
  t.end();
});

function replacer(_k: string, v: unknown) {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return hex(v);
  return v;
}
