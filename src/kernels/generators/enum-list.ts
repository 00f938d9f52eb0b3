import { ColumnData } from '../../model/column-data.ts';
import type { Scalar } from '../../ir/types.ts';
import type { GeneratorKernel } from '../types.ts';

/** Vocab nodes: row i is values[i]; the node has exactly values.length rows. */
export const enumList: GeneratorKernel<'enum_list'> = (p, _col, ctx) => {
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
};

function toNum(v: Scalar): number {
  return v === null ? NaN : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
}
