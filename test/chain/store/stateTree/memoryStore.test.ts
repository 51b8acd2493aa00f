import fc from 'fast-check';
import t from 'tap';
import { Harness, arbBatch, reachable } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

t.test('pruning below N deletes exactly the nodes no version >= N reaches', (t) => {
  fc.assert(
    fc.property(fc.array(arbBatch(40, 25), { minLength: 1, maxLength: 10 }), fc.nat(10), (batches, cut) => {
      const h = new Harness();
      for (const b of batches) h.apply(b);
      const latest = h.latest!;
      const oldestKept = BigInt(Math.min(cut, batches.length)) || 1n;
      const live = new Set<string>();
      for (let v = oldestKept; v <= latest; v++) for (const n of reachable(h.store, v)) live.add(hex(n.key));
      h.store.prune(oldestKept);
      // no dangling reference in any kept version (reachable throws on one) and nothing else left behind
      for (let v = oldestKept; v <= latest; v++) reachable(h.store, v);
      return h.store.size === live.size;
    }),
    { numRuns: 80 },
  );
  t.end();
});

t.test('without pruning every node ever written stays, each stale node is reported once', (t) => {
  const h = new Harness();
  const seen = new Set<string>();
  let written = 0;
  fc.assert(
    fc.property(arbBatch(30, 20), (b) => {
      const r = h.apply(b);
      written += r.newNodes.length;
      for (const k of r.staleNodes) {
        if (seen.has(hex(k))) return false;
        seen.add(hex(k));
        if (!h.store.get(k)) return false;
      }
      return h.store.size === written;
    }),
    { numRuns: 60 },
  );
  t.end();
});
