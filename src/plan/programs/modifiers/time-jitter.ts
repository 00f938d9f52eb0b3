import { error, isNumber } from '../../context.ts';
import type { ModifierPlanner } from '../types.ts';

/** Gaussian shift of a timestamp by N(0, std_minutes) minutes, rounded to the second. */
export const timeJitter: ModifierPlanner<'time_jitter'> = {
  name: 'time_jitter',
  kind: 'time_jitter',
  plan(args, ctx, path, index) {
    if (ctx.type !== 'datetime' && ctx.type !== 'date') return error(ctx, 'DG_TYPE_MISMATCH', path, `time_jitter applies to datetime columns; "${ctx.column.name}" is ${ctx.type}`, 'use jitter for numbers');
    if (!isNumber(args?.std_minutes) || args.std_minutes < 0) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/std_minutes`, 'time_jitter needs std_minutes ≥ 0', 'e.g. {"std_minutes": 15}');
    return { kind: 'time_jitter', stdMinutes: args.std_minutes, stream: ctx.stream(`time_jitter:${index}`) };
  },
};
