import t from 'tap';
import { pooledBytes } from '../../../chain/codec/bytePool.js';

t.test('pooledBytes: consecutive small outputs never overlap, start 8-byte aligned, and come zeroed', async (t) => {
  const outs = Array.from({ length: 2000 }, (_, i) => pooledBytes(1 + (i % 97)));
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i]!;
    t.equal(o.byteOffset % 8, 0);
    if (!o.every((b) => b === 0)) t.fail(`output ${i} not zeroed`);
    o.fill(i & 0xff);
  }
  for (let i = 0; i < outs.length; i++) if (!outs[i]!.every((b) => b === (i & 0xff))) t.fail(`output ${i} was overwritten by a later one`);
  t.pass('no overlaps');
});

t.test('pooledBytes: large and empty outputs get buffers of their own', async (t) => {
  const big = pooledBytes(64 * 1024);
  t.equal(big.byteOffset, 0);
  t.equal(big.buffer.byteLength, 64 * 1024);
  t.equal(pooledBytes(0).length, 0);
});
