/**
 * The HNSW layer-0 beam search as WebAssembly functions, so a graph walk does not cross from JS into the
 * kernel module once per visited node: the candidate and result heaps, the visit marks, the neighbour
 * lists and the vectors all live in the module's memory, and the walk calls the grouped dotList kernel
 * directly. It is the same algorithm, step for step, as the JS walk in hnsw.ts (which hosts without
 * WebAssembly SIMD, filtered searches and upper layers use), with the same heap order, so both build the
 * same graph and return the same results — the tests compare them.
 *
 * Heaps hold 8-byte entries (slot i32, score i32) and follow SlotHeap (heap.ts) exactly: the candidate
 * heap has the highest score at its root, the result heap the lowest.
 */
import {
  block, br, brIf, call, funcBody, get, I32, i32, i64, if_, loop, ret, set, tee, type Code,
} from './wasmAsm.js';

/** Function indices of the kernels the search calls, and where its scratch areas lie in memory. */
export interface GraphKernelLayout {
  dotFn: number;
  dotListFn: number;
  /** Indices the four heap functions below will have in the module. */
  maxPushFn: number;
  maxSiftFn: number;
  minPushFn: number;
  minSiftFn: number;
  /** dotList scores its list in groups of this many (a power of two); the walk pads the list to whole groups. */
  listGroup: number;
  /** dotList's offset list and result buffers. */
  listArea: number;
  outArea: number;
  /** Slots of the neighbours scored in one dotList call. */
  batchArea: number;
  candArea: number;
  resArea: number;
  /** Where the neighbour selection leaves the slots it keeps, and the offsets of their vectors. */
  chosenArea: number;
  keptArea: number;
}

/** Entry address: base + 8 * index. */
const entry = (base: Code, index: Code): Code => i32.add(base, i32.shl(index, i32.const(3)));

/**
 * push(base, i, slot, score): places (slot, score) at index i (the heap's size before the push) and sifts
 * it up. Locals: 4 = parent index, 5 = parent address.
 */
export function heapPushBody(maxAtRoot: boolean): Code {
  const [BASE, I, SLOT, SCORE, P, PA] = [0, 1, 2, 3, 4, 5];
  // Stop when the parent is at least as good as the new entry (SlotHeap.push).
  const parentWins = maxAtRoot
    ? i32.geS(i32.load(get(PA), 4), get(SCORE))
    : i32.leS(i32.load(get(PA), 4), get(SCORE));
  return funcBody(
    [[2, I32]],
    block(
      loop(
        brIf(1, i32.eqz(get(I))),
        set(P, i32.shrU(i32.sub(get(I), i32.const(1)), i32.const(1))),
        set(PA, entry(get(BASE), get(P))),
        brIf(1, parentWins),
        i64.store(entry(get(BASE), get(I)), i64.load(get(PA))),
        set(I, get(P)),
        br(0),
      ),
    ),
    i32.store(entry(get(BASE), get(I)), get(SLOT)),
    i32.store(entry(get(BASE), get(I)), get(SCORE), 4),
  );
}

/**
 * siftDown(base, n, slot, score): places (slot, score) from the root down within the first n entries —
 * a pop (with the last entry, n = the new size) or a replace-top (n = the size). Locals: 4 = index,
 * 5 = child index, 6 = child address.
 */
export function heapSiftBody(maxAtRoot: boolean): Code {
  const [BASE, N, SLOT, SCORE, I, C, CA] = [0, 1, 2, 3, 4, 5, 6];
  const rightBetter = maxAtRoot
    ? i32.gtS(i32.load(get(CA), 12), i32.load(get(CA), 4))
    : i32.ltS(i32.load(get(CA), 12), i32.load(get(CA), 4));
  const childLoses = maxAtRoot
    ? i32.leS(i32.load(get(CA), 4), get(SCORE))
    : i32.geS(i32.load(get(CA), 4), get(SCORE));
  return funcBody(
    [[3, I32]],
    block(
      loop(
        set(C, i32.add(i32.shl(get(I), i32.const(1)), i32.const(1))),
        brIf(1, i32.geS(get(C), get(N))),
        set(CA, entry(get(BASE), get(C))),
        if_(i32.ltS(i32.add(get(C), i32.const(1)), get(N)), [
          if_(rightBetter, [
            set(C, i32.add(get(C), i32.const(1))),
            set(CA, i32.add(get(CA), i32.const(8))),
          ]),
        ]),
        brIf(1, childLoses),
        i64.store(entry(get(BASE), get(I)), i64.load(get(CA))),
        set(I, get(C)),
        br(0),
      ),
    ),
    i32.store(entry(get(BASE), get(I)), get(SLOT)),
    i32.store(entry(get(BASE), get(I)), get(SCORE), 4),
  );
}

