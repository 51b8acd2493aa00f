import type { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import type { CommitParticipant, CommittedBlock } from '../app/application.js';
import { Bucket } from '../store/buckets.js';
import type { WriteBatch } from '../store/nodeDb.js';
import { encodeVersionList } from '../store/versionList.js';

/** LMDB keys are limited (~2 KB); longer attribute values are not indexed (they are still in the results). */
export const MAX_INDEXED_KEY = 1024;

/** `head` (utf8) ++ 0x00 ++ uint64be(height), built in one buffer. */
function indexKey(head: string, height: bigint | undefined): Uint8Array {
  const len = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(len + (height === undefined ? 1 : 9));
  out.write(head, 0, 'utf8');
  out[len] = 0;
  if (height !== undefined) out.writeBigUInt64BE(height, len + 1);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** TxEventIndex key: utf8 "type.key=value" ++ 0x00 ++ uint64be(height); without a height, the prefix of all heights. */
export function eventIndexKey(compositeKey: string, value: string, height?: bigint): Uint8Array {
  return indexKey(`${compositeKey}=${value}`, height);
}


/** What the index holds for one tx. */
export interface IndexedTx {
  version: bigint;
  result: Pick<ExecTxResult, 'events'>;
}

/** Whether "type.key=value" fits an index key (a UTF-16 unit is at most 3 UTF-8 bytes: most need no count). */
function indexable(pair: string): boolean {
  return pair.length * 3 + 9 <= MAX_INDEXED_KEY || Buffer.byteLength(pair) + 9 <= MAX_INDEXED_KEY;
}

/**
 * One block's index rows: for each indexed attribute "type.key=value" (long ones left out; tx.hash is found through
 * TxByHash and tx.height through the block's version run, so neither is indexed), the key for this height and the
 * versions that carry it. Grouped by "type.key" and then by value (the type and key strings recur, their hashes
 * cached), so a pair string is built once per row instead of once per attribute.
 */
export function blockIndexRows(height: bigint, txs: readonly IndexedTx[]): Array<[Uint8Array, Uint8Array]> {
  const byAttribute = new Map<string, Map<string, Map<string, bigint[]>>>();
  for (const t of txs) {
    for (const e of t.result.events) {
      let byKey: Map<string, Map<string, bigint[]>> | undefined;
      for (const a of e.attributes) {
        if (!a.index) continue;
        byKey ??= byAttribute.get(e.type) ?? setAndGet(byAttribute, e.type, new Map());
        const byValue = byKey.get(a.key) ?? setAndGet(byKey, a.key, new Map<string, bigint[]>());
        const list = byValue.get(a.value);
        // versions arrive in order, so a repeat within one tx is the list's last entry
        if (list) {
          if (list[list.length - 1] !== t.version) list.push(t.version);
        } else {
          byValue.set(a.value, [t.version]);
        }
      }
    }
  }
  const rows: Array<[Uint8Array, Uint8Array]> = [];
  for (const [type, byKey] of byAttribute) {
    for (const [key, byValue] of byKey) {
      for (const [value, list] of byValue) {
        const pair = `${type}.${key}=${value}`;
        if (indexable(pair)) rows.push([indexKey(pair, height), encodeVersionList(list)]);
      }
    }
  }
  return rows;
}

function setAndGet<K, V>(map: Map<K, V>, key: K, value: V): V {
  map.set(key, value);
  return value;
}

/**
 * Indexes every committed tx's events in the block's own write transaction, so a tx is searchable the moment
 * its block commits (cosmjs polls tx_search right after broadcasting). One row per distinct attribute per
 * block, listing the versions that carry it: attributes shared by many txs of a block (the message action,
 * the fee denom, the fee collector) cost one write per block rather than one per tx.
 */
export class TxIndexer implements CommitParticipant {
  stage(batch: WriteBatch, block: CommittedBlock): void {
    for (const [key, value] of blockIndexRows(block.height, block.txs)) batch.put(Bucket.TxEventIndex, key, value);
  }
}
