import { segmentMultipliers } from '../../model/vintage.ts';
import type { ModifierKernel } from '../types.ts';

/** value × the value_multiplier of the segment of the linked entity row (primary parent or picked row). */
export const segmentValue: ModifierKernel<'segment_value'> = (p, data, _col, ctx) => {
  const m = ctx.memo(p.scale, () => segmentMultipliers(ctx.store, p.scale));
  const rows = ctx.linkedRows(p.scale.table);
  const v = data.num!;
  for (let i = 0; i < v.length; i++) {
    const r = rows[i];
    if (r >= 0) v[i] *= m[r];
  }
  return data;
};
