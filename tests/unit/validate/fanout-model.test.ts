/*
 * The shared fanout count model (src/validate/fanout-model.ts) against the engine's own draws (attribution's
 * CountDist, the same clamped / stochastically rounded draw as src/engine/fanout.ts), and its moments against
 * the closed forms the count checks rely on.
 */
import { describe, expect, it } from 'vitest';
import { CountDist } from '../../../src/model/attribution.ts';
import type { FanoutPlan } from '../../../src/ir/types.ts';
import { countPmf, fanoutModel, fanoutMoments, pmfMoments } from '../../../src/validate/fanout-model.ts';
import { binomialTail, tailZ } from '../../../src/validate/stats.ts';

const F = (distribution: FanoutPlan['distribution'], mean: number, o: Partial<FanoutPlan> = {}): FanoutPlan => ({ distribution, mean, k: null, min: null, max: null, ...o });

const models: [FanoutPlan, number][] = [
  [F('poisson', 3.5), 1],
  [F('poisson', 9, { min: 1, max: 6 }), 0.8],
  [F('negative_binomial', 4, { k: 1.5, max: 12 }), 1.3],
  [F('geometric', 2, { min: 2 }), 1],
  [F('uniform', 3, { min: 1, max: 5 }), 1.45],
  [F('fixed', 2.3), 1.2],
  [F('poisson', 0, { min: 2 }), 1],
];

describe('countPmf follows the engine', () => {
  it.each(models.map(([f, m], i) => [i, f, m] as const))('model %i: every count frequency of 40 000 engine draws is within its exact binomial band', (i, f, m) => {
    const pmf = countPmf(f, m)!;
    expect(pmf.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const d = new CountDist(f);
    const N = 40_000;
    const seen = new Map<number, number>();
    for (let r = 0; r < N; r++) {
      const c = d.draw(1234 + i, r, 0, m);
      seen.set(c, (seen.get(c) ?? 0) + 1);
    }
    for (const k of seen.keys()) expect(k < pmf.length && pmf[k] > 0, `count ${k} drawn, the pmf has no mass there`).toBe(true);
    for (let k = 0; k < pmf.length; k++) {
      const x = seen.get(k) ?? 0;
      const e = N * pmf[k];
      const z = x === e ? 0 : tailZ(binomialTail(x, N, pmf[k], x > e));
      expect(z, `count ${k}: ${x} drawn, ${e.toFixed(1)} expected`).toBeLessThan(5);
    }
  });
});

describe('moments', () => {
  it('the pmf of an unbounded count has the closed-form mean and variance (what fanoutMoments returns)', () => {
    for (const f of [F('poisson', 6.5), F('negative_binomial', 8, { k: 2 }), F('geometric', 3)]) {
      for (const m of [0.5, 1, 2.2]) {
        const a = pmfMoments(countPmf(f, m)!);
        const b = fanoutMoments(f, m)!;
        expect(a.mean).toBeCloseTo(b.mean, 9);
        expect(a.variance / b.variance).toBeCloseTo(1, 9);
      }
    }
  });

  it('bounded, uniform and fixed counts: fanoutMoments is the moments of the pmf', () => {
    for (const [f, m] of models.slice(1)) {
      const model = fanoutModel(f, m)!;
      expect(fanoutMoments(f, m)).toEqual({ mean: model.mean, variance: model.variance });
    }
    const u = fanoutModel(F('uniform', 5, { min: 2, max: 8 }))!;
    expect(u.mean).toBeCloseTo(5, 12);
    expect(u.variance).toBeCloseTo(4, 12);
    const fixed = fanoutModel(F('fixed', 2.25))!;
    expect([fixed.pmf[2], fixed.pmf[3], fixed.variance]).toEqual([0.75, 0.25, 0.1875]);
  });

  it('central moments of a poisson: μ3 = λ, μ4 = λ + 3λ²', () => {
    const m = fanoutModel(F('poisson', 12))!;
    expect(m.mu3).toBeCloseTo(12, 6);
    expect(m.mu4).toBeCloseTo(12 + 3 * 144, 5);
  });
});
