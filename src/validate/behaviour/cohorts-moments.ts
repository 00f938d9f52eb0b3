/**
 * Moments the cohort checks need from the spec's models: the exact mean of an int column drawn from a discrete
 * distribution, multiplied and rounded half-to-even (src/engine/cast.ts). (Children counts: ../fanout-model.ts.)
 */
import { distPmf, isDiscrete, type DistName } from '../../model/distributions.ts';
import { roundHalfEven } from '../../model/rounding.ts';
import type { Moments } from '../fanout-model.ts';

/**
 * E and Var of g(min(hi, max(lo, X))) for a discrete X (pmf summed until the remaining mass is below 1e-14 or
 * hi is reached: beyond hi every value is g(hi)).
 */
function clampedMoments(type: DistName, params: Record<string, number>, lo: number, hi: number, g: (x: number) => number): Moments | null {
  let cdf = 0;
  let s1 = 0;
  let s2 = 0;
  const limit = 2_000_000;
  for (let x = 0; x < limit; x++) {
    if (x >= hi) {
      const rest = Math.max(0, 1 - cdf);
      const v = g(hi);
      s1 += rest * v;
      s2 += rest * v * v;
      cdf = 1;
      break;
    }
    const p = distPmf(type, params, x);
    if (!Number.isFinite(p)) return null;
    const v = g(Math.max(lo, x));
    s1 += p * v;
    s2 += p * v * v;
    cdf += p;
    // Past the bulk (the summed pmf may never reach 1 − 1e-14 in floating point): stop once terms are negligible.
    if (x > 10 && (1 - cdf < 1e-14 || (cdf > 1 - 1e-9 && p < 1e-18))) break;
  }
  if (!(cdf > 1 - 1e-9)) return null;
  return { mean: s1, variance: Math.max(0, s2 - s1 * s1) };
}

/**
 * Mean of an int column whose value is round_half_even(clamp_T(m · clamp_P(X))) for a discrete distribution X with
 * numeric parameters (P: the generator's clamp and clamp modifiers before the multiplier, in order; T: the clamps
 * after it): the exact expectation, or null when not modelled.
 */
export function roundedMean(dist: string, params: Record<string, number | string>, pre: { min: number | null; max: number | null }[], m: number, trailing: { min: number | null; max: number | null }[]): number | null {
  if (!isDiscrete(dist as DistName) || Object.values(params).some((v) => typeof v !== 'number')) return null;
  const clamp = (v: number, cs: { min: number | null; max: number | null }[]) => {
    for (const c of cs) {
      if (c.min !== null && v < c.min) v = c.min;
      if (c.max !== null && v > c.max) v = c.max;
    }
    return v;
  };
  const g = (x: number) => roundHalfEven(clamp(m * clamp(x, pre), trailing));
  const r = clampedMoments(dist as DistName, params as Record<string, number>, -Infinity, Infinity, g);
  return r ? r.mean : null;
}
