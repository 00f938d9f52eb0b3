import { ColumnData } from '../../model/column-data.ts';
import { empiricalQuantile } from '../../model/empirical.ts';
import { uniform } from '../../model/rng.ts';
import type { GeneratorKernel } from '../types.ts';

/** Inverse of the piecewise-linear CDF through the quantiles at one keyed uniform per row (slot 0). */
export const empirical: GeneratorKernel<'empirical'> = (p, col, ctx) => {
  const out = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) out[i] = empiricalQuantile(p.quantiles, p.probs, uniform(col.stream, ctx.start + i, 0));
  return ColumnData.numbers(out);
};
