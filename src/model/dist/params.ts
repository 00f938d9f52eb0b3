/**
 * The parameter rules of every distribution: canonical names (what the plan stores), accepted
 * aliases (some convert, e.g. exponential `scale` -> `rate = 1/scale`), defaults, valid ranges and
 * cross-parameter checks. The data behind `normalizeDist`; no logic beyond small range predicates.
 */
import type { DistName } from './types.ts';

/** A valid range: `test` says whether a value is inside, `text` describes it ('>= 0'). */
interface Range {
  readonly text: string;
  readonly test: (v: number) => boolean;
}

export interface AliasRule {
  readonly name: string;
  /** Converting alias: the canonical value is `to(v)`; `range`/`what` then describe the alias. */
  readonly to?: (v: number) => number;
  readonly range?: Range;
  readonly what?: string;
}

export interface ParamRule {
  readonly name: string;
  readonly what: string;
  readonly example: number;
  readonly range: Range;
  readonly aliases: readonly AliasRule[];
  /** Value used when the parameter is absent; absent and no default means required. */
  readonly def?: number;
  /** Optional without default (zipf n: absent = unbounded). */
  readonly optional?: boolean;
  /** May be a string: an expression over earlier columns of the row (a column name is one), evaluated per row. */
  readonly column?: boolean;
}

/** A failed cross-parameter check, stated on one canonical parameter. */
interface CrossProblem {
  readonly on: string;
  readonly message: string;
  readonly hint: string;
}

type Values = Readonly<Record<string, number | string>>;

export interface DistRules {
  readonly params: readonly ParamRule[];
  /** Runs only when every parameter is individually valid; `name` gives the user's spelling. */
  readonly cross?: (p: Values, name: (canonical: string) => string) => CrossProblem | null;
}

const any: Range = { text: 'finite', test: () => true };
const nonNeg: Range = { text: '>= 0', test: (v) => v >= 0 };
const pos: Range = { text: '> 0', test: (v) => v > 0 };
const prob: Range = { text: 'in [0, 1]', test: (v) => v >= 0 && v <= 1 };
const probPos: Range = { text: 'in (0, 1]', test: (v) => v > 0 && v <= 1 };
const count: Range = { text: 'a whole number >= 0', test: (v) => v >= 0 && Number.isInteger(v) };
const countPos: Range = { text: 'a whole number >= 1', test: (v) => v >= 1 && Number.isInteger(v) };

const inverse = (v: number) => 1 / v;
const al = (...names: string[]): AliasRule[] => names.map((name) => ({ name }));

function orderCheck(lo: string, hi: string, strict: boolean) {
  return (p: Values, name: (c: string) => string): CrossProblem | null => {
    const a = p[lo] as number;
    const b = p[hi] as number;
    if (strict ? a < b : a <= b) return null;
    return {
      on: lo,
      message: `${name(lo)} (${a}) must be ${strict ? 'less than' : 'at most'} ${name(hi)} (${b})`,
      hint: `swap the two values or fix one of them`,
    };
  };
}

function triangularCross(p: Values, name: (c: string) => string): CrossProblem | null {
  const bad = orderCheck('low', 'high', true)(p, name);
  if (bad) return bad;
  const { low, mode, high } = p as Record<string, number>;
  if (mode! >= low! && mode! <= high!) return null;
  return { on: 'mode', message: `${name('mode')} (${mode}) must lie in [${name('low')}, ${name('high')}] = [${low}, ${high}]`, hint: 'the peak of a triangle is between its two ends' };
}

function zipfCross(p: Values, name: (c: string) => string): CrossProblem | null {
  if (p['n'] !== undefined || (p['s'] as number) > 1) return null;
  return {
    on: 's',
    message: `${name('s')} must be > 1 when n is not given (got ${p['s']}): the unbounded Zipf sum diverges`,
    hint: 'use s > 1, or bound the support with "n" (the largest rank)',
  };
}

