import { ColumnData } from '../../model/column-data.ts';
import type { Scalar } from '../../ir/types.ts';
import type { ModifierKernel } from '../types.ts';

/** Replace values found in `mapping` (keys compare with the value's printed form); others stay. */
export const mapValues: ModifierKernel<'map_values'> = (p, data, col) => {
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
};
