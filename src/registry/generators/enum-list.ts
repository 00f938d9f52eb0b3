import { ColumnData } from '../../model/column-data.ts';
import { error } from '../../plan/context.ts';
import type { Scalar } from '../../ir/types.ts';
import type { GeneratorEntry } from '../types.ts';

/** Vocab nodes: row i is values[i]; the node has exactly values.length rows. */
export const enumList: GeneratorEntry<'enum_list'> = {
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
  execute(p, _col, ctx) {
    const numeric = p.values.every((v) => typeof v === 'number' || typeof v === 'boolean' || v === null);
    if (numeric) {
      const out = new Float64Array(ctx.n);
      for (let i = 0; i < ctx.n; i++) out[i] = toNum(p.values[(ctx.start + i) % p.values.length]);
      return ColumnData.numbers(out);
    }
    const out: (string | null)[] = new Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      const v = p.values[(ctx.start + i) % p.values.length];
      out[i] = v === null ? null : String(v);
    }
    return ColumnData.strings(out);
  },
};

function toNum(v: Scalar): number {
  return v === null ? NaN : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
}
