import { open, type RootDatabase } from 'lmdb';
import { Bucket, bucketKey, type BucketId } from './buckets.js';
import { prefixEnd, type Entry, type KVReader } from './kv.js';

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Writes staged for one LMDB write transaction. */
export interface WriteBatch {
  put(bucket: BucketId, key: Uint8Array, value: Uint8Array): void;
  /** Writes only when the key is absent (MDB_NOOVERWRITE: one LMDB operation, no read first). */
  putIfAbsent(bucket: BucketId, key: Uint8Array, value: Uint8Array): void;
  del(bucket: BucketId, key: Uint8Array): void;
}

export interface NodeDbOptions {
  /** Skip fsync on commit (benchmarks and throwaway dev chains); a process crash still loses nothing. */
  noSync?: boolean;
  mapSizeBytes?: number;
}

/**
 * The node's single LMDB environment. Every key starts with a bucket byte from buckets.ts.
 * `commit` runs one write transaction: a block's whole change set lands together or not at all.
 */
export class NodeDb {
  private readonly keyScratch = new Uint8Array(4096);
  private readonly readScratch = new Uint8Array(4096);

  private constructor(private readonly db: RootDatabase<Buffer, Buffer>) {}

  static open(path: string, opts: NodeDbOptions = {}): NodeDb {
    const db = open<Buffer, Buffer>({
      path,
      keyEncoding: 'binary',
      encoding: 'binary',
      compression: false,
      noSync: opts.noSync ?? false,
      mapSize: opts.mapSizeBytes ?? 64 * 1024 ** 3,
    });
    return new NodeDb(db);
  }

  get(bucket: BucketId, key: Uint8Array): Uint8Array | undefined {
    // lmdb-js copies the key before it reads, so a scratch array serves (a get may run inside a commit's fill)
    const scratch = this.readScratch;
    const k = key.length < scratch.length ? scratch.subarray(0, key.length + 1) : new Uint8Array(key.length + 1);
    k[0] = bucket;
    k.set(key, 1);
    const v = this.db.get(k as Buffer);
    return v === undefined ? undefined : asBytes(v);
  }

  /** A read by full key (bucket byte included), for structures that build their own keys. */
  getRaw(fullKey: Uint8Array): Uint8Array | undefined {
    const v = this.db.get(asBuffer(fullKey));
    return v === undefined ? undefined : asBytes(v);
  }

  /** Entries of one bucket with start <= key < end (keys returned without the bucket byte). */
  *range(bucket: BucketId, start: Uint8Array, end: Uint8Array | undefined, reverse = false, limit?: number): Iterable<Entry> {
    const lo = asBuffer(bucketKey(bucket, start));
    const hi = asBuffer(end === undefined ? prefixEnd(Uint8Array.of(bucket))! : bucketKey(bucket, end));
    // lmdb-js walks from `start` towards `end` (start inclusive, end exclusive); in reverse our bounds swap roles.
    const opts = reverse
      ? { start: hi, end: lo, reverse: true, exclusiveStart: true, inclusiveEnd: true, limit }
      : { start: lo, end: hi, limit };
    for (const { key, value } of this.db.getRange(opts)) {
      yield [asBytes(key as Buffer).subarray(1), asBytes(value)];
    }
  }

  getMeta(name: string): Uint8Array | undefined {
    return this.get(Bucket.Meta, new TextEncoder().encode(name));
  }

  /** Runs `fill` and writes everything it staged in one durable write transaction. */
  commit(fill: (batch: WriteBatch) => void): void {
    // lmdb-js copies a key into its instruction buffer during put(), so one scratch array serves every key;
    // values are kept by reference until the transaction ends (callers hand over fresh arrays) and may be
    // plain Uint8Arrays.
    const scratch = this.keyScratch;
    this.db.transactionSync(() => {
      const fullKey = (bucket: BucketId, key: Uint8Array): Buffer => {
        const k = key.length < scratch.length ? scratch.subarray(0, key.length + 1) : new Uint8Array(key.length + 1);
        k[0] = bucket;
        k.set(key, 1);
        return k as Buffer;
      };
      fill({
        put: (bucket, key, value) => {
          this.db.put(fullKey(bucket, key), value as Buffer);
        },
        putIfAbsent: (bucket, key, value) => {
          this.db.putSync(fullKey(bucket, key), value as Buffer, { noOverwrite: true });
        },
        del: (bucket, key) => {
          this.db.remove(asBuffer(bucketKey(bucket, key)));
        },
      });
    });
  }

  /** A reader over one bucket, as a KVReader (keys without the bucket byte). */
  bucketReader(bucket: BucketId): KVReader {
    return {
      get: (key) => this.get(bucket, key),
      iterate: (start, end, reverse) => this.range(bucket, start, end, reverse),
    };
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
