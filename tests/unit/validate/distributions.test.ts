/*
 * The models behind the distribution checks: the fanout count pmf as src/engine/fanout.ts draws it (clamped,
 * stochastically rounded), calendar bucket shares with the grid-count correction and time_jitter (against a
 * Monte Carlo of the engine's own sampler and jitter), and the exact-tail share judgement.
 */
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../src/model/distributions.ts';
import { distCdf } from '../../../src/model/dist/cdf.ts';
import { uniform } from '../../../src/model/rng.ts';
import { GridSampler, TimeGrid } from '../../../src/model/time-grid.ts';
import { dispersionSE, fanoutModel } from '../../../src/validate/fanout-model.ts';
import { judgeCounts, judgeCurve, tToZ } from '../../../src/validate/behaviour/distributions-stats.ts';
import { binomialZ } from '../../../src/validate/stats.ts';
import { bucketOf, expectedBuckets } from '../../../src/validate/behaviour/distributions-time.ts';

const ms = (s: string) => Date.parse(s);

describe('fanoutModel', () => {
  it('poisson without bounds: mean and variance λ', () => {
    const m = fanoutModel({ distribution: 'poisson', mean: 12, k: null, min: null, max: null })!;
    expect(m.mean).toBeCloseTo(12, 9);
    expect(m.variance).toBeCloseTo(12, 8);
    expect(m.mu3).toBeCloseTo(12, 6);
    expect(m.mu4).toBeCloseTo(12 + 3 * 144, 5);
  });

  it('bounds pile the clamped mass on min and max (the engine clamps, it does not redraw)', () => {
    const m = fanoutModel({ distribution: 'poisson', mean: 3, k: null, min: 1, max: 5 })!;
    expect(m.pmf.length).toBe(6);
    expect(m.pmf[0]).toBe(0);
    expect(m.pmf[1]).toBeCloseTo(distCdf('poisson', { lambda: 3 }, 1), 12);
    expect(m.pmf[5]).toBeCloseTo(1 - distCdf('poisson', { lambda: 3 }, 4), 12);
  });

  it('negative binomial, geometric, uniform and fixed', () => {
    const nb = fanoutModel({ distribution: 'negative_binomial', mean: 10, k: 3, min: null, max: null })!;
    expect(nb.mean).toBeCloseTo(10, 7);
    expect(nb.variance).toBeCloseTo(10 + 100 / 3, 5);
    const geo = fanoutModel({ distribution: 'geometric', mean: 3, k: null, min: null, max: null })!;
    expect(geo.variance).toBeCloseTo(12, 6);
    const uni = fanoutModel({ distribution: 'uniform', mean: 5, k: null, min: 2, max: 8 })!;
    expect(uni.mean).toBeCloseTo(5, 12);
    expect(uni.variance).toBeCloseTo((7 * 7 - 1) / 12, 12);
    const fixed = fanoutModel({ distribution: 'fixed', mean: 2.5, k: null, min: null, max: null })!;
    expect(fixed.mean).toBeCloseTo(2.5, 12);
    expect(fixed.variance).toBeCloseTo(0.25, 12);
    // A constant effect factor scales the expected count before the draw; × 1.5 on uniform[2, 8] rounds stochastically.
    const scaled = fanoutModel({ distribution: 'uniform', mean: 5, k: null, min: 2, max: 8 }, 1.5)!;
    expect(scaled.mean).toBeCloseTo(7.5, 12);
  });

  it('a zero mean gives min', () => {
    const m = fanoutModel({ distribution: 'poisson', mean: 0, k: null, min: 2, max: null })!;
    expect(m.mean).toBe(2);
    expect(m.variance).toBe(0);
  });

  it('dispersion SE of poisson counts is about √(2/n)', () => {
    const m = fanoutModel({ distribution: 'poisson', mean: 50, k: null, min: null, max: null })!;
    expect(dispersionSE(m, 10_000)).toBeCloseTo(Math.sqrt(2 / 10_000), 3);
  });
});