/**
 * search0(q, start, ef, lo, hi, epoch, vecBase, stride, linkBase, linkRowBytes, visitedBase, candCap) -> n
 *
 * Best-first search of layer 0 from slot `start` for the query at byte offset q, keeping the ef best
 * slots in [lo, hi]. Visit marks are one byte per slot at visitedBase (a slot is visited when its mark
 * equals `epoch`); slot s's neighbour list is at linkBase + s * linkRowBytes (a count, then the slots).
 * Returns the number of results, written best first as slots to outArea and scores to listArea; or -1
 * when the candidate heap would exceed candCap entries (the caller then runs the JS walk).
 */
export function searchBody(l: GraphKernelLayout): Code {
  const [Q, START, EF, LO, HI, EPOCH, VEC, STRIDE, LINKS, ROW, VISITED, CAND_CAP] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [CAND_N, RES_N, C, AT, COUNT, I, M, T, S, J, PADDED] = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
  const CAND = i32.const(l.candArea);
  const RES = i32.const(l.resArea);
  const word = (area: number, index: Code): Code => i32.add(i32.const(area), i32.shl(index, i32.const(2)));
  const vecAt = (slot: Code): Code => i32.add(get(VEC), i32.mul(slot, get(STRIDE)));
  const inRange = (slot: number): Code => i32.and(i32.geS(get(slot), get(LO)), i32.leS(get(slot), get(HI)));
  const inc = (local: number): Code => set(local, i32.add(get(local), i32.const(1)));
  return funcBody(
    [[11, I32]],
    i32.store8(i32.add(get(VISITED), get(START)), get(EPOCH)),
    set(S, call(l.dotFn, get(Q), vecAt(get(START)), get(STRIDE))),
    call(l.maxPushFn, CAND, i32.const(0), get(START), get(S)),
    set(CAND_N, i32.const(1)),
    if_(inRange(START), [
      call(l.minPushFn, RES, i32.const(0), get(START), get(S)),
      set(RES_N, i32.const(1)),
    ]),
    block(
      loop(
        brIf(1, i32.eqz(get(CAND_N))),
        // The best candidate is worse than the worst kept result: nothing left can improve them.
        brIf(1, i32.and(i32.eq(get(RES_N), get(EF)), i32.ltS(i32.load(CAND, 4), i32.load(RES, 4)))),
        set(C, i32.load(CAND)),
        set(CAND_N, i32.sub(get(CAND_N), i32.const(1))),
        if_(get(CAND_N), [
          call(l.maxSiftFn, CAND, get(CAND_N), i32.load(entry(CAND, get(CAND_N))), i32.load(entry(CAND, get(CAND_N)), 4)),
        ]),
        // Gather the unvisited neighbours of C.
        set(AT, i32.add(get(LINKS), i32.mul(get(C), get(ROW)))),
        set(COUNT, i32.load(get(AT))),
        set(M, i32.const(0)),
        set(I, i32.const(0)),
        block(
          loop(
            brIf(1, i32.geS(get(I), get(COUNT))),
            set(T, i32.load(i32.add(get(AT), i32.shl(get(I), i32.const(2))), 4)),
            inc(I),
            if_(i32.ne(i32.load8U(i32.add(get(VISITED), get(T))), get(EPOCH)), [
              i32.store8(i32.add(get(VISITED), get(T)), get(EPOCH)),
              i32.store(word(l.batchArea, get(M)), get(T)),
              i32.store(word(l.listArea, get(M)), vecAt(get(T))),
              inc(M),
            ]),
            br(0),
          ),
        ),
        brIf(0, i32.eqz(get(M))),
        // Pad to whole groups with the last vector (cached: nearly free), as dotList() does in JS.
        set(PADDED, i32.and(i32.add(get(M), i32.const(l.listGroup - 1)), i32.const(-l.listGroup))),
        set(I, get(M)),
        block(
          loop(
            brIf(1, i32.geS(get(I), get(PADDED))),
            i32.store(word(l.listArea, get(I)), i32.load(word(l.listArea, i32.sub(get(M), i32.const(1))))),
            inc(I),
            br(0),
          ),
        ),
        call(l.dotListFn, get(Q), i32.const(l.listArea), get(STRIDE), get(PADDED), i32.const(l.outArea)),
        // Fold the scores into the heaps.
        set(J, i32.const(0)),
        block(
          loop(
            brIf(1, i32.geS(get(J), get(M))),
            set(T, i32.load(word(l.batchArea, get(J)))),
            set(S, i32.load(word(l.outArea, get(J)))),
            inc(J),
            if_(i32.or(i32.ltS(get(RES_N), get(EF)), i32.gtS(get(S), i32.load(RES, 4))), [
              if_(i32.geS(get(CAND_N), get(CAND_CAP)), [ret(i32.const(-1))]),
              call(l.maxPushFn, CAND, get(CAND_N), get(T), get(S)),
              inc(CAND_N),
              if_(inRange(T), [
                if_(
                  i32.ltS(get(RES_N), get(EF)),
                  [call(l.minPushFn, RES, get(RES_N), get(T), get(S)), inc(RES_N)],
                  [call(l.minSiftFn, RES, get(RES_N), get(T), get(S))],
                ),
              ]),
            ]),
            br(0),
          ),
        ),
        br(0),
      ),
    ),
    // Drain the result heap (worst first) into outArea/listArea from the back: best first.
    set(I, tee(J, get(RES_N))),
    block(
      loop(
        brIf(1, i32.eqz(get(I))),
        set(I, i32.sub(get(I), i32.const(1))),
        i32.store(word(l.outArea, get(I)), i32.load(RES)),
        i32.store(word(l.listArea, get(I)), i32.load(RES, 4)),
        if_(get(I), [
          call(l.minSiftFn, RES, get(I), i32.load(entry(RES, get(I))), i32.load(entry(RES, get(I)), 4)),
        ]),
        br(0),
      ),
    ),
    get(J),
  );
}

