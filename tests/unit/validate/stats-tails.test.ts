/*
 * The exact tail tests of src/validate/stats.ts (binomialTail, poissonTail, tailZ, binomialZ, judgeCount) against
 * tails computed by summing the pmf in log space, and against the implementations the behaviour checks had before
 * they shared these (labels: a log-space sum; machines: Acklam's normal quantile for the z).
 */
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../src/model/dist/normal-quantile.ts';
import { logFactorial } from '../../../src/model/dist/special.ts';
import { binomialTail, binomialZ, judgeCount, poissonTail, tailZ, zStatus } from '../../../src/validate/stats.ts';

/** ln k! (a table below 256, the Stirling series above: a running sum of logs drifts by ~1e-8 at k = 50 000). */
const lf = logFactorial;

/** P(X ≥ k) or P(X ≤ k), X ~ Binomial(n, p): the pmf summed term by term (log space). */
function refBinomial(k: number, n: number, p: number, upper: boolean): number {
  let s = 0;
  const [from, to] = upper ? [Math.max(0, k), n] : [0, Math.min(n, k)];
  for (let j = from; j <= to; j++) s += Math.exp(lf(n) - lf(j) - lf(n - j) + j * Math.log(p) + (n - j) * Math.log1p(-p));
  return s;
}

/** P(X ≥ k) or P(X ≤ k), X ~ Poisson(mean), summed term by term (the upper tail until the terms vanish). */
function refPoisson(k: number, mean: number, upper: boolean): number {
  const term = (j: number) => Math.exp(-mean + j * Math.log(mean) - lf(j));
  let s = 0;
  if (!upper) {
    for (let j = 0; j <= k; j++) s += term(j);
    return s;
  }
  for (let j = k; j < k + 10_000; j++) {
    const t = term(j);
    s += t;
    if (j > mean && t < s * 1e-18) break;
  }
  return s;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('binomialTail', () => {
  it('matches known values', () => {
    expect(rel(binomialTail(60, 100, 0.5, true), 0.028443966820490392)).toBeLessThan(1e-12);
    expect(rel(binomialTail(1, 10, 0.3, false), 0.7 ** 10 + 10 * 0.3 * 0.7 ** 9)).toBeLessThan(1e-12);
    expect(binomialTail(0, 10, 0.3, true)).toBe(1);
    expect(binomialTail(10, 10, 0.3, false)).toBe(1);
    expect(binomialTail(11, 10, 0.3, true)).toBe(0);
    expect(binomialTail(3, 10, 0, true)).toBe(0);
    expect(binomialTail(3, 10, 1, false)).toBe(0);
  });

  it('agrees with the summed pmf on both tails, small to large n, far into the tails', () => {
    for (const n of [1, 5, 20, 60, 300, 2_000, 50_000]) {
      for (const p of [1e-4, 0.01, 0.1, 0.37, 0.5, 0.9, 0.999]) {
        const mean = n * p;
        const sd = Math.sqrt(n * p * (1 - p));
        for (const d of [-8, -5, -3, -1, 0.5, 1, 3, 5, 8]) {
          const k = Math.round(mean + d * sd);
          if (k < 0 || k > n) continue;
          for (const upper of [true, false]) {
            const ref = refBinomial(k, n, p, upper);
            if (ref < 1e-280) continue;
            expect(rel(binomialTail(k, n, p, upper), ref), `n ${n} p ${p} k ${k} ${upper ? '≥' : '≤'}`).toBeLessThan(1e-9);
          }
        }
      }
    }
  });
});

describe('poissonTail', () => {
  it('matches known values', () => {
    expect(rel(poissonTail(0, 3, false), Math.exp(-3))).toBeLessThan(1e-13);
    expect(rel(poissonTail(2, 3, false), Math.exp(-3) * (1 + 3 + 4.5))).toBeLessThan(1e-13);
    expect(poissonTail(0, 3, true)).toBe(1);
    expect(poissonTail(1, 0, true)).toBe(0);
    expect(poissonTail(0, 0, false)).toBe(1);
  });

  it('agrees with the summed pmf on both tails', () => {
    for (const mean of [0.01, 0.5, 3, 17.5, 250, 4_000]) {
      const sd = Math.sqrt(mean);
      for (const d of [-8, -5, -3, -1, 0.5, 1, 3, 5, 8, 12]) {
        const k = Math.round(mean + d * sd);
        if (k < 0) continue;
        for (const upper of [true, false]) {
          const ref = refPoisson(k, mean, upper);
          if (ref < 1e-280) continue;
          expect(rel(poissonTail(k, mean, upper), ref), `mean ${mean} k ${k} ${upper ? '≥' : '≤'}`).toBeLessThan(1e-9);
        }
      }
    }
  });
});

describe('z of tails', () => {
  it('tailZ is the normal quantile of the tail (0 from 0.5, Infinity at 0), within 1e-8 of Acklam', () => {
    expect(tailZ(0.5)).toBe(0);
    expect(tailZ(0.7)).toBe(0);
    expect(tailZ(0)).toBe(Infinity);
    expect(tailZ(0.022750131948179195)).toBeCloseTo(2, 12);
    expect(tailZ(3.1671241833119857e-5)).toBeCloseTo(4, 11);
    for (const t of [0.4, 0.1, 1e-3, 1e-6, 1e-9, 1e-12, 1e-20]) expect(Math.abs(tailZ(t) + normalQuantile(t))).toBeLessThan(1e-8 * tailZ(t));
  });

  it('zStatus: within 4 passes, within 6 warns, beyond fails', () => {
    expect([zStatus(0), zStatus(-4), zStatus(4.01), zStatus(-6), zStatus(6.01), zStatus(Infinity)]).toEqual(['pass', 'pass', 'warn', 'warn', 'fail', 'fail']);
  });

  it('binomialZ judges against the nearer end of a share band', () => {
    expect(binomialZ(50, 100, 0.45, 0.55)).toBe(0);
    expect(binomialZ(70, 100, 0.45, 0.55)).toBeCloseTo(tailZ(refBinomial(70, 100, 0.55, true)), 8);
    expect(binomialZ(20, 100, 0.45, 0.55)).toBeCloseTo(-tailZ(refBinomial(20, 100, 0.45, false)), 8);
    expect(binomialZ(1, 100, -0.1, 0)).toBe(Infinity);
    expect(binomialZ(0, 0, 0.5, 0.5)).toBe(0);
  });

  it('judgeCount: binomial with trials, Poisson without; sign from the side', () => {
    const b = judgeCount(45, 30, 100);
    expect(b.z).toBeCloseTo(tailZ(refBinomial(45, 100, 0.3, true)), 8);
    expect(judgeCount(15, 30, 100).z).toBeCloseTo(-tailZ(refBinomial(15, 100, 0.3, false)), 8);
    expect(judgeCount(12, 5).z).toBeCloseTo(tailZ(refPoisson(12, 5, true)), 8);
    expect(judgeCount(1, 5).z).toBeCloseTo(-tailZ(refPoisson(1, 5, false)), 8);
    expect(b.tolerance).toBeCloseTo(4 * Math.sqrt(100 * 0.3 * 0.7), 12);
    expect(judgeCount(1, 0, 100)).toMatchObject({ status: 'fail', z: Infinity });
    expect(judgeCount(30, 30, 100)).toMatchObject({ status: 'pass', z: 0 });
  });
});
