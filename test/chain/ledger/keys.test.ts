import fc from 'fast-check';
import t from 'tap';
import { Bucket, bucketKey, u64be } from '../../../chain/store/buckets.js';
import { LedgerAccumulator, MemoryLedgerNodeStore } from '../../../chain/ledger/accumulator.js';
import { keyValueLedgerNodeStore, ledgerEntryKey, ledgerNodeKey, STORED_FROM_LEVEL, txByHashKey } from '../../../chain/ledger/keys.js';
import { encodeLedgerEntry } from '../../../chain/ledger/entry.js';
import { leafHash } from '../../../chain/ledger/merkle.js';
import { verifyInclusion } from '../../../chain/ledger/proofs.js';
import { hex, sampleLeaves } from './rfc9162Reference.js';

t.test('keys follow the layout in buckets.ts', async (t) => {
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  fc.assert(
    fc.property(fc.nat(63), u64, (level, index) => {
      return (
        hex(ledgerNodeKey(level, index)) === hex(bucketKey(Bucket.LedgerNode, Uint8Array.of(level), u64be(index))) &&
        hex(ledgerEntryKey(index)) === hex(bucketKey(Bucket.LedgerEntry, u64be(index)))
      );
    }),
  );
  t.equal(hex(ledgerNodeKey(3, 0x0102030405060708n)), '20030102030405060708');
  t.equal(hex(ledgerEntryKey((1n << 64n) - 1n)), '26ffffffffffffffff');
  const h = new Uint8Array(32).fill(7);
  t.equal(hex(txByHashKey(h)), '24' + '07'.repeat(32));
});

t.test('a key-value store serves the accumulator', async (t) => {
  const kv = new Map<string, Uint8Array>();
  const leaves = sampleLeaves(21, 'kv');
  const acc = new LedgerAccumulator(new MemoryLedgerNodeStore());
  for (const leaf of leaves) acc.append(leaf);
  for (const n of acc.pendingNodes()) kv.set(hex(ledgerNodeKey(n.level, n.index)), n.hash);
  const resumed = new LedgerAccumulator(keyValueLedgerNodeStore((k) => kv.get(hex(k))), 21);
  t.equal(hex(resumed.root()), hex(acc.root()));
  t.same(resumed.inclusionProof(4, 13).map(hex), acc.inclusionProof(4, 13).map(hex));
});

t.test('levels below STORED_FROM_LEVEL are hashed up from the ledger entries, or read where stored', async (t) => {
  const kv = new Map<string, Uint8Array>();
  const store = keyValueLedgerNodeStore((k) => kv.get(hex(k)));
  const reference = new LedgerAccumulator(new MemoryLedgerNodeStore());
  // leaves as the node stores them: TxInfo-like bytes inside ledger entries; 37 blocks of 1..9 txs
  let acc = new LedgerAccumulator(store, 0n);
  const legacyUpTo = 20n; // the first txs written the way older nodes did: every level has its row
  for (let block = 0, v = 0; block < 37; block++) {
    for (let i = 0; i <= block % 9; i++, v++) {
      const leaf = new TextEncoder().encode(`tx ${v}`);
      kv.set(hex(ledgerEntryKey(BigInt(v))), encodeLedgerEntry(leaf, Uint8Array.of(v & 0xff), new Uint8Array()));
      acc.append(leafHash(leaf));
      reference.append(leafHash(leaf));
    }
    const written = BigInt(v) <= legacyUpTo ? new LedgerAccumulator(new MemoryLedgerNodeStore(), 0n) : undefined;
    const nodes = acc.pendingNodes();
    t.ok(nodes.every((n) => n.level >= STORED_FROM_LEVEL), 'pending nodes of the lower levels are left out');
    for (const n of nodes) kv.set(hex(ledgerNodeKey(n.level, n.index)), n.hash);
    if (written) for (let l = 0; l < STORED_FROM_LEVEL; l++) for (let i = 0n; i < BigInt(v) >> BigInt(l); i++) kv.set(hex(ledgerNodeKey(l, i)), reference.subtreeHash(i << BigInt(l), (i + 1n) << BigInt(l)));
    acc.markCommitted();
    acc = new LedgerAccumulator(store, acc.size); // resumed from the store, as at a node's restart
    t.equal(hex(acc.root()), hex(reference.root()));
  }
  const n = acc.size;
  const nodeRows = [...kv.keys()].filter((k) => k.startsWith('20')).length;
  t.ok(nodeRows < Number(n) / 2 + 4 * 8, `${nodeRows} node rows for ${n} leaves`);
  for (let i = 0n; i < n; i++) {
    t.ok(verifyInclusion(reference.leafHashAt(i), i, n, acc.inclusionProof(i, n), reference.root()), `inclusion of ${i}`);
  }
  for (const m of [1n, 7n, 16n, 33n, n - 1n]) t.same(acc.consistencyProof(m, n).map(hex), reference.consistencyProof(m, n).map(hex));
  kv.delete(hex(ledgerEntryKey(n - 20n)));
  t.throws(() => acc.inclusionProof(n - 19n, n), /absent/, 'a missing entry is a missing node, not a wrong proof');
});
