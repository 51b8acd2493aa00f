import t from 'tap';
import fc from 'fast-check';
import { BranchStore, MemoryStore, keyString, type ReadCache } from '../../../chain/store/branch.js';
import { GasKVStore, GasMeter } from '../../../chain/store/gas.js';
import { NodeDb } from '../../../chain/store/nodeDb.js';
import { Bucket } from '../../../chain/store/buckets.js';
import { HistoricalState, writeHistory } from '../../../chain/store/history.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const b = (...x: number[]) => Uint8Array.from(x);
const hex = (x: Uint8Array) => Buffer.from(x).toString('hex');

t.test('nested branches: reads fall through, writes stay until written, discard drops them', async (t) => {
  const base = new MemoryStore();
  base.set(b(1), b(10));
  base.set(b(2), b(20));
  const block = new BranchStore(base);
  const tx = block.branch();
  tx.set(b(1), b(11));
  tx.delete(b(2));
  tx.set(b(3), b(30));
  t.same(tx.get(b(1)), b(11));
  t.equal(tx.get(b(2)), undefined);
  t.same(block.get(b(1)), b(10), 'parent untouched before write');
  tx.write();
  t.same(block.get(b(1)), b(11));
  t.same(base.get(b(1)), b(10), 'grandparent untouched');
  const failed = block.branch();
  failed.set(b(9), b(9));
  failed.discard();
  t.equal(block.get(b(9)), undefined);
  t.same(block.changes().map(([k, v]) => [hex(k), v && hex(v)]), [['01', '0b'], ['02', null], ['03', '1e']]);
});

