import { type ColumnContext, error, isNumber } from '../../context.ts';
import type { Scalar } from '../../../ir/types.ts';
import type { GeneratorPlanner } from '../types.ts';
import { isCount, MAX_LIST_LENGTH } from './dirichlet.ts';

/**
 * `sample {choices, weights?, k}`: k distinct choices per row (k a number, or {min, max} for a uniform length), drawn
 * successively with probability ∝ weight among the choices not drawn yet.
 */
export const sample: GeneratorPlanner<'sample'> = {
  name: 'sample',
  kind: 'sample',
  plan(args, ctx, path) {
    const choices: unknown = args?.choices;
    if (!Array.isArray(choices) || choices.length === 0 || choices.length > MAX_LIST_LENGTH) {
      return error(ctx, 'DG_BAD_PARAM', choices === undefined ? path : `${path}/choices`, `sample needs "choices", a list of 1 to ${MAX_LIST_LENGTH.toLocaleString('en-US')} values`, 'e.g. {"choices": ["wifi", "parking", "terrace"], "k": 2}');
    }
    const bad = choices.findIndex((v) => v === null || (typeof v !== 'string' && !isNumber(v)));
    if (bad >= 0) return error(ctx, 'DG_BAD_PARAM', `${path}/choices/${bad}`, `choice ${JSON.stringify(choices[bad])} is not a string or a number`, 'list strings (list<string>) or numbers');
    const seen = new Map<string, number>();
    for (let i = 0; i < choices.length; i++) {
      const key = JSON.stringify(choices[i]);
      const first = seen.get(key);
      if (first !== undefined) return error(ctx, 'DG_BAD_PARAM', `${path}/choices/${i}`, `choice ${key} is listed twice (also at ${first}): a sample holds distinct values`, 'list each value once; give it a larger weight to draw it more often');
      seen.set(key, i);
    }
    if ((ctx.type === 'list<int>' || ctx.type === 'list<float>') && !choices.every((v) => typeof v === 'number')) {
      return error(ctx, 'DG_TYPE_MISMATCH', `${path}/choices`, `a ${ctx.type} column samples numbers, but the choices include text`, 'make the column "list<string>", or list numbers');
    }
    const weights = planSampleWeights(args.weights, choices.length, ctx, `${path}/weights`);
    if (!weights) return undefined;
    const positive = weights.filter((w) => w > 0).length;
    const k = planK(args.k, positive, ctx, `${path}/k`);
    return k && { kind: 'sample', values: choices as Scalar[], weights, min: k[0], max: k[1] };
  },
};

function planSampleWeights(w: unknown, n: number, ctx: ColumnContext, path: string): number[] | undefined {
  if (w === undefined) return new Array<number>(n).fill(1);
  if (!Array.isArray(w) || !w.every((x) => isNumber(x) && x >= 0 && Number.isFinite(x))) return error(ctx, 'DG_BAD_WEIGHTS', path, 'weights must be a list of non-negative numbers', 'one weight per choice; they are relative');
  if (w.length !== n) return error(ctx, 'DG_WEIGHTS_LENGTH', path, `${w.length} weights for ${n} choices`, `give exactly ${n} weights, one per choice, in the same order`);
  return w as number[];
}

function planK(k: unknown, positive: number, ctx: ColumnContext, path: string): [number, number] | undefined {
  let range: [number, number] | undefined;
  if (isCount(k, 0)) range = [k, k];
  else if (k && typeof k === 'object' && !Array.isArray(k) && isCount((k as Record<string, unknown>).min, 0) && isCount((k as Record<string, unknown>).max, 0)) {
    const { min, max } = k as { min: number; max: number };
    if (min > max) return error(ctx, 'DG_OUT_OF_RANGE', path, `k.min ${min} is above k.max ${max}`, 'swap them');
    range = [min, max];
  }
  if (!range) return error(ctx, k === undefined ? 'DG_MISSING_PARAM' : 'DG_BAD_PARAM', path, k === undefined ? 'sample needs "k", how many distinct values each row gets' : `k must be a whole number ≥ 0 or {min, max} (got ${JSON.stringify(k)})`, 'e.g. "k": 3, or "k": {"min": 1, "max": 4} for 1 to 4 values, each length equally likely');
  if (range[1] > positive) return error(ctx, 'DG_OUT_OF_RANGE', path, `k up to ${range[1]} distinct values, but only ${positive} choice${positive === 1 ? ' has' : 's have'} a positive weight`, `lower k to at most ${positive}, or add choices`);
  return range;
}
