import type { ModifierKernel } from '../types.ts';

const DAY = 86_400_000;

/**
 * A child's timestamp after its modifiers (time_jitter) is moved into its primary parent's lifetime: up to the
 * birth when it would precede it (for a date column, to the first midnight at or after it, so the day the cast
 * keeps is never before the birth), down to the end when it would follow it (a date: that day's midnight).
 */
export const notBefore: ModifierKernel<'not_before'> = (p, data, col, ctx) => {
  const created = ctx.store.column(p.table, p.column).num!;
  const ended = p.end ? ctx.store.column(p.table, p.end).num! : null;
  const rows = ctx.parentRow!;
  const v = data.num!;
  const date = col.type === 'date';
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i])) continue;
    let e = ended ? ended[rows[i]] : NaN;
    if (!Number.isNaN(e)) {
      if (date) e = Math.floor(e / DAY) * DAY;
      if (v[i] > e) v[i] = e;
    }
    let c = created[rows[i]];
    if (Number.isNaN(c)) continue;
    if (date) c = Math.ceil(c / DAY) * DAY;
    if (v[i] < c) v[i] = c;
  }
  return data;
};
