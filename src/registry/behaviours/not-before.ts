import type { ModifierEntry } from '../types.ts';

const DAY = 86_400_000;

/**
 * A vintage child's timestamp after its modifiers (time_jitter) is moved up to its primary parent's
 * creation time when it would precede it; for a date column, to the first midnight at or after it, so the
 * day the cast keeps is never before the creation.
 */
export const notBefore: ModifierEntry<'not_before'> = {
  name: 'not_before',
  kind: 'not_before',
  plan() {
    return undefined;
  },
  execute(p, data, col, ctx) {
    const created = ctx.store.column(p.table, p.column).num!;
    const rows = ctx.parentRow!;
    const v = data.num!;
    const date = col.type === 'date';
    for (let i = 0; i < v.length; i++) {
      let c = created[rows[i]];
      if (Number.isNaN(c) || Number.isNaN(v[i])) continue;
      if (date) c = Math.ceil(c / DAY) * DAY;
      if (v[i] < c) v[i] = c;
    }
    return data;
  },
};
