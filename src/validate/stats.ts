/**
 * Statistics for validation: tolerances come from the sample size (standard errors, confidence bands),
 * with a small model slack where the expectation is computed approximately (documented per check).
 */
import { betaI, gammaP, gammaQ, normalCdf } from '../model/dist/special.ts';
import { normalQuantilePrecise } from '../model/dist/normal-quantile.ts';
import type { CheckStatus } from './types.ts';

/** |z| up to PASS_Z passes; up to FAIL_Z warns; beyond fails (6 SE: no false alarm in millions of checks). */
export const PASS_Z = 4;
export const FAIL_Z = 6;

export interface Judgement { status: CheckStatus; tolerance: number; z: number }

/**
 * Compare one estimate with its expectation: pass when within PASS_Z·se + slack, fail beyond FAIL_Z·se + 2·slack.
 * `se` is the standard error of the observed estimate under the model.
 */
export function judge(observed: number, expected: number, se: number, slack = 0): Judgement {
  const d = Math.abs(observed - expected);
  if (!Number.isFinite(observed)) return { status: 'fail', tolerance: PASS_Z * se + slack, z: Infinity };
  const z = se > 0 ? (observed - expected) / se : d === 0 ? 0 : Infinity;
  const status: CheckStatus = d <= PASS_Z * se + slack ? 'pass' : d <= FAIL_Z * se + 2 * slack ? 'warn' : 'fail';
  return { status, tolerance: PASS_Z * se + slack, z };
}

/** Status of a z score: within PASS_Z passes, within FAIL_Z warns, beyond fails. */
export function zStatus(z: number): CheckStatus {
  const a = Math.abs(z);
  return a <= PASS_Z ? 'pass' : a <= FAIL_Z ? 'warn' : 'fail';
}

/** The z (≥ 0) of a one-sided tail probability: the normal quantile of it; 0 from 0.5 up, Infinity at 0. */
export function tailZ(tail: number): number {
  if (!(tail > 0)) return Infinity;
  if (tail >= 0.5) return 0;
  return -normalQuantilePrecise(tail);
}

/**
 * Exact binomial tail of X ~ Binomial(n, p): P(X ≥ k) when `upper`, else P(X ≤ k) (via the regularised
 * incomplete beta function, relative accuracy ~1e-14; k a count).
 */
export function binomialTail(k: number, n: number, p: number, upper: boolean): number {
  if (k > n) return upper ? 0 : 1;
  if (k < 0) return upper ? 1 : 0;
  if (upper) return k <= 0 ? 1 : p <= 0 ? 0 : p >= 1 ? 1 : betaI(k, n - k + 1, p);
  return k >= n ? 1 : p <= 0 ? 1 : p >= 1 ? 0 : betaI(n - k, k + 1, 1 - p);
}

/** Exact Poisson tail of X ~ Poisson(mean): P(X ≥ k) when `upper`, else P(X ≤ k) (incomplete gamma function). */
export function poissonTail(k: number, mean: number, upper: boolean): number {
  if (k < 0) return upper ? 1 : 0;
  if (mean <= 0) return upper ? (k <= 0 ? 1 : 0) : 1;
  return upper ? (k <= 0 ? 1 : gammaP(Math.ceil(k), mean)) : gammaQ(Math.floor(k) + 1, mean);
}

/**
 * Signed z of x successes in n draws against a share anywhere in [pLo, pHi] (a share band: the expected share
 * ± a model slack), from the exact binomial tail P(X ≥ x) or P(X ≤ x) at the nearer end of the band.
 */
export function binomialZ(x: number, n: number, pLo: number, pHi: number): number {
  if (n <= 0) return 0;
  const share = x / n;
  if (share > pHi) return pHi <= 0 ? Infinity : tailZ(binomialTail(x, n, pHi, true));
  if (share < pLo) return pLo >= 1 ? -Infinity : -tailZ(binomialTail(x, n, pLo, false));
  return 0;
}

/**
 * Is a count `obs` consistent with its expectation `exp`? Out of `trials` draws (a sum of binomials, judged as
 * one binomial with the pooled probability — its variance is at least the sum's, so the test is conservative),
 * or a Poisson count when `trials` is Infinity. z is the normal quantile of the one-sided exact tail
 * probability; `tolerance` is PASS_Z standard errors in the unit of the count.
 */
