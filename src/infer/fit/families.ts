/**
 * Maximum-likelihood estimates of each distribution family datagen generates, on a sample summarised once
 * (`Sample`). Continuous families: closed forms (normal, lognormal, uniform, exponential, pareto) or the
 * likelihood equations solved by Newton's method (gamma, weibull, beta). Count families: closed forms
 * (poisson, geometric) or a one-dimensional profile likelihood (negative binomial dispersion, binomial n,
 * zipf exponent). Parameters are datagen's canonical names (src/model/dist/params.ts).
 */
import { distCdf, distPmf, type DistName } from '../../model/distributions.ts';
import { lgamma, logFactorial, harmonic } from '../../model/dist/special.ts';
import { digamma, nelderMead, trigamma, type Moments } from './stats.ts';

/** A sample prepared once for every family: sorted values, moments, log moments, distinct values with counts. */
export interface Sample {
  sorted: Float64Array;
  m: Moments;
  /** Mean of ln x (NaN when some x ≤ 0). */
  meanLog: number;
  /** MLE variance of ln x. */
  varLog: number;
  /** Distinct values ascending, with their counts. */
  values: Float64Array;
  counts: Float64Array;
}

export interface FamilyFit {
  family: DistName;
  params: Record<string, number>;
  /** Free parameters (for BIC). */
  k: number;
}

export function prepare(sorted: Float64Array, m: Moments): Sample {
  const vals: number[] = [];
  const cnts: number[] = [];
  let sl = 0;
  let sl2 = 0;
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i]!;
    if (vals.length && vals[vals.length - 1] === x) cnts[cnts.length - 1]!++;
    else {
      vals.push(x);
      cnts.push(1);
    }
    const l = Math.log(x);
    sl += l;
    sl2 += l * l;
  }
  const n = sorted.length;
  const meanLog = m.min > 0 ? sl / n : NaN;
  const varLog = m.min > 0 ? Math.max(0, sl2 / n - meanLog * meanLog) : NaN;
  return { sorted, m, meanLog, varLog, values: Float64Array.from(vals), counts: Float64Array.from(cnts) };
}

/** Sum over distinct values of count × f(value). */
function sumBy(s: Sample, f: (x: number) => number): number {
  let t = 0;
  for (let i = 0; i < s.values.length; i++) t += s.counts[i]! * f(s.values[i]!);
  return t;
}

// ---------------------------------------------------------------- continuous families

export function fitNormal(s: Sample): FamilyFit | null {
  const std = Math.sqrt(s.m.variance);
  return std > 0 ? { family: 'normal', params: { mean: s.m.mean, std }, k: 2 } : null;
}

export function fitLognormal(s: Sample): FamilyFit | null {
  if (!(s.m.min > 0) || !(s.varLog > 0)) return null;
  return { family: 'lognormal', params: { mean: s.meanLog, sigma: Math.sqrt(s.varLog) }, k: 2 };
}

export function fitUniform(s: Sample, integer: boolean): FamilyFit | null {
  if (!(s.m.max > s.m.min)) return null;
  // Integers: the generated value is round(U(low, high)), so each integer of [min, max] gets an equal share. Reals:
  // the unbiased ends min − range/(n − 1), max + range/(n − 1) (the sample's extremes sit inside the true ends, and
  // neither extreme value is written as it is).
  if (integer) return { family: 'uniform', params: { low: s.m.min - 0.5, high: s.m.max + 0.5 }, k: 2 };
  const gap = (s.m.max - s.m.min) / Math.max(1, s.m.n - 1);
  return { family: 'uniform', params: { low: s.m.min - gap, high: s.m.max + gap }, k: 2 };
}

export function fitExponential(s: Sample): FamilyFit | null {
  if (s.m.min < 0 || !(s.m.mean > 0)) return null;
  return { family: 'exponential', params: { rate: 1 / s.m.mean }, k: 1 };
}

