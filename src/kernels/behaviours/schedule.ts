import { ColumnData } from '../../model/column-data.ts';
import { ScheduleModel } from '../../model/schedule.ts';
import type { GeneratorKernel } from '../types.ts';

/**
 * A scheduled row's occurrence time or index (docs/behaviours/schedules.md). Row i of the chunk is occurrence
 * (start + i − first row of its parent) of its parent; the parents' first rows come from the same model's counts
 * (memoised once per run), so a chunk may start inside a parent's occurrences. Not a DSL generator: the planner
 * gives it to the schedule's time and index columns.
 */
export const schedule: GeneratorKernel<'schedule'> = (p, _col, ctx) => {
  const rows = ctx.table.rows;
  const plan = rows.kind === 'fanout' ? rows.fanout.schedule : undefined;
  if (rows.kind !== 'fanout' || !plan) throw new Error(`internal: schedule column in "${ctx.table.id}", which has no schedule`);
  const { model, first } = ctx.memo(plan, () => {
    const model = new ScheduleModel(plan, rows.parent, ctx.store);
    const parents = ctx.store.table(rows.parent).rows;
    const first = new Float64Array(parents + 1);
    const buf: number[] = [];
    for (let q = 0; q < parents; q++) first[q + 1] = first[q] + model.occurrences(q, buf).length;
    return { model, first };
  });
  const out = new Float64Array(ctx.n);
  const parentRow = ctx.parentRow!;
  const times: number[] = [];
  let current = -1;
  for (let i = 0; i < ctx.n; i++) {
    const q = parentRow[i];
    const k = ctx.start + i - first[q];
    if (p.field === 'index') {
      out[i] = k;
      continue;
    }
    if (q !== current) model.occurrences((current = q), times);
    out[i] = times[k];
  }
  return ColumnData.numbers(out);
};
