/**
 * The index worker: owns the node's HNSW graph (VectorIndex) so inserts, searches and saves run off the
 * chain's main thread. It holds no store handle: the main thread sends every committed embedding (see
 * indexProtocol.ts), so a crashed worker cannot leave the store's environment half-used.
 * Any failure while inserting ends the thread (the main thread restarts it from the file and the store).
 */
import { parentPort } from 'node:worker_threads';
import { exactSearchList, VectorIndex, type Hit, type Vector } from '../../vectorIndex/index.js';
import type { FromWorker, HeldState, InsertMessage, OpenMessage, OpenReport, SearchMessage, ToWorker } from './indexProtocol.js';

const port = parentPort!;
/** Filter matches up to this many are scored one by one; more go through the graph with a filter. */
const EXACT_CANDIDATES = 50_000;

let index: VectorIndex | undefined;
let opened: OpenMessage | undefined;
/** every committed version <= upTo with an embedding is in the graph */
let upTo = -1;
let insertsSinceSave = 0;
/** the graph differs from its file (or there is no usable file) */
let dirty = false;
/** the open report once the graph holds every version committed at open; until then, what it counts */
let report: OpenReport | undefined;
let pendingReport: OpenReport | undefined;

const send = (m: FromWorker) => port.postMessage(m);

function state(): HeldState {
  return { upTo, size: index!.size, lastId: index!.lastId, memoryBytes: index!.memoryBytes() };
}

/** A report to send when the open's catch-up just finished (once). */
function finishedReport(): OpenReport | undefined {
  if (report || !pendingReport || upTo < opened!.last) return undefined;
  report = pendingReport;
  if (report.caughtUp > 0) save();
  return report;
}

function save(): void {
  if (!opened?.path) return;
  try {
    index!.save(opened.path);
    insertsSinceSave = 0;
    dirty = false;
  } catch (e) {
    // the index stays right in memory; the next save (or a rebuild at start) covers it
    send({ type: 'log', line: `vector index: saving ${opened.path} failed: ${(e as Error).message}` });
  }
}

function open(m: OpenMessage): void {
  opened = m;
  const o = m.path ? VectorIndex.open(m.path, m.params) : { index: VectorIndex.create(m.params), rebuilt: true, reason: 'no index file' };
  index = o.index;
  dirty = o.rebuilt;
  // the file holds every version up to its last; one ahead of the store (commits lost in a crash) loses the extra
  upTo = index.lastId;
  if (upTo > m.last) {
    index.truncateAfter(m.last);
    upTo = m.last;
    dirty = true;
  }
  pendingReport = { rebuilt: o.rebuilt, caughtUp: 0 };
  if (o.reason) pendingReport.reason = o.reason;
  send({ type: 'loaded', state: state(), report: finishedReport() });
}

function insert(m: InsertMessage): void {
  const dim = index!.dimension;
  let inserted = 0;
  for (let i = 0; i < m.ids.length; i++) {
    const id = m.ids[i]!;
    if (id <= index!.lastId) continue; // sent again after a restart: already held
    index!.insert(id, m.vectors.subarray(i * dim, (i + 1) * dim));
    inserted++;
    if (!report && id <= opened!.last) pendingReport!.caughtUp++;
  }
  if (m.upTo > upTo) upTo = m.upTo;
  insertsSinceSave += inserted;
  if (inserted > 0) dirty = true;
  const done = finishedReport();
  if (!done && opened!.saveEvery > 0 && insertsSinceSave >= opened!.saveEvery) save();
  send({ type: 'held', state: state(), report: done });
}

function search(m: SearchMessage): Hit[] {
  const idx = index!;
  const k = m.k;
  const cands = m.candidates;
  if (cands === undefined) return idx.search(m.query, { k, exact: m.exact, minId: m.minId, maxId: m.maxId });
  if (cands.length <= EXACT_CANDIDATES) {
    function* held(): Iterable<{ id: number; vector: Vector }> {
      for (const id of cands!) {
        if (id > upTo) return; // ascending: the rest are the main thread's tail
        const vector = idx.vector(id);
        if (vector) yield { id, vector };
      }
    }
    return exactSearchList(m.query, held(), k);
  }
  const set = new Set(cands);
  return idx.search(m.query, { k, exact: m.exact, minId: m.minId, maxId: m.maxId, filter: (id) => set.has(id) });
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'open':
      return open(m);
    case 'insert':
      return insert(m);
    case 'search': {
      try {
        return send({ type: 'hits', id: m.id, hits: search(m), upTo });
      } catch (e) {
        return send({ type: 'hits', id: m.id, hits: [], upTo, error: (e as Error).message });
      }
    }
    case 'close':
      if (index && dirty) save();
      return send({ type: 'closed' });
  }
});