describe('expectedBuckets', () => {
  it('counts grid slots: a 46-day window from a Monday has 7 Mondays…Thursdays and 6 of the other days', () => {
    const e = expectedBuckets({ startMs: ms('2024-01-01T00:00:00Z'), endMs: ms('2024-02-15T23:59:59Z'), freq: 'H', patterns: [{ dimension: 'dow', weights: [1, 1, 1, 1, 1, 1, 1] }] }, null, 0, ['dow', 'month'])!;
    expect(e.dow).toEqual([168, 168, 168, 168, 144, 144, 144]);
    expect(e.month).toEqual([744, 360, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('marginalises combined patterns over the grid (hour × dow)', () => {
    const hour = Array.from({ length: 24 }, (_, h) => (h < 12 ? 1 : 3));
    const e = expectedBuckets({ startMs: ms('2024-01-01T00:00:00Z'), endMs: ms('2024-01-07T23:00:00Z'), freq: 'H', patterns: [{ dimension: 'hour', weights: hour }, { dimension: 'dow', weights: [1, 1, 1, 1, 1, 2, 2] }] }, null, 0, ['hour', 'dow'])!;
    expect(e.dow).toEqual([48, 48, 48, 48, 48, 96, 96]);
    expect(e.hour[0]).toBe(9);
    expect(e.hour[23]).toBe(27);
  });

  it('weekly points are Sundays, monthly points month ends', () => {
    const w = expectedBuckets({ startMs: ms('2024-01-01T00:00:00Z'), endMs: ms('2024-03-31T00:00:00Z'), freq: 'W', patterns: [{ dimension: 'dow', weights: [5, 1, 1, 1, 1, 1, 1] }] }, null, 0, ['dow'])!;
    expect(w.dow.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    const m = expectedBuckets({ startMs: ms('2024-01-01T00:00:00Z'), endMs: ms('2024-12-31T00:00:00Z'), freq: 'M', patterns: [{ dimension: 'dow', weights: [1, 1, 1, 1, 1, 0, 0] }] }, null, 0, ['month'])!;
    // Month ends on a weekend weigh 0: 2024-03-31 and 2024-06-30 are Sundays, 2024-08-31 and 2024-11-30 Saturdays.
    expect(m.month).toEqual([1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1]);
  });

  it('time_jitter: matches a Monte Carlo of the engine sampler with its jitter (rounded to the second)', () => {
    const g = { startMs: ms('2025-01-01T00:00:00Z'), endMs: ms('2025-03-31T23:59:59Z'), freq: 'H' as const, patterns: [{ dimension: 'hour' as const, weights: Array.from({ length: 24 }, (_, h) => (h === 9 ? 20 : h >= 8 && h <= 18 ? 2 : 0.1)) }, { dimension: 'dow' as const, weights: [1, 1, 1, 1, 1, 0.2, 0.1] }] };
    const std = 25 * 60_000;
    const e = expectedBuckets(g, null, std, ['hour', 'dow'])!;
    const total = e.hour.reduce((a, b) => a + b, 0);
    const sampler = new GridSampler(new TimeGrid(g.startMs, g.endMs, g.freq), g.patterns);
    const N = 400_000;
    const hours = new Array(24).fill(0);
    for (let i = 0; i < N; i++) {
      const t = sampler.sample(uniform(77, i, 0)) + Math.round((std * normalQuantile(uniform(78, i, 0))) / 1000) * 1000;
      hours[bucketOf(t, 'hour')]++;
    }
    const j = judgeCounts(hours, e.hour.map((x) => x / total));
    expect(j.status, JSON.stringify({ z: j.z, at: j.worstBucket })).toBe('pass');
    // Without the jitter model the same sample fails: half of 9 h's mass moves to 8 h.
    const plain = expectedBuckets(g, null, 0, ['hour'])!;
    expect(judgeCounts(hours, plain.hour).status).toBe('fail');
  });

  it('effects weight the grid', () => {
    const start = ms('2024-01-01T00:00:00Z');
    const e = expectedBuckets({ startMs: start, endMs: ms('2024-02-29T23:00:00Z'), freq: 'H', patterns: [{ dimension: 'hour', weights: new Array(24).fill(1) }] }, (t) => (t >= ms('2024-02-01T00:00:00Z') ? 3 : 1), 0, ['month'])!;
    expect(e.month.slice(0, 2)).toEqual([744, 3 * 696]);
  });
});

describe('share and curve judgements', () => {
  it('binomialZ uses the exact tail and the slack band', () => {
    expect(binomialZ(500, 1000, 0.5, 0.5)).toBe(0);
    expect(Math.abs(binomialZ(560, 1000, 0.5, 0.5) - 3.8)).toBeLessThan(0.15);
    expect(binomialZ(560, 1000, 0.45, 0.56)).toBe(0);
    expect(binomialZ(1, 1000, 0, 0)).toBe(Infinity);
    // 10 of 100 at p = 0.03: the normal band would say 4.1 SE, the exact tail ~3.4.
    expect(binomialZ(10, 100, 0.03, 0.03)).toBeLessThan(3.6);
  });

  it('an unexpected value fails judgeCounts', () => {
    expect(judgeCounts([500, 499, 1], [0.5, 0.5, 0]).status).toBe('fail');
    expect(judgeCounts([500, 500], [0.5, 0.5]).status).toBe('pass');
  });

  it('t statistics of few rows are judged at the normal z of the same tail', () => {
    expect(tToZ(4, 10)).toBeLessThan(3.1);
    expect(tToZ(4, 1e6)).toBeCloseTo(4, 3);
    expect(tToZ(-5, 30)).toBeLessThan(-3.9);
  });

  it('judgeCurve fits the scale of the declared shape', () => {
    const exp = [0.8, 0.9, 1, 1.1, 1.2];
    const se = exp.map(() => 0.01);
    const flat = judgeCurve([1, 1, 1, 1, 1], exp, se, se.map(() => 0));
    expect(flat.beta).toBeCloseTo(0, 12);
    expect(flat.status).toBe('fail');
    const ok = judgeCurve([0.805, 0.9, 0.995, 1.1, 1.2], exp, se, se.map(() => 0));
    expect(ok.beta).toBeCloseTo(1, 1);
    expect(ok.status).toBe('pass');
  });
});
