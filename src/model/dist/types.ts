/** Shared types and constants of the distribution samplers (see ../distributions.ts). */

export type DistName =
  | 'normal'
  | 'lognormal'
  | 'uniform'
  | 'poisson'
  | 'exponential'
  | 'gamma'
  | 'beta'
  | 'negative_binomial'
  | 'binomial'
  | 'zipf'
  | 'pareto'
  | 'weibull'
  | 'triangular'
  | 'geometric';

/** Every scalar distribution. `dirichlet` (vector-valued) is handled by `sampleDirichlet`. */
export const DIST_NAMES: readonly DistName[] = Object.freeze([
  'normal',
  'lognormal',
  'uniform',
  'poisson',
  'exponential',
  'gamma',
  'beta',
  'negative_binomial',
  'binomial',
  'zipf',
  'pareto',
  'weibull',
  'triangular',
  'geometric',
] as const);

/**
 * A draw uses slots [slotBase, slotBase + DIST_SLOT_SPAN) and never more. Inverse-CDF draws use
 * only slotBase; rejection samplers take 2 slots per attempt; composites (beta, negative_binomial)
 * consume the span sequentially. Reaching the end of the span is astronomically unlikely (< 1e-80
 * for every sampler here); each sampler then returns a documented deterministic fallback.
 */
export const DIST_SLOT_SPAN = 256;

/** What went wrong with a parameter (lets callers pick a diagnostic code without parsing text). */
type ParamProblemKind = 'unknown' | 'missing' | 'type' | 'range' | 'conflict';

/** A problem with the parameters of a distribution: `param` is the user's name ('' when missing). */
export interface ParamProblem {
  param: string;
  message: string;
  hint: string;
  kind: ParamProblemKind;
}

/** A distribution with its constants and tables precomputed by `compileDist`. */
export interface CompiledDist {
  readonly type: DistName;
}

/** What every compiled distribution implements (kept internal: callers use sampleDist/fillDist). */
export interface Sampler extends CompiledDist {
  sample(key: number, row: number, slot: number, nOverride?: number): number;
  fill(out: Float64Array, key: number, start: number, n: number, slot: number, nArr?: ArrayLike<number>): void;
}

/**
 * Slot cursor for composed draws: a variable-length sampler (gamma) records here the first slot it
 * did not consume, so the next component of a composite draw starts there. Written and read
 * synchronously inside one draw; never observable across draws.
 */
export const cursor = { next: 0 };

export function assertNever(x: never): never {
  throw new Error(`unhandled distribution: ${String(x)}`);
}
