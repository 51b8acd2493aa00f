// Uint128 amounts (cosmwasm-std's Uint128): two u64 halves, decimal strings in JSON. The plain operators abort
// on overflow (as cosmwasm-std's panic); the checked ones return null.

export class Uint128 {
  constructor(public lo: u64 = 0, public hi: u64 = 0) {}

  static zero(): Uint128 { return new Uint128(0, 0); }
  static from(n: u64): Uint128 { return new Uint128(n, 0); }

  /** Parses a decimal string ("0".."340282366920938463463374607431768211455"); null if malformed or too large. */
  static parse(s: string): Uint128 | null {
    if (s.length == 0 || s.length > 39) return null;
    let r = new Uint128();
    const ten = Uint128.from(10);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return null;
      const m = r.checkedMul(ten);
      if (m === null) return null;
      const a = m.checkedAdd(Uint128.from(<u64>(c - 0x30)));
      if (a === null) return null;
      r = a;
    }
    return r;
  }

  isZero(): bool { return this.lo == 0 && this.hi == 0; }

  cmp(o: Uint128): i32 {
    if (this.hi != o.hi) return this.hi < o.hi ? -1 : 1;
    if (this.lo != o.lo) return this.lo < o.lo ? -1 : 1;
    return 0;
  }
  eq(o: Uint128): bool { return this.cmp(o) == 0; }
  lt(o: Uint128): bool { return this.cmp(o) < 0; }
  gt(o: Uint128): bool { return this.cmp(o) > 0; }
  lte(o: Uint128): bool { return this.cmp(o) <= 0; }
  gte(o: Uint128): bool { return this.cmp(o) >= 0; }

  checkedAdd(o: Uint128): Uint128 | null {
    const lo = this.lo + o.lo;
    const carry: u64 = lo < this.lo ? 1 : 0;
    const hi = this.hi + o.hi;
    if (hi < this.hi) return null;
    const hi2 = hi + carry;
    if (hi2 < hi) return null;
    return new Uint128(lo, hi2);
  }

  checkedSub(o: Uint128): Uint128 | null {
    if (this.lt(o)) return null;
    const lo = this.lo - o.lo;
    const borrow: u64 = this.lo < o.lo ? 1 : 0;
    return new Uint128(lo, this.hi - o.hi - borrow);
  }

  checkedMul(o: Uint128): Uint128 | null {
    if (this.hi != 0 && o.hi != 0) return null;
    // (a.hi*2^64 + a.lo) * (b.hi*2^64 + b.lo) with at most one hi non-zero
    const low = mul64(this.lo, o.lo);
    const cross1 = mul64(this.hi, o.lo);
    const cross2 = mul64(this.lo, o.hi);
    if (cross1.hi != 0 || cross2.hi != 0) return null;
    let hi = low.hi + cross1.lo;
    if (hi < low.hi) return null;
    const hi2 = hi + cross2.lo;
    if (hi2 < hi) return null;
    return new Uint128(low.lo, hi2);
  }

  /** Integer division; null when dividing by zero. */
  checkedDiv(o: Uint128): Uint128 | null {
    if (o.isZero()) return null;
    return divmod(this, o)[0];
  }

  checkedRem(o: Uint128): Uint128 | null {
    if (o.isZero()) return null;
    return divmod(this, o)[1];
  }

  add(o: Uint128): Uint128 { const r = this.checkedAdd(o); if (r === null) abort('Uint128 overflow in add'); return r!; }
  sub(o: Uint128): Uint128 { const r = this.checkedSub(o); if (r === null) abort('Uint128 underflow in sub'); return r!; }
  mul(o: Uint128): Uint128 { const r = this.checkedMul(o); if (r === null) abort('Uint128 overflow in mul'); return r!; }
  div(o: Uint128): Uint128 { const r = this.checkedDiv(o); if (r === null) abort('Uint128 division by zero'); return r!; }

  toString(): string {
    if (this.hi == 0) return this.lo.toString();
    // repeated division by 10 over four 32-bit limbs
    let l3 = this.hi >> 32, l2 = this.hi & 0xffffffff, l1 = this.lo >> 32, l0 = this.lo & 0xffffffff;
    let digits = '';
    while (l3 != 0 || l2 != 0 || l1 != 0 || l0 != 0) {
      let r: u64 = 0;
      let cur = (r << 32) | l3; l3 = cur / 10; r = cur % 10;
      cur = (r << 32) | l2; l2 = cur / 10; r = cur % 10;
      cur = (r << 32) | l1; l1 = cur / 10; r = cur % 10;
      cur = (r << 32) | l0; l0 = cur / 10; r = cur % 10;
      digits = String.fromCharCode(<i32>(0x30 + r)) + digits;
    }
    return digits;
  }
}

class U64Pair { constructor(public lo: u64, public hi: u64) {} }

function mul64(a: u64, b: u64): U64Pair {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  const lo = (p00 & 0xffffffff) | (mid << 32);
  const hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return new U64Pair(lo, hi);
}

function shl1(x: Uint128): Uint128 { return new Uint128(x.lo << 1, (x.hi << 1) | (x.lo >> 63)); }

/** Shift-subtract long division: [quotient, remainder]. */
function divmod(n: Uint128, d: Uint128): Uint128[] {
  let q = new Uint128();
  let r = new Uint128();
  for (let i = 127; i >= 0; i--) {
    r = shl1(r);
    const bit = i >= 64 ? (n.hi >> <u64>(i - 64)) & 1 : (n.lo >> <u64>i) & 1;
    r.lo |= bit;
    if (r.gte(d)) {
      r = r.sub(d);
      if (i >= 64) q.hi |= (<u64>1) << <u64>(i - 64);
      else q.lo |= (<u64>1) << <u64>i;
    }
  }
  return [q, r];
}