export const DIST_RULES: Readonly<Record<DistName, DistRules>> = {
  normal: {
    params: [
      { name: 'mean', what: 'the mean', example: 0, range: any, aliases: al('mu'), def: 0 },
      { name: 'std', what: 'the standard deviation', example: 1, range: nonNeg, aliases: al('sigma', 'sd'), def: 1 },
    ],
  },
  lognormal: {
    params: [
      { name: 'mean', what: 'the mean of the underlying normal (log scale)', example: 0, range: any, aliases: al('mu'), def: 0 },
      { name: 'sigma', what: 'the standard deviation of the underlying normal (log scale)', example: 1, range: nonNeg, aliases: al('std'), def: 1 },
    ],
  },
  uniform: {
    params: [
      { name: 'low', what: 'the lower bound', example: 0, range: any, aliases: al('min'), def: 0 },
      { name: 'high', what: 'the upper bound', example: 1, range: any, aliases: al('max'), def: 1 },
    ],
    cross: orderCheck('low', 'high', false),
  },
  poisson: {
    params: [{ name: 'lambda', what: 'the expected count', example: 3, range: nonNeg, aliases: al('lam', 'mean', 'mu'), column: true }],
  },
  exponential: {
    params: [
      {
        name: 'rate', what: 'the event rate (1/mean)', example: 1, range: pos, def: 1,
        aliases: [
          { name: 'lambda' },
          { name: 'scale', to: inverse, range: pos, what: 'the mean (1/rate)' },
          { name: 'mean', to: inverse, range: pos, what: 'the mean (1/rate)' },
        ],
      },
    ],
  },
  gamma: {
    params: [
      { name: 'shape', what: 'the shape k', example: 2, range: pos, aliases: al('k') },
      { name: 'scale', what: 'the scale θ', example: 1, range: pos, def: 1, aliases: [{ name: 'theta' }, { name: 'rate', to: inverse, range: pos, what: 'the rate (1/scale)' }] },
    ],
  },
  beta: {
    params: [
      { name: 'a', what: 'the first shape (alpha)', example: 2, range: pos, aliases: al('alpha') },
      { name: 'b', what: 'the second shape (beta)', example: 5, range: pos, aliases: al('beta') },
    ],
  },
  negative_binomial: {
    params: [
      { name: 'mean', what: 'the expected count', example: 5, range: nonNeg, aliases: al('mu', 'lambda'), column: true },
      { name: 'dispersion_k', what: 'the dispersion k (variance = mean + mean²/k)', example: 2, range: pos, aliases: al('k', 'dispersion', 'size') },
    ],
  },
  binomial: {
    params: [
      { name: 'n', what: 'the number of trials (a number or the name of an earlier column)', example: 10, range: count, aliases: al('trials'), column: true },
      { name: 'p', what: 'the success probability', example: 0.5, range: prob, aliases: al('prob', 'probability'), column: true },
    ],
  },
  zipf: {
    params: [
      { name: 's', what: 'the exponent (P(k) ∝ k^-s)', example: 1.2, range: nonNeg, aliases: al('a', 'alpha', 'exponent') },
      { name: 'n', what: 'the largest rank (omit for an unbounded support)', example: 1000, range: countPos, aliases: al('max'), optional: true },
    ],
    cross: zipfCross,
  },
  pareto: {
    params: [
      { name: 'alpha', what: 'the tail index', example: 3, range: pos, aliases: al('shape', 'a') },
      { name: 'scale', what: 'the minimum value x_m', example: 1, range: pos, aliases: al('xm', 'x_m', 'min'), def: 1 },
    ],
  },
  weibull: {
    params: [
      { name: 'shape', what: 'the shape k', example: 1.5, range: pos, aliases: al('k') },
      { name: 'scale', what: 'the scale λ', example: 1, range: pos, aliases: al('lambda'), def: 1 },
    ],
  },
  triangular: {
    params: [
      { name: 'low', what: 'the lower end', example: 0, range: any, aliases: al('min') },
      { name: 'mode', what: 'the peak', example: 1, range: any, aliases: al('peak', 'c') },
      { name: 'high', what: 'the upper end', example: 2, range: any, aliases: al('max') },
    ],
    cross: triangularCross,
  },
  geometric: {
    params: [
      {
        name: 'p', what: 'the success probability per trial', example: 0.3, range: probPos,
        aliases: [{ name: 'prob' }, { name: 'probability' }, { name: 'mean', to: (m) => 1 / (1 + m), range: nonNeg, what: 'the mean number of failures ((1-p)/p)' }],
      },
    ],
  },
};
