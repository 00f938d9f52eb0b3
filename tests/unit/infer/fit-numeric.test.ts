/*
 * infer/fit numeric columns (issue 21): maximum-likelihood estimates recover the parameters of large samples drawn
 * by datagen's own samplers with fixed seeds — within 4 standard errors, the standard errors from the observed
 * Fisher information (the numerical Hessian of the log-likelihood at the estimate) or, for boundary estimates
 * (uniform ends, pareto scale), from the spacing of order statistics; BIC + KS pick the family the sample was
 * drawn from; a mixture no family fits becomes the empirical quantile generator, whose draws (through the
 * generator's own model) are within the KS threshold of the sample.
 */
import { describe, expect, it } from 'vitest';
import { compileDist, sampleDist, type DistName } from '../../../src/model/distributions.ts';
import { empiricalQuantile } from '../../../src/model/empirical.ts';
import { streamKey } from '../../../src/model/rng.ts';
import { fitNumeric, ksThreshold, KS_ACCEPT } from '../../../src/infer/fit/index.ts';
import { logLik, prepare, type FamilyFit } from '../../../src/infer/fit/families.ts';
import { ksContinuous, moments } from '../../../src/infer/fit/stats.ts';

function draw(type: DistName, params: Record<string, number>, n: number, seed: number): Float64Array {
  const d = compileDist(type, params);
  const key = streamKey(seed, 'fit-test', type);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sampleDist(d, key, i, 0);
  return out;
}

const INTEGER = new Set<DistName>(['poisson', 'negative_binomial', 'geometric', 'binomial', 'zipf']);

/** Standard errors of the smooth parameters: the inverse of the observed information, by central differences. */
function standardErrors(family: DistName, est: Record<string, number>, smooth: string[], values: Float64Array, integer: boolean): Record<string, number> {
  const sorted = Float64Array.from(values).sort();
  const s = prepare(sorted, moments(sorted));
  const ll = (p: Record<string, number>) => logLik({ family, params: p, k: 0 } as FamilyFit, s, integer);
  const d = smooth.length;
  const h = smooth.map((k) => 1e-4 * Math.max(1e-3, Math.abs(est[k]!)));
  const at = (di: number[]) => ll({ ...est, ...Object.fromEntries(smooth.map((k, i) => [k, est[k]! + di[i]!])) });
  const H: number[][] = Array.from({ length: d }, () => new Array(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const e = (a: number, b: number) => at(smooth.map((_, k) => (k === i ? a * h[i]! : 0) + (k === j ? b * h[j]! : 0)));
      H[i]![j] = i === j ? (at(smooth.map((_, k) => (k === i ? h[i]! : 0))) - 2 * ll(est) + at(smooth.map((_, k) => (k === i ? -h[i]! : 0)))) / (h[i]! * h[i]!)
        : (e(1, 1) - e(1, -1) - e(-1, 1) + e(-1, -1)) / (4 * h[i]! * h[j]!);
    }
  }
  // Covariance = (−H)^−1 for d ≤ 2.
  const out: Record<string, number> = {};
  if (d === 1) out[smooth[0]!] = Math.sqrt(-1 / H[0]![0]!);
  else {
    const a = -H[0]![0]!, b = -H[0]![1]!, c = -H[1]![1]!;
    const det = a * c - b * b;
    out[smooth[0]!] = Math.sqrt(c / det);
    out[smooth[1]!] = Math.sqrt(a / det);
  }
  return out;
}

interface Case {
  type: DistName;
  params: Record<string, number>;
  /** Parameters with a regular likelihood (the rest: boundary estimates, checked with their own tolerance). */
  smooth: string[];
  boundary?: Record<string, (n: number) => number>;
}

