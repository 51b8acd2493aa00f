import t from 'tap';
import fc from 'fast-check';
import { readU64be, u64be } from '../../../chain/store/buckets.js';

const reference = (n: bigint | number): string => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return Buffer.from(out).toString('hex');
};

t.test('u64be writes what DataView.setBigUint64 writes, for numbers and bigints of any size', async (t) => {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  for (const n of [0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 0n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, -1n, -1]) {
    t.equal(hex(u64be(n)), reference(n), `u64be(${n})`);
  }
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => hex(u64be(n)) === reference(n) && readU64be(u64be(n)) === n));
  fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => hex(u64be(n)) === reference(n)));
  t.throws(() => u64be(1.5), /not an integer/);
  t.throws(() => u64be(Number.NaN));
});
