/** Small statistics helpers for the sampler tests: moments, Kolmogorov–Smirnov, chi-square. */

export interface Moments {
  mean: number;
  variance: number;
}

export function moments(x: ArrayLike<number>): Moments {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - mean) ** 2;
  return { mean, variance: ss / (n - 1) };
}

/** KS statistic D = sup |F_n - F| of a sample against a continuous CDF. */
export function ksStatistic(x: ArrayLike<number>, cdf: (v: number) => number): number {
  const sorted = Float64Array.from(x).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/** Critical value of chi-square with `df` degrees of freedom at upper-tail z (Wilson–Hilferty). */
export function chiSquareCritical(df: number, z = 3.29): number {
  const h = 2 / (9 * df);
  return df * (1 - h + z * Math.sqrt(h)) ** 3;
}

export interface ChiSquareResult {
  stat: number;
  df: number;
  critical: number;
}

/**
 * Pearson chi-square of integer draws against a discrete law. Bins are runs of consecutive values
 * from `first` up, each closed once its expected count reaches `minExpected`; the mass below
 * `first` joins the first bin and everything left (or above `last`) joins the last (tail) bin.
 */
export function chiSquareDiscrete(
  x: ArrayLike<number>,
  pmf: (k: number) => number,
  below: number,
  first: number,
  last = Infinity,
  minExpected = 20,
): ChiSquareResult {
  const n = x.length;
  const uppers: number[] = [];
  const expected: number[] = [];
  let acc = below * n;
  let used = 0;
  for (let k = first; k <= last; k++) {
    acc += pmf(k) * n;
    if (n - used - acc < minExpected) break;
    if (acc >= minExpected) {
      uppers.push(k);
      expected.push(acc);
      used += acc;
      acc = 0;
    }
  }
  uppers.push(Infinity);
  expected.push(n - used);
  const observed = new Array<number>(uppers.length).fill(0);
  for (let i = 0; i < n; i++) observed[binOf(uppers, x[i]!)]!++;
  let stat = 0;
  for (let i = 0; i < observed.length; i++) stat += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
  const df = observed.length - 1;
  return { stat, df, critical: chiSquareCritical(df) };
}

/** Index of the first bin whose upper bound is >= v. */
function binOf(uppers: number[], v: number): number {
  let lo = 0;
  let hi = uppers.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= uppers[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = moments(a);
  const mb = moments(b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - ma.mean) * (b[i]! - mb.mean);
  return s / (a.length - 1) / Math.sqrt(ma.variance * mb.variance);
}
