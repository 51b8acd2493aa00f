import fc from 'fast-check';
import t from 'tap';
import { Bucket, bucketKey, u64be } from '../../../chain/store/buckets.js';
import { LedgerAccumulator, MemoryLedgerNodeStore } from '../../../chain/ledger/accumulator.js';
import { keyValueLedgerNodeStore, ledgerEntryKey, ledgerNodeKey, txByHashKey } from '../../../chain/ledger/keys.js';
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
