import { normalQuantile } from '../../model/distributions.ts';
import { uniform } from '../../model/rng.ts';
import { error, isNumber } from '../../plan/context.ts';
import type { ModifierEntry } from '../types.ts';

/** Gaussian shift of a timestamp by N(0, std_minutes) minutes, rounded to the second. */
export const timeJitter: ModifierEntry<'time_jitter'> = {
  name: 'time_jitter',
  kind: 'time_jitter',
  plan(args, ctx, path, index) {
    if (ctx.type !== 'datetime' && ctx.type !== 'date') return error(ctx, 'DG_TYPE_MISMATCH', path, `time_jitter applies to datetime columns; "${ctx.column.name}" is ${ctx.type}`, 'use jitter for numbers');
    if (!isNumber(args?.std_minutes) || args.std_minutes < 0) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/std_minutes`, 'time_jitter needs std_minutes ≥ 0', 'e.g. {"std_minutes": 15}');
    return { kind: 'time_jitter', stdMinutes: args.std_minutes, stream: ctx.stream(`time_jitter:${index}`) };
  },
  execute(p, data, _col, ctx) {
    const v = data.num!;
    const std = p.stdMinutes * 60_000;
    for (let i = 0; i < v.length; i++) v[i] += Math.round((std * normalQuantile(uniform(p.stream, ctx.start + i, 0))) / 1000) * 1000;
    return data;
  },
};
