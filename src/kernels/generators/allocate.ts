import { ColumnData } from '../../model/column-data.ts';
import { allocate as choose } from '../../model/allocate.ts';
import type { GeneratorKernel } from '../types.ts';

/**
 * Allocation among siblings: exactly k rows of each (parent, period) group chosen ∝ weights_by (src/model/allocate.ts).
 * The table's chunks hold whole parents (engine/table.ts `tableLayout`), so every group is complete here.
 */
export const allocate: GeneratorKernel<'allocate'> = (p, _col, ctx) => {
  const num = (name: string | null) => (name ? ctx.cols.get(name)!.num ?? Float64Array.from(ctx.cols.get(name)!.values(), (v) => (v === null ? NaN : Number(v))) : null);
  const mask = choose(ctx.n, ctx.start, ctx.parentRow!, num(p.time), num(p.weightsBy), p.per, p.k, p.stream);
  if (!p.value) return ColumnData.numbers(Float64Array.from(mask));
  const v = ctx.cols.get(p.value)!;
  if (v.num) return ColumnData.numbers(Float64Array.from(mask, (m, i) => (m ? v.num![i] : NaN)));
  const vals = v.values();
  return ColumnData.strings(Array.from(mask, (m, i) => (m ? (vals[i] as string | null) : null)));
};
