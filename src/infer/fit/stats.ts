/**
 * Small numeric helpers of the fitters: digamma/trigamma (for the gamma and beta likelihood equations), the
 * Kolmogorov–Smirnov distance of a sorted sample to a model CDF, BIC, sample quantiles and a bounded
 * Nelder–Mead minimiser (for likelihoods without closed-form maxima). Pure functions over arrays.
 */

/** ψ(x) for x > 0: recurrence up to x ≥ 6, then the asymptotic series. */
export function digamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** ψ'(x) for x > 0. */
export function trigamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return r + 1 / x + f / 2 + (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)));
}

/** BIC = k ln n − 2 ln L (smaller is better). */
export function bic(logLik: number, k: number, n: number): number {
  return k * Math.log(n) - 2 * logLik;
}

/**
 * KS distance sup |F_n − F| of a sorted sample to a model CDF of real values: at each distinct value x, F(x) against
 * F_n(x), and the model's left limit F(x⁻) against F_n(x⁻) — so atoms count fully, in the sample and in the model
 * (a clamp's bound, an empirical generator's repeated quantile).
 */
export function ksContinuous(sorted: Float64Array, cdf: (x: number) => number): number {
  const n = sorted.length;
  let d = 0;
  let i = 0;
  while (i < n) {
    const x = sorted[i]!;
    let j = i;
    while (j < n && sorted[j] === x) j++;
    const left = cdf(x - Math.max(Math.abs(x) * 1e-12, 1e-300));
    d = Math.max(d, Math.abs(left - i / n), Math.abs(j / n - cdf(x)));
    i = j;
  }
  return d;
}

/**
 * KS distance of an integer sample (sorted) to a model of integer values given by its CDF at integers,
 * F(k) = P(X ≤ k): compared at every integer between the sample's minimum and maximum (steps between
 * observed values count too) and at the sample's ends (mass the model puts outside them).
 */
export function ksDiscrete(sorted: Float64Array, cdfAt: (k: number) => number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const lo = sorted[0]!;
  const hi = sorted[n - 1]!;
  let d = cdfAt(lo - 1);
  let i = 0;
  // Between observed values the empirical CDF is flat: the model CDF is monotone, so checking the integer
  // just before the next observed value and the observed value itself is enough.
  while (i < n) {
    const x = sorted[i]!;
    let j = i;
    while (j < n && sorted[j] === x) j++;
    const before = cdfAt(x - 1);
    d = Math.max(d, Math.abs(before - i / n));
    d = Math.max(d, Math.abs(cdfAt(x) - j / n));
    i = j;
  }
  return Math.max(d, 1 - cdfAt(hi));
}

/** Sample quantile (type 7: linear between order statistics) of a sorted array. */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 1) return sorted[0]!;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Moments {
  n: number;
  mean: number;
  variance: number; // MLE (÷ n)
  min: number;
  max: number;
}

export function moments(v: Float64Array): Moments {
  const n = v.length;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    s += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = s / n;
  let q = 0;
  for (let i = 0; i < n; i++) q += (v[i]! - mean) ** 2;
  return { n, mean, variance: q / n, min, max };
}

/**
 * Nelder–Mead minimisation of f over R^d from x0 with initial steps `step` (callers map bounded parameters
 * through log/logit). Deterministic; stops when the simplex's values agree to `tol` or after `maxIter`.
 */
export function nelderMead(f: (x: number[]) => number, x0: number[], step: number[], maxIter = 400, tol = 1e-9): { x: number[]; value: number } {
  const d = x0.length;
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < d; i++) {
    const p = x0.slice();
    p[i]! += step[i]!;
    pts.push(p);
  }
  const val = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let vals = pts.map(val);
  for (let it = 0; it < maxIter; it++) {
    const order = vals.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]!);
    const P = order.map((i) => pts[i]!);
    const V = order.map((i) => vals[i]!);
    pts.splice(0, pts.length, ...P);
    vals = V;
    if (Math.abs(vals[d]! - vals[0]!) <= tol * (Math.abs(vals[0]!) + tol)) break;
    const c = new Array<number>(d).fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[j]! += pts[i]![j]! / d;
    const along = (t: number) => c.map((cj, j) => cj + t * (pts[d]![j]! - cj));
    const xr = along(-1);
    const fr = val(xr);
    if (fr < vals[0]!) {
      const xe = along(-2);
      const fe = val(xe);
      if (fe < fr) [pts[d], vals[d]] = [xe, fe];
      else [pts[d], vals[d]] = [xr, fr];
    } else if (fr < vals[d - 1]!) {
      [pts[d], vals[d]] = [xr, fr];
    } else {
      const xc = fr < vals[d]! ? along(-0.5) : along(0.5);
      const fc = val(xc);
      if (fc < Math.min(fr, vals[d]!)) [pts[d], vals[d]] = [xc, fc];
      else {
        for (let i = 1; i <= d; i++) {
          pts[i] = pts[i]!.map((x, j) => pts[0]![j]! + 0.5 * (x - pts[0]![j]!));
          vals[i] = val(pts[i]!);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= d; i++) if (vals[i]! < vals[best]!) best = i;
  return { x: pts[best]!, value: vals[best]! };
}

/** Round to `digits` significant digits (spec values stay readable; fits are not more precise than that). */
export function sig(x: number, digits = 6): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}
