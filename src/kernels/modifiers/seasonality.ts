import { patternWeight } from '../../model/time-grid.ts';
import type { ModifierKernel } from '../types.ts';

/**
 * On a numeric column: × the weight of the row's timestamp bucket (raw weights, not normalised).
 * On a datetime column the planner folds it into the generator as a sampling weight.
 */
export const seasonality: ModifierKernel<'seasonality'> = (p, data, _col, ctx) => {
  const v = data.num!;
  const t = ctx.cols.get(p.timeRef)!.num!;
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(t[i])) v[i] *= patternWeight(t[i], p);
  return data;
};
