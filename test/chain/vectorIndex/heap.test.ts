import t from 'tap';
import { SlotHeap } from '../../../chain/vectorIndex/heap.js';

/** Drains a heap into its scores, root first. */
function drain(h: SlotHeap): number[] {
  const out: number[] = [];
  while (h.size > 0) {
    out.push(h.topScore);
    h.pop();
  }
  return out;
}

t.test('a bounded worst-at-root heap kept by replaceTop holds the largest scores', async (t) => {
  const bound = 10;
  const h = new SlotHeap(false, 4); // small capacity: pushes grow it
  const all: number[] = [];
  let s = 17;
  for (let i = 0; i < 500; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const score = (s >>> 8) % 1000;
    all.push(score);
    if (h.size < bound) h.push(i, score);
    else if (score > h.topScore) h.replaceTop(i, score);
  }
  const best = all.sort((a, b) => b - a).slice(0, bound).reverse();
  t.same(drain(h), best);
});

t.test('a best-at-root heap pops in descending order', async (t) => {
  const h = new SlotHeap(true);
  const scores = [5, -3, 9, 9, 0, 12, -40, 7];
  scores.forEach((sc, i) => h.push(i, sc));
  t.same(drain(h), [...scores].sort((a, b) => b - a));
});
