/** Small statistics helpers for tolerance-based behaviour tests. */

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Binomial standard error of a share p estimated from n draws. */
export function shareSE(p: number, n: number): number {
  return Math.sqrt((p * (1 - p)) / n);
}

export function normalise(w: number[]): number[] {
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

/** E[clamp(X, lo, hi)] for X ~ N(mu, sigma), by numeric integration. */
export function clampedNormalMean(mu: number, sigma: number, lo: number, hi: number): number {
  let acc = 0;
  const steps = 20000;
  const a = mu - 10 * sigma;
  const h = (20 * sigma) / steps;
  for (let i = 0; i < steps; i++) {
    const x = a + (i + 0.5) * h;
    const pdf = Math.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI));
    acc += Math.min(hi, Math.max(lo, x)) * pdf * h;
  }
  return acc;
}
