/**
 * Statistics of the behaviour II checks. Counts are judged by their exact tail probability (binomial for a
 * count out of n trials, Poisson for events over an exposure) turned into a z, so small cells — a rare
 * transition, a touch count few journeys have — do not raise false alarms the normal approximation would.
 * Also: the probability mass function of a count in the fanout form (journeys per parent, touches per journey).
 */
import type { FanoutPlan } from '../../plan/types.ts';
import { distPmf } from '../../engine/dist/cdf.ts';
import { normalQuantile } from '../../engine/dist/normal-quantile.ts';
import { betaI, gammaP, gammaQ } from '../../engine/dist/special.ts';
import { FAIL_Z, PASS_Z, type Judgement } from '../stats.ts';
import type { CheckStatus } from '../types.ts';

/**
 * Is a count `obs` consistent with its expectation `exp`? Out of `trials` draws (a sum of binomials, judged as
 * one binomial with the pooled probability — its variance is at least the sum's, so the test is conservative),
 * or a Poisson count when `trials` is Infinity. z is the normal quantile of the one-sided tail probability.
 * `tolerance` is PASS_Z standard errors in the unit of the count.
 */
export function judgeCount(obs: number, exp: number, trials = Infinity): Judgement {
  const p = Number.isFinite(trials) && trials > 0 ? Math.min(1, Math.max(0, exp / trials)) : NaN;
  const se = Number.isFinite(trials) ? Math.sqrt(trials * p * (1 - p)) : Math.sqrt(Math.max(exp, 0));
  const tolerance = PASS_Z * se;
  if (!Number.isFinite(obs)) return { status: 'fail', tolerance, z: Infinity };
  if (obs === exp) return { status: 'pass', tolerance, z: 0 };
  const tail = Number.isFinite(trials) ? binomialTail(obs, trials, p) : poissonTail(obs, exp);
  const z0 = tail >= 0.5 ? 0 : tail <= 0 ? Infinity : -normalQuantile(tail);
  const z = obs > exp ? z0 : -z0;
  return { status: zStatus(z), tolerance, z };
}

export function zStatus(z: number): CheckStatus {
  const a = Math.abs(z);
  return a <= PASS_Z ? 'pass' : a <= FAIL_Z ? 'warn' : 'fail';
}

/** P(X ≥ k) when k is above the mean, P(X ≤ k) when below (X binomial(n, p)). */
function binomialTail(k: number, n: number, p: number): number {
  if (k > n || k < 0) return 0;
  if (k > n * p) return k <= 0 ? 1 : p === 0 ? 0 : p === 1 ? 1 : betaI(k, n - k + 1, p);
  return k >= n ? 1 : p === 0 ? 1 : p === 1 ? 0 : betaI(n - k, k + 1, 1 - p);
}

/** P(X ≥ k) when k is above the mean, P(X ≤ k) when below (X Poisson(mean)). */
function poissonTail(k: number, mean: number): number {
  if (k < 0) return 0;
  if (mean <= 0) return k === 0 ? 1 : 0;
  return k > mean ? (k <= 0 ? 1 : gammaP(Math.ceil(k), mean)) : gammaQ(Math.floor(k) + 1, mean);
}

/**
 * P(count = k), k = 0 … K, of a count in the fanout form scaled by m, as the engine draws it (attribution's
 * CountDist): poisson / negative_binomial / geometric of mean × m clamped to [min, max]; uniform: an integer in
 * [min, max] × m, stochastically rounded; fixed: mean × m, stochastically rounded.
 */
export function countPmf(f: FanoutPlan, m = 1): number[] {
  const lo = f.min ?? 0;
  const hi = f.max ?? Infinity;
  const out: number[] = [];
  const add = (k: number, w: number) => {
    while (out.length <= k) out.push(0);
    out[k] += w;
  };
  const rounded = (x: number, w: number) => {
    const fl = Math.floor(x);
    add(fl, w * (1 - (x - fl)));
    if (x > fl) add(fl + 1, w * (x - fl));
  };
  if (f.distribution === 'uniform') {
    const top = Number.isFinite(hi) ? hi : lo;
    for (let v = lo; v <= top; v++) rounded(v * m, 1 / (top - lo + 1));
    return out;
  }
  if (f.distribution === 'fixed') {
    rounded(f.mean * m, 1);
    return out;
  }
  if (!(f.mean * m > 0)) {
    add(Math.min(hi, Math.max(lo, 0)), 1);
    return out;
  }
  const mean = f.mean * m;
  const type = f.distribution === 'poisson' ? 'poisson' : f.distribution === 'negative_binomial' ? 'negative_binomial' : 'geometric';
  const params: Record<string, number> = type === 'poisson' ? { lambda: mean } : type === 'negative_binomial' ? { mean, dispersion_k: f.k ?? 1 } : { p: 1 / (1 + mean) };
  let acc = 0;
  for (let k = 0; acc < 1 - 1e-13 && k < 1_000_000; k++) {
    const w = distPmf(type, params, k);
    acc += w;
    add(Math.min(hi, Math.max(lo, k)), w);
    if (k >= hi) break;
  }
  if (acc < 1) add(Math.min(hi, Math.max(lo, out.length - 1)), 1 - acc);
  return out;
}

/** Mean and variance of a pmf. */
export function pmfMoments(pmf: number[]): { mean: number; variance: number } {
  let mean = 0;
  let m2 = 0;
  pmf.forEach((w, k) => {
    mean += w * k;
    m2 += w * k * k;
  });
  return { mean, variance: Math.max(0, m2 - mean * mean) };
}

export function round3(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}
