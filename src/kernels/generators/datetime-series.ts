import { ColumnData } from '../../model/column-data.ts';
import { EffectFunction } from '../../model/effects.ts';
import { trendFactor, YEAR_MS } from '../../model/trend.ts';
import { uniform } from '../../model/rng.ts';
import { GridSampler, TimeGrid } from '../../model/time-grid.ts';
import type { ColumnPlan, VintagePlan } from '../../ir/types.ts';
import type { ChunkContext } from '../../engine/chunk.ts';
import { VintageModel } from '../../model/vintage.ts';
import type { GeneratorKernel } from '../types.ts';

/** Timestamps on a grid inside a window, weighted by hour/dow/month patterns, seasonality and effects. */
export const datetimeSeries: GeneratorKernel<'datetime'> = (p, col, ctx) => {
  if (p.vintage) return vintageTimes(p.vintage, col, ctx);
  const sampler = ctx.memo(p, () => {
    const fns = p.effects.map((e) => new EffectFunction(e, ctx.store, []));
    const trends = p.trends ?? [];
    // A trend weighs a grid point by its factor at t (negative factors of a falling linear trend weigh 0).
    const trendAt = (t: number) => trends.reduce((acc, tr) => acc * Math.max(0, trendFactor(tr.type, tr.growthRate, tr.a, tr.b, (t - tr.originMs) / YEAR_MS)), 1);
    const extra = fns.length || trends.length ? (t: number) => fns.reduce((acc, f) => acc * f.at('', t), 1) * trendAt(t) : undefined;
    return new GridSampler(new TimeGrid(p.startMs, p.endMs, p.freq), p.patterns, extra);
  });
  const out = new Float64Array(ctx.n);
  const after = p.after ? ctx.cols.get(p.after.column)?.num : null;
  const grid = sampler.grid;
  for (let i = 0; i < ctx.n; i++) {
    const u = uniform(col.stream, ctx.start + i, 0);
    if (!after || Number.isNaN(after[i])) {
      out[i] = sampler.sample(u);
      continue;
    }
    const from = grid.firstAfter(after[i], p.after!.strict);
    // No grid point left in the window after the earlier timestamp: the next point of the grid beyond it.
    out[i] = from < grid.count ? sampler.sample(u, from) : grid.nextPointAfter(after[i], p.after!.strict);
  }
  return ColumnData.numbers(out);
};

/** Child times after the parent's creation, ∝ the column's own weights × the parent's age curves. */
function vintageTimes(v: VintagePlan, col: ColumnPlan, ctx: ChunkContext): ColumnData {
  const model = ctx.memo(v, () => new VintageModel(ctx.plan, ctx.table, ctx.store, v));
  const out = new Float64Array(ctx.n);
  const rows = ctx.parentRow!;
  // A lifetime alone needs one uniform per row; activity curves two (the piece, then the point inside it).
  const two = v.fanoutCurves.length > 0;
  for (let i = 0; i < ctx.n; i++) out[i] = model.sample(rows[i], uniform(col.stream, ctx.start + i, 0), two ? uniform(col.stream, ctx.start + i, 1) : 0);
  return ColumnData.numbers(out);
}
