import { error, isNumber } from '../../plan/context.ts';
import type { ModifierEntry } from '../types.ts';

/** value + value. */
export const add: ModifierEntry<'add'> = {
  name: 'add',
  kind: 'add',
  plan(args, ctx, path) {
    if (!isNumber(args?.value)) return error(ctx, 'DG_BAD_PARAM', `${path}/value`, 'add needs a numeric "value"', 'e.g. {"value": 10}');
    return { kind: 'add', value: args.value };
  },
  execute(p, data) {
    const v = data.num!;
    for (let i = 0; i < v.length; i++) v[i] += p.value;
    return data;
  },
};
