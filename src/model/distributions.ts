/**
 * Distribution samplers for the `distribution` generator (DSL.md section 3).
 *
 * Every draw is a pure function of (stream key, row ordinal, slots): values come only from
 * rng.ts `uniform(key, row, slot)`, so any row range can be generated alone, in any order, on any
 * thread. A draw uses slots [slotBase, slotBase + DIST_SLOT_SPAN) (dirichlet: dirichletSlotSpan(k)).
 * No BigInt, no Math.random, no allocation per draw.
 *
 * Algorithms (details in ./dist/*.ts):
 *   inverse CDF (1 slot)    normal (Acklam), lognormal, uniform, exponential, pareto, weibull,
 *                           triangular, geometric (failures before the first success, support 0..)
 *   poisson                 table + guide inversion for lambda < 30, PTRS rejection above
 *   gamma / beta            Marsaglia–Tsang (+ boost for shape < 1); beta = Ga/(Ga+Gb)
 *   negative_binomial       Poisson(Gamma(k, mean/k)): variance mean + mean²/k
 *   binomial                inversion for n·min(p,1-p) < 30, BTRS rejection above; n may vary per row
 *   zipf                    tabulated CDF + guide + binary search for n <= 1e6, else rejection-inversion
 *   dirichlet               normalised gammas
 * Inversion inherits the 32-bit resolution of `uniform`: probabilities are realised in steps of
 * 2^-32, so events rarer than ~1e-10 in a tail are not produced.
 */
import { compileDist as compileSampler } from './dist/compile.ts';
import type { CompiledDist, DistName, Sampler } from './dist/types.ts';

export { DIST_NAMES, DIST_SLOT_SPAN } from './dist/types.ts';
export type { CompiledDist, DistName } from './dist/types.ts';
export { normalizeDist, normalizeDirichlet } from './dist/normalize.ts';
export { distMean, distVariance } from './dist/moments.ts';
export { distCdf, distPmf, isDiscrete } from './dist/cdf.ts';
export { sampleDirichlet, dirichletSlotSpan } from './dist/gamma.ts';
export { normalQuantile, normalQuantilePrecise } from './dist/normal-quantile.ts';

/** Precompute a distribution's constants and tables. `params` must come from normalizeDist. */
export function compileDist(type: DistName, params: Record<string, number | string>): CompiledDist {
  return compileSampler(type, params);
}

/**
 * One draw for (key, row) using slots from slotBase. `nOverride` is the per-row n of
 * binomial{n: "column"} (a binomial compiled with a column n and no nOverride yields NaN).
 */
export function sampleDist(d: CompiledDist, key: number, row: number, slotBase: number, nOverride?: number): number {
  return (d as Sampler).sample(key, row, slotBase, nOverride);
}

/** out[i] = sampleDist(d, key, start + i, slotBase, nArr?.[i]) for i in [0, n). */
export function fillDist(
  d: CompiledDist,
  out: Float64Array,
  key: number,
  start: number,
  n: number,
  slotBase: number,
  nArr?: ArrayLike<number>,
): void {
  (d as Sampler).fill(out, key, start, n, slotBase, nArr);
}
