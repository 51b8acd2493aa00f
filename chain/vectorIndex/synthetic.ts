import type { Vector } from './vector.js';

/**
 * Deterministic clustered int8 vectors for benchmarks and tests (not used by the node): `clusters` random
 * directions, each point a centre plus Gaussian noise, scaled to L2 norm `norm` and rounded to int8 like an
 * embedding. Same seed, same vectors.
 */
export interface SyntheticOptions {
  dimension: number;
  clusters?: number;
  /** Noise norm relative to the centre's (1 = as much noise as signal). */
  noise?: number;
  norm?: number;
  seed?: number;
}

export class SyntheticVectors {
  private state: number;
  private readonly centres: Float64Array[] = [];
  private spare: number | undefined;

  constructor(private readonly opts: SyntheticOptions) {
    this.state = (opts.seed ?? 1) >>> 0 || 1;
    for (let c = 0; c < (opts.clusters ?? 100); c++) this.centres.push(this.unitGaussian());
  }

  /** The next vector. */
  next(): Vector {
    const d = this.opts.dimension;
    const centre = this.centres[this.uint() % this.centres.length]!;
    const noise = this.unitGaussian();
    const ratio = this.opts.noise ?? 1;
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = centre[i]! + ratio * noise[i]!;
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
