/**
 * A deliberately naive transcription of RFC 9162 §2.1 (MTH, PATH, PROOF/SUBPROOF), recursive over slices,
 * used as the oracle for the accumulator. It shares nothing with chain/ledger but SHA-256. MTH of a slice
 * is memoised by position so that testing every proof of every size stays fast; the recursion is unchanged.
 */
import { sha256 } from '../../../chain/crypto/hash.js';

export class ReferenceTree {
  private readonly memo = new Map<string, Uint8Array>();

  /** `leaves` are leaf hashes, D[0..]; trees of any prefix size are taken from it. */
  constructor(readonly leaves: readonly Uint8Array[]) {}

  /** MTH(D[lo:hi]). */
  mth(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    if (n === 0) return sha256();
    if (n === 1) return this.leaves[lo]!;
    const key = `${lo},${hi}`;
    let h = this.memo.get(key);
    if (!h) {
      const k = largestPowerOfTwoBelow(n);
      h = sha256(Uint8Array.of(1), this.mth(lo, lo + k), this.mth(lo + k, hi));
      this.memo.set(key, h);
    }
    return h;
  }

  /** PATH(m, D[0:n]). */
  path(m: number, n: number): Uint8Array[] {
    return this.pathIn(m, 0, n);
  }

  private pathIn(m: number, lo: number, hi: number): Uint8Array[] {
    const n = hi - lo;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    if (m < k) return [...this.pathIn(m, lo, lo + k), this.mth(lo + k, hi)];
    return [...this.pathIn(m - k, lo + k, hi), this.mth(lo, lo + k)];
  }

  /** Which side each PATH element sits on (true = left), leaf side first: the proof's shape. */
  pathShape(m: number, n: number): boolean[] {
    const shape = (m: number, n: number): boolean[] => {
      if (n === 1) return [];
      const k = largestPowerOfTwoBelow(n);
      return m < k ? [...shape(m, k), false] : [...shape(m - k, n - k), true];
    };
    return shape(m, n);
  }

  /** PROOF(m, D[0:n]) for 0 < m < n; empty for m = n. */
  consistency(m: number, n: number): Uint8Array[] {
    return this.subproof(m, 0, n, true);
  }

  private subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.mth(lo, hi)];
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) return [...this.subproof(m, lo, lo + k, b), this.mth(lo + k, hi)];
    return [...this.subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)];
  }
}

export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Deterministic distinct leaf hashes: SHA-256(0x00 ‖ "leaf i"). */
export function sampleLeaves(count: number, salt = ''): Uint8Array[] {
  const enc = new TextEncoder();
  return Array.from({ length: count }, (_, i) => sha256(Uint8Array.of(0), enc.encode(`${salt}leaf ${i}`)));
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function unhex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/** A copy of `b` with one bit flipped. */
export function flipBit(b: Uint8Array, bit = 0): Uint8Array {
  const out = b.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

/** The Certificate Transparency reference data set (RFC 6962 test vectors) and its tree heads. */
export const CT_ENTRIES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
export const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** [leaf index (0-based), tree size, path]. */
export const CT_INCLUSION: Array<[number, number, string[]]> = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
/** [first, second, path]. */
export const CT_CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
