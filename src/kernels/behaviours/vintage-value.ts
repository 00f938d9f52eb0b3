import { curvesAt, segmentMultipliers } from '../../model/vintage.ts';
import type { ModifierKernel } from '../types.ts';

/** value × the age curve at the primary parent's age when the row happens (its time column − created_at). */
export const vintageValue: ModifierKernel<'vintage_value'> = (p, data, _col, ctx) => {
  const created = ctx.store.column(p.table, p.createdAt).num!;
  const decay = p.decay ? ctx.memo(p.decay, () => segmentMultipliers(ctx.store, p.decay!)) : null;
  const t = ctx.cols.get(p.timeRef)!.num!;
  const rows = ctx.parentRow!;
  const v = data.num!;
  for (let i = 0; i < v.length; i++) {
    const r = rows[i];
    const c = created[r];
    if (Number.isNaN(t[i]) || Number.isNaN(c)) continue;
    v[i] *= curvesAt(p.curves, t[i] - c, decay ? decay[r] : 1);
  }
  return data;
};
