import { type ColumnContext, error, findColumn, type Json, type PlanContext, warning } from '../../context.ts';
import { timeReference } from '../../time-reference.ts';
import type { EffectPlan } from '../../../ir/types.ts';
import { didYouMean } from '../../../diagnostics/suggest.ts';
import type { ModifierPlanner } from '../types.ts';

/**
 * value (op) field of the matching effect rows: rows whose `on` keys equal the row's and whose window
 * [start_col, end_col] contains the row's timestamp; several matches → their mean; none → default.
 */
export const effect: ModifierPlanner<'effect'> = {
  name: 'effect',
  kind: 'effect',
  plan(args, ctx, path) {
    const e = planEffect(args, ctx, ctx.node, path);
    if (!e) return undefined;
    if (ctx.type === 'datetime' || ctx.type === 'date') {
      if (e.on.length > 0) return error(ctx, 'DG_NOT_SUPPORTED', `${path}/on`, 'an effect on a datetime column weights the time draw and cannot have join keys', 'use "on": {} or move the effect to a numeric column');
      return { kind: 'effect', effect: { ...e, timeRef: ctx.column.name } };
    }
    if (e.startCol || e.endCol) {
      const timeRef = timeReference(ctx, args.time_reference, path, false, true);
      if (timeRef === undefined) return undefined;
      if (timeRef === null) warning(ctx, 'DG_NO_TIME_REFERENCE', path, `"${ctx.node.id}" has no datetime column, so the effect window is ignored (every effect row with matching keys applies)`, 'add a datetime column or set "time_reference"');
      e.timeRef = timeRef;
      if (timeRef === null) {
        e.startCol = null;
        e.endCol = null;
      }
    }
    return { kind: 'effect', effect: e };
  },
};

/** Shared by column- and table-level effects. `local` is the node whose columns `on` keys name. */
export function planEffect(args: Json, ctx: PlanContext | ColumnContext, local: Json, path: string): EffectPlan | undefined {
  const tableId = args?.effect_table;
  const entry = typeof tableId === 'string' ? ctx.nodes.get(tableId) : undefined;
  if (!entry) return error(ctx, 'DG_UNKNOWN_TABLE', `${path}/effect_table`, `effect_table ${JSON.stringify(tableId)} is not a node of this spec`, didYouMean(String(tableId), [...ctx.nodes.keys()]));
  const table = entry.node;
  const on: { local: string; remote: string }[] = [];
  for (const [l, r] of Object.entries(args.on ?? {})) {
    if (!findColumn(local, l)) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/on/${l}`, `effect key "${l}" is not a column of "${local.id}"`, didYouMean(l, local.columns.map((c: Json) => c.name)));
    if (typeof r !== 'string' || !findColumn(table, r)) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/on/${l}`, `effect key ${JSON.stringify(r)} is not a column of effect table "${tableId}"`, didYouMean(String(r), table.columns.map((c: Json) => c.name)));
    on.push({ local: l, remote: r });
  }
  const w = args.window ?? {};
  for (const k of ['start_col', 'end_col'] as const) {
    if (w[k] !== undefined && !findColumn(table, w[k])) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/window/${k}`, `window ${k} "${w[k]}" is not a column of "${tableId}"`, didYouMean(String(w[k]), table.columns.map((c: Json) => c.name)));
  }
  const map = args.map ?? {};
  const op = map.op ?? 'mul';
  if (op !== 'mul' && op !== 'add') return error(ctx, 'DG_BAD_PARAM', `${path}/map/op`, `effect op ${JSON.stringify(op)} is not "mul" or "add"`, 'use "mul" or "add"');
  let field: string | null = typeof map.field === 'string' ? map.field : null;
  if (field === null || !findColumn(table, field)) {
    warning(ctx, 'DG_EFFECT_FIELD_MISSING', `${path}/map/field`, `effect field ${JSON.stringify(map.field)} is not a column of "${tableId}": the effect acts as an indicator (×1 / +0 inside a matching window, the default outside)`, didYouMean(String(map.field), table.columns.map((c: Json) => c.name)));
    field = null;
  }
  const dflt = typeof map.default === 'number' ? map.default : op === 'mul' ? 1 : 0;
  return { table: tableId, on, startCol: w.start_col ?? null, endCol: w.end_col ?? null, field, op, default: dflt, timeRef: null };
}
