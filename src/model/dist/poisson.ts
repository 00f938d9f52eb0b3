/**
 * Poisson sampling, exact in distribution:
 *  - lambda < 30: inversion. Compiled samplers precompute the CDF (to a 2^-60 tail) and a guide
 *    table (Chen & Asau), ~2 comparisons per draw; per-row lambdas use sequential search.
 *  - lambda >= 30: PTRS, Hörmann's transformed rejection with squeeze (1993), O(1) for any lambda,
 *    2 slots per attempt, acceptance measured at 0.82 (lambda = 30) to 0.89 (lambda = 1e6). After
 *    DIST_SLOT_SPAN/2 rejections (probability < 1e-90) it returns floor(lambda).
 */
import { uniform } from '../rng.ts';
import { logFactorial } from './special.ts';
import { DIST_SLOT_SPAN, type Sampler } from './types.ts';

const POISSON_INVERSION_MAX = 30;

/** Sequential-search inversion: smallest k with P(X <= k) >= u. For lambda < 30. */
function poissonSearch(lambda: number, u: number): number {
  let p = Math.exp(-lambda);
  let cdf = p;
  let k = 0;
  while (u > cdf && p > 0) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/** PTRS constants for one lambda; `draw` runs the rejection loop over slots [slot, end). */
export class Ptrs {
  lam = 0;
  logLam = 0;
  a = 0;
  b = 0;
  logInvAlpha = 0;
  vr = 0;

  set(lam: number): this {
    const b = 0.931 + 2.53 * Math.sqrt(lam);
    this.lam = lam;
    this.logLam = Math.log(lam);
    this.b = b;
    this.a = -0.059 + 0.02483 * b;
    this.logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
    this.vr = 0.9277 - 3.6224 / (b - 2);
    return this;
  }

  draw(key: number, row: number, slot: number, end: number): number {
    const { lam, a, b, vr } = this;
    for (let s = slot; s + 2 <= end; s += 2) {
      const u = uniform(key, row, s) - 0.5;
      const v = uniform(key, row, s + 1);
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      const lhs = Math.log(v) + this.logInvAlpha - Math.log(a / (us * us) + b);
      if (lhs <= -lam + k * this.logLam - logFactorial(k)) return k;
    }
    return Math.floor(lam);
  }
}

const scratch = new Ptrs();

/** Poisson draw for a lambda known only per row (negative binomial): slots [slot, end). */
export function poissonDraw(lambda: number, key: number, row: number, slot: number, end: number): number {
  if (!(lambda > 0)) return 0;
  if (slot >= end) return Math.floor(lambda);
  if (lambda < POISSON_INVERSION_MAX) return poissonSearch(lambda, uniform(key, row, slot));
  return scratch.set(lambda).draw(key, row, slot, end);
}

/** X = min{k : cdf[k] >= u}, starting from the guide entry of u. */
function tableSearch(cdf: Float64Array, guide: Int32Array, u: number): number {
  let k = guide[Math.floor(u * guide.length)]!;
  while (cdf[k]! < u) k++;
  return k;
}

/** poisson{lambda}: table inversion below 30, PTRS above. */
export class PoissonSampler implements Sampler {
  readonly type = 'poisson';
  readonly cdf: Float64Array | null = null;
  readonly guide: Int32Array | null = null;
  readonly ptrs: Ptrs | null = null;

  constructor(readonly lambda: number) {
    if (lambda >= POISSON_INVERSION_MAX) this.ptrs = new Ptrs().set(lambda);
    else [this.cdf, this.guide] = poissonTable(lambda);
  }

  sample(key: number, row: number, slot: number): number {
    if (this.ptrs) return this.ptrs.draw(key, row, slot, slot + DIST_SLOT_SPAN);
    return tableSearch(this.cdf!, this.guide!, uniform(key, row, slot));
  }

  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    const { cdf, guide, ptrs } = this;
    if (ptrs) {
      for (let i = 0; i < n; i++) out[i] = ptrs.draw(key, start + i, slot, slot + DIST_SLOT_SPAN);
      return;
    }
    for (let i = 0; i < n; i++) out[i] = tableSearch(cdf!, guide!, uniform(key, start + i, slot));
  }
}

/** CDF of Poisson(lambda) until the pmf falls below 2^-60 past the mean (last entry forced to 1). */
function poissonTable(lambda: number): [Float64Array, Int32Array] {
  const cdfs: number[] = [];
  let p = Math.exp(-lambda);
  let acc = 0;
  for (let k = 0; ; k++) {
    if (k > 0) p *= lambda / k;
    acc += p;
    cdfs.push(acc);
    if (k > lambda && p < 8.7e-19) break;
  }
  const cdf = Float64Array.from(cdfs);
  cdf[cdf.length - 1] = 1;
  return [cdf, guideTable(cdf, cdf.length)];
}

/** guide[j] = min{k : cdf[k] >= j/m}, j = 0..m-1: the first candidate for any u in [j/m, (j+1)/m). */
export function guideTable(cdf: Float64Array, m: number): Int32Array {
  const guide = new Int32Array(m);
  let k = 0;
  for (let j = 0; j < m; j++) {
    while (cdf[k]! < j / m) k++;
    guide[j] = k;
  }
  return guide;
}
