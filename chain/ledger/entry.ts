import { pooledBytes } from '../codec/bytePool.js';
/**
 * A committed tx's ledger entry: everything stored per version, in one LMDB row (Bucket.LedgerEntry):
 * uint32be(len leaf) ++ uint32be(len tx) ++ uint32be(len result) ++ leaf ++ tx ++ result ++ embedding,
 * where leaf = the TxInfo bytes (the accumulator's leaf data), tx = the TxRaw bytes, result = the ExecTxResult
 * bytes and embedding = the int8 vector (empty when the chain has none). One row instead of four: each LMDB put
 * costs about as much as building the row, and readers fetch the tx, its result and its leaf together anyway.
 */
export interface LedgerEntry {
  leaf: Uint8Array;
  tx: Uint8Array;
  result: Uint8Array;
  embedding: Uint8Array;
}

const HEADER = 12;

export function encodeLedgerEntry(leaf: Uint8Array, tx: Uint8Array, result: Uint8Array, embedding?: Uint8Array): Uint8Array {
  const embeddingLength = embedding?.length ?? 0;
  const out = pooledBytes(HEADER + leaf.length + tx.length + result.length + embeddingLength);
  writeU32be(out, 0, leaf.length);
  writeU32be(out, 4, tx.length);
  writeU32be(out, 8, result.length);
  let at = HEADER;
  out.set(leaf, at);
  out.set(tx, (at += leaf.length));
  out.set(result, (at += tx.length));
  if (embedding) out.set(embedding, at + result.length);
  return out;
}

/** The entry's parts (views into `row`); throws on a row too short for the lengths it declares. */
export function decodeLedgerEntry(row: Uint8Array): LedgerEntry {
  if (row.length < HEADER) throw new RangeError(`ledger entry of ${row.length} bytes is shorter than its header`);
  const leafEnd = HEADER + readU32be(row, 0);
  const txEnd = leafEnd + readU32be(row, 4);
  const resultEnd = txEnd + readU32be(row, 8);
  if (resultEnd > row.length) throw new RangeError(`ledger entry of ${row.length} bytes declares ${resultEnd}`);
  return {
    leaf: row.subarray(HEADER, leafEnd),
    tx: row.subarray(leafEnd, txEnd),
    result: row.subarray(txEnd, resultEnd),
    embedding: row.subarray(resultEnd),
  };
}

function writeU32be(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

function readU32be(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}