export function fitPareto(s: Sample): FamilyFit | null {
  if (!(s.m.min > 0)) return null;
  const sumLog = s.meanLog - Math.log(s.m.min);
  if (!(sumLog > 0)) return null;
  // The scale's MLE is the minimum; (1 − 1/(nα)) × it is unbiased (E[min] = scale · nα/(nα − 1)) and is no source value.
  const alpha = 1 / sumLog;
  return { family: 'pareto', params: { alpha, scale: s.m.min * (1 - 1 / (s.m.n * alpha)) }, k: 2 };
}

/** Gamma: solve ln k − ψ(k) = ln mean − mean ln x by Newton (Minka's start); scale = mean / k. */
export function fitGamma(s: Sample): FamilyFit | null {
  if (!(s.m.min > 0)) return null;
  const c = Math.log(s.m.mean) - s.meanLog;
  if (!(c > 1e-12)) return null;
  let k = (3 - c + Math.sqrt((c - 3) ** 2 + 24 * c)) / (12 * c);
  for (let i = 0; i < 100; i++) {
    const f = Math.log(k) - digamma(k) - c;
    const df = 1 / k - trigamma(k);
    const next = k - f / df;
    const nk = next > 0 ? next : k / 2;
    if (Math.abs(nk - k) < 1e-12 * k) {
      k = nk;
      break;
    }
    k = nk;
  }
  return Number.isFinite(k) && k > 0 ? { family: 'gamma', params: { shape: k, scale: s.m.mean / k }, k: 2 } : null;
}

/** Weibull: Newton on the shape's likelihood equation (data scaled by its maximum to avoid overflow). */
export function fitWeibull(s: Sample): FamilyFit | null {
  if (!(s.m.min > 0) || !(s.m.max > s.m.min)) return null;
  const top = s.m.max;
  const n = s.m.n;
  const lnTop = Math.log(top);
  const meanLogScaled = s.meanLog - lnTop;
  const g = (k: number) => {
    let a = 0, b = 0, c = 0;
    for (let i = 0; i < s.values.length; i++) {
      const l = Math.log(s.values[i]!) - lnTop;
      const w = s.counts[i]! * Math.exp(k * l);
      a += w;
      b += w * l;
      c += w * l * l;
    }
    return { a, b, c };
  };
  let k = 1.2 / Math.sqrt(s.varLog || 1);
  for (let i = 0; i < 100; i++) {
    const { a, b, c } = g(k);
    const f = b / a - 1 / k - meanLogScaled;
    const df = (c * a - b * b) / (a * a) + 1 / (k * k);
    let nk = k - f / df;
    if (!(nk > 0)) nk = k / 2;
    const done = Math.abs(nk - k) < 1e-12 * k;
    k = nk;
    if (done) break;
  }
  const { a } = g(k);
  const scale = top * Math.pow(a / n, 1 / k);
  return Number.isFinite(k) && k > 0 && scale > 0 ? { family: 'weibull', params: { shape: k, scale }, k: 2 } : null;
}

/** Beta on (0, 1): Newton on ψ(a) − ψ(a+b) = mean ln x, ψ(b) − ψ(a+b) = mean ln(1−x), from the moment estimates. */
export function fitBeta(s: Sample): FamilyFit | null {
  if (!(s.m.min > 0 && s.m.max < 1) || !(s.m.variance > 0)) return null;
  const lx = s.meanLog;
  const l1x = sumBy(s, (x) => Math.log1p(-x)) / s.m.n;
  const mu = s.m.mean;
  const common = (mu * (1 - mu)) / s.m.variance - 1;
  let a = Math.max(1e-3, mu * common);
  let b = Math.max(1e-3, (1 - mu) * common);
  for (let i = 0; i < 200; i++) {
    const dab = digamma(a + b);
    const f1 = digamma(a) - dab - lx;
    const f2 = digamma(b) - dab - l1x;
    const tab = trigamma(a + b);
    const j11 = trigamma(a) - tab, j12 = -tab, j22 = trigamma(b) - tab;
    const det = j11 * j22 - j12 * j12;
    const da = (j22 * f1 - j12 * f2) / det;
    const db = (j11 * f2 - j12 * f1) / det;
    let na = a - da, nb = b - db;
    if (!(na > 0)) na = a / 2;
    if (!(nb > 0)) nb = b / 2;
    const done = Math.abs(na - a) < 1e-12 * a && Math.abs(nb - b) < 1e-12 * b;
    a = na;
    b = nb;
    if (done) break;
  }
  return Number.isFinite(a) && Number.isFinite(b) ? { family: 'beta', params: { a, b }, k: 2 } : null;
}

