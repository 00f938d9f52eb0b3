import { error, isNumber } from '../../context.ts';
import type { GeneratorPlanner } from '../types.ts';

/** Longest list a list generator makes per row (a Dirichlet's components, a vector's length, a sample's k). */
export const MAX_LIST_LENGTH = 10_000;

/** A whole number in [min, MAX_LIST_LENGTH]. */
export const isCount = (x: unknown, min: number): x is number => isNumber(x) && Number.isInteger(x) && x >= min && x <= MAX_LIST_LENGTH;

/**
 * `dirichlet {alpha: [a1, …, ak]}` or `{alpha: a, k}` (symmetric): a list<float> of k shares that sum to 1, component
 * j with mean alpha_j / Σ alpha. Also reached as `distribution {type: "dirichlet", params: {alpha, k?}}`.
 */
export const dirichlet: GeneratorPlanner<'dirichlet'> = {
  name: 'dirichlet',
  kind: 'dirichlet',
  plan(args, ctx, path) {
    const a = args?.alpha;
    const k = args?.k;
    if (Array.isArray(a)) {
      if (a.length < 2 || a.length > MAX_LIST_LENGTH || !a.every((x) => isNumber(x) && x > 0)) {
        return error(ctx, 'DG_BAD_PARAM', `${path}/alpha`, `dirichlet alpha must be a list of 2 to ${MAX_LIST_LENGTH.toLocaleString('en-US')} numbers > 0 (got ${JSON.stringify(a).slice(0, 80)})`, 'one concentration per component, e.g. [2, 1, 1]; or one number with "k" for a symmetric Dirichlet');
      }
      if (k !== undefined && k !== a.length) return error(ctx, 'DG_BAD_PARAM', `${path}/k`, `k = ${JSON.stringify(k)} but alpha lists ${a.length} concentrations`, 'leave out k when alpha is a list (its length is k)');
      return { kind: 'dirichlet', alpha: (a as number[]).slice() };
    }
    if (isNumber(a) && a > 0) {
      if (!isCount(k, 2)) return error(ctx, 'DG_BAD_PARAM', k === undefined ? path : `${path}/k`, k === undefined ? `a symmetric dirichlet (one alpha, ${a}) needs "k", the number of components` : `k must be a whole number from 2 to ${MAX_LIST_LENGTH.toLocaleString('en-US')} (got ${JSON.stringify(k)})`, 'e.g. {"alpha": 0.5, "k": 20}: 20 shares, each with mean 1/20');
      return { kind: 'dirichlet', alpha: new Array<number>(k).fill(a) };
    }
    return error(ctx, a === undefined ? 'DG_MISSING_PARAM' : 'DG_BAD_PARAM', a === undefined ? path : `${path}/alpha`, a === undefined ? 'dirichlet needs "alpha": a list of concentrations, or one concentration with "k"' : `dirichlet alpha must be a number > 0 or a list of them (got ${JSON.stringify(a)})`, 'e.g. {"alpha": [2, 1, 1]} or {"alpha": 0.5, "k": 20}');
  },
};

