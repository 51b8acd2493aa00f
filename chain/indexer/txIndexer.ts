import type { CommitParticipant, CommittedBlock } from '../app/application.js';
import { Bucket, u64be } from '../store/buckets.js';
import { concatBytes } from '../store/kv.js';
import type { WriteBatch } from '../store/nodeDb.js';

const enc = new TextEncoder();
/** LMDB keys are limited (~2 KB); longer attribute values are not indexed (they are still in the results). */
export const MAX_INDEXED_KEY = 1024;
const SEP = Uint8Array.of(0);

/** TxEventIndex key: utf8 "type.key=value" ++ 0x00 ++ uint64be(version). */
export function eventIndexKey(compositeKey: string, value: string, version?: bigint): Uint8Array {
  const head = enc.encode(`${compositeKey}=${value}`);
  return version === undefined ? concatBytes(head, SEP) : concatBytes(head, SEP, u64be(version));
}

/** TxEventKeyIndex key: utf8 "type.key" ++ 0x00 ++ uint64be(version). */
export function eventKeyIndexKey(compositeKey: string, version?: bigint): Uint8Array {
  const head = enc.encode(compositeKey);
  return version === undefined ? concatBytes(head, SEP) : concatBytes(head, SEP, u64be(version));
}

/**
 * Indexes every committed tx's events (and tx.hash, tx.height) in the block's own write transaction, so a tx
 * is searchable the moment its block commits — cosmjs polls tx_search right after broadcasting.
 */
export class TxIndexer implements CommitParticipant {
  stage(batch: WriteBatch, block: CommittedBlock): void {
    const empty = new Uint8Array();
    for (const t of block.txs) {
      const pairs: Array<[string, string]> = [
        ['tx.hash', Buffer.from(t.hash).toString('hex').toUpperCase()],
        ['tx.height', block.height.toString()],
      ];
      for (const e of t.result.events) for (const a of e.attributes) if (a.index) pairs.push([`${e.type}.${a.key}`, a.value]);
      const seenKeys = new Set<string>();
      for (const [k, v] of pairs) {
        const key = eventIndexKey(k, v, t.version);
        if (key.length <= MAX_INDEXED_KEY) batch.put(Bucket.TxEventIndex, key, empty);
        if (!seenKeys.has(k)) {
          seenKeys.add(k);
          batch.put(Bucket.TxEventKeyIndex, eventKeyIndexKey(k, t.version), empty);
        }
      }
    }
  }
}
