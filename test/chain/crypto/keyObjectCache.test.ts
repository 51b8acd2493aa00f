import { createPublicKey, type KeyObject } from 'node:crypto';
import t from 'tap';
import { KeyObjectCache } from '../../../chain/crypto/keyObjectCache.js';

const spki = (pub: Uint8Array) =>
  createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' });

t.test('keeps the most recently used keys and parses each once', async (t) => {
  const built: number[] = [];
  const cache = new KeyObjectCache(2, (raw) => {
    built.push(raw[0]!);
    return spki(raw);
  });
  const key = (n: number) => new Uint8Array(32).fill(n);
  const a: KeyObject | null = cache.get(key(1));
  t.ok(a);
  cache.get(key(2));
  t.equal(cache.get(key(1)), a, 'hit returns the same object');
  cache.get(key(3)); // evicts 2, the least recently used
  t.equal(cache.size, 2);
  cache.get(key(1));
  cache.get(key(2));
  t.same(built, [1, 2, 3, 2], '1 stayed cached, 2 was rebuilt');
});

t.test('remembers keys that fail to parse', async (t) => {
  let calls = 0;
  const cache = new KeyObjectCache(4, () => {
    calls++;
    throw new Error('bad key');
  });
  t.equal(cache.get(new Uint8Array([1])), null);
  t.equal(cache.get(new Uint8Array([1])), null);
  t.equal(calls, 1);
  cache.clear();
  t.equal(cache.size, 0);
  t.throws(() => new KeyObjectCache(0, spki), RangeError);
});
