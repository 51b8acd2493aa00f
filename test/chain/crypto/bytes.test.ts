import t from 'tap';
import { randomBytes } from 'node:crypto';
import { latin1 } from '../../../chain/crypto/bytes.js';

const viaBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

t.test('latin1: one char per byte, the same string Buffer gives, at every length around the short-array cut', async (t) => {
  for (let n = 0; n <= 200; n++) {
    const fresh = new Uint8Array(randomBytes(n));
    t.equal(latin1(fresh), viaBuffer(fresh), `fresh array of ${n} bytes`);
    t.equal(latin1(fresh).length, n);
  }
});

t.test('latin1: views into a larger buffer read only their own bytes', async (t) => {
  const backing = new Uint8Array(randomBytes(300));
  for (const [start, end] of [[0, 10], [7, 71], [100, 164], [5, 300], [299, 300]] as const) {
    const view = backing.subarray(start, end);
    t.equal(latin1(view), viaBuffer(view), `view ${start}..${end}`);
  }
});

t.test('latin1: every byte value round-trips, and string order is byte order', async (t) => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  t.same(new Uint8Array(Buffer.from(latin1(all), 'latin1')), all);
  const a = latin1(Uint8Array.of(1, 0x80, 0xff));
  const b = latin1(Uint8Array.of(1, 0x81));
  t.ok(a < b);
});
