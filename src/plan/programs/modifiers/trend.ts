import { error, isNumber, type Json, type PlanContext, warning } from '../../context.ts';
import { parseInstant } from '../../time.ts';
import { timeReference } from '../../time-reference.ts';
import type { TrendShape } from '../../../ir/types.ts';
import type { ModifierPlanner } from '../types.ts';

/** Multiplier by years t since `origin`: exponential (1+g)^t, linear 1+g·t, logarithmic 1+a·ln(1+b·t). */
export const trend: ModifierPlanner<'trend'> = {
  name: 'trend',
  kind: 'trend',
  plan(args, ctx, path) {
    const shape = planTrendShape(args, ctx, path);
    // On a datetime column the trend weights the column's own draw (folded into its datetime_series).
    if (shape && (ctx.type === 'datetime' || ctx.type === 'date')) {
      if (args.time_reference !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${path}/time_reference`, `a trend on the datetime column "${ctx.column.name}" weights its own draw: time_reference is not read`, 'remove time_reference');
      return { kind: 'trend', ...shape, timeRef: ctx.column.name };
    }
    const timeRef = shape && timeReference(ctx, args.time_reference, path, true, true);
    return shape && timeRef ? { kind: 'trend', ...shape, timeRef } : undefined;
  },
};

/** A trend's type, rate, curve parameters and origin (the trend modifier and grain.trend). */
export function planTrendShape(args: Json, ctx: PlanContext, path: string): TrendShape | undefined {
  const type = args?.type ?? 'exponential';
  if (!['exponential', 'linear', 'logarithmic'].includes(type)) {
    return error(ctx, 'DG_BAD_PARAM', `${path}/type`, `unknown trend type ${JSON.stringify(type)}`, 'use "exponential", "linear" or "logarithmic"');
  }
  const g = args.growth_rate ?? 0;
  if (!isNumber(g)) return error(ctx, 'DG_BAD_PARAM', `${path}/growth_rate`, 'growth_rate must be a number', 'e.g. 0.08 for +8% a year');
  if (type === 'exponential' && g <= -1) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/growth_rate`, `growth_rate ${g} ≤ -1 leaves (1+g)^t without a real value`, 'use a rate above -1');
  let originMs = ctx.timeframe.startMs;
  if (args.origin !== undefined) {
    const o = parseInstant(args.origin);
    if (o === undefined) return error(ctx, 'DG_BAD_DATETIME', `${path}/origin`, `origin ${JSON.stringify(args.origin)} is not an ISO-8601 instant`, 'e.g. "2024-01-01T00:00:00Z"');
    originMs = o;
  }
  const a = isNumber(args.params?.a) ? args.params.a : g;
  const b = isNumber(args.params?.b) ? args.params.b : 1;
  return { type, growthRate: g, a, b, originMs };
}
