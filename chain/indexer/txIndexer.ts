import type { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import type { CommitParticipant, CommittedBlock } from '../app/application.js';
import { Bucket } from '../store/buckets.js';
import type { WriteBatch } from '../store/nodeDb.js';

/** LMDB keys are limited (~2 KB); longer attribute values are not indexed (they are still in the results). */
export const MAX_INDEXED_KEY = 1024;

/** `head` (utf8) ++ 0x00 ++ uint64be(version), built in one buffer (the indexer makes dozens per tx). */
function indexKey(head: string, version: bigint | undefined): Uint8Array {
  const len = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(len + (version === undefined ? 1 : 9));
  out.write(head, 0, 'utf8');
  out[len] = 0;
  if (version !== undefined) out.writeBigUInt64BE(version, len + 1);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** TxEventIndex key: utf8 "type.key=value" ++ 0x00 ++ uint64be(version). */
export function eventIndexKey(compositeKey: string, value: string, version?: bigint): Uint8Array {
  return indexKey(`${compositeKey}=${value}`, version);
}

/** What the index holds for one tx. */
export interface IndexedTx {
  version: bigint;
  result: Pick<ExecTxResult, 'events'>;
}

/**
 * Every index key of one tx (TxEventIndex keys). The indexer writes them; pruning deletes the same ones.
 * Only what a lookup needs is written, one key per distinct indexed attribute: tx.hash is found through
 * TxByHash and tx.height through the block's version run, EXISTS scans a key's values, so neither a per-tx
 * hash/height entry nor a separate key index is kept (they were almost half of a transfer's LMDB writes).
 */
export function txIndexKeys(t: IndexedTx): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const e of t.result.events) {
    for (const a of e.attributes) {
      if (!a.index) continue;
      // the same attribute often repeats (message.sender from the ante and from each message): one key is enough
      const pair = `${e.type}.${a.key}=${a.value}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      const key = indexKey(pair, t.version);
      if (key.length <= MAX_INDEXED_KEY) out.push(key);
    }
  }
  return out;
}

/**
 * Indexes every committed tx's events (and tx.hash, tx.height) in the block's own write transaction, so a tx
 * is searchable the moment its block commits — cosmjs polls tx_search right after broadcasting.
 */
export class TxIndexer implements CommitParticipant {
  stage(batch: WriteBatch, block: CommittedBlock): void {
    const empty = new Uint8Array();
    for (const t of block.txs) {
      for (const key of txIndexKeys(t)) {
        batch.put(Bucket.TxEventIndex, key, empty);
      }
    }
  }
}
