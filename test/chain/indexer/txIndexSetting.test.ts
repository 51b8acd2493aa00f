import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catchUpTxIndex, markTxIndexOff, txIndexOffFrom } from '../../../chain/indexer/txIndexSetting.js';
import { Bucket, u64be } from '../../../chain/store/buckets.js';
import { NodeDb } from '../../../chain/store/nodeDb.js';

const rowOf = (h: bigint) => [[Bucket.TxEventKeys, u64be(h), Uint8Array.of(1)] as const];
const rowCount = (db: NodeDb) => [...db.range(Bucket.TxEventKeys, new Uint8Array(), undefined)].length;

t.test('a catch-up that fails part-way keeps the gap recorded; the next one finishes it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-txindex-'));
  const db = NodeDb.open(dir, { noSync: true });
  t.teardown(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  t.equal(catchUpTxIndex(db, 600n, rowOf), 0, 'no gap recorded: nothing to do');
  markTxIndexOff(db, 5n);
  markTxIndexOff(db, 9n);
  t.equal(txIndexOffFrom(db), 5n, 'an earlier start of the gap is kept');

  const failing = (h: bigint) => {
    if (h === 400n) throw new Error('disk full');
    return rowOf(h);
  };
  t.throws(() => catchUpTxIndex(db, 600n, failing), /disk full/);
  t.equal(txIndexOffFrom(db), 5n, 'still recorded after the failure');
  t.equal(rowCount(db), 256, 'the write transactions before the failure are kept (256 heights each), the failing one left nothing');

  const lines: string[] = [];
  t.equal(catchUpTxIndex(db, 600n, rowOf, (l) => lines.push(l)), 596);
  t.match(lines, [/indexing the txs of heights 5\.\.600/]);
  t.equal(rowCount(db), 596, 'every height of the gap, once');
  t.equal(txIndexOffFrom(db), undefined, 'the gap is forgotten with the last rows');
  t.equal(catchUpTxIndex(db, 600n, rowOf), 0);

  markTxIndexOff(db, 601n);
  t.equal(catchUpTxIndex(db, 600n, rowOf), 0, 'off and on again before any block: nothing to index');
  t.equal(txIndexOffFrom(db), undefined);
});
