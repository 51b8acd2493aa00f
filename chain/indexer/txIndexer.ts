import type { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import type { CommitParticipant, CommittedBlock } from '../app/application.js';
import { Bucket, writeU64be } from '../store/buckets.js';
import type { WriteBatch } from '../store/nodeDb.js';
import { decodeVersionList, encodeVersionList } from '../store/versionList.js';

/** LMDB keys are limited (~2 KB); longer attribute values are not indexed (they are still in the results). */
export const MAX_INDEXED_KEY = 1024;

/** `head` (utf8) ++ 0x00 ++ uint64be(height), built in one buffer; without a height, the prefix of all heights. */
export function indexKey(head: string, height?: bigint): Uint8Array {
  const len = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(len + (height === undefined ? 1 : 9));
  out.write(head, 0, 'utf8');
  out[len] = 0;
  if (height !== undefined) writeU64be(out, len + 1, height);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** What the index holds for one tx. */
export interface IndexedTx {
  version: bigint;
  result: Pick<ExecTxResult, 'events'>;
}

/** Whether `head` fits an index key (a UTF-16 unit is at most 3 UTF-8 bytes: most need no count). */
function indexable(head: string): boolean {
  return head.length * 3 + 9 <= MAX_INDEXED_KEY || Buffer.byteLength(head) + 9 <= MAX_INDEXED_KEY;
}

/** A row to write: bucket, key, value. */
export type IndexRow = [typeof Bucket.TxEventValues | typeof Bucket.TxEventKeys, Uint8Array, Uint8Array];

/**
 * One block's index rows (tx.hash is found through TxByHash and tx.height through the block's version run, so
 * neither is indexed; attributes too long for a key are left out):
 *  - TxEventValues, one row per distinct attribute value: value ++ 0x00 ++ height -> for each "type.key" that
 *    carried the value, the versions that did. A transfer's sender is the message sender, the transfer sender,
 *    the coin spender and the fee payer: one row, where a row per "type.key=value" made four.
 *  - TxEventKeys, one row per distinct "type.key": "type.key" ++ 0x00 ++ height -> versions (EXISTS, and the
 *    candidates of the operators other than `=`).
 */
export function blockIndexRows(height: bigint, txs: readonly IndexedTx[]): IndexRow[] {
  const byValue = new Map<string, Map<string, bigint[]>>();
  const byKey = new Map<string, bigint[]>();
  for (const t of txs) {
    const v = t.version;
    for (const e of t.result.events) {
      let keysOfType: Map<string, string> | undefined;
      for (const a of e.attributes) {
        if (!a.index) continue;
        keysOfType ??= compositeKeys(e.type);
        let composite = keysOfType.get(a.key);
        if (composite === undefined) keysOfType.set(a.key, (composite = `${e.type}.${a.key}`));
        addVersion(byKey, composite, v);
        addVersion(byValue.get(a.value) ?? setAndGet(byValue, a.value, new Map<string, bigint[]>()), composite, v);
      }
    }
  }
  const rows: IndexRow[] = [];
  for (const [value, keys] of byValue) {
    if (indexable(value)) rows.push([Bucket.TxEventValues, indexKey(value, height), encodeValueRow(keys)]);
  }
  for (const [key, versions] of byKey) {
    if (indexable(key)) rows.push([Bucket.TxEventKeys, indexKey(key, height), encodeVersionList(versions)]);
  }
  return rows;
}

/** Versions arrive in order, so a repeat within one tx is the list's last entry. */
function addVersion(lists: Map<string, bigint[]>, key: string, version: bigint): void {
  const list = lists.get(key);
  if (list === undefined) lists.set(key, [version]);
  else if (list[list.length - 1] !== version) list.push(version);
}

/** "type" -> attribute key -> "type.key": the strings recur in every tx, so each is built once per process. */
const compositeKeyCache = new Map<string, Map<string, string>>();
function compositeKeys(type: string): Map<string, string> {
  let m = compositeKeyCache.get(type);
  if (m === undefined) {
    if (compositeKeyCache.size >= 4096) compositeKeyCache.clear(); // event types come from contracts too: bounded
    compositeKeyCache.set(type, (m = new Map()));
  }
  return m;
}

/** A TxEventValues row: for each "type.key", uvarint(utf8 length) ++ utf8 ++ uvarint(count) ++ count x uint64be version. */
export function encodeValueRow(keys: ReadonlyMap<string, readonly bigint[]>): Uint8Array {
  let size = 0;
  for (const [key, versions] of keys) size += 10 + Buffer.byteLength(key) + 8 * versions.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  const uvarint = (n: number) => {
    while (n >= 0x80) {
      out[at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    out[at++] = n;
  };
  for (const [key, versions] of keys) {
    const len = Buffer.byteLength(key);
    uvarint(len);
    out.write(key, at, 'utf8');
    at += len;
    uvarint(versions.length);
    for (const v of versions) {
      writeU64be(out, at, v);
      at += 8;
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, at);
}

/** The versions a TxEventValues row lists under "type.key" `key` (none when it does not carry that key). */
export function valueRowVersions(row: Uint8Array, key: string): bigint[] {
  const want = Buffer.from(key, 'utf8');
  let at = 0;
  const uvarint = () => {
    let n = 0;
    for (let shift = 0; at < row.length; shift += 7) {
      const b = row[at++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
    throw new Error('truncated event index row');
  };
  while (at < row.length) {
    const len = uvarint();
    const match = len === want.length && Buffer.compare(want, row.subarray(at, at + len)) === 0;
    at += len;
    const count = uvarint();
    if (match) return decodeVersionList(row.subarray(at, at + 8 * count));
    at += 8 * count;
  }
  return [];
}

function setAndGet<K, V>(map: Map<K, V>, key: K, value: V): V {
  map.set(key, value);
  return value;
}

/**
 * Indexes every committed tx's events in the block's own write transaction, so a tx is searchable the moment
 * its block commits (cosmjs polls tx_search right after broadcasting). Rows are per block (blockIndexRows):
 * values shared by many txs of a block (the message action, the fee denom, the fee collector) cost one write
 * per block rather than one per tx, and a value carried under several keys (an address) one write per tx.
 */
export class TxIndexer implements CommitParticipant {
  stage(batch: WriteBatch, block: CommittedBlock): void {
    for (const [bucket, key, value] of blockIndexRows(block.height, block.txs)) batch.put(bucket, key, value);
  }
}