t.test('iteration merges branch writes with the parent in byte order (property)', async () => {
  const key = fc.uint8Array({ minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(fc.array(fc.tuple(key, fc.uint8Array({ maxLength: 2 }))), fc.array(fc.tuple(key, fc.option(fc.uint8Array({ maxLength: 2 })))), fc.boolean(), (baseEntries, ops, reverse) => {
      const base = new MemoryStore();
      const model = new Map<string, string>();
      for (const [k, v] of baseEntries) {
        base.set(k, v);
        model.set(hex(k), hex(v));
      }
      const br = new BranchStore(base);
      for (const [k, v] of ops) {
        if (v === null) {
          br.delete(k);
          model.delete(hex(k));
        } else {
          br.set(k, v);
          model.set(hex(k), hex(v));
        }
      }
      const expected = [...model.entries()].filter(([k]) => k >= '01' && k < 'f0').sort(([x], [y]) => (x < y ? -1 : 1));
      if (reverse) expected.reverse();
      const got = [...br.iterate(b(1), b(0xf0), reverse)].map(([k, v]) => [hex(k), hex(v)]);
      return JSON.stringify(got) === JSON.stringify(expected);
    }),
    { numRuns: 300 },
  );
});

t.test('gas store charges reads, writes and iteration', async (t) => {
  const meter = new GasMeter(1_000_000);
  const s = new GasKVStore(new MemoryStore(), meter);
  s.set(b(1, 2), b(3, 4, 5));
  t.equal(meter.consumed, 2000 + 30 * 5);
  s.get(b(1, 2));
  t.equal(meter.consumed, 2150 + 1000 + 3 * 5);
  [...s.iterate(b(0), undefined)];
  t.equal(meter.consumed, 3165 + 30 + 3 * 5);
  const tight = new GasMeter(2500);
  t.throws(() => new GasKVStore(new MemoryStore(), tight).set(b(1), new Uint8Array(100)), /out of gas in location: WritePerByte; gasWanted: 2500/);
});

t.test('LMDB ranges and state history at height', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-db-'));
  const db = NodeDb.open(dir, { noSync: true });
  t.teardown(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  db.commit((w) => {
    for (const k of [1, 2, 3, 4]) w.put(Bucket.State, b(k), b(k * 10));
    writeHistory(w, 5n, [[b(1), b(10)], [b(2), b(20)], [b(0, 1), b(7)]]);
    writeHistory(w, 7n, [[b(1), b(11)], [b(2), null]]);
  });
  t.same([...db.range(Bucket.State, b(2), b(4))].map(([k]) => k[0]), [2, 3]);
  t.same([...db.range(Bucket.State, b(2), b(4), true)].map(([k]) => k[0]), [3, 2], 'reverse keeps start inclusive, end exclusive');
  t.same([...db.range(Bucket.State, b(0), undefined, false, 2)].map(([k]) => k[0]), [1, 2], 'limit');
  const at6 = new HistoricalState(db, 6n);
  t.same(at6.get(b(1)), b(10));
  t.same(at6.get(b(2)), b(20));
  const at7 = new HistoricalState(db, 7n);
  t.same(at7.get(b(1)), b(11));
  t.equal(at7.get(b(2)), undefined, 'deleted at 7');
  t.equal(new HistoricalState(db, 4n).get(b(1)), undefined, 'not yet written at 4');
  t.same([...at6.iterate(b(0), undefined)].map(([k, v]) => [hex(k), hex(v)]), [['0001', '07'], ['01', '0a'], ['02', '14']], 'keys with zero bytes sort correctly');
  t.same([...at7.iterate(b(0), undefined)].map(([k]) => hex(k)), ['0001', '01']);
});

t.test('a branch that caches reads asks its parent once per key and still sees its own and its children\'s writes', async (t) => {
  const base = new MemoryStore();
  base.set(b(1), b(10));
  let parentReads = 0;
  const counting = { get: (k: Uint8Array) => (parentReads++, base.get(k)), iterate: base.iterate.bind(base) };
  const cached = new BranchStore(counting, { cacheReads: true });
  t.same(cached.get(b(1)), b(10));
  t.equal(cached.get(b(2)), undefined, 'an absent key');
  const first = cached.get(b(1));
  cached.get(b(2));
  t.equal(parentReads, 2, 'each key read from the parent once, absent ones included');
  t.equal(cached.get(b(1)), first, 'the same value object again');
  const child = cached.branch();
  child.set(b(2), b(22));
  child.delete(b(1));
  t.equal(child.get(b(1)), undefined, 'a child sees its own delete');
  child.write();
  t.same(cached.get(b(2)), b(22), 'writes shadow cached reads');
  t.equal(cached.get(b(1)), undefined);
  t.equal(parentReads, 2);
  base.set(b(3), b(30));
  const uncached = new BranchStore(counting);
  uncached.get(b(3));
  uncached.get(b(3));
  t.equal(parentReads, 4, 'without the option every read goes to the parent');
});

t.test('a branch reports the keys it read and wrote, and carries chosen writes into another branch', async (t) => {
  const base = new MemoryStore();
  const k = (s: string) => new TextEncoder().encode(s);
  base.set(k('a'), k('1'));
  base.set(k('b'), k('2'));
  const parent = new BranchStore(base);
  const child = new BranchStore(parent, { trackReads: true });
  child.get(k('a'));
  child.get(k('missing'));
  child.set(k('c'), k('3'));
  child.get(k('c')); // its own write: not a read from the parent
  t.same(child.accessedKeys(), { written: ['c'], read: ['a', 'missing'], ranged: false });
  [...child.iterate(k('a'), k('z'))];
  t.equal(child.accessedKeys().ranged, true, 'an iteration is flagged');
  t.same(new BranchStore(parent).accessedKeys(), { written: [], read: [], ranged: false }, 'reads untracked unless asked');

  child.set(k('d'), k('4'));
  child.delete(k('b'));
  const next = new BranchStore(base);
  next.carryWrites(child, ['c', 'b', 'nothing']);
  t.same(new TextDecoder().decode(next.get(k('c'))), '3');
  t.equal(next.get(k('b')), undefined, 'a carried deletion');
  t.equal(next.get(k('d')), undefined, 'keys not listed stay behind');
  t.same(new TextDecoder().decode(next.get(k('a'))), '1');
});

t.test('branches sharing a read cache read each parent key once between them; clearing it shows the changed parent', async (t) => {
  const base = new MemoryStore();
  base.set(b(1), b(10));
  let parentReads = 0;
  const counting = { get: (k: Uint8Array) => (parentReads++, base.get(k)), iterate: base.iterate.bind(base) };
  const reads: ReadCache = new Map();
  const check = new BranchStore(counting, { readCache: reads });
  const block = new BranchStore(counting, { readCache: reads });
  t.same(check.get(b(1)), b(10));
  t.same(block.get(b(1)), b(10));
  t.equal(parentReads, 1, 'the second branch found the first one\'s read');
  check.set(b(1), b(11));
  t.same(block.get(b(1)), b(10), 'one branch\'s writes stay its own');
  t.same(reads.get(keyString(b(1))), b(10), 'the shared map holds parent values only');
  base.set(b(1), b(12)); // the parent changes (a commit) ...
  reads.clear(); // ... and its owner clears the map
  t.same(new BranchStore(counting, { readCache: reads }).get(b(1)), b(12));
  t.equal(parentReads, 2);
});