/**
 * Triangular: the mode at the order statistic that maximises the likelihood for given ends (O(n) with prefix sums
 * of ln(x − a) and suffix sums of ln(b − x)), the ends starting a little beyond the sample's (by range/√n: the
 * density vanishes at the ends, so the extreme order statistics sit ~1/√n inside them), then Nelder–Mead on the
 * whole likelihood.
 */
export function fitTriangular(s: Sample): FamilyFit | null {
  const n = s.m.n;
  const range = s.m.max - s.m.min;
  // Three parameters from a handful of values say little (4 promotions gave low = mode): 30 values at least.
  if (!(range > 0) || n < 30) return null;
  const x = s.sorted;
  const start = modeFor(x, s.m.min - range / Math.sqrt(n), s.m.max + range / Math.sqrt(n));
  // The optimiser reads at most 20 000 values (a systematic subsample of the sorted sample); the ends stay beyond all.
  const m = Math.min(n, 20_000);
  const y = m === n ? x : Float64Array.from({ length: m }, (_, i) => x[Math.min(n - 1, Math.floor(((i + 0.5) * n) / m))]!);
  const ll = (p: number[]) => {
    const [a, c, b] = p as [number, number, number];
    if (!(a < s.m.min && b > s.m.max && c >= a && c <= b)) return Infinity;
    let t = 0;
    for (let i = 0; i < m; i++) t += logPdf({ family: 'triangular', params: { low: a, mode: c, high: b }, k: 3 }, y[i]!);
    return -t;
  };
  const step = range / Math.sqrt(n);
  const r = nelderMead(ll, [start.low, start.mode, start.high], [step, range / 20, step], 300, 1e-12);
  const [low, mode, high] = r.x as [number, number, number];
  return Number.isFinite(r.value) ? { family: 'triangular', params: { low, mode, high }, k: 3 } : { family: 'triangular', params: start, k: 3 };
}

/** For ends a, b: the order statistic that maximises the triangular likelihood as the mode. */
function modeFor(x: Float64Array, a: number, b: number): { low: number; mode: number; high: number } {
  const n = x.length;
  const pre = new Float64Array(n + 1);
  const suf = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) pre[i + 1] = pre[i]! + Math.log(x[i]! - a);
  for (let i = n - 1; i >= 0; i--) suf[i] = suf[i + 1]! + Math.log(b - x[i]!);
  let best = -Infinity;
  let mode = x[0]!;
  for (let k = 0; k < n; k++) {
    // Mode c = x[k]: the k values below it on the rising side, the others on the falling side.
    const c = x[k]!;
    const ll = pre[k]! - k * Math.log(c - a) + suf[k]! - (n - k) * Math.log(b - c);
    if (ll > best) {
      best = ll;
      mode = c;
    }
  }
  return { low: a, mode, high: b };
}

// ---------------------------------------------------------------- count families (integers ≥ 0)

export function fitPoisson(s: Sample): FamilyFit | null {
  return s.m.min >= 0 ? { family: 'poisson', params: { lambda: s.m.mean }, k: 1 } : null;
}

export function fitGeometric(s: Sample): FamilyFit | null {
  return s.m.min >= 0 ? { family: 'geometric', params: { p: 1 / (1 + s.m.mean) }, k: 1 } : null;
}

