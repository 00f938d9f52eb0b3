import { ColumnData } from '../../engine/column-data.ts';
import { error } from '../../plan/context.ts';
import type { Scalar } from '../../plan/types.ts';
import type { ModifierEntry } from '../types.ts';

/** Replace values found in `mapping` (keys compare with the value's printed form); others stay. */
export const mapValues: ModifierEntry<'map_values'> = {
  name: 'map_values',
  kind: 'map_values',
  plan(args, ctx, path) {
    const m = args?.mapping;
    if (!m || typeof m !== 'object' || Array.isArray(m)) return error(ctx, 'DG_BAD_PARAM', `${path}/mapping`, 'map_values needs a "mapping" object', 'e.g. {"mapping": {"A": "Active"}}');
    return { kind: 'map_values', mapping: m as Record<string, Scalar> };
  },
  execute(p, data) {
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
    const allNumeric = [...m.values()].every((x) => x === null || typeof x === 'number' || typeof x === 'boolean');
    if (allNumeric) {
      for (let i = 0; i < v.length; i++) {
        const k = String(v[i]);
        if (m.has(k)) v[i] = Number(m.get(k) ?? NaN);
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
