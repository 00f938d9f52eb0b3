import { describe, expect, it } from 'vitest';
import { AdoptionCurve } from '../../../src/model/adoption.ts';
import { conversionProbability, CountDist } from '../../../src/model/attribution.ts';
import type { AttributionPlan } from '../../../src/ir/types.ts';

const DAY = 86_400_000;
const GROUPS = [
  { name: 'innovators', share: 0.025, days: 7 }, { name: 'early_adopters', share: 0.135, days: 30 }, { name: 'early_majority', share: 0.34, days: 90 },
  { name: 'late_majority', share: 0.34, days: 180 }, { name: 'laggards', share: 0.16, days: 365 },
];

describe('AdoptionCurve (diffusion groups)', () => {
  const curve = new AdoptionCurve({ kind: 'groups', groups: GROUPS }, 1000);

  it('passes through every milestone exactly and is monotone', () => {
    let cum = 0;
    for (const g of GROUPS) expect(curve.cdf(g.days)).toBeCloseTo((cum += g.share), 12);
    let prev = 0;
    for (let d = 0; d <= 400; d += 0.25) {
      const f = curve.cdf(d);
      expect(f).toBeGreaterThanOrEqual(prev - 1e-12);
      prev = f;
    }
  });

  it('is S-shaped: the density rises to its peak, then falls (interpolation wiggles below 5 %)', () => {
    const density = Array.from({ length: 73 }, (_, k) => curve.cdf(5 * k + 5) - curve.cdf(5 * k));
    const peak = density.indexOf(Math.max(...density));
    expect(peak).toBeGreaterThan(0);
    for (let k = 1; k <= peak; k++) expect(density[k]).toBeGreaterThan(density[k - 1]);
    for (let k = peak + 1; k < density.length; k++) expect(density[k]).toBeLessThanOrEqual(density[k - 1] * 1.05);
    expect(density[0]).toBeLessThan(density[peak] * 0.6);
    expect(density[72]).toBeLessThan(density[peak] * 0.01);
  });

  it('inverts its CDF, names the group and never adopts above the share', () => {
    for (const u of [0.001, 0.02, 0.16, 0.4, 0.7, 0.95, 0.999]) {
      const { days, group } = curve.inverse(u);
      expect(curve.cdf(days)).toBeCloseTo(u, 6);
      const cum = GROUPS.slice(0, group + 1).reduce((a, g) => a + g.share, 0);
      expect(u).toBeLessThan(cum + 1e-12);
      expect(u).toBeGreaterThanOrEqual(cum - GROUPS[group].share - 1e-12);
    }
    const partial = new AdoptionCurve({ kind: 'groups', groups: GROUPS.slice(0, 3) }, 1000);
    expect(partial.share).toBeCloseTo(0.5, 12);
    expect(Number.isNaN(partial.inverse(0.6).days)).toBe(true);
  });
});

describe('AdoptionCurve (Bass)', () => {
  const bass = { kind: 'bass' as const, p: 0.01, q: 0.3, unitMs: 7 * DAY, marketSize: 600 };

  it('follows the closed-form Bass CDF scaled by the market share (× scale)', () => {
    const c = new AdoptionCurve(bass, 1000);
    expect(c.share).toBe(0.6);
    expect(new AdoptionCurve(bass, 500, 0.5).share).toBe(0.6);
    expect(new AdoptionCurve({ ...bass, marketSize: null }, 1000).share).toBe(1);
    const t = 10;
    const e = Math.exp(-(0.31) * t);
    expect(c.cdf(t * 7)).toBeCloseTo((0.6 * (1 - e)) / (1 + 30 * e), 12);
  });

  it('inverts the CDF', () => {
    const c = new AdoptionCurve(bass, 1000);
    for (const u of [0.01, 0.2, 0.45, 0.59]) expect(c.cdf(c.inverse(u).days)).toBeCloseTo(u, 9);
    expect(Number.isNaN(c.inverse(0.6).days)).toBe(true);
  });
});

describe('attribution', () => {
  const a = { base: 0.05, multiplier: 1.4, saturation: 6 } as AttributionPlan;

  it('conversion probability rises per touch, saturates and is capped at 1', () => {
    expect(conversionProbability(a, 0)).toBe(0);
    expect(conversionProbability(a, 1)).toBeCloseTo(0.05, 12);
    expect(conversionProbability(a, 3)).toBeCloseTo(0.05 * 1.4 ** 2, 12);
    expect(conversionProbability(a, 6)).toBe(conversionProbability(a, 20));
    expect(conversionProbability({ ...a, saturation: null }, 20)).toBe(1);
    expect(conversionProbability(a, 2, 1.5)).toBeCloseTo(0.05 * 1.4 * 1.5, 12);
  });

  it('count draws follow the fanout form (mean, min/max)', () => {
    const d = new CountDist({ distribution: 'poisson', mean: 3, k: null, min: 1, max: 5 });
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = d.draw(7, i, 0);
      expect(x).toBeGreaterThanOrEqual(1);
      expect(x).toBeLessThanOrEqual(5);
      sum += x;
    }
    expect(Math.abs(sum / 20_000 - 2.93)).toBeLessThan(0.05);
    const fixed = new CountDist({ distribution: 'fixed', mean: 2, k: null, min: null, max: null });
    expect(fixed.draw(7, 1, 0, 1.5) === 3 || fixed.draw(7, 1, 0, 1.5) === 2).toBe(true);
  });
});
