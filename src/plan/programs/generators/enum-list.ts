import { error } from '../../context.ts';
import type { Scalar } from '../../../ir/types.ts';
import type { GeneratorPlanner } from '../types.ts';

/** Vocab nodes: row i is values[i]; the node has exactly values.length rows. */
export const enumList: GeneratorPlanner<'enum_list'> = {
  name: 'enum_list',
  kind: 'enum_list',
  plan(args, ctx, path) {
    if (!Array.isArray(args?.values) || args.values.length === 0) {
      return error(ctx, 'DG_BAD_PARAM', path, 'enum_list needs a non-empty "values" list', 'e.g. {"values": ["pending", "active"]}');
    }
    if (ctx.type === 'int' || ctx.type === 'float' || ctx.type === 'decimal') {
      const bad = (args.values as unknown[]).findIndex((v) => typeof v === 'string' && !(v.trim() !== '' && Number.isFinite(Number(v))));
      if (bad >= 0) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/values/${bad}`, `enum_list value ${JSON.stringify(args.values[bad])} is not a number but the column type is "${ctx.type}": it would be NULL`, 'change the column type to "string" or the values to numbers');
    }
    return { kind: 'enum_list', values: args.values as Scalar[] };
  },
};
