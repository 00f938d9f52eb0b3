/**
 * Statistics private to the distribution checks: bucket shares judged with the exact binomial tail (small
 * expected counts are skewed, so the normal band of `judgeShares` would warn by chance too often), and
 * a curve of ratios judged bucket by bucket plus the fitted scale of its shape.
 */
import { betaI } from '../../model/dist/special.ts';
import { binomialZ, judge, judgeShares, tailZ, worst, zStatus } from '../stats.ts';
import type { CheckStatus } from '../types.ts';

export interface CountsJudgement {
  status: CheckStatus;
  observed: number[];
  /** Largest |observed − expected| share, and the normal-approximation band of that bucket (for the report). */
  maxDeviation: number;
  tolerance: number;
  /** Largest exact-tail |z| over the buckets and its bucket. */
  z: number;
  worstBucket: number;
  chi2: number;
  df: number;
}

/**
 * Do bucket counts follow expected shares? Each bucket's count is judged with the exact binomial tail against
 * its expected share ± slack; the worst bucket decides. The chi-square statistic is reported alongside.
 */
export function judgeCounts(counts: number[], expectedShares: number[], slack = 0): CountsJudgement {
  const base = judgeShares(counts, expectedShares, slack);
  const n = counts.reduce((a, b) => a + b, 0);
  const total = expectedShares.reduce((a, b) => a + b, 0);
  let worstZ = 0;
  let worstBucket = -1;
  for (let i = 0; i < counts.length; i++) {
    const p = total > 0 ? expectedShares[i] / total : 0;
    const z = binomialZ(counts[i], n, p - slack, p + slack);
    if (worstBucket < 0 || Math.abs(z) > Math.abs(worstZ)) {
      worstZ = z;
      worstBucket = i;
    }
  }
  return { status: zStatus(worstZ), observed: base.observed, maxDeviation: base.maxDeviation, tolerance: base.tolerance, z: worstZ, worstBucket, chi2: base.chi2, df: base.df };
}

export interface CurveJudgement {
  status: CheckStatus;
  /** Worst bucket: its index and z (deviation beyond the slack, in SEs). */
  worstBucket: number;
  z: number;
  /** Fitted scale of the declared shape: (observed − 1) ≈ β·(expected − 1); 1 = as declared, 0 = flat. */
  beta: number;
  betaSE: number;
  betaStatus: CheckStatus;
  /** PASS_Z band of the worst bucket. */
  tolerance: number;
}

/**
 * The normal z with the same tail probability as a Student t statistic with `df` degrees of freedom (a bucket
 * mean judged with its own sample standard deviation is t-distributed, with heavier tails for few rows).
 */
export function tToZ(t: number, df: number): number {
  if (!Number.isFinite(t) || !(df > 0) || df === Infinity) return t;
  const tail = 0.5 * betaI(df / 2, 0.5, df / (df + t * t));
  return Math.sign(t) * tailZ(tail);
}

/**
 * A curve of ratios around 1 (a bucket's mean over the overall mean) against the declared ratios: every bucket
 * with its SE (+ slack; the deviation beyond the slack in SEs is a t statistic with `df[i]` degrees of freedom,
 * judged at the normal z of the same tail), and the least-squares scale β of the declared deviation from 1,
 * judged against 1.
 */
export function judgeCurve(observed: number[], expected: number[], se: number[], slack: number[], df: number[] = []): CurveJudgement {
  const statuses: CheckStatus[] = [];
  let worstBucket = -1;
  let worstScore = -Infinity;
  let z = 0;
  let tolerance = 0;
  let sxx = 0;
  let sxy = 0;
  let sxs = 0;
  for (let i = 0; i < observed.length; i++) {
    const j = judge(observed[i], expected[i], se[i], slack[i]);
    const d = Math.max(0, Math.abs(observed[i] - expected[i]) - slack[i]);
    const score = tToZ(se[i] > 0 ? d / se[i] : d > 0 ? Infinity : 0, df[i] ?? Infinity);
    statuses.push(zStatus(score));
    if (score > worstScore) {
      worstScore = score;
      worstBucket = i;
      z = Math.sign(observed[i] - expected[i]) * score;
      tolerance = j.tolerance;
    }
    if (se[i] > 0 && Number.isFinite(se[i])) {
      const w = 1 / (se[i] * se[i]);
      const x = expected[i] - 1;
      sxx += w * x * x;
      sxy += w * x * (observed[i] - 1);
      sxs += w * Math.abs(x) * slack[i];
    }
  }
  const beta = sxx > 0 ? sxy / sxx : NaN;
  const betaSE = sxx > 0 ? 1 / Math.sqrt(sxx) : Infinity;
  const betaStatus = Number.isFinite(beta) ? judge(beta, 1, betaSE, sxx > 0 ? sxs / sxx : 0).status : 'pass';
  return { status: worst([...statuses, betaStatus]), worstBucket, z, beta, betaSE, betaStatus, tolerance };
}
