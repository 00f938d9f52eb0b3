import { error, isNumber } from '../../context.ts';
import type { ModifierPlanner } from '../types.ts';

/** Gaussian noise: value + ε (mode add) or value × (1 + ε) (mode mul), ε ~ N(0, std). */
export const jitter: ModifierPlanner<'jitter'> = {
  name: 'jitter',
  kind: 'jitter',
  plan(args, ctx, path, index) {
    if (!isNumber(args?.std)) return error(ctx, 'DG_BAD_PARAM', `${path}/std`, 'jitter needs a numeric "std"', 'e.g. {"std": 0.1, "mode": "mul"}');
    if (args.std < 0) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/std`, `jitter std ${args.std} is negative`, 'a standard deviation is ≥ 0');
    const mode = args.mode ?? 'add';
    if (mode !== 'add' && mode !== 'mul') return error(ctx, 'DG_BAD_PARAM', `${path}/mode`, `jitter mode ${JSON.stringify(mode)} is not "add" or "mul"`, 'use "add" or "mul"');
    return { kind: 'jitter', std: args.std, mode, stream: ctx.stream(`jitter:${index}`) };
  },
};
