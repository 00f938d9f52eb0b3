/**
 * Analytic mean and variance of each distribution from normalised params (Infinity when the moment
 * diverges, NaN when binomial n names a column).
 */
import { gammaFn, harmonic } from './special.ts';
import { assertNever, type DistName } from './types.ts';

type Params = Readonly<Record<string, number | string>>;

function num(p: Params, name: string): number {
  const v = p[name];
  return typeof v === 'number' ? v : NaN;
}

/** Σ k^j·k^-s / Σ k^-s on 1..n: the j-th raw moment of zipf{s, n}. */
function zipfRaw(p: Params, j: number): number {
  const s = num(p, 's');
  const n = p['n'] === undefined ? Infinity : num(p, 'n');
  if (n === Infinity && s - j <= 1) return Infinity;
  return harmonic(n, s - j) / harmonic(n, s);
}

export function distMean(type: DistName, p: Params): number {
  const g = (name: string) => num(p, name);
  switch (type) {
    case 'normal': return g('mean');
    case 'lognormal': return Math.exp(g('mean') + (g('sigma') * g('sigma')) / 2);
    case 'uniform': return (g('low') + g('high')) / 2;
    case 'poisson': return g('lambda');
    case 'exponential': return 1 / g('rate');
    case 'gamma': return g('shape') * g('scale');
    case 'beta': return g('a') / (g('a') + g('b'));
    case 'negative_binomial': return g('mean');
    case 'binomial': return g('n') * g('p');
    case 'zipf': return zipfRaw(p, 1);
    case 'pareto': return g('alpha') > 1 ? (g('alpha') * g('scale')) / (g('alpha') - 1) : Infinity;
    case 'weibull': return g('scale') * gammaFn(1 + 1 / g('shape'));
    case 'triangular': return (g('low') + g('mode') + g('high')) / 3;
    case 'geometric': return (1 - g('p')) / g('p');
    default: return assertNever(type);
  }
}

export function distVariance(type: DistName, p: Params): number {
  const g = (name: string) => num(p, name);
  switch (type) {
    case 'normal': return g('std') ** 2;
    case 'lognormal': { const s2 = g('sigma') ** 2; return Math.expm1(s2) * Math.exp(2 * g('mean') + s2); }
    case 'uniform': return (g('high') - g('low')) ** 2 / 12;
    case 'poisson': return g('lambda');
    case 'exponential': return 1 / g('rate') ** 2;
    case 'gamma': return g('shape') * g('scale') ** 2;
    case 'beta': { const a = g('a'), b = g('b'); return (a * b) / ((a + b) ** 2 * (a + b + 1)); }
    case 'negative_binomial': return g('mean') + g('mean') ** 2 / g('dispersion_k');
    case 'binomial': return g('n') * g('p') * (1 - g('p'));
    case 'zipf': { const r2 = zipfRaw(p, 2); const m = zipfRaw(p, 1); return r2 === Infinity ? r2 : r2 - m * m; }
    case 'pareto': { const a = g('alpha'); return a > 2 ? (g('scale') ** 2 * a) / ((a - 1) ** 2 * (a - 2)) : Infinity; }
    case 'weibull': {
      const k = g('shape');
      const g1 = gammaFn(1 + 1 / k);
      return g('scale') ** 2 * (gammaFn(1 + 2 / k) - g1 * g1);
    }
    case 'triangular': {
      const a = g('low'), c = g('mode'), b = g('high');
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    }
    case 'geometric': return (1 - g('p')) / g('p') ** 2;
    default: return assertNever(type);
  }
}
