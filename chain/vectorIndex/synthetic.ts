import type { Vector } from './vector.js';

/**
 * Deterministic clustered int8 vectors for benchmarks and tests (not used by the node): `clusters` random
 * directions, each point a centre plus Gaussian noise, scaled to L2 norm `norm` and rounded to int8 like an
 * embedding. Same seed, same vectors.
 *
 * By default the noise is isotropic: within a cluster the points are uniform noise in every dimension,
 * the hardest case for a nearest-neighbour graph and unlike real embeddings. With `spreadDims` each cluster
 * spreads in a subspace of its own of that many dimensions (plus `isotropicNoise` in all of them), as
 * model embeddings do: texts about one subject differ along a few directions (their intrinsic dimension is
 * small, tens rather than hundreds), which is what makes graph indexes work on them.
 */
export interface SyntheticOptions {
  dimension: number;
  clusters?: number;
  /** Noise norm relative to the centre's (1 = as much noise as signal). */
  noise?: number;
  norm?: number;
  seed?: number;
  /** When set, the noise (norm `noise`) lies in a random subspace of this many dimensions per cluster. */
  spreadDims?: number;
  /** With `spreadDims`: norm of extra isotropic noise, relative to the centre's. Default 0. */
  isotropicNoise?: number;
  /**
   * When set, cluster centres are not independent: cluster c lies around group centre c mod `groups`, at
   * a distance of `groupSpread` (default 0.7) of its length — kinds of txs that share most features.
   */
  groups?: number;
  groupSpread?: number;
}

export class SyntheticVectors {
  private state: number;
  private readonly centres: Float64Array[] = [];
  /** Per cluster with `spreadDims`: the directions its points spread along. */
  private readonly bases: Float64Array[][] = [];
  private spare: number | undefined;

  constructor(private readonly opts: SyntheticOptions) {
    this.state = (opts.seed ?? 1) >>> 0 || 1;
    const groups = Array.from({ length: opts.groups ?? 0 }, () => this.unitGaussian());
    for (let c = 0; c < (opts.clusters ?? 100); c++) {
      const centre = this.unitGaussian();
      if (groups.length > 0) {
        const g = groups[c % groups.length]!;
        const spread = opts.groupSpread ?? 0.7;
        for (let i = 0; i < centre.length; i++) centre[i] = g[i]! + spread * centre[i]!;
      }
      this.centres.push(centre);
      if (opts.spreadDims) this.bases.push(Array.from({ length: opts.spreadDims }, () => this.unitGaussian()));
    }
  }

  /** The next vector. */
  next(): Vector {
    const d = this.opts.dimension;
    const cluster = this.uint() % this.centres.length;
    const centre = this.centres[cluster]!;
    const ratio = this.opts.noise ?? 1;
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = centre[i]!;
    if (this.opts.spreadDims) {
      // Gaussian coordinates along the cluster's directions (nearly orthogonal in high dimension), total norm ~ratio.
      const scale = ratio / Math.sqrt(this.opts.spreadDims);
      for (const dir of this.bases[cluster]!) {
        const g = this.gaussian() * scale;
        for (let i = 0; i < d; i++) v[i] += g * dir[i]!;
      }
      const iso = (this.opts.isotropicNoise ?? 0) / Math.sqrt(d);
      if (iso > 0) for (let i = 0; i < d; i++) v[i] += iso * this.gaussian();
    } else {
      const noise = this.unitGaussian();
      for (let i = 0; i < d; i++) v[i] += ratio * noise[i]!;
    }
    return quantize(v, this.opts.norm ?? 512);
  }

  /** `n` vectors packed one after another (n * dimension bytes). */
  batch(n: number): Int8Array {
    const d = this.opts.dimension;
    const out = new Int8Array(n * d);
    for (let i = 0; i < n; i++) out.set(this.next(), i * d);
    return out;
  }

  private uint(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.state = x >>> 0);
  }

  private uniform(): number {
    return (this.uint() + 0.5) / 0x1_0000_0000;
  }

  private gaussian(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }

  private unitGaussian(): Float64Array {
    const v = new Float64Array(this.opts.dimension);
    let n = 0;
    for (let i = 0; i < v.length; i++) {
      v[i] = this.gaussian();
      n += v[i]! * v[i]!;
    }
    n = Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
    return v;
  }
}

function quantize(v: Float64Array, norm: number): Vector {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const scale = n > 0 ? norm / Math.sqrt(n) : 0;
  const out = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.max(-127, Math.min(127, Math.round(v[i]! * scale)));
  return out;
}
