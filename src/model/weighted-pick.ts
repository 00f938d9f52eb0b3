/** Index of the first cdf entry ≥ u among the first `n` (cdf ascending, entry n − 1 is 1). Linear for short tables, binary otherwise. */
export function pickIndex(cdf: ArrayLike<number>, u: number, n: number = cdf.length): number {
  if (n <= 16) {
    for (let i = 0; i < n - 1; i++) if (u <= cdf[i]) return i;
    return n - 1;
  }
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Cumulative sums of non-negative weights, normalised so the last entry is exactly 1. */
export function buildCdf(weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) out[i] = acc += weights[i];
  if (acc > 0) for (let i = 0; i < out.length; i++) out[i] /= acc;
  out[out.length - 1] = 1;
  return out;
}
