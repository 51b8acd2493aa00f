import t from 'tap';
import fc from 'fast-check';
import { escapeKey, historyKey } from '../../../chain/store/history.js';
import { u64be } from '../../../chain/store/buckets.js';
import { concatBytes } from '../../../chain/store/kv.js';

const MAX = 2n ** 64n - 1n;

t.test('history keys are escape(key) ++ 00 01 ++ uint64be(MAX - height), built in one buffer', async (t) => {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.bigInt({ min: 0n, max: MAX }), (key, height) =>
    hex(historyKey(key, height)) === hex(concatBytes(escapeKey(key), Uint8Array.of(0, 1), u64be(MAX - height)))));
  t.equal(hex(historyKey(Uint8Array.of(0, 5), 1n)), '00ff05' + '0001' + 'fffffffffffffffe');
  // newer heights sort first under one key
  t.ok(Buffer.compare(historyKey(Uint8Array.of(7), 10n), historyKey(Uint8Array.of(7), 9n)) < 0);
});
