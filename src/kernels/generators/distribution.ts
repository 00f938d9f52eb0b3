import { ColumnData } from '../../model/column-data.ts';
import { type CompiledDist, compileDist, type DistName, fillDist } from '../../model/distributions.ts';
import type { GeneratorKernel } from '../types.ts';
import type { ChunkContext } from '../../engine/chunk.ts';
import { binomialDraw } from '../../model/dist/binomial.ts';
import { negativeBinomialDraw } from '../../model/dist/gamma.ts';
import { poissonDraw } from '../../model/dist/poisson.ts';
import { DIST_SLOT_SPAN } from '../../model/dist/types.ts';
import type { ColumnPlan, RowParam } from '../../ir/types.ts';
import { expression } from './expression.ts';

const compiled = new WeakMap<object, CompiledDist>();

/** Draw from a named distribution (inverse CDF / exact samplers on keyed uniforms), then clamp. */
export const distribution: GeneratorKernel<'distribution'> = (p, col, ctx) => {
  const out = new Float64Array(ctx.n);
  if (p.exprs && Object.keys(p.exprs).length) fillRowParams(p, p.exprs, out, col, ctx);
  else fillDist(cachedDist(p), out, col.stream, ctx.start, ctx.n, 0);
  applyClamp(out, p.clamp);
  return ColumnData.numbers(out);
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

/**
 * Draws with parameters that vary per row (count models whose mean is an expression: base × weekday factor ×
 * trend; binomial n/p read from the funnel step before). Each row uses the same slots as a fixed-parameter draw.
 */
function fillRowParams(p: { dist: string; params: Record<string, number | string> }, exprs: Record<string, RowParam>, out: Float64Array, col: ColumnPlan, ctx: ChunkContext): void {
  const value = (name: string): ArrayLike<number> | number => {
    const e = exprs[name];
    if (!e) return p.params[name] as number;
    if (e.refs.length === 1 && e.refs[0].table === null && e.refs[0].column === e.code) return ctx.cols.get(e.code)!.num!;
    return expression({ kind: 'expression', code: e.code, refs: e.refs }, col, ctx).num!;
  };
  const at = (v: ArrayLike<number> | number, i: number) => (typeof v === 'number' ? v : v[i]);
  const key = col.stream;
  if (p.dist === 'poisson') {
    const lambda = value('lambda');
    for (let i = 0; i < ctx.n; i++) {
      const l = at(lambda, i);
      out[i] = Number.isNaN(l) || l < 0 ? NaN : poissonDraw(l, key, ctx.start + i, 0, DIST_SLOT_SPAN);
    }
  } else if (p.dist === 'negative_binomial') {
    const mean = value('mean');
    const k = p.params.dispersion_k as number;
    for (let i = 0; i < ctx.n; i++) out[i] = negativeBinomialDraw(at(mean, i), k, key, ctx.start + i, 0);
  } else if (p.dist === 'binomial') {
    const n = value('n');
    const prob = value('p');
    for (let i = 0; i < ctx.n; i++) {
      const q = at(prob, i);
      out[i] = Number.isNaN(q) ? NaN : binomialDraw(at(n, i), Math.min(1, Math.max(0, q)), key, ctx.start + i, 0, DIST_SLOT_SPAN);
    }
  } else throw new Error(`internal: ${p.dist} has no per-row parameters`);
}