/** Negative binomial: the mean's MLE is the sample mean; the dispersion k maximises the profile likelihood. */
export function fitNegativeBinomial(s: Sample): FamilyFit | null {
  if (s.m.min < 0 || !(s.m.mean > 0) || !(s.m.variance > s.m.mean)) return null;
  const mean = s.m.mean;
  const ll = (lk: number) => {
    const r = Math.exp(lk);
    return sumBy(s, (x) => lgamma(x + r) - lgamma(r) + r * Math.log(r / (r + mean)) + x * Math.log(mean / (r + mean)));
  };
  const start = Math.log((mean * mean) / (s.m.variance - mean));
  const lk = goldenMax(ll, start - 6, start + 6);
  return { family: 'negative_binomial', params: { mean, dispersion_k: Math.exp(lk) }, k: 2 };
}

/** Binomial: n by profile likelihood over [max, …] (p = mean / n), for under-dispersed counts. */
export function fitBinomial(s: Sample): FamilyFit | null {
  if (s.m.min < 0 || !(s.m.mean > 0) || !(s.m.variance < s.m.mean)) return null;
  const mean = s.m.mean;
  const lo = Math.max(1, s.m.max);
  const mom = mean * mean / (mean - s.m.variance);
  const hi = Math.min(Math.max(lo, Math.ceil(3 * mom)), lo + 2000);
  const ll = (n: number) => {
    const p = mean / n;
    if (p >= 1) return sumBy(s, (x) => (x === n ? 0 : -Infinity));
    return sumBy(s, (x) => lgamma(n + 1) - logFactorial(x) - lgamma(n - x + 1) + x * Math.log(p) + (n - x) * Math.log1p(-p));
  };
  let best = lo;
  let bestLl = ll(lo);
  for (let n = lo + 1; n <= hi; n++) {
    const v = ll(n);
    if (v > bestLl) {
      bestLl = v;
      best = n;
    }
  }
  return { family: 'binomial', params: { n: best, p: mean / best }, k: 2 };
}

/** Zipf on 1, 2, …: the exponent by profile likelihood, unbounded (s > 1) or bounded at the sample maximum. */
export function fitZipf(s: Sample): FamilyFit[] {
  if (!(s.m.min >= 1)) return [];
  const sumLog = s.meanLog * s.m.n;
  const n = s.m.n;
  const out: FamilyFit[] = [];
  const top = s.m.max;
  const bounded = goldenMax((x) => -x * sumLog - n * Math.log(harmonic(top, x)), 0, 10);
  out.push({ family: 'zipf', params: { s: bounded, n: top }, k: 2 });
  const free = goldenMax((x) => -x * sumLog - n * Math.log(harmonic(Infinity, x)), 1.0001, 10);
  out.push({ family: 'zipf', params: { s: free }, k: 1 });
  return out;
}

/** Golden-section maximisation of a unimodal f on [a, b]. */
function goldenMax(f: (x: number) => number, a: number, b: number): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 80 && b - a > 1e-9 * (1 + Math.abs(a)); i++) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

// ---------------------------------------------------------------- likelihoods and CDFs of a fit

const DISCRETE = new Set<DistName>(['poisson', 'negative_binomial', 'binomial', 'zipf', 'geometric']);

export function isCount(f: FamilyFit): boolean {
  return DISCRETE.has(f.family);
}