const CASES: Case[] = [
  { type: 'normal', params: { mean: 10, std: 2 }, smooth: ['mean', 'std'] },
  { type: 'lognormal', params: { mean: 3, sigma: 0.7 }, smooth: ['mean', 'sigma'] },
  { type: 'uniform', params: { low: 1, high: 5 }, smooth: [], boundary: { low: (n) => 8 * 4 / n, high: (n) => 8 * 4 / n } },
  { type: 'exponential', params: { rate: 0.5 }, smooth: ['rate'] },
  { type: 'gamma', params: { shape: 3, scale: 2 }, smooth: ['shape', 'scale'] },
  { type: 'beta', params: { a: 2, b: 5 }, smooth: ['a', 'b'] },
  { type: 'weibull', params: { shape: 1.7, scale: 3 }, smooth: ['shape', 'scale'] },
  { type: 'pareto', params: { alpha: 2.5, scale: 4 }, smooth: ['alpha'], boundary: { scale: (n) => 8 * 4 / (2.5 * n) } },
  // Triangular: the density vanishes at the ends, so an end is known to ~√((b − a)(c − a)/n) (4 of those), the mode to 4 % of the range.
  { type: 'triangular', params: { low: 0, mode: 3, high: 10 }, smooth: [], boundary: { low: (n) => 4 * Math.sqrt(30 / n), high: (n) => 4 * Math.sqrt(70 / n), mode: () => 0.4 } },
  { type: 'poisson', params: { lambda: 4 }, smooth: ['lambda'] },
  { type: 'poisson', params: { lambda: 60 }, smooth: ['lambda'] },
  { type: 'negative_binomial', params: { mean: 5, dispersion_k: 2 }, smooth: ['mean', 'dispersion_k'] },
  { type: 'geometric', params: { p: 0.3 }, smooth: ['p'] },
  { type: 'zipf', params: { s: 2 }, smooth: ['s'] },
];

describe('fitNumeric recovers parameters (n = 20 000, fixed seeds, within 4 SE)', () => {
  it.each(CASES.map((c) => [`${c.type} ${JSON.stringify(c.params)}`, c] as const))('%s', (_, c) => {
    const n = 20_000;
    for (const seed of [1, 2]) {
      const values = draw(c.type, c.params, n, seed);
      const fit = fitNumeric(values, { integer: INTEGER.has(c.type) });
      const g = fit.generator.distribution as { type: string; params: Record<string, number> };
      expect(g.type, JSON.stringify(fit.evidence)).toBe(c.type);
      const se = c.smooth.length ? standardErrors(c.type, g.params, c.smooth, values, INTEGER.has(c.type)) : {};
      for (const k of c.smooth) {
        expect(Number.isFinite(se[k]), `SE of ${k}`).toBe(true);
        expect(Math.abs(g.params[k]! - c.params[k]!), `${k}: ${g.params[k]} vs ${c.params[k]} (SE ${se[k]})`).toBeLessThan(4 * se[k]!);
      }
      for (const [k, tol] of Object.entries(c.boundary ?? {})) {
        expect(Math.abs(g.params[k]! - c.params[k]!), `${k}: ${g.params[k]} vs ${c.params[k]}`).toBeLessThan(tol(n));
      }
      expect(fit.evidence.ks!).toBeLessThanOrEqual(KS_ACCEPT);
      expect(fit.evidence.n).toBe(n);
      expect(fit.evidence.runnerUp?.family).toBeDefined();
    }
  });

  it('binomial: n by profile likelihood near the true n, the mean n·p within 4 SE', () => {
    const n = 20_000;
    const values = draw('binomial', { n: 20, p: 0.3 }, n, 3);
    const g = fitNumeric(values, { integer: true }).generator.distribution as { type: string; params: Record<string, number> };
    expect(g.type).toBe('binomial');
    expect(Math.abs(g.params.n! - 20)).toBeLessThanOrEqual(3);
    expect(Math.abs(g.params.n! * g.params.p! - 6)).toBeLessThan(4 * Math.sqrt((20 * 0.3 * 0.7) / n));
  });

  it('a bounded zipf is fitted with its largest rank', () => {
    const values = draw('zipf', { s: 1.1, n: 50 }, 20_000, 4);
    const g = fitNumeric(values, { integer: true }).generator.distribution as { type: string; params: Record<string, number> };
    expect(g.type).toBe('zipf');
    expect(g.params.n).toBe(50);
    expect(Math.abs(g.params.s! - 1.1)).toBeLessThan(0.05);
  });
});

