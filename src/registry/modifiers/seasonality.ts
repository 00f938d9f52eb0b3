import { patternWeight } from '../../model/time-grid.ts';
import { planPattern } from '../generators/datetime-series.ts';
import { timeReference } from '../../plan/time-reference.ts';
import type { ModifierEntry } from '../types.ts';

/**
 * On a numeric column: × the weight of the row's timestamp bucket (raw weights, not normalised).
 * On a datetime column the planner folds it into the generator as a sampling weight.
 */
export const seasonality: ModifierEntry<'seasonality'> = {
  name: 'seasonality',
  kind: 'seasonality',
  plan(args, ctx, path) {
    const pattern = planPattern(args, ctx, path);
    if (!pattern) return undefined;
    if (ctx.type === 'datetime' || ctx.type === 'date') return { kind: 'seasonality', ...pattern, timeRef: ctx.column.name };
    const timeRef = timeReference(ctx, args.time_reference, path, true, true);
    return timeRef ? { kind: 'seasonality', ...pattern, timeRef } : undefined;
  },
  execute(p, data, _col, ctx) {
    const v = data.num!;
    const t = ctx.cols.get(p.timeRef)!.num!;
    for (let i = 0; i < v.length; i++) if (!Number.isNaN(t[i])) v[i] *= patternWeight(t[i], p);
    return data;
  },
};
