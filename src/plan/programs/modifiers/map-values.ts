import { error } from '../../context.ts';
import type { Scalar } from '../../../ir/types.ts';
import type { ModifierPlanner } from '../types.ts';

/** Replace values found in `mapping` (keys compare with the value's printed form); others stay. */
export const mapValues: ModifierPlanner<'map_values'> = {
  name: 'map_values',
  kind: 'map_values',
  plan(args, ctx, path) {
    const m = args?.mapping;
    if (!m || typeof m !== 'object' || Array.isArray(m)) return error(ctx, 'DG_BAD_PARAM', `${path}/mapping`, 'map_values needs a "mapping" object', 'e.g. {"mapping": {"A": "Active"}}');
    if (['int', 'float', 'decimal', 'bool'].includes(ctx.type)) {
      const bad = Object.entries(m).find(([, v]) => typeof v === 'string' && !Number.isFinite(Number(v)) && !(ctx.type === 'bool' && /^(true|false)$/i.test(v)));
      if (bad) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/mapping/${bad[0]}`, `map_values maps to ${JSON.stringify(bad[1])} but "${ctx.column.name}" is ${ctx.type}`, 'map to values of the column type, or change the column type to "string"');
    }
    return { kind: 'map_values', mapping: m as Record<string, Scalar> };
  },
};
