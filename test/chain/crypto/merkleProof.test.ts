import t from 'tap';
import fc from 'fast-check';
import { allInclusionPaths, inclusionPath } from '../../../chain/crypto/merkleProof.js';
import { sha256 } from '../../../chain/crypto/hash.js';
import { merkleRoot } from '../../../chain/ledger/merkle.js';
import { verifyInclusion } from '../../../chain/ledger/proofs.js';

const leaves = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => sha256(Uint8Array.of(salt, i & 255, i >> 8)));

t.test('every path leads from its leaf to the root, and allInclusionPaths agrees with inclusionPath', async (t) => {
  for (let n = 1; n <= 70; n++) {
    const ls = leaves(n);
    const { root, paths } = allInclusionPaths(ls);
    if (Buffer.compare(root, merkleRoot(ls)) !== 0) t.fail(`root of ${n}`);
    for (let i = 0; i < n; i++) {
      const one = inclusionPath(ls, i);
      if (one.length !== paths[i]!.length || one.some((h, k) => Buffer.compare(h, paths[i]![k]!) !== 0)) t.fail(`path ${i} of ${n} differs`);
      if (!verifyInclusion(ls[i]!, i, n, paths[i]!, root)) t.fail(`path ${i} of ${n} does not verify`);
    }
  }
  t.pass('1..70 leaves');
  t.same(allInclusionPaths(leaves(1)).paths, [[]], 'a lone leaf is the root: an empty path');
  t.throws(() => inclusionPath(leaves(3), 3), RangeError);
  t.throws(() => allInclusionPaths([]), RangeError);
});

t.test('a path proves nothing for another leaf, index, size or root', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), fc.nat(), (n, a, b) => {
      const ls = leaves(n, 1);
      const i = a % n;
      const { root, paths } = allInclusionPaths(ls);
      const other = (i + 1 + (b % (n - 1))) % n;
      const tampered = paths[i]!.map((h, k) => (k === b % paths[i]!.length ? sha256(h) : h));
      return (
        !verifyInclusion(ls[other]!, i, n, paths[i]!, root) &&
        !verifyInclusion(ls[i]!, other, n, paths[i]!, root) &&
        !verifyInclusion(ls[i]!, i, n, tampered, root) &&
        !verifyInclusion(ls[i]!, i, n, paths[i]!, sha256(root))
      );
    }),
  );
});
