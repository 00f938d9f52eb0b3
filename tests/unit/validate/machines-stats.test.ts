/* The statistics behind the behaviour II checks: exact count judgements, count distributions, move probabilities, durations. */
import { describe, expect, it } from 'vitest';
import type { StateMachinePlan } from '../../../src/ir/types.ts';
import { restrictedMean, survival } from '../../../src/validate/behaviour/machines-lifecycle-stats.ts';
import { moveProbabilities } from '../../../src/validate/behaviour/machines-states.ts';
import { countPmf as pmfOrNull, pmfMoments } from '../../../src/validate/fanout-model.ts';
import { judgeCount } from '../../../src/validate/stats.ts';

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('judgeCount', () => {
  it('passes the expectation, fails an impossible count, fails a far one', () => {
    expect(judgeCount(30, 30, 100).status).toBe('pass');
    expect(judgeCount(1, 0, 100).status).toBe('fail');
    expect(judgeCount(60, 30, 100).status).toBe('fail');
    expect(judgeCount(2000, 1000).status).toBe('fail');
    expect(judgeCount(1000, 1000).status).toBe('pass');
  });

  it('does not raise false alarms on small, skewed binomial and Poisson cells (where 4 normal SEs would)', () => {
    const u = rng(7);
    let bad = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      let x = 0;
      for (let k = 0; k < 60; k++) if (u() < 0.01) x++;
      if (judgeCount(x, 0.6, 60).status !== 'pass') bad++;
      // Poisson(0.5) by inversion.
      let y = 0;
      let p = Math.exp(-0.5);
      let c = p;
      const v = u();
      while (v > c) {
        y++;
        p *= 0.5 / y;
        c += p;
      }
      if (judgeCount(y, 0.5).status !== 'pass') bad++;
    }
    expect(bad / trials).toBeLessThan(0.002);
    // The normal approximation would warn at 4 successes out of 60 with p = 0.01 (z ≈ 4.3); the exact tail does not fail it.
    expect(judgeCount(4, 0.6, 60).status).not.toBe('fail');
  });
});

describe('countPmf', () => {
  const countPmf = (...a: Parameters<typeof pmfOrNull>) => pmfOrNull(...a)!;
  it('poisson clamped to [min, max] keeps all mass inside', () => {
    const p = countPmf({ distribution: 'poisson', mean: 3.5, k: null, min: 1, max: 15 });
    expect(p.length).toBe(16);
    expect(p[0]).toBe(0);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[1]).toBeCloseTo(Math.exp(-3.5) * (1 + 3.5), 12);
  });

  it('uniform, fixed, geometric and negative binomial have the planned means', () => {
    expect(pmfMoments(countPmf({ distribution: 'uniform', mean: 1.5, k: null, min: 0, max: 3 })).mean).toBeCloseTo(1.5, 12);
    expect(pmfMoments(countPmf({ distribution: 'uniform', mean: 1.5, k: null, min: 0, max: 3 }, 1.2)).mean).toBeCloseTo(1.8, 12);
    const fixed = countPmf({ distribution: 'fixed', mean: 2.25, k: null, min: null, max: null });
    expect(fixed[2]).toBeCloseTo(0.75, 12);
    expect(fixed[3]).toBeCloseTo(0.25, 12);
    expect(pmfMoments(countPmf({ distribution: 'geometric', mean: 1.5, k: null, min: null, max: null })).mean).toBeCloseTo(1.5, 9);
    const nb = pmfMoments(countPmf({ distribution: 'negative_binomial', mean: 4, k: 2, min: null, max: null }));
    expect(nb.mean).toBeCloseTo(4, 9);
    expect(nb.variance).toBeCloseTo(4 + 16 / 2, 6);
  });
});

describe('moveProbabilities', () => {
  const m: StateMachinePlan = {
    emit: 'periods', states: ['trial', 'paid', 'churned'], initial: 0, leave: [1, 0.1, 0], next: [[0, 0.6, 0.4], [0, 0, 1], [0, 0, 0]], terminal: [false, false, true],
    periodUnit: 'month', startFrom: null, startMs: 0, endMs: 1, churn: { table: 'a', column: 'seg', multipliers: { low: 0.5, high: 2 } },
  };

  it('follows the engine: terminal hazard × multiplier, the unused hazard stays, an overflow shrinks the other moves', () => {
    moveProbabilities(m, 0, 1).forEach((x, j) => expect(x).toBeCloseTo([0, 0.6, 0.4][j], 12));
    const low = moveProbabilities(m, 0, 0.5);
    expect(low[2]).toBeCloseTo(0.2, 12);
    expect(low[1]).toBeCloseTo(0.6, 12);
    expect(low[0]).toBeCloseTo(0.2, 12);
    const high = moveProbabilities(m, 0, 2);
    expect(high[2]).toBeCloseTo(0.8, 12);
    expect(high[1]).toBeCloseTo(0.2, 12);
    expect(moveProbabilities(m, 1, 1)[1]).toBeCloseTo(0.9, 12);
    expect(moveProbabilities(m, 2, 1)).toEqual([0, 0, 0]);
  });
});

describe('stage durations', () => {
  const DAY = 86_400_000;
  const exp = { dist: 'exponential', params: { rate: 0.05 }, clamp: [null, null] as [number | null, number | null], unitMs: DAY };

  it('restricted mean of an exponential: (1 − e^(−λh)) / λ', () => {
    const h = 60 * DAY;
    expect(restrictedMean(exp, h) / DAY).toBeCloseTo((1 - Math.exp(-0.05 * 60)) / 0.05, 4);
  });

  it('a clamp bounds the survival', () => {
    const c = { ...exp, clamp: [2, 10] as [number | null, number | null] };
    expect(survival(c, 1.5 * DAY)).toBe(1);
    expect(survival(c, 10 * DAY)).toBe(0);
    expect(survival(c, 5 * DAY)).toBeCloseTo(Math.exp(-0.25), 12);
  });
});
