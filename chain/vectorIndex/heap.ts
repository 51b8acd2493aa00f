/**
 * Binary heaps of (slot, score) pairs in typed arrays, reused across searches (no allocation per query).
 * `best` at the root = highest score (the HNSW candidate queue); `worst` at the root = lowest score (the
 * bounded result set, whose root is the one to evict).
 */
export class SlotHeap {
  slots: Int32Array;
  scores: Int32Array;
  size = 0;

  constructor(
    private readonly maxAtRoot: boolean,
    capacity = 256,
  ) {
    this.slots = new Int32Array(capacity);
    this.scores = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  get topSlot(): number {
    return this.slots[0]!;
  }

  get topScore(): number {
    return this.scores[0]!;
  }

  push(slot: number, score: number): void {
    if (this.size === this.slots.length) this.grow();
    const slots = this.slots;
    const scores = this.scores;
    let i = this.size++;
    if (this.maxAtRoot) {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (scores[p]! >= score) break;
        slots[i] = slots[p]!;
        scores[i] = scores[p]!;
        i = p;
      }
    } else {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (scores[p]! <= score) break;
        slots[i] = slots[p]!;
        scores[i] = scores[p]!;
        i = p;
      }
    }
    slots[i] = slot;
    scores[i] = score;
  }

  /** Removes the root (read it first with topSlot/topScore). */
  pop(): void {
    const n = --this.size;
    if (n === 0) return;
    this.siftDown(this.slots[n]!, this.scores[n]!, n);
  }

  /** Replaces the root by (slot, score): a push and a pop in one sift (the bounded result set's eviction). */
  replaceTop(slot: number, score: number): void {
    this.siftDown(slot, score, this.size);
  }

  /** Places (slot, score) from the root down, within the first `n` entries. */
  private siftDown(slot: number, score: number, n: number): void {
    const slots = this.slots;
    const scores = this.scores;
    let i = 0;
    if (this.maxAtRoot) {
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && scores[c + 1]! > scores[c]!) c++;
        if (scores[c]! <= score) break;
        slots[i] = slots[c]!;
        scores[i] = scores[c]!;
        i = c;
      }
    } else {
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && scores[c + 1]! < scores[c]!) c++;
        if (scores[c]! >= score) break;
        slots[i] = slots[c]!;
        scores[i] = scores[c]!;
        i = c;
      }
    }
    slots[i] = slot;
    scores[i] = score;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    slots.set(this.slots);
    const scores = new Int32Array(this.scores.length * 2);
    scores.set(this.scores);
    this.slots = slots;
    this.scores = scores;
  }
}