describe('fitNumeric chooses the family the sample came from (n = 5 000)', () => {
  const families: [DistName, Record<string, number>][] = [
    ['normal', { mean: 100, std: 15 }],
    ['lognormal', { mean: 4, sigma: 0.8 }],
    ['uniform', { low: 5, high: 45 }],
    ['exponential', { rate: 2 }],
    ['gamma', { shape: 4, scale: 1.5 }],
    ['beta', { a: 2, b: 5 }],
    ['weibull', { shape: 2.5, scale: 10 }],
    ['triangular', { low: 5, mode: 20, high: 25 }],
    ['pareto', { alpha: 1.5, scale: 1 }],
    ['poisson', { lambda: 3 }],
    ['poisson', { lambda: 750 }],
    ['negative_binomial', { mean: 120, dispersion_k: 2 }],
    ['geometric', { p: 0.2 }],
    ['zipf', { s: 1.8 }],
  ];
  it.each(families.map(([t, p]) => [`${t} ${JSON.stringify(p)}`, t, p] as const))('%s', (_, type, params) => {
    for (const seed of [11, 12, 13]) {
      const fit = fitNumeric(draw(type, params, 5000, seed), { integer: INTEGER.has(type) });
      expect(fit.evidence.family, `seed ${seed}: ${JSON.stringify(fit.evidence)}`).toBe(type);
    }
  });

  it('a float column with whole values is read as integers; an int column of a continuous family stays that family', () => {
    const rounded = draw('lognormal', { mean: 3, sigma: 1 }, 20_000, 5).map(Math.round);
    const fit = fitNumeric(rounded, { integer: true });
    expect(fit.evidence.family).toBe('lognormal');
    const p = (fit.generator.distribution as { params: Record<string, number> }).params;
    expect(Math.abs(p.mean! - 3)).toBeLessThan(0.03);
    expect(Math.abs(p.sigma! - 1)).toBeLessThan(0.03);
  });
});

describe('fitNumeric fallbacks', () => {
  // Two separated lumps: no single family is within the KS threshold.
  const mixture = Float64Array.from({ length: 20_000 }, (_, i) => {
    const v = draw('normal', { mean: 0, std: 1 }, 1, 100 + i)[0]!;
    return i % 2 ? 10 + v : 40 + 3 * v;
  });

  it('a mixture becomes empirical quantiles whose distribution is within the KS threshold of the sample', () => {
    const fit = fitNumeric(mixture, { integer: false });
    expect(fit.evidence.family).toBe('empirical');
    expect(fit.evidence.runnerUp!.ks!).toBeGreaterThan(ksThreshold(20_000));
    const e = fit.generator.empirical as { quantiles: number[]; probs?: number[] };
    const probs = e.probs ?? e.quantiles.map((_, i) => i / (e.quantiles.length - 1));
    expect(probs.length).toBe(e.quantiles.length);
    // Draw through the generator's own model and compare with the sample.
    const key = streamKey(9, 'emp');
    const twin = Float64Array.from({ length: 20_000 }, (_, i) => empiricalQuantile(e.quantiles, probs, (i + 0.5) / 20_000)).sort();
    const sorted = Float64Array.from(mixture).sort();
    expect(key).toBeTypeOf('number');
    const ecdf = (x: number) => {
      let lo = 0, hi = twin.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (twin[mid]! <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo / twin.length;
    };
    expect(ksContinuous(sorted, ecdf)).toBeLessThan(0.02);
    // No extreme value of the sample is written: the ends are midpoints of the two smallest / largest values.
    expect(e.quantiles[0]).toBeCloseTo((sorted[0]! + sorted[1]!) / 2, 4);
    expect(e.quantiles[e.quantiles.length - 1]).toBeCloseTo((sorted[19_998]! + sorted[19_999]!) / 2, 4);
  });

  it('an integer mixture: empirical quantiles of x + U(−½, ½), atoms with their own points, give each integer its share after rounding', () => {
    const values = Float64Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 50 + (i % 7) : 200 + (i % 100)));
    const fit = fitNumeric(values, { integer: true });
    expect(fit.evidence.family).toBe('empirical');
    const e = fit.generator.empirical as { quantiles: number[]; probs?: number[] };
    const probs = e.probs ?? e.quantiles.map((_, i) => i / (e.quantiles.length - 1));
    const m = 100_000;
    let zero = 0, fifty = 0;
    for (let i = 0; i < m; i++) {
      const v = Math.round(empiricalQuantile(e.quantiles, probs, (i + 0.5) / m));
      if (v === 0) zero++;
      if (v >= 50 && v <= 56) fifty++;
    }
    // Values held by ≥ 5 rows and 0.2 % of them are atoms with their own points: shares exact up to the grid of u.
    expect(Math.abs(zero / m - 1 / 3)).toBeLessThan(1e-4);
    expect(Math.abs(fifty / m - 1 / 3)).toBeLessThan(1e-4);
    expect(e.probs).toBeDefined();
  });

  it('few distinct values no family fits become a choice of the values held by ≥ 5 rows', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => (i < 3 ? 777 : [1, 2, 9, 10][i % 4]!));
    const fit = fitNumeric(values, { integer: true });
    expect(fit.evidence.family).toBe('choice');
    const c = fit.generator.choice as { choices: number[]; weights: number[] };
    expect([...c.choices].sort((a, b) => a - b)).toEqual([1, 2, 9, 10]);
    expect(c.choices).not.toContain(777);
  });

  it('a constant column: a literal only when ≥ minCount rows hold it', () => {
    expect(fitNumeric(Float64Array.of(5, 5, 5, 5, 5), { integer: true }).generator).toEqual({ choice: { choices: [5] } });
    expect(JSON.stringify(fitNumeric(Float64Array.of(8123, 8123), { integer: true }).generator)).not.toContain('8123');
  });

  it('ignores non-finite values and handles an empty sample', () => {
    const v = draw('normal', { mean: 0, std: 1 }, 2000, 3);
    v[5] = NaN;
    v[6] = Infinity;
    const fit = fitNumeric(v, { integer: false });
    expect(fit.evidence.n).toBe(1998);
    expect(fit.evidence.family).toBe('normal');
    expect(fitNumeric(new Float64Array(0), { integer: false }).evidence.n).toBe(0);
  });
});

