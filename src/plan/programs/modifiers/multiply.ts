import { error, isNumber } from '../../context.ts';
import type { ModifierPlanner } from '../types.ts';

/** value × factor. */
export const multiply: ModifierPlanner<'multiply'> = {
  name: 'multiply',
  kind: 'multiply',
  plan(args, ctx, path) {
    if (!isNumber(args?.factor)) return error(ctx, 'DG_BAD_PARAM', `${path}/factor`, 'multiply needs a numeric "factor"', 'e.g. {"factor": 1.5}');
    return { kind: 'multiply', factor: args.factor };
  },
};
