import { error, findColumn, isNumber, type ColumnContext, type Json } from '../../context.ts';
import { timeReference } from '../../time-reference.ts';
import type { AnomalyWindowPlan } from '../../../ir/types.ts';
import { parseInstant } from '../../time.ts';
import { dayWindow, planWindow } from '../../window.ts';
import type { ModifierPlanner } from '../types.ts';

type Kind = AnomalyWindowPlan['kind'];

/**
 * Dated spikes, drops and level shifts: rows whose time reference falls in a window (and whose columns
 * match its `scope`) are multiplied by the window's multiplier (several windows on one row multiply).
 * Every changed value is labelled, with the window, through `ctx.label`.
 */
export const anomaly: ModifierPlanner<'anomaly'> = {
  name: 'anomaly',
  kind: 'anomaly',
  plan(args, ctx, path) {
    const windows: AnomalyWindowPlan[] = [];
    let ok = true;
    for (const [key, mult, kind] of [['spike_dates', 'spike_multiplier', 'spike'], ['drop_dates', 'drop_multiplier', 'drop']] as const) {
      const dates = args?.[key];
      if (dates === undefined) continue;
      const m = args[mult];
      if (!isNumber(m) || m < 0) {
        ok = false;
        error(ctx, 'DG_MISSING_PARAM', `${path}/${mult}`, `${key} needs "${mult}" (a number ≥ 0)`, `e.g. "${mult}": ${kind === 'spike' ? 3 : 0.3}`);
        continue;
      }
      (Array.isArray(dates) ? dates : []).forEach((d: unknown, i: number) => {
        const w = dayWindow(d);
        if (!w) ok = error(ctx, 'DG_BAD_DATETIME', `${path}/${key}/${i}`, `${JSON.stringify(d)} is not an ISO-8601 date`, 'e.g. "2024-03-01" (the whole UTC day)') ?? false;
        else windows.push({ ...w, multiplier: m, kind, scope: [] });
      });
    }
    const raw: Json[] = Array.isArray(args?.windows) ? args.windows : [];
    raw.forEach((w, i) => {
      const wp = `${path}/windows/${i}`;
      const span = planWindow(ctx, w, wp, null);
      if (!isNumber(w?.multiplier) || w.multiplier < 0) ok = error(ctx, 'DG_OUT_OF_RANGE', `${wp}/multiplier`, `window multiplier ${JSON.stringify(w?.multiplier)} is not a number ≥ 0`, 'e.g. 3 for a spike, 0.5 for a drop') ?? false;
      const scope = planScope(ctx, w?.scope, `${wp}/scope`);
      if (!span || !scope || !ok) return void (ok = false);
      const kind: Kind = w.kind ?? (w.multiplier > 1 ? 'spike' : 'drop');
      windows.push({ ...span, multiplier: w.multiplier, kind, scope });
    });
    if (windows.length === 0 && ok) return error(ctx, 'DG_MISSING_PARAM', path, 'anomaly has no dates and no windows', 'give "spike_dates" + "spike_multiplier", "drop_dates" + "drop_multiplier" or "windows"');
    const timeRef = timeReference(ctx, args?.time_reference, path, true, true);
    if (!ok || !timeRef) return undefined;
    return { kind: 'anomaly', windows, timeRef };
  },
};

/** `{column: value | [values]}` → the printed keys a row's column must hold (bools as 0/1, instants as epoch ms). */
function planScope(ctx: ColumnContext, scope: Json, path: string): AnomalyWindowPlan['scope'] | undefined {
  if (scope === undefined) return [];
  const out: AnomalyWindowPlan['scope'] = [];
  for (const [column, raw] of Object.entries(scope ?? {})) {
    const c = findColumn(ctx.node, column);
    if (!c || column === ctx.column.name) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/${column}`, `scope names column "${column}", which is not another column of "${ctx.node.id}"`, 'scope selects rows by the values of other columns of the same row');
    const values = (Array.isArray(raw) ? raw : [raw]).map((x) => scopeKey(c.type, x));
    if (values.some((x) => x === undefined)) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/${column}`, `scope values ${JSON.stringify(raw)} do not fit column "${column}" (${c.type})`, 'give values of the column type');
    out.push({ column, values: values as (string | number | null)[] });
  }
  return out;
}

function scopeKey(type: string, x: unknown): string | number | null | undefined {
  if (x === null) return null;
  if (type === 'string' || type === 'json') return String(x);
  if (type === 'bool') return x === true || x === 'true' ? 1 : x === false || x === 'false' ? 0 : undefined;
  if (type === 'datetime' || type === 'date') return parseInstant(x);
  const n = typeof x === 'number' ? x : Number(x);
  return Number.isFinite(n) ? n : undefined;
}
