import { ColumnData } from '../../engine/column-data.ts';
import { type CompiledDist, compileDist, type DistName, fillDist, normalizeDist } from '../../engine/distributions.ts';
import { type ColumnContext, error, findColumn, isNumber } from '../../plan/context.ts';
import { didYouMean } from '../../diagnostics/suggest.ts';
import type { GeneratorEntry } from '../types.ts';

const compiled = new WeakMap<object, CompiledDist>();
const PROBLEM_CODES = { unknown: 'DG_UNKNOWN_PARAM', missing: 'DG_MISSING_PARAM', type: 'DG_BAD_PARAM', conflict: 'DG_BAD_PARAM', range: 'DG_OUT_OF_RANGE' } as const;

/** Draw from a named distribution (inverse CDF / exact samplers on keyed uniforms), then clamp. */
export const distribution: GeneratorEntry<'distribution'> = {
  name: 'distribution',
  kind: 'distribution',
  plan(args, ctx, path) {
    const d = planDist(args, ctx, path);
    return d && { kind: 'distribution', ...d };
  },
  execute(p, col, ctx) {
    const out = new Float64Array(ctx.n);
    const nCol = typeof p.params.n === 'string' ? ctx.cols.get(p.params.n)?.num ?? undefined : undefined;
    fillDist(cachedDist(p), out, col.stream, ctx.start, ctx.n, 0, nCol);
    applyClamp(out, p.clamp);
    return ColumnData.numbers(out);
  },
};

export function cachedDist(p: { dist: string; params: Record<string, number | string> }): CompiledDist {
  let c = compiled.get(p);
  if (!c) {
    c = compileDist(p.dist as DistName, p.params);
    compiled.set(p, c);
  }
  return c;
}

export function applyClamp(out: Float64Array, clamp: [number | null, number | null]): void {
  const [lo, hi] = clamp;
  if (lo === null && hi === null) return;
  const a = lo ?? -Infinity;
  const b = hi ?? Infinity;
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    out[i] = v < a ? a : v > b ? b : v;
  }
}

/** Shared by the generator and by `outliers.magnitude_dist`: {type, params, clamp}. */
export function planDist(args: any, ctx: ColumnContext, path: string): { dist: string; params: Record<string, number | string>; clamp: [number | null, number | null] } | undefined {
  if (typeof args?.type !== 'string') return error(ctx, 'DG_BAD_PARAM', path, 'distribution needs a "type"', 'e.g. {"type": "normal", "params": {"mean": 0, "std": 1}}');
  if (args.type === 'dirichlet') return error(ctx, 'DG_NOT_SUPPORTED', `${path}/type`, 'dirichlet draws a vector; list columns are not supported yet', 'draw each component with a gamma distribution and normalise them with expressions');
  const norm = normalizeDist(args.type, args.params ?? {});
  if ('unknownType' in norm) {
    return error(ctx, 'DG_UNKNOWN_DISTRIBUTION', `${path}/type`, `unknown distribution "${args.type}"`, norm.suggestions.length ? `did you mean "${norm.suggestions[0]}"?` : didYouMean(args.type, []));
  }
  for (const prob of norm.problems) {
    const m = prob.message;
    const code = PROBLEM_CODES[prob.kind];
    const message = m.includes(norm.type) ? m : `${norm.type}: ${m}`;
    ctx.diags.push({ code, severity: 'error', path: prob.param ? `${path}/params/${prob.param}` : `${path}/params`, message, hint: prob.hint });
  }
  if (norm.problems.length) return undefined;
  if (typeof norm.params.n === 'string') {
    const nCol = findColumn(ctx.node, norm.params.n);
    if (!nCol) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/params/n`, `binomial n names column "${norm.params.n}", which this table does not have`, 'n is a number or the name of an earlier count column');
    if (nCol.type !== 'int' && nCol.type !== 'float') return error(ctx, 'DG_TYPE_MISMATCH', `${path}/params/n`, `binomial n names column "${norm.params.n}" of type ${nCol.type}; it must be a count`, 'name an int column');
  }
  const clamp = planClamp(args.clamp, ctx, `${path}/clamp`);
  return clamp && { dist: norm.type, params: norm.params, clamp };
}

function planClamp(c: unknown, ctx: ColumnContext, path: string): [number | null, number | null] | undefined {
  if (c === undefined || c === null) return [null, null];
  if (!Array.isArray(c) || c.length !== 2 || !c.every((x) => x === null || isNumber(x))) {
    return error(ctx, 'DG_BAD_PARAM', path, 'clamp must be [min, max] (either may be null)', 'e.g. [0, 100]');
  }
  if (c[0] !== null && c[1] !== null && c[0] > c[1]) return error(ctx, 'DG_OUT_OF_RANGE', path, `clamp min ${c[0]} is above max ${c[1]}`, 'swap the bounds');
  return [c[0], c[1]];
}
