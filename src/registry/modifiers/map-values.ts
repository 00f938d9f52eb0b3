import { ColumnData } from '../../model/column-data.ts';
import { error } from '../../plan/context.ts';
import type { Scalar } from '../../ir/types.ts';
import type { ModifierEntry } from '../types.ts';

/** Replace values found in `mapping` (keys compare with the value's printed form); others stay. */
export const mapValues: ModifierEntry<'map_values'> = {
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
  execute(p, data, col) {
    const m = new Map(Object.entries(p.mapping));
    if (data.str) {
      const s = data.str;
      for (let i = 0; i < s.length; i++) {
        const k = s[i];
        if (k !== null && m.has(k)) {
          const v = m.get(k)!;
          s[i] = v === null ? null : String(v);
        }
      }
      return data;
    }
    const v = data.num!;
    const bool = col.type === 'bool';
    const keyOf = (x: number) => (bool ? (x ? 'true' : 'false') : String(x));
    const num = (x: Scalar) => (x === null ? NaN : typeof x === 'string' && bool ? (/^true$/i.test(x) ? 1 : 0) : Number(x));
    if (col.type !== 'string') {
      for (let i = 0; i < v.length; i++) {
        if (Number.isNaN(v[i])) continue;
        const k = keyOf(v[i]);
        if (m.has(k)) v[i] = num(m.get(k)!);
      }
      return data;
    }
    const out: (string | null)[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const k = Number.isNaN(v[i]) ? null : String(v[i]);
      const mapped = k !== null && m.has(k) ? m.get(k)! : k;
      out[i] = mapped === null ? null : String(mapped);
    }
    return ColumnData.strings(out);
  },
};
