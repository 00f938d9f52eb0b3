import { type ColumnContext, error, findColumn } from './context.ts';

const isTime = (c: any) => c?.type === 'datetime' || c?.type === 'date';

/**
 * The timestamp a modifier reads: `time_reference` when given, else the first earlier datetime
 * column of the row, else the first later one. Undefined (with a diagnostic when `required`) if none.
 */
export function timeReference(ctx: ColumnContext, explicit: unknown, path: string, required: boolean): string | null | undefined {
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
  if (required) {
    return error(ctx, 'DG_NO_TIME_REFERENCE', path, `"${ctx.node.id}" has no datetime column for this modifier to read`, 'add a datetime column to the node or set "time_reference"');
  }
  return null;
}
