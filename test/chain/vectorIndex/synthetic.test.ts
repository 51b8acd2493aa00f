import t from 'tap';
import { dotInt8 } from '../../../chain/vectorIndex/vector.js';
import { SyntheticVectors, type SyntheticOptions } from '../../../chain/vectorIndex/synthetic.js';

const kinds: Record<string, SyntheticOptions> = {
  isotropic: { dimension: 64, clusters: 10, noise: 1, seed: 7, norm: 200 },
  subspace: { dimension: 64, clusters: 10, noise: 1, spreadDims: 4, isotropicNoise: 0.3, seed: 7, norm: 200 },
  grouped: { dimension: 64, clusters: 10, groups: 2, noise: 1, spreadDims: 4, seed: 7, norm: 200 },
};

t.test('same options, same vectors; scaled like an embedding', async (t) => {
  for (const [name, opts] of Object.entries(kinds)) {
    const a = new SyntheticVectors(opts).batch(50);
    t.same(a, new SyntheticVectors(opts).batch(50), name);
    t.notSame(a, new SyntheticVectors({ ...opts, seed: 8 }).batch(50), `${name}: another seed`);
    for (let i = 0; i < 50; i++) {
      const v = a.subarray(i * 64, (i + 1) * 64);
      const norm = Math.sqrt(dotInt8(v, v));
      t.ok(Math.abs(norm - 200) < 6, `${name}: norm ${norm}`);
    }
  }
});

t.test('points spread in a subspace lie closer to their neighbours than isotropic ones', async (t) => {
  // With one cluster and the same noise norm, the best match of a point among 200 is much closer when
  // the noise has 4 degrees of freedom than when it has 64.
  const bestMatch = (opts: SyntheticOptions): number => {
    const g = new SyntheticVectors({ ...opts, clusters: 1 });
    const pts = Array.from({ length: 200 }, () => g.next());
    let total = 0;
    for (let i = 0; i < 20; i++) {
      let best = -Infinity;
      for (let j = 0; j < pts.length; j++) if (j !== i) best = Math.max(best, dotInt8(pts[i]!, pts[j]!));
      total += best;
    }
    return total / 20;
  };
  t.ok(bestMatch(kinds.subspace!) > bestMatch(kinds.isotropic!) * 1.2);
});
