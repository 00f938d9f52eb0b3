/**
 * The empirical distribution of the `empirical` generator: a quantile function linear between the points
 * (probs[i], quantiles[i]) — probs non-decreasing from 0 to 1 (two equal probs: a jump, no value between their
 * quantiles), quantiles non-decreasing (a repeated quantile is an atom). Its inverse, the CDF, is what validate compares stored values with.
 */

/** Index i of the segment [xs[i], xs[i+1]] that holds u: the last i < n − 1 with xs[i] ≤ u (binary search; xs non-decreasing). */
function segment(xs: readonly number[], u: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= u) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Q(u) for u in [0, 1]. */
export function empiricalQuantile(quantiles: readonly number[], probs: readonly number[], u: number): number {
  const i = segment(probs, u);
  const p0 = probs[i];
  const p1 = probs[i + 1];
  const t = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
  return quantiles[i] + Math.min(1, Math.max(0, t)) * (quantiles[i + 1] - quantiles[i]);
}

/** F(x) = P(X ≤ x): 0 below the first quantile, 1 from the last; an atom's whole mass counts at its value. */
export function empiricalCdf(quantiles: readonly number[], probs: readonly number[], x: number): number {
  const n = quantiles.length;
  if (x < quantiles[0]) return 0;
  if (x >= quantiles[n - 1]) return 1;
  // The last point with quantile ≤ x, then linear inside the next segment.
  const lo = segment(quantiles, x);
  const hi = lo + 1;
  const span = quantiles[hi] - quantiles[lo];
  return span > 0 ? probs[lo] + ((x - quantiles[lo]) / span) * (probs[hi] - probs[lo]) : probs[lo];
}
