/**
 * Exact CDFs and PMFs from normalised params, for validation (KS / chi-square against a sample)
 * and tests. Independent of the samplers: closed forms, incomplete gamma/beta, harmonic sums.
 */
import { betaI, gammaP, gammaQ, harmonic, lgamma, logFactorial, normalCdf } from './special.ts';
import type { DistName } from './types.ts';

type Params = Readonly<Record<string, number | string>>;
const DISCRETE: ReadonlySet<DistName> = new Set(['poisson', 'negative_binomial', 'binomial', 'zipf', 'geometric']);

export function isDiscrete(type: DistName): boolean {
  return DISCRETE.has(type);
}

function g(p: Params, name: string): number {
  const v = p[name];
  return typeof v === 'number' ? v : NaN;
}

/** P(X <= x). For binomial with a column n, pass the n to use in `nOverride`. */
export function distCdf(type: DistName, p: Params, x: number, nOverride?: number): number {
  if (isDiscrete(type)) {
    const k = Math.floor(x);
    if (k < (type === 'zipf' ? 1 : 0)) return 0;
    return discreteCdf(type, p, k, nOverride);
  }
  switch (type) {
    case 'normal': return g(p, 'std') === 0 ? +(x >= g(p, 'mean')) : normalCdf((x - g(p, 'mean')) / g(p, 'std'));
    case 'lognormal': return x <= 0 ? 0 : normalCdf((Math.log(x) - g(p, 'mean')) / g(p, 'sigma'));
    case 'uniform': return Math.min(1, Math.max(0, (x - g(p, 'low')) / (g(p, 'high') - g(p, 'low'))));
    case 'exponential': return x <= 0 ? 0 : -Math.expm1(-g(p, 'rate') * x);
    case 'gamma': return gammaP(g(p, 'shape'), x / g(p, 'scale'));
    case 'beta': return betaI(g(p, 'a'), g(p, 'b'), x);
    case 'pareto': return x <= g(p, 'scale') ? 0 : 1 - Math.pow(g(p, 'scale') / x, g(p, 'alpha'));
    case 'weibull': return x <= 0 ? 0 : -Math.expm1(-Math.pow(x / g(p, 'scale'), g(p, 'shape')));
    case 'triangular': {
      const a = g(p, 'low'), c = g(p, 'mode'), b = g(p, 'high');
      if (x <= a) return 0;
      if (x >= b) return 1;
      return x <= c ? (x - a) ** 2 / ((b - a) * (c - a)) : 1 - (b - x) ** 2 / ((b - a) * (b - c));
    }
    default: return NaN;
  }
}

function discreteCdf(type: DistName, p: Params, k: number, nOverride?: number): number {
  switch (type) {
    case 'poisson': return gammaQ(k + 1, g(p, 'lambda'));
    case 'negative_binomial': {
      const r = g(p, 'dispersion_k');
      return betaI(r, k + 1, r / (r + g(p, 'mean')));
    }
    case 'binomial': {
      const n = nOverride ?? g(p, 'n');
      return k >= n ? 1 : betaI(n - k, k + 1, 1 - g(p, 'p'));
    }
    case 'zipf': {
      const n = p['n'] === undefined ? Infinity : g(p, 'n');
      return k >= n ? 1 : harmonic(k, g(p, 's')) / harmonic(n, g(p, 's'));
    }
    case 'geometric': return -Math.expm1((k + 1) * Math.log1p(-g(p, 'p')));
    default: return NaN;
  }
}

/** P(X = k) for the discrete distributions (NaN for continuous ones). */
export function distPmf(type: DistName, p: Params, k: number, nOverride?: number): number {
  if (!isDiscrete(type)) return NaN;
  if (!Number.isInteger(k) || k < 0) return 0;
  switch (type) {
    case 'poisson': {
      const l = g(p, 'lambda');
      return l === 0 ? +(k === 0) : Math.exp(k * Math.log(l) - l - logFactorial(k));
    }
    case 'negative_binomial': {
      const r = g(p, 'dispersion_k'), m = g(p, 'mean');
      if (m === 0) return +(k === 0);
      return Math.exp(lgamma(r + k) - lgamma(r) - logFactorial(k) + r * Math.log(r / (r + m)) + k * Math.log(m / (r + m)));
    }
    case 'binomial': {
      const n = nOverride ?? g(p, 'n'), q = g(p, 'p');
      if (k > n) return 0;
      if (q === 0 || q === 1) return +(k === (q === 0 ? 0 : n));
      return Math.exp(lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * Math.log(q) + (n - k) * Math.log1p(-q));
    }
    case 'zipf': {
      const n = p['n'] === undefined ? Infinity : g(p, 'n');
      return k < 1 || k > n ? 0 : Math.pow(k, -g(p, 's')) / harmonic(n, g(p, 's'));
    }
    case 'geometric': return g(p, 'p') === 1 ? +(k === 0) : g(p, 'p') * Math.exp(k * Math.log1p(-g(p, 'p')));
    default: return NaN;
  }
}
