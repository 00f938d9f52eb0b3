/**
 * The exact distribution of a count in the fanout form (children per parent, journeys per parent, touches per
 * journey), as src/engine/fanout.ts and attribution's CountDist draw it: poisson / negative_binomial / geometric
 * counts with mean λ·m, then bounded to [min, max] (mass beyond a bound piles up on it — the engine clamps, it
 * does not redraw); uniform: min + ⌊u·(max − min + 1)⌋, × m and stochastically rounded (no clamp); fixed:
 * value·m stochastically rounded (no clamp); categorical: each value with its weight, × m stochastically rounded
 * (src/model/categorical-count.ts). `m` is the behaviour factor of the parent (1 without one).
 */
import { distPmf } from '../model/dist/cdf.ts';
import type { FanoutPlan } from '../ir/types.ts';
import { categoricalMass } from '../model/categorical-count.ts';

export interface Moments { mean: number; variance: number }

export interface CountModel extends Moments {
  /** P(count = k) for k = 0 … pmf.length − 1. */
  pmf: Float64Array;
  /** Third and fourth central moments. */
  mu3: number;
  mu4: number;
}

/** Largest pmf tabulated (a count model wider than this is not modelled). */
const MAX_SUPPORT = 5_000_000;

/** P(count = k) of `f` with the expected count scaled by `m`, or null when it cannot be tabulated. */
export function countPmf(f: FanoutPlan, m = 1): Float64Array | null {
  if (f.distribution === 'schedule') return null; // a calendar's counts: src/validate/behaviour/schedules.ts
  const lo = f.min ?? 0;
  const hi = f.max ?? Infinity;
  const mass = new Map<number, number>();
  const add = (k: number, p: number) => {
    if (p > 0) mass.set(k, (mass.get(k) ?? 0) + p);
  };
  const rounded = (x: number, p: number) => {
    const fl = Math.floor(x);
    add(fl, p * (1 - (x - fl)));
    add(fl + 1, p * (x - fl));
  };
  if (f.distribution === 'uniform') {
    if (!Number.isFinite(hi)) return null;
    const span = hi - lo + 1;
    const values = Math.ceil(span);
    if (!(values >= 1) || values > MAX_SUPPORT) return null;
    for (let j = 0; j < values; j++) rounded((lo + j) * m, Math.min(1, (j + 1) / span) - j / span);
  } else if (f.distribution === 'fixed') {
    rounded(f.mean * m, 1);
  } else if (f.distribution === 'categorical') {
    for (const [k, p] of categoricalMass(f, m)) add(k, p);
  } else {
    const mean = f.mean * m;
    if (!(mean > 0)) {
      add(Math.min(hi, Math.max(lo, 0)), 1);
    } else {
      const params: Record<string, number> = f.distribution === 'poisson' ? { lambda: mean } : f.distribution === 'negative_binomial' ? { mean, dispersion_k: f.k ?? 1 } : { p: 1 / (1 + mean) };
      const variance = unboundedVariance(f, mean);
      let cum = 0;
      let below = 0;
      const limit = Math.min(hi, MAX_SUPPORT);
      let k = 0;
      for (; k < limit; k++) {
        const p = distPmf(f.distribution, params, k);
        cum += p;
        if (k <= lo) below += p;
        else add(k, p);
        // Stop once the remaining upper tail is negligible (and we are past the bulk).
        if (k > mean + 10 * Math.sqrt(variance) + 20 && 1 - cum < 1e-13) break;
      }
      if (k >= MAX_SUPPORT && hi > MAX_SUPPORT) return null;
      add(Math.min(hi, Math.max(lo, 0)), below);
      if (hi < Infinity && k >= limit) add(hi, Math.max(0, 1 - cum));
    }
  }
  let top = 0;
  for (const k of mass.keys()) top = Math.max(top, k);
  const pmf = new Float64Array(top + 1);
  for (const [k, p] of mass) pmf[k] += p;
  const total = pmf.reduce((a, b) => a + b, 0);
  for (let k = 0; k < pmf.length; k++) pmf[k] /= total;
  return pmf;
}

/** Mean, variance and third and fourth central moments of a pmf over 0 … K. */
export function pmfMoments(pmf: ArrayLike<number>): Omit<CountModel, 'pmf'> {
  let mean = 0;
  for (let k = 0; k < pmf.length; k++) mean += k * pmf[k];
  let variance = 0;
  let mu3 = 0;
  let mu4 = 0;
  for (let k = 0; k < pmf.length; k++) {
    const d = k - mean;
    const d2 = d * d;
    variance += d2 * pmf[k];
    mu3 += d2 * d * pmf[k];
    mu4 += d2 * d2 * pmf[k];
  }
  return { mean, variance, mu3, mu4 };
}

/** The count model of `f` with the expected count scaled by `m` (pmf and moments), or null when it cannot be tabulated. */
export function fanoutModel(f: FanoutPlan, m = 1): CountModel | null {
  const pmf = countPmf(f, m);
  return pmf ? { pmf, ...pmfMoments(pmf) } : null;
}

/**
 * Mean and variance of the count with factor m: closed forms for the unbounded poisson / negative_binomial /
 * geometric counts (no pmf to tabulate, however large the mean), else the moments of `countPmf`.
 */
export function fanoutMoments(f: FanoutPlan, m = 1): Moments | null {
  const mean = f.mean * m;
  if (f.distribution !== 'uniform' && f.distribution !== 'fixed' && f.distribution !== 'categorical' && f.distribution !== 'schedule' && mean > 0 && (f.min ?? 0) <= 0 && f.max === null) return { mean, variance: unboundedVariance(f, mean) };
  const model = fanoutModel(f, m);
  return model ? { mean: model.mean, variance: model.variance } : null;
}

function unboundedVariance(f: FanoutPlan, mean: number): number {
  return f.distribution === 'poisson' ? mean : f.distribution === 'negative_binomial' ? mean + (mean * mean) / (f.k ?? 1) : mean * (1 + mean);
}

/**
 * Standard error of the index of dispersion D = s²/x̄ over n parents (delta method with the model's central
 * moments): Var(s²) = (μ4 − σ⁴(n−3)/(n−1))/n, Var(x̄) = σ²/n, Cov(x̄, s²) = μ3/n.
 */
export function dispersionSE(m: CountModel, n: number): number {
  const { mean: mu, variance: s2, mu3, mu4 } = m;
  const vs2 = (mu4 - (s2 * s2 * (n - 3)) / (n - 1)) / n;
  const v = vs2 / (mu * mu) - (2 * s2 * (mu3 / n)) / mu ** 3 + (s2 * s2 * (s2 / n)) / mu ** 4;
  return Math.sqrt(Math.max(v, 0));
}
