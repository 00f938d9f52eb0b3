import { error, isNumber } from '../../context.ts';
import type { ModifierPlanner } from '../types.ts';

/** value + value. */
export const add: ModifierPlanner<'add'> = {
  name: 'add',
  kind: 'add',
  plan(args, ctx, path) {
    if (!isNumber(args?.value)) return error(ctx, 'DG_BAD_PARAM', `${path}/value`, 'add needs a numeric "value"', 'e.g. {"value": 10}');
    return { kind: 'add', value: args.value };
  },
};
