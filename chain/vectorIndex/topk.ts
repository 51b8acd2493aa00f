/** A search result: the vector's id (a tx version) and its score (higher is better). */
export interface Hit {
  id: number;
  score: number;
}

/**
 * Keeps the k best (score, id) pairs seen: higher score first, ties to the smaller id — the order every
 * node agrees on. A binary heap with the worst kept pair at the root; scores and ids are integers.
 */
export class TopK {
  private readonly ids: Float64Array;
  private readonly scores: Float64Array;
  private n = 0;

  constructor(readonly k: number) {
    this.ids = new Float64Array(k);
    this.scores = new Float64Array(k);
  }

  get size(): number {
    return this.n;
  }

  /** True once k pairs are held: then only pairs that beat `worstScore` (or tie it with a smaller id) enter. */
  get full(): boolean {
    return this.n === this.k;
  }

  /** Score of the worst pair held (meaningful when `full`). */
  get worstScore(): number {
    return this.scores[0]!;
  }

  /** Offers a pair; returns whether it was kept. */
  push(id: number, score: number): boolean {
    if (this.n < this.k) {
      this.ids[this.n] = id;
      this.scores[this.n] = score;
      this.up(this.n++);
      return true;
    }
    if (this.k === 0 || !worse(this.scores[0]!, this.ids[0]!, score, id)) return false;
    this.ids[0] = id;
    this.scores[0] = score;
    this.down(0);
    return true;
  }

  /** The pairs held, best first. */
  results(): Hit[] {
    const out: Hit[] = [];
    for (let i = 0; i < this.n; i++) out.push({ id: this.ids[i]!, score: this.scores[i]! });
    return out.sort(compareHits);
  }

  private up(i: number): void {
    const { ids, scores } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(scores[i]!, ids[i]!, scores[p]!, ids[p]!)) break;
      swap(ids, scores, i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const { ids, scores, n } = this;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && worse(scores[r]!, ids[r]!, scores[l]!, ids[l]!) ? r : l;
      if (!worse(scores[c]!, ids[c]!, scores[i]!, ids[i]!)) break;
      swap(ids, scores, i, c);
      i = c;
    }
  }
}

/** Whether (sa, ia) ranks below (sb, ib). */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

function swap(ids: Float64Array, scores: Float64Array, i: number, j: number): void {
  const id = ids[i]!;
  ids[i] = ids[j]!;
  ids[j] = id;
  const s = scores[i]!;
  scores[i] = scores[j]!;
  scores[j] = s;
}

/** Best first: higher score, then smaller id. */
export function compareHits(a: Hit, b: Hit): number {
  return b.score - a.score || a.id - b.id;
}
