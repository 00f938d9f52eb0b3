import { ColumnData } from '../../model/column-data.ts';
import { FunnelModel } from '../../model/funnel.ts';
import type { ChunkContext } from '../../engine/chunk.ts';
import type { GeneratorKernel } from '../types.ts';
import { perChunk } from './per-chunk.ts';

interface ChunkStages {
  index: Float64Array;
  time: Float64Array;
}

/**
 * The rows of a stage funnel: stage k of a parent is its k-th row (chunks hold whole parents), with the
 * stage name, index and time the funnel simulation gives for that parent. Not a DSL generator: the
 * planner gives it to the stage_name / stage_index / timestamp columns of a fact with stage_config.
 */
export const stage: GeneratorKernel<'stage'> = (p, _col, ctx) => {
  const s = stagesOf(ctx);
  const rows = ctx.table.rows;
  if (rows.kind !== 'stages') throw new Error(`internal: stage column in "${ctx.table.id}", which is not a funnel`);
  if (p.field === 'index') return ColumnData.numbers(s.index.slice());
  if (p.field === 'time') return ColumnData.numbers(s.time.slice());
  const names = rows.funnel.stages.map((x) => x.name);
  return ColumnData.strings(Array.from(s.index, (k) => names[k]));
};

const stagesOf = perChunk((ctx: ChunkContext): ChunkStages => {
  const parentRow = ctx.parentRow!;
  let hit: ChunkStages;
  const rows = ctx.table.rows;
  if (rows.kind !== 'stages') throw new Error('internal: not a funnel');
  const model = ctx.memo(rows, () => new FunnelModel(ctx.plan, rows.funnel, rows.parent, rows.stream, ctx.store));
  const index = new Float64Array(ctx.n);
  const time = new Float64Array(ctx.n);
  const times = new Float64Array(rows.funnel.stages.length);
  for (let i = 0; i < ctx.n; ) {
    const p = parentRow[i];
    const reached = model.simulate(p, times);
    for (let k = 0; k < reached && i < ctx.n; k++, i++) {
      if (parentRow[i] !== p) throw new Error(`internal: funnel of parent ${p} has ${reached} stages but the chunk holds ${k}`);
      index[i] = k;
      time[i] = times[k];
    }
  }
  hit = { index, time };
  return hit;
});
