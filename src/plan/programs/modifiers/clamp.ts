import { error, isNumber } from '../../context.ts';
import type { ModifierPlanner } from '../types.ts';

/** Bound values to [min, max]; either bound may be null. */
export const clamp: ModifierPlanner<'clamp'> = {
  name: 'clamp',
  kind: 'clamp',
  plan(args, ctx, path) {
    const min = args?.min ?? null;
    const max = args?.max ?? null;
    if ((min !== null && !isNumber(min)) || (max !== null && !isNumber(max))) {
      return error(ctx, 'DG_BAD_PARAM', path, 'clamp min and max must be numbers or null', 'e.g. {"min": 0, "max": 100}');
    }
    if (min !== null && max !== null && min > max) return error(ctx, 'DG_OUT_OF_RANGE', path, `clamp min ${min} is above max ${max}`, 'swap the bounds');
    return { kind: 'clamp', min, max };
  },
};
