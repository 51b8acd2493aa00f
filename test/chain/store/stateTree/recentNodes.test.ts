import t from 'tap';
import { randomBytes } from 'node:crypto';
import { MemoryTreeStore, StateTree } from '../../../../chain/store/stateTree/index.js';
import { RecentTreeNodes } from '../../../../chain/store/stateTree/recentNodes.js';

const hash = () => new Uint8Array(randomBytes(32));

t.test('a tree reading through RecentTreeNodes computes the same roots, reading the store only for older nodes', async (t) => {
  const plainStore = new MemoryTreeStore();
  const backing = new MemoryTreeStore();
  let storeReads = 0;
  const recent = new RecentTreeNodes({ get: (k) => (storeReads++, backing.get(k)) }, 50);
  const plain = new StateTree(plainStore);
  const cached = new StateTree(recent);
  const keys = Array.from({ length: 300 }, hash);
  let base: bigint | null = null;
  for (let version = 1n; version <= 8n; version++) {
    const changes = keys.filter(() => Math.random() < 0.3).map((keyHash) => ({ keyHash, valueHash: Math.random() < 0.1 ? null : hash() }));
    const a = plain.applyBatch(base, version, changes);
    const b = cached.applyBatch(base, version, changes);
    t.same(b.root, a.root, `root of version ${version}`);
    plainStore.commit(version, a);
    backing.commit(version, b);
    recent.remember(b.newNodes);
    t.ok(recent.size <= 50, 'bounded');
    base = version;
  }
  t.ok(storeReads > 0, 'nodes older than the remembered ones come from the store');
});

t.test('RecentTreeNodes serves remembered nodes without the store and forgets the oldest first', async (t) => {
  let storeReads = 0;
  const recent = new RecentTreeNodes({ get: () => (storeReads++, undefined) }, 2);
  const k = (n: number) => Uint8Array.of(n);
  recent.remember([[k(1), Uint8Array.of(10)], [k(2), Uint8Array.of(20)]]);
  t.same(recent.get(k(1)), Uint8Array.of(10));
  t.same(recent.get(k(2)), Uint8Array.of(20));
  t.equal(storeReads, 0);
  recent.remember([[k(3), Uint8Array.of(30)]]);
  t.equal(recent.size, 2);
  t.equal(recent.get(k(1)), undefined, 'the oldest went to the store (which has nothing)');
  t.equal(storeReads, 1);
  t.same(recent.get(k(3)), Uint8Array.of(30));
});