describe('fitNumeric: clamped draws', () => {
  /** Draws of a family clamped as datagen's `clamp` does (then rounded for int columns). */
  function clamped(type: DistName, params: Record<string, number>, lo: number | null, hi: number | null, n: number, seed: number, integer: boolean): Float64Array {
    return draw(type, params, n, seed).map((x) => {
      const y = lo !== null && x < lo ? lo : hi !== null && x > hi ? hi : x;
      return integer ? Math.round(y) : y;
    });
  }

  it.each([
    ['normal, an int age clamped to [18, 60]', 'normal', { mean: 36, std: 11 }, 18, 60, true],
    ['lognormal clamped at both ends', 'lognormal', { mean: 3, sigma: 0.8 }, 8, 60, false],
    ['poisson clamped at 1', 'poisson', { lambda: 2.5 }, 1, null, true],
  ] as const)('%s: family, clamp and parameters recovered', (_, type, params, lo, hi, integer) => {
    const values = clamped(type as DistName, params, lo, hi, 20_000, 8, integer);
    const fit = fitNumeric(values, { integer });
    const g = fit.generator.distribution as { type: string; params: Record<string, number>; clamp?: [number | null, number | null] };
    expect(g.type, JSON.stringify(fit.evidence)).toBe(type);
    expect(g.clamp).toEqual([lo, hi]);
    for (const [k, v] of Object.entries(params)) expect(Math.abs(g.params[k]! - v) / Math.abs(v || 1), k).toBeLessThan(0.03);
    expect(fit.evidence.note).toMatch(/clamped to/);
  });

  it('an unclamped sample gets no clamp', () => {
    const g = fitNumeric(draw('gamma', { shape: 2, scale: 3 }, 20_000, 9), { integer: false }).generator.distribution as { clamp?: unknown };
    expect(g.clamp).toBeUndefined();
  });
});

describe('fitNumeric: precision and types', () => {
  it('parameters keep the digits the data need (values near 10^15)', () => {
    const v = Float64Array.from({ length: 3000 }, (_, i) => 1e15 + (i % 100));
    const g = fitNumeric(v, { integer: true }).generator.distribution as { type: string; params: Record<string, number> };
    expect(g.type).toBe('uniform');
    expect(g.params).toEqual({ low: 1e15 - 0.5, high: 1e15 + 99.5 });
  });

  it('a uniform: its ends are the unbiased estimates beyond the sample extremes, not its values', () => {
    const v = draw('uniform', { low: 2, high: 3 }, 1000, 6);
    const g = fitNumeric(v, { integer: false }).generator.distribution as { type: string; params: Record<string, number> };
    const sorted = Float64Array.from(v).sort();
    expect(g.type).toBe('uniform');
    expect(g.params.low).toBeLessThan(sorted[0]!);
    expect(g.params.high).toBeGreaterThan(sorted[999]!);
    expect(g.params.low).toBeCloseTo(sorted[0]! - (sorted[999]! - sorted[0]!) / 999, 5);
  });

  it('an "int" column whose values are not whole is fitted as real values', () => {
    const v = draw('normal', { mean: 0.5, std: 0.1 }, 5000, 4);
    const g = fitNumeric(v, { integer: true }).generator.distribution as { type: string; params: Record<string, number> };
    expect(g.type).toBe('normal');
    expect(Math.abs(g.params.mean! - 0.5)).toBeLessThan(0.01);
  });
});
