import { INHERITED_TIME } from '../ir/types.ts';
import { type ColumnContext, error, findColumn, type Json, type PlanContext } from './context.ts';

const isTime = (c: any) => c?.type === 'datetime' || c?.type === 'date';

/**
 * A table without a datetime column has its primary parent's time (the parent's first datetime/date column,
 * or the parent's own inherited time, recursively), as `INHERITED_TIME`; see `TablePlan.inheritedTime`.
 */
export { INHERITED_TIME };

/** The nearest primary ancestor of `node` with a datetime/date column, and that column; null when none (or no parent link). */
export function inheritedTimeSource(ctx: PlanContext, node: Json): { table: string; column: string; via: string } | null {
  const seen = new Set<string>([String(node?.id)]);
  let child = node;
  while (child?.kind === 'fact' && Array.isArray(child.parents) && typeof child.parents[0] === 'string') {
    const id: string = child.parents[0];
    if (seen.has(id)) return null;
    seen.add(id);
    const parent = ctx.nodes.get(id)?.node;
    if (!parent) return null;
    const col = Array.isArray(parent.columns) ? parent.columns.find(isTime) : undefined;
    if (col) return { table: id, column: String(col.name), via: String(node.parents[0]) };
    child = parent;
  }
  return null;
}

/**
 * The timestamp a modifier reads: `time_reference` when given, else the first earlier datetime
 * column of the row, else the first later one, else (with `inherit`) the time the row inherits from its
 * primary parent (`INHERITED_TIME`). Undefined (with a diagnostic when `required`) if none.
 */
export function timeReference(ctx: ColumnContext, explicit: unknown, path: string, required: boolean, inherit = false): string | null | undefined {
  if (explicit !== undefined) {
    const c = typeof explicit === 'string' ? findColumn(ctx.node, explicit) : undefined;
    if (!c || !isTime(c) || explicit === ctx.column.name) {
      return error(ctx, 'DG_BAD_TIME_REFERENCE', `${path}/time_reference`, `time_reference ${JSON.stringify(explicit)} is not another datetime/date column of "${ctx.node.id}"`, 'name a datetime column of the same row');
    }
    return explicit as string;
  }
  const cols: any[] = ctx.node.columns;
  const earlier = cols.slice(0, ctx.colIndex).find(isTime);
  const later = cols.slice(ctx.colIndex + 1).find(isTime);
  const found = earlier ?? later;
  if (found) return found.name;
  if (inherit && inheritedTimeSource(ctx, ctx.node)) return INHERITED_TIME;
  if (required) {
    return error(ctx, 'DG_NO_TIME_REFERENCE', path, `"${ctx.node.id}" has no datetime column for this ${inherit ? 'modifier to read, and no parent it could inherit one from' : 'scenario to read'}`, 'add a datetime column to the node (or to its primary parent) or set "time_reference"');
  }
  return null;
}
