import { Block } from 'cosmjs-types/tendermint/types/block';
import { Commit } from 'cosmjs-types/tendermint/types/types';
import { ExecTxResult } from 'cosmjs-types/tendermint/abci/types';
import { decodeBlockResults } from '../app/application.js';
import { decodeRoots, type Roots } from '../app/roots.js';
import { decodeTxInfo, type TxInfo } from '../ledger/txInfo.js';
import { decodeLedgerEntry, type LedgerEntry } from '../ledger/entry.js';
import { Bucket, readU64be, u64be } from './buckets.js';
import type { NodeDb } from './nodeDb.js';

export interface StoredTx {
  version: bigint;
  hash: Uint8Array;
  height: bigint;
  index: number;
  tx: Uint8Array;
  result: ExecTxResult;
  leafData: Uint8Array;
  info: TxInfo;
}

/** Read access to what the node has committed: blocks, commits, results, txs by version or hash. All direct gets. */
export class ChainReader {
  constructor(private readonly db: NodeDb) {}

  latestHeight(): bigint {
    const b = this.db.getMeta('last_height');
    return b ? readU64be(b) : 0n;
  }

  initialHeight(): bigint {
    const b = this.db.getMeta('initial_height');
    return b ? readU64be(b) : 1n;
  }

  ledgerSize(): bigint {
    const b = this.db.getMeta('ledger_size');
    return b ? readU64be(b) : 0n;
  }

  blockBytes(height: bigint): Uint8Array | undefined {
    return this.db.get(Bucket.Block, u64be(height));
  }

  block(height: bigint): Block | undefined {
    const b = this.blockBytes(height);
    return b ? Block.decode(b) : undefined;
  }

  heightByBlockHash(hash: Uint8Array): bigint | undefined {
    const b = this.db.get(Bucket.BlockByHash, hash);
    return b ? readU64be(b) : undefined;
  }

  /** The commit (2/3+ precommits) that made `height` final. */
  seenCommit(height: bigint): Commit | undefined {
    const b = this.db.get(Bucket.SeenCommit, u64be(height));
    return b ? Commit.decode(b) : undefined;
  }

  blockResults(height: bigint) {
    const b = this.db.get(Bucket.BlockResults, u64be(height));
    return b ? decodeBlockResults(b) : undefined;
  }

  roots(height: bigint): Roots | undefined {
    const b = this.db.get(Bucket.Roots, u64be(height));
    return b ? decodeRoots(b) : undefined;
  }

  txByVersion(version: bigint): StoredTx | undefined {
    const entry = this.ledgerEntry(version);
    if (!entry) return undefined;
    const info = decodeTxInfo(entry.leaf);
    return {
      version,
      hash: info.txHash,
      height: info.height,
      index: info.index,
      tx: entry.tx,
      result: ExecTxResult.decode(entry.result),
      leafData: entry.leaf,
      info,
    };
  }

  /** A committed version's embedding (empty when it has none), without decoding the rest of its entry. */
  embedding(version: bigint | number): Uint8Array | undefined {
    const v = u64be(version);
    const row = this.db.get(Bucket.LedgerEntry, v);
    return row ? decodeLedgerEntry(row).embedding : this.db.get(Bucket.TxEmbedding, v);
  }

  /** A committed version's stored parts: one LedgerEntry row, or the separate rows earlier releases wrote. */
  ledgerEntry(version: bigint | number): LedgerEntry | undefined {
    const v = u64be(version);
    const row = this.db.get(Bucket.LedgerEntry, v);
    if (row) return decodeLedgerEntry(row);
    const leaf = this.db.get(Bucket.LedgerLeaf, v);
    if (!leaf) return undefined;
    return {
      leaf,
      tx: this.db.get(Bucket.TxRaw, v)!,
      result: this.db.get(Bucket.TxResult, v)!,
      embedding: this.db.get(Bucket.TxEmbedding, v) ?? new Uint8Array(0),
    };
  }

  versionByHash(hash: Uint8Array): bigint | undefined {
    const b = this.db.get(Bucket.TxByHash, hash);
    return b ? readU64be(b) : undefined;
  }

  txByHash(hash: Uint8Array): StoredTx | undefined {
    const v = this.versionByHash(hash);
    return v === undefined ? undefined : this.txByVersion(v);
  }

  /** The txs of one block, in block order. */
  blockTxs(height: bigint): StoredTx[] {
    const r = this.blockResults(height);
    if (!r) return [];
    const out: StoredTx[] = [];
    for (let i = 0; i < r.txCount; i++) out.push(this.txByVersion(r.firstVersion + BigInt(i))!);
    return out;
  }
}
