import type { ModifierKernel } from '../types.ts';

/**
 * Dated spikes, drops and level shifts: rows whose time reference falls in a window (and whose columns
 * match its `scope`) are multiplied by the window's multiplier (several windows on one row multiply).
 * Every changed value is labelled, with the window, through `ctx.label`.
 */
export const anomaly: ModifierKernel<'anomaly'> = (p, data, col, ctx) => {
  const v = data.num!;
  const t = ctx.cols.get(p.timeRef)!.num!;
  const scopes = p.windows.map((w) => w.scope.map((s) => ({ col: ctx.cols.get(s.column)!, values: new Set(s.values) })));
  for (let i = 0; i < v.length; i++) {
    const ti = t[i];
    if (Number.isNaN(ti) || Number.isNaN(v[i])) continue;
    let m = 1;
    let first = -1;
    for (let w = 0; w < p.windows.length; w++) {
      const win = p.windows[w];
      if (ti < win.startMs || ti >= win.endMs || !scopes[w].every((s) => s.values.has(s.col.key(i)))) continue;
      m *= win.multiplier;
      if (first < 0) first = w;
    }
    if (first < 0 || m === 1) continue;
    v[i] *= m;
    const win = p.windows[first];
    ctx.label({ column: col.name, index: i, kind: `anomaly_${win.kind}`, magnitude: m, start: win.startMs, end: win.endMs, description: '{kind} on {table}.{column} row {row}: {expected} → {observed} (×{magnitude}) in [{start}, {end})' });
  }
  return data;
};
