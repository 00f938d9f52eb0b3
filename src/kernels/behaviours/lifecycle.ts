import { ColumnData } from '../../model/column-data.ts';
import type { ChunkContext } from '../../engine/chunk.ts';
import { stateEndOf } from '../../model/state-timeline.ts';
import { LifecycleModel } from '../../model/lifecycle.ts';
import type { GeneratorKernel } from '../types.ts';
import { perChunk } from './per-chunk.ts';

interface ChunkRows {
  stage: Int32Array;
  index: Float64Array;
  start: Float64Array;
  end: Float64Array;
  type: (string | null)[];
  at: Float64Array;
}

/**
 * Rows of a lifecycle: a parent's stage intervals (stage, index, started_at, ended_at — null while still in
 * the stage at the window end) or its events (type, time, and the stage they happened in), in order. Not a
 * DSL generator: planned from lifecycle_model.
 */
export const lifecycle: GeneratorKernel<'lifecycle'> = (p, _col, ctx) => {
  const r = rowsOf(ctx);
  const rows = ctx.table.rows;
  if (rows.kind !== 'lifecycle') throw new Error('internal: not a lifecycle');
  switch (p.field) {
    case 'stage': return ColumnData.strings(Array.from(r.stage, (s) => rows.lifecycle.stages[s].name));
    case 'index': return ColumnData.numbers(r.index.slice());
    case 'start': return ColumnData.numbers(r.start.slice());
    case 'end': return ColumnData.numbers(r.end.slice());
    case 'event_type': return ColumnData.strings(r.type.slice());
    case 'event_at': return ColumnData.numbers(r.at.slice());
  }
};

const rowsOf = perChunk((ctx: ChunkContext): ChunkRows => {
  const parentRow = ctx.parentRow!;
  let hit: ChunkRows;
  const rows = ctx.table.rows;
  if (rows.kind !== 'lifecycle') throw new Error('internal: not a lifecycle');
  const l = rows.lifecycle;
  const model = ctx.memo(rows, () => new LifecycleModel(l, rows.parent, rows.stream, ctx.store, stateEndOf(ctx.plan, ctx.store, l.endState)));
  const n = ctx.n;
  hit = { stage: new Int32Array(n), index: new Float64Array(n), start: new Float64Array(n), end: new Float64Array(n), type: new Array(n).fill(null), at: new Float64Array(n) };
  for (let i = 0; i < n; ) {
    const p = parentRow[i];
    const visits = model.visits(p);
    if (l.emit === 'stages') {
      visits.forEach((v, k) => {
        hit!.stage[i] = v.stage;
        hit!.index[i] = k;
        hit!.start[i] = v.start;
        hit!.end[i++] = v.end;
      });
    } else {
      for (const e of model.events(p, visits)) {
        const v = visits[e.visit];
        hit.stage[i] = v.stage;
        hit.index[i] = e.visit;
        hit.start[i] = v.start;
        hit.end[i] = v.end;
        hit.type[i] = l.stages[v.stage].eventTypes[e.type];
        hit.at[i++] = e.at;
      }
    }
    if (i < n && parentRow[i] === p) throw new Error(`internal: lifecycle rows of parent ${p} do not fill the chunk`);
  }
  return hit;
});