/**
 * select0(n, max, vecBase, stride) -> count
 *
 * The HNSW neighbour heuristic over the n results search0 left (slots in outArea, scores to the query in
 * listArea, best first), as Hnsw.selectNeighbours does it in JS: a candidate is kept only if no neighbour
 * kept before it is closer to it than the query is; at most `max` are kept. Their slots go to chosenArea.
 * The candidates' vectors were just fetched by the walk, so they are scored one kept neighbour at a time,
 * stopping at the first that rules the candidate out.
 */
export function selectBody(l: GraphKernelLayout): Code {
  const [N, MAX, VEC, STRIDE] = [0, 1, 2, 3];
  const [I, COUNT, C, VC, TO_QUERY, J] = [4, 5, 6, 7, 8, 9];
  const word = (area: number, index: Code): Code => i32.add(i32.const(area), i32.shl(index, i32.const(2)));
  return funcBody(
    [[6, I32]],
    block(
      loop(
        brIf(1, i32.or(i32.geS(get(I), get(N)), i32.geS(get(COUNT), get(MAX)))),
        set(C, i32.load(word(l.outArea, get(I)))),
        set(TO_QUERY, i32.load(word(l.listArea, get(I)))),
        set(VC, i32.add(get(VEC), i32.mul(get(C), get(STRIDE)))),
        set(I, i32.add(get(I), i32.const(1))),
        block(
          set(J, i32.const(0)),
          block(
            loop(
              brIf(1, i32.geS(get(J), get(COUNT))),
              // A kept neighbour closer to the candidate than the query is: not kept.
              brIf(2, i32.gtS(call(l.dotFn, get(VC), i32.load(word(l.keptArea, get(J))), get(STRIDE)), get(TO_QUERY))),
              set(J, i32.add(get(J), i32.const(1))),
              br(0),
            ),
          ),
          i32.store(word(l.chosenArea, get(COUNT)), get(C)),
          i32.store(word(l.keptArea, get(COUNT)), get(VC)),
          set(COUNT, i32.add(get(COUNT), i32.const(1))),
        ),
        br(0),
      ),
    ),
    get(COUNT),
  );
}