/** ln density of a continuous family at x. */
function logPdf(f: FamilyFit, x: number): number {
  const p = f.params;
  switch (f.family) {
    case 'normal': return -0.5 * Math.log(2 * Math.PI) - Math.log(p.std!) - 0.5 * ((x - p.mean!) / p.std!) ** 2;
    case 'lognormal': {
      if (x <= 0) return -Infinity;
      const l = Math.log(x);
      return -0.5 * Math.log(2 * Math.PI) - Math.log(p.sigma!) - l - 0.5 * ((l - p.mean!) / p.sigma!) ** 2;
    }
    case 'uniform': return x < p.low! || x > p.high! ? -Infinity : -Math.log(p.high! - p.low!);
    case 'exponential': return x < 0 ? -Infinity : Math.log(p.rate!) - p.rate! * x;
    case 'gamma': {
      if (x <= 0) return -Infinity;
      const k = p.shape!, th = p.scale!;
      return (k - 1) * Math.log(x) - x / th - lgamma(k) - k * Math.log(th);
    }
    case 'weibull': {
      if (x <= 0) return -Infinity;
      const k = p.shape!, l = p.scale!;
      return Math.log(k / l) + (k - 1) * Math.log(x / l) - Math.pow(x / l, k);
    }
    case 'beta': {
      if (x <= 0 || x >= 1) return -Infinity;
      const a = p.a!, b = p.b!;
      return (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) + lgamma(a + b) - lgamma(a) - lgamma(b);
    }
    case 'pareto': return x < p.scale! ? -Infinity : Math.log(p.alpha!) + p.alpha! * Math.log(p.scale!) - (p.alpha! + 1) * Math.log(x);
    case 'triangular': {
      const a = p.low!, c = p.mode!, b = p.high!;
      if (x <= a || x >= b) return -Infinity;
      return x < c ? Math.log((2 * (x - a)) / ((b - a) * (c - a))) : Math.log((2 * (b - x)) / ((b - a) * (b - c)));
    }
    default: return NaN;
  }
}

/**
 * Log-likelihood of the sample under a fit. Continuous data: densities. Integer data: probabilities of each
 * integer — a count family's pmf, or for a continuous family P(round(X) = x) = F(x + ½) − F(x − ½) (datagen
 * rounds a draw into an int column), so discrete and continuous candidates compare on one scale.
 */
export function logLik(f: FamilyFit, s: Sample, integer: boolean): number {
  if (isCount(f)) return sumBy(s, (x) => Math.log(distPmf(f.family, f.params, x)));
  if (!integer) return sumBy(s, (x) => logPdf(f, x));
  return sumBy(s, (x) => {
    const pr = distCdf(f.family, f.params, x + 0.5) - distCdf(f.family, f.params, x - 0.5);
    return pr > 0 ? Math.log(pr) : logPdf(f, x);
  });
}

/** The CDF of the generated column value: F for continuous data; P(value ≤ k) at integers for integer data. */
export function modelCdf(f: FamilyFit, integer: boolean): (x: number) => number {
  if (isCount(f) || !integer) return (x) => distCdf(f.family, f.params, x);
  return (k) => distCdf(f.family, f.params, k + 0.5);
}

/** Parameters that must stay positive (optimised on the log scale); the others are real. */
const POSITIVE: Partial<Record<DistName, string[]>> = {
  normal: ['std'], lognormal: ['sigma'], exponential: ['rate'], gamma: ['shape', 'scale'], weibull: ['shape', 'scale'], pareto: ['alpha', 'scale'],
};

/**
 * The exact maximum-likelihood estimate of a continuous family on integer data: the closed-form estimate treats
 * the values as exact, but the column holds round(X); Nelder–Mead from that start maximises the likelihood of
 * P(round(X) = x) itself (which matters for small values, and gives zeros their F(½)).
 */
export function refineDiscretized(f: FamilyFit, s: Sample): FamilyFit {
  const names = Object.keys(f.params);
  const pos = new Set(POSITIVE[f.family] ?? []);
  const to = (k: string, v: number) => (pos.has(k) ? Math.log(v) : v);
  const from = (k: string, v: number) => (pos.has(k) ? Math.exp(v) : v);
  const params = (x: number[]) => Object.fromEntries(names.map((k, i) => [k, from(k, x[i]!)]));
  const x0 = names.map((k) => to(k, f.params[k]!));
  const step = names.map((k, i) => (pos.has(k) ? 0.1 : 0.1 * Math.max(1, Math.abs(x0[i]!))));
  const r = nelderMead((x) => -logLik({ ...f, params: params(x) }, s, true), x0, step, 300, 1e-10);
  const refined = { ...f, params: params(r.x) };
  return r.value <= -logLik(f, s, true) ? refined : f;
}

