import { planPattern } from '../generators/datetime-series.ts';
import { timeReference } from '../../time-reference.ts';
import type { ModifierPlanner } from '../types.ts';

/**
 * On a numeric column: × the weight of the row's timestamp bucket (raw weights, not normalised).
 * On a datetime column the planner folds it into the generator as a sampling weight.
 */
export const seasonality: ModifierPlanner<'seasonality'> = {
  name: 'seasonality',
  kind: 'seasonality',
  plan(args, ctx, path) {
    const pattern = planPattern(args, ctx, path);
    if (!pattern) return undefined;
    if (ctx.type === 'datetime' || ctx.type === 'date') return { kind: 'seasonality', ...pattern, timeRef: ctx.column.name };
    const timeRef = timeReference(ctx, args.time_reference, path, true, true);
    return timeRef ? { kind: 'seasonality', ...pattern, timeRef } : undefined;
  },
};
