import t from 'tap';
import fc from 'fast-check';
import { decodeLedgerEntry, encodeLedgerEntry } from '../../../chain/ledger/entry.js';

t.test('a ledger entry round-trips its four parts', async (t) => {
  const bytes = fc.uint8Array({ maxLength: 600 });
  fc.assert(fc.property(bytes, bytes, bytes, fc.option(bytes, { nil: undefined }), (leaf, tx, result, embedding) => {
    const e = decodeLedgerEntry(encodeLedgerEntry(leaf, tx, result, embedding));
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    return same(e.leaf, leaf) && same(e.tx, tx) && same(e.result, result) && same(e.embedding, embedding ?? new Uint8Array(0));
  }));
});

t.test('a truncated ledger entry is refused', async (t) => {
  const row = encodeLedgerEntry(Uint8Array.of(1, 2), Uint8Array.of(3), Uint8Array.of(4, 5, 6));
  t.throws(() => decodeLedgerEntry(row.subarray(0, 11)), /shorter than its header/);
  t.throws(() => decodeLedgerEntry(row.subarray(0, row.length - 1)), /declares 18/);
});
