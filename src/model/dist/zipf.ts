/**
 * zipf{s, n}: P(k) ∝ k^-s on {1..n} (n absent: unbounded, s > 1).
 *  - n <= ZIPF_TABLE_MAX: the CDF is tabulated at compile time (Kahan-summed), a guide table picks a
 *    narrow bracket and a binary search finishes: exact inversion, one slot.
 *  - otherwise: rejection-inversion of Hörmann & Derflinger (1996), one slot per attempt, O(1) in n.
 *    Unbounded draws are capped at 2^53 - 1. Acceptance measured >= 0.98; after DIST_SLOT_SPAN
 *    rejections (probability < 1e-400) it returns 1, the mode.
 */
import { uniform } from '../rng.ts';
import { guideTable } from './poisson.ts';
import { DIST_SLOT_SPAN, type Sampler } from './types.ts';

const ZIPF_TABLE_MAX = 1_000_000;
const MAX_RANK = Number.MAX_SAFE_INTEGER;

/** log1p(x)/x, continuous at 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (1 / 2 - x * (1 / 3 - x / 4));
}
/** expm1(x)/x, continuous at 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + (x / 2) * (1 + (x / 3) * (1 + x / 4));
}

export class ZipfSampler implements Sampler {
  readonly type = 'zipf';
  readonly n: number;
  readonly cdf: Float64Array | null = null;
  readonly guide: Int32Array | null = null;
  // rejection-inversion constants
  readonly hX1: number = 0;
  readonly hN: number = 0;
  readonly squeeze: number = 0;

  constructor(readonly s: number, n?: number) {
    this.n = n ?? Infinity;
    if (this.n <= ZIPF_TABLE_MAX) {
      this.cdf = zipfCdf(s, this.n);
      this.guide = guideTable(this.cdf, Math.min(this.n, 65536));
    } else {
      this.hX1 = this.hIntegral(1.5) - 1;
      this.hN = this.n === Infinity ? 1 / (s - 1) : this.hIntegral(this.n + 0.5);
      this.squeeze = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
    }
  }

  /** H(x) = (x^(1-s) - 1)/(1-s): an antiderivative of h(x) = x^-s. */
  private hIntegral(x: number): number {
    const lx = Math.log(x);
    return helper2((1 - this.s) * lx) * lx;
  }
  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }
  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.s);
    if (t < -1) t = -1;
    return Math.exp(helper1(t) * x);
  }

  sample(key: number, row: number, slot: number): number {
    if (this.cdf) return tableDraw(this.cdf, this.guide!, uniform(key, row, slot));
    for (let sl = slot; sl < slot + DIST_SLOT_SPAN; sl++) {
      const u = this.hN + uniform(key, row, sl) * (this.hX1 - this.hN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k > MAX_RANK) k = MAX_RANK;
      if (k - x <= this.squeeze || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
    return 1;
  }

  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    for (let i = 0; i < n; i++) out[i] = this.sample(key, start + i, slot);
  }
}

/** Rank (1-based) of the smallest cdf entry >= u, bracketed by the guide table. */
function tableDraw(cdf: Float64Array, guide: Int32Array, u: number): number {
  const j = Math.floor(u * guide.length);
  let lo = guide[j]!;
  let hi = j + 1 < guide.length ? guide[j + 1]! : cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/** Normalised CDF of k^-s on 1..n, Kahan-summed; the last entry is exactly 1. */
function zipfCdf(s: number, n: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  let comp = 0;
  for (let k = 1; k <= n; k++) {
    const y = Math.pow(k, -s) - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
    cdf[k - 1] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i] = cdf[i]! / sum;
  cdf[n - 1] = 1;
  return cdf;
}