/** Bounds of a clamped fit: values at `lo` (`hi`) are draws at or below (above) it. */
export interface Clamp {
  lo: number | null;
  hi: number | null;
}

/**
 * Log-likelihood of a clamped model (datagen's `clamp`: a draw below lo becomes lo, above hi becomes hi): the rows at
 * a bound count with the probability the model puts at or beyond it — F(lo) and 1 − F(hi⁻) on the scale of the
 * column (for integer data P(value ≤ lo) and P(value ≥ hi) of the rounded or count model) — the others as usual.
 */
export function censoredLogLik(f: FamilyFit, s: Sample, integer: boolean, c: Clamp): number {
  const cdf = modelCdf(f, integer);
  let t = 0;
  for (let i = 0; i < s.values.length; i++) {
    const x = s.values[i]!;
    const n = s.counts[i]!;
    let l: number;
    if (c.lo !== null && x <= c.lo) l = Math.log(cdf(c.lo));
    else if (c.hi !== null && x >= c.hi) l = Math.log(1 - cdf(integer ? c.hi - 1 : c.hi));
    else l = pointLogLik(f, x, integer);
    t += n * l;
  }
  return t;
}

/** ln P(value = x) (integers) or ln density (continuous data) of one value. */
function pointLogLik(f: FamilyFit, x: number, integer: boolean): number {
  if (isCount(f)) return Math.log(distPmf(f.family, f.params, x));
  if (!integer) return logPdf(f, x);
  const pr = distCdf(f.family, f.params, x + 0.5) - distCdf(f.family, f.params, x - 0.5);
  return pr > 0 ? Math.log(pr) : logPdf(f, x);
}

/** Parameters that are estimated for a family (others — a bounded zipf's n, binomial n — stay as fitted). */
const FREE: Partial<Record<DistName, string[]>> = {
  normal: ['mean', 'std'], lognormal: ['mean', 'sigma'], exponential: ['rate'], gamma: ['shape', 'scale'], weibull: ['shape', 'scale'],
  beta: ['a', 'b'], poisson: ['lambda'], negative_binomial: ['mean', 'dispersion_k'], geometric: ['p'], zipf: ['s'],
};

/** The maximum-likelihood estimate of a clamped model (Nelder–Mead from the unclamped estimate), or null. */
export function fitClamped(f: FamilyFit, s: Sample, integer: boolean, c: Clamp): FamilyFit | null {
  const names = FREE[f.family];
  if (!names) return null;
  const pos = new Set([...(POSITIVE[f.family] ?? []), 'a', 'b', 'lambda', 'mean', 'dispersion_k', 's'].filter((k) => !(f.family === 'normal' && k === 'mean') && !(f.family === 'lognormal' && k === 'mean')));
  const isProb = (k: string) => f.family === 'geometric' && k === 'p';
  const to = (k: string, v: number) => (isProb(k) ? Math.log(v / (1 - v)) : pos.has(k) ? Math.log(v) : v);
  const from = (k: string, v: number) => (isProb(k) ? 1 / (1 + Math.exp(-v)) : pos.has(k) ? Math.exp(v) : v);
  const params = (x: number[]) => ({ ...f.params, ...Object.fromEntries(names.map((k, i) => [k, from(k, x[i]!)])) });
  const x0 = names.map((k) => to(k, f.params[k]!));
  if (!x0.every(Number.isFinite)) return null;
  const step = names.map((k, i) => (pos.has(k) || isProb(k) ? 0.2 : 0.2 * Math.max(1, Math.abs(x0[i]!))));
  const r = nelderMead((x) => -censoredLogLik({ ...f, params: params(x) }, s, integer, c), x0, step, 400, 1e-10);
  const out = { ...f, params: params(r.x), k: f.k + (c.lo !== null ? 1 : 0) + (c.hi !== null ? 1 : 0) };
  return Number.isFinite(r.value) && Object.values(out.params).every(Number.isFinite) ? out : null;
}
