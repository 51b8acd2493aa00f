import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../store/atomicFile.js';
import { sha256 } from '../crypto/hash.js';
import { ErrIndexFile } from './errors.js';
import { Hnsw } from './hnsw.js';

/**
 * The HNSW index in one file, written atomically (store/atomicFile.ts: temp file, fsync, rename), so a crash leaves
 * either the old file or the new one. Little-endian layout:
 *
 *   magic "VIVHNSW\x01" | u32 headerWords | header (u32 × headerWords, see HEADER) | f64 lastId
 *   ids f64 × count | levels u8 × count, zero-padded to 4 bytes | links0 i32 × count·(2M+1)
 *   upper links i32 × Σ level·(M+1) over nodes with level > 0, in slot order | vectors stride × count
 *   SHA-256 of everything before it
 *
 * `lastId` is the last version the file holds: after a restart the node re-inserts the versions after it
 * from the store (catch-up); a file that is missing, corrupt or has other parameters is rebuilt.
 */
const MAGIC = new Uint8Array([0x56, 0x49, 0x56, 0x48, 0x4e, 0x53, 0x57, 0x01]); // "VIVHNSW" 1
const HEADER = ['dimension', 'stride', 'M', 'efConstruction', 'efSearch', 'count', 'entry', 'maxLevel', 'rng'] as const;
type Header = Record<(typeof HEADER)[number], number>;

export function saveHnsw(index: Hnsw, path: string): void {
  if (!HOST_LITTLE_ENDIAN) throw ErrIndexFile('index files need a little-endian host');
  const st = index.exportState();
  const arena = index.arena;
  const count = arena.size;
  const header: Header = {
    dimension: arena.dimension,
    stride: arena.stride,
    M: st.M,
    efConstruction: st.efConstruction,
    efSearch: index.efSearch,
    count,
    entry: st.entry,
    maxLevel: st.maxLevel,
    rng: st.rng,
  };
  const head = new DataView(new ArrayBuffer(4 + 4 * HEADER.length + 8));
  head.setUint32(0, HEADER.length, true);
  HEADER.forEach((k, i) => head.setInt32(4 + 4 * i, header[k] | 0, true));
  head.setFloat64(4 + 4 * HEADER.length, arena.lastId, true);

  const levels = new Uint8Array(pad4(count));
  levels.set(st.levels);
  const upperLen = st.upper.reduce((n, u) => n + (u ? u.length : 0), 0);
  const upper = new Int32Array(upperLen);
  let at = 0;
  for (const u of st.upper) {
    if (!u) continue;
    upper.set(u, at);
    at += u.length;
  }
  const parts: Uint8Array[] = [
    MAGIC,
    new Uint8Array(head.buffer),
    le(arena.idList()),
    levels,
    le(st.links0),
    le(upper),
    arena.rows(0, count),
  ];
  parts.push(sha256(...parts));

  writeFileAtomic(path, parts);
}

/**
 * Loads an index saved by saveHnsw. Throws ErrIndexFile when the file is unreadable, corrupt, or was
 * built for another dimension than `expectDimension`: the caller then rebuilds from the store.
 */
export function loadHnsw(path: string, expectDimension: number, opts: { forceJsKernels?: boolean } = {}): Hnsw {
  if (!HOST_LITTLE_ENDIAN) throw ErrIndexFile('index files need a little-endian host');
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (e) {
    throw ErrIndexFile(`cannot read ${path}: ${(e as Error).message}`);
  }
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.length);
  const fail = (why: string): never => {
    throw ErrIndexFile(`${path}: ${why}`);
  };
  if (bytes.length < MAGIC.length + 4 + 32 || !MAGIC.every((b, i) => bytes[i] === b)) fail('not a vector index file');
  const body = bytes.subarray(0, bytes.length - 32);
  const digest = sha256(body);
  if (!digest.every((b, i) => bytes[body.length + i] === b)) fail('checksum mismatch (truncated or corrupt)');

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let off = MAGIC.length;
  const words = view.getUint32(off, true);
  off += 4;
  if (words !== HEADER.length) fail(`unknown header of ${words} words`);
  const h = {} as Header;
  HEADER.forEach((k, i) => (h[k] = view.getInt32(off + 4 * i, true)));
  off += 4 * words;
  const lastId = view.getFloat64(off, true);
  off += 8;
  if (h.dimension !== expectDimension) fail(`built for dimension ${h.dimension}, the chain uses ${expectDimension}`);

  const index = new Hnsw({
    dimension: h.dimension,
    M: h.M,
    efConstruction: h.efConstruction,
    efSearch: h.efSearch,
    forceJsKernels: opts.forceJsKernels,
  });
  const n = h.count;
  const M0 = 2 * h.M;
  if (h.stride !== index.arena.stride || n < 0) fail('inconsistent header');
  const take = (len: number): Uint8Array => {
    if (off + len > body.length) fail('shorter than its header says');
    const out = bytes.slice(off, off + len); // a copy: aligned for typed-array views
    off += len;
    return out;
  };
  const ids = new Float64Array(take(8 * n).buffer);
  const levels = take(pad4(n)).subarray(0, n);
  const links0 = new Int32Array(take(4 * n * (M0 + 1)).buffer);
  const upper: (Int32Array | undefined)[] = new Array(n);
  let upperLen = 0;
  for (let s = 0; s < n; s++) upperLen += levels[s]! * (h.M + 1);
  const upperAll = new Int32Array(take(4 * upperLen).buffer);
  let at = 0;
  for (let s = 0; s < n; s++) {
    const len = levels[s]! * (h.M + 1);
    if (len > 0) upper[s] = upperAll.subarray(at, (at += len));
  }
  if (off + h.stride * n > body.length) fail('shorter than its header says');
  const rows = bytes.subarray(off, (off += h.stride * n)); // copied into the arena below
  if (off !== body.length) fail('longer than its header says');

  // Structural checks: ids increase, links point at stored nodes, the entry is the top node.
  for (let s = 1; s < n; s++) if (!(ids[s]! > ids[s - 1]!)) fail('ids do not increase');
  if (n > 0 && ids[n - 1] !== lastId) fail('last id disagrees with the ids');
  if (n === 0 ? h.entry !== -1 : h.entry < 0 || h.entry >= n || levels[h.entry] !== h.maxLevel) fail('bad entry point');
  const checkList = (list: Int32Array, base: number, max: number): void => {
    const c = list[base]!;
    if (c < 0 || c > max) fail('bad link count');
    for (let i = 1; i <= c; i++) {
      const t = list[base + i]!;
      if (t < 0 || t >= n) fail('link to a node that is not stored');
    }
  };
  for (let s = 0; s < n; s++) {
    checkList(links0, s * (M0 + 1), M0);
    for (let l = 1; l <= levels[s]!; l++) checkList(upper[s]!, (l - 1) * (h.M + 1), h.M);
  }

  index.arena.appendRows(ids, rows);
  index.importState({
    M: h.M,
    efConstruction: h.efConstruction,
    rng: h.rng >>> 0,
    entry: h.entry,
    maxLevel: h.maxLevel,
    levels,
    links0,
    upper,
  });
  return index;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The bytes of a typed array, which are little-endian on the hosts this format supports. */
function le(a: Float64Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

