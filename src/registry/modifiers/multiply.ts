import { error, isNumber } from '../../plan/context.ts';
import type { ModifierEntry } from '../types.ts';

/** value × factor. */
export const multiply: ModifierEntry<'multiply'> = {
  name: 'multiply',
  kind: 'multiply',
  plan(args, ctx, path) {
    if (!isNumber(args?.factor)) return error(ctx, 'DG_BAD_PARAM', `${path}/factor`, 'multiply needs a numeric "factor"', 'e.g. {"factor": 1.5}');
    return { kind: 'multiply', factor: args.factor };
  },
  execute(p, data) {
    const v = data.num!;
    for (let i = 0; i < v.length; i++) v[i] *= p.factor;
    return data;
  },
};
