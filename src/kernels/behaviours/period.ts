import { ColumnData } from '../../model/column-data.ts';
import { GrainModel } from '../../model/grain.ts';
import { stateEndOf } from '../../model/state-timeline.ts';
import type { GeneratorKernel } from '../types.ts';

/**
 * The period start of a panel row. With a parent, a parent's rows are its active periods in order
 * (chunks hold whole parents); a parentless panel's row i is its i-th active period. Not a DSL generator:
 * the planner gives it to the period column of a fact with `grain`.
 */
export const period: GeneratorKernel<'period'> = (p, _col, ctx) => {
  const out = new Float64Array(ctx.n);
  if (p.grain) {
    const g = p.grain;
    const series = ctx.memo(p, () => {
      const model = new GrainModel(g, null, null);
      const idx = new Int32Array(model.periods.length);
      const k = model.active(0, idx);
      return Float64Array.from(idx.subarray(0, k), (j) => model.periods[j]);
    });
    for (let i = 0; i < ctx.n; i++) out[i] = series[ctx.start + i];
    return ColumnData.numbers(out);
  }
  const rows = ctx.table.rows;
  if (rows.kind !== 'grain') throw new Error(`internal: period column in "${ctx.table.id}", which is not a panel`);
  const model = ctx.memo(rows, () => new GrainModel(rows.grain, rows.parent, ctx.store, stateEndOf(ctx.plan, ctx.store, rows.grain.endState)));
  const idx = new Int32Array(model.periods.length);
  const parentRow = ctx.parentRow!;
  for (let i = 0; i < ctx.n; ) {
    const parent = parentRow[i];
    const k = model.active(parent, idx);
    for (let j = 0; j < k && i < ctx.n; j++, i++) {
      if (parentRow[i] !== parent) throw new Error(`internal: panel of parent ${parent} has ${k} periods but the chunk holds ${j}`);
      out[i] = model.periods[idx[j]];
    }
  }
  return ColumnData.numbers(out);
};
