/** `compileDist`: normalised params -> a sampler with its constants and tables precomputed. */
import { BinomialSampler } from './binomial.ts';
import { BetaSampler, GammaSampler, NegativeBinomialSampler } from './gamma.ts';
import {
  ExponentialSampler, GeometricSampler, LognormalSampler, NormalSampler, ParetoSampler,
  TriangularSampler, UniformSampler, WeibullSampler,
} from './inverse-cdf.ts';
import { PoissonSampler } from './poisson.ts';
import { assertNever, type DistName, type Sampler } from './types.ts';
import { ZipfSampler } from './zipf.ts';

/** Compile a distribution from params already checked by normalizeDist (throws on a non-number). */
export function compileDist(type: DistName, params: Readonly<Record<string, number | string>>): Sampler {
  const g = (name: string): number => {
    const v = params[name];
    if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`compileDist(${type}): parameter "${name}" must be a number (got ${JSON.stringify(v)}); run normalizeDist first`);
    return v;
  };
  switch (type) {
    case 'normal': return new NormalSampler(g('mean'), g('std'));
    case 'lognormal': return new LognormalSampler(g('mean'), g('sigma'));
    case 'uniform': return new UniformSampler(g('low'), g('high'));
    case 'poisson': return new PoissonSampler(g('lambda'));
    case 'exponential': return new ExponentialSampler(g('rate'));
    case 'gamma': return new GammaSampler(g('shape'), g('scale'));
    case 'beta': return new BetaSampler(g('a'), g('b'));
    case 'negative_binomial': return new NegativeBinomialSampler(g('mean'), g('dispersion_k'));
    case 'binomial': return new BinomialSampler(typeof params['n'] === 'string' ? params['n'] : g('n'), g('p'));
    case 'zipf': return new ZipfSampler(g('s'), params['n'] === undefined ? undefined : g('n'));
    case 'pareto': return new ParetoSampler(g('alpha'), g('scale'));
    case 'weibull': return new WeibullSampler(g('shape'), g('scale'));
    case 'triangular': return new TriangularSampler(g('low'), g('mode'), g('high'));
    case 'geometric': return new GeometricSampler(g('p'));
    default: return assertNever(type);
  }
}
