import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { NodeDb } from '../../../chain/store/nodeDb.js';
import { ChainReader } from '../../../chain/store/chainReader.js';
import { Bucket, u64be } from '../../../chain/store/buckets.js';
import { encodeLedgerEntry } from '../../../chain/ledger/entry.js';
import { encodeTxInfo, type TxInfo } from '../../../chain/ledger/txInfo.js';

const info = (index: number): TxInfo => ({
  txHash: new Uint8Array(32).fill(index + 1), height: 5n, index, code: 0, codespace: '', gasWanted: 100n, gasUsed: 50n,
  eventsHash: new Uint8Array(0), dataHash: new Uint8Array(0), embeddingHash: new Uint8Array(0),
});

t.test('a version reads the same from one ledger entry row as from the separate rows of earlier releases', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vivian-reader-'));
  const db = NodeDb.open(dir, { noSync: true });
  t.teardown(async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); });
  const result = ExecTxResult.encode(ExecTxResult.fromPartial({ code: 0, gasUsed: 50n, log: 'ok' })).finish();
  const raw = (i: number) => Uint8Array.of(0x0a, 1, i);
  const vec = (i: number) => new Uint8Array(8).fill(i);
  db.commit((b) => {
    // version 0 as earlier releases stored it, version 1 as one entry
    b.put(Bucket.LedgerLeaf, u64be(0), encodeTxInfo(info(0)));
    b.put(Bucket.TxRaw, u64be(0), raw(0));
    b.put(Bucket.TxResult, u64be(0), result);
    b.put(Bucket.TxEmbedding, u64be(0), vec(0));
    b.put(Bucket.LedgerEntry, u64be(1), encodeLedgerEntry(encodeTxInfo(info(1)), raw(1), result, vec(1)));
  });
  const reader = new ChainReader(db);
  for (const v of [0, 1]) {
    const tx = reader.txByVersion(BigInt(v))!;
    t.ok(tx, `version ${v} found`);
    t.equal(tx.index, v);
    t.same([...tx.tx], [...raw(v)]);
    t.equal(tx.result.log, 'ok');
    t.same([...tx.hash], [...info(v).txHash]);
    t.same([...reader.ledgerEntry(v)!.embedding], [...vec(v)]);
    t.same([...reader.embedding(v)!], [...vec(v)]);
  }
  t.equal(reader.txByVersion(2n), undefined);
  t.equal(reader.ledgerEntry(2), undefined);
  t.equal(reader.embedding(2), undefined);
});
