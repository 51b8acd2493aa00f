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

/** TxEventKeyIndex key: utf8 "type.key" ++ 0x00 ++ uint64be(version). */
export function eventKeyIndexKey(compositeKey: string, version?: bigint): Uint8Array {
  return indexKey(compositeKey, version);
}

/** What the index holds for one tx. */
export interface IndexedTx {
  version: bigint;
  hash: Uint8Array;
  height: bigint;
  result: Pick<ExecTxResult, 'events'>;
}

/** Every index key of one tx: [bucket, key]. The indexer writes them; pruning deletes the same ones. */
export function txIndexKeys(t: IndexedTx): Array<[typeof Bucket.TxEventIndex | typeof Bucket.TxEventKeyIndex, Uint8Array]> {
  const pairs: Array<[string, string]> = [
    ['tx.hash', Buffer.from(t.hash).toString('hex').toUpperCase()],
    ['tx.height', t.height.toString()],
  ];
  for (const e of t.result.events) for (const a of e.attributes) if (a.index) pairs.push([`${e.type}.${a.key}`, a.value]);
  const out: Array<[typeof Bucket.TxEventIndex | typeof Bucket.TxEventKeyIndex, Uint8Array]> = [];
  const seenKeys = new Set<string>();
  const seenPairs = new Set<string>();
  for (const [k, v] of pairs) {
    // the same attribute often repeats (message.sender from the ante and from each message): one key is enough
    const pair = `${k}=${v}`;
    if (seenPairs.has(pair)) continue;
    seenPairs.add(pair);
    const key = indexKey(pair, t.version);
    if (key.length <= MAX_INDEXED_KEY) out.push([Bucket.TxEventIndex, key]);
    if (!seenKeys.has(k)) {
      seenKeys.add(k);
      out.push([Bucket.TxEventKeyIndex, eventKeyIndexKey(k, t.version)]);
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
      for (const [bucket, key] of txIndexKeys({ version: t.version, hash: t.hash, height: block.height, result: t.result })) {
        batch.put(bucket, key, empty);
      }
    }
  }
}