export function judgeCount(obs: number, exp: number, trials = Infinity): Judgement {
  const p = Number.isFinite(trials) && trials > 0 ? Math.min(1, Math.max(0, exp / trials)) : NaN;
  const se = Number.isFinite(trials) ? Math.sqrt(trials * p * (1 - p)) : Math.sqrt(Math.max(exp, 0));
  const tolerance = PASS_Z * se;
  if (!Number.isFinite(obs)) return { status: 'fail', tolerance, z: Infinity };
  if (obs === exp) return { status: 'pass', tolerance, z: 0 };
  const upper = obs > exp;
  const tail = Number.isFinite(trials) ? binomialTail(obs, trials, p, upper) : poissonTail(obs, exp, upper);
  const z = upper ? tailZ(tail) : -tailZ(tail);
  return { status: zStatus(z), tolerance, z };
}

/** Worst of several statuses. */
export function worst(statuses: CheckStatus[]): CheckStatus {
  return statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass';
}

/** Binomial standard error of a share p estimated from n draws. */
export function shareSE(p: number, n: number): number {
  return n > 0 ? Math.sqrt(Math.max(p * (1 - p), 0) / n) : Infinity;
}

export function normalise(w: number[]): number[] {
  const s = w.reduce((a, b) => a + b, 0);
  return s > 0 ? w.map((x) => x / s) : w.map(() => 0);
}

export interface SharesJudgement {
  status: CheckStatus;
  /** Observed shares (counts normalised). */
  observed: number[];
  /** Largest |observed − expected| share and its allowed value (PASS_Z binomial SEs of that bucket + slack). */
  maxDeviation: number;
  tolerance: number;
  /** Pearson chi-square, its degrees of freedom and the Wilson–Hilferty z of it. */
  chi2: number;
  df: number;
  z: number;
}

/**
 * Do bucket counts follow expected shares? Each bucket's share is judged with its binomial SE (so the test
 * reacts to a shifted pattern even when every bucket is only slightly off), and the chi-square statistic is
 * reported. The worst bucket decides: the status of `judge` on it.
 */
export function judgeShares(counts: number[], expectedShares: number[], slack = 0): SharesJudgement {
  const n = counts.reduce((a, b) => a + b, 0);
  const exp = normalise(expectedShares);
  const obs = counts.map((c) => (n > 0 ? c / n : 0));
  let chi2 = 0;
  let df = -1;
  let status: CheckStatus = 'pass';
  let maxDeviation = 0;
  let tolerance = 0;
  let worstScore = -Infinity;
  for (let i = 0; i < counts.length; i++) {
    const e = exp[i] * n;
    if (e > 0) {
      chi2 += (counts[i] - e) ** 2 / e;
      df++;
    }
    const se = shareSE(exp[i], n);
    const j = judge(obs[i], exp[i], se, slack);
    const score = Math.abs(obs[i] - exp[i]) / (PASS_Z * se + slack || 1e-12);
    if (score > worstScore) {
      worstScore = score;
      maxDeviation = Math.abs(obs[i] - exp[i]);
      tolerance = j.tolerance;
    }
    status = worst([status, j.status]);
  }
  df = Math.max(df, 1);
  return { status, observed: obs, maxDeviation, tolerance, chi2, df, z: wilsonHilferty(chi2, df) };
}

/** z of a chi-square statistic (Wilson–Hilferty cube-root approximation). */
export function wilsonHilferty(chi2: number, df: number): number {
  const c = 2 / (9 * df);
  return (Math.cbrt(chi2 / df) - (1 - c)) / Math.sqrt(c);
}

/** A share as percent text for messages (`12.34 %`). */
export function pct(x: number, digits = 2): string {
  return `${(x * 100).toFixed(digits)} %`;
}

/** Round for reports: a few significant digits, stable text. */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const p = Math.pow(10, digits - Math.ceil(Math.log10(Math.abs(x))));
  return Math.round(x * p) / p;
}

/**
 * A z for a message: `z 2.1` within PASS_Z; beyond it also the one-sided tail probability of a deviation at least
 * that large (`z 7.3, tail probability 1.4e-13`), and for a deviation too far out for any z (an exact tail that
 * underflowed, or an observation where the model allows none) `tail probability < 1e-300` instead of z Infinity.
 */
export function zText(z: number): string {
  if (Number.isNaN(z)) return 'z not computable';
  if (!Number.isFinite(z)) return 'tail probability < 1e-300: impossible under the model';
  const a = Math.abs(z);
  if (a <= PASS_Z) return `z ${round(z, 3)}`;
  const tail = normalCdf(-a);
  return `z ${round(z, 3)}, tail probability ${tail > 0 ? tail.toExponential(1) : '< 1e-300'}`;
}
