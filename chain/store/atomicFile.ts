import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `chunks` so that a crash at any moment leaves either the old file or the new one, complete:
 * the bytes go to a temp file beside it, which is fsynced and renamed over `path`, then the directory is fsynced
 * (so the rename itself survives a power loss). Used for every file a node rewrites whole: the WAL when compacted,
 * the address book, the HNSW index, key files.
 */
export function writeFileAtomic(path: string, chunks: Uint8Array | readonly Uint8Array[], opts: { mode?: number } = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  // one fixed temp name per file: a crash mid-write leaves at most one stale temp, which the next write removes
  // first (reusing it would keep its permissions, not `mode`)
  const tmp = `${path}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', opts.mode ?? 0o644);
  try {
    for (const c of chunks instanceof Uint8Array ? [chunks] : chunks) {
      for (let done = 0; done < c.length; ) done += writeSync(fd, c, done, c.length - done);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDirectory(dirname(path));
}

function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // some platforms cannot open a directory for fsync; the rename is still atomic
  }
  try {
    fsyncSync(fd);
  } catch {
    // likewise: not every platform fsyncs directories
  } finally {
    closeSync(fd);
  }
}
