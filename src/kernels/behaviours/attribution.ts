import { AttributionModel } from '../../model/attribution.ts';
import type { ChunkContext } from '../../engine/chunk.ts';
import { stateEndOf } from '../../model/state-timeline.ts';
import { ColumnData } from '../../model/column-data.ts';
import type { GeneratorKernel } from '../types.ts';
import { perChunk } from './per-chunk.ts';

interface ChunkRows {
  journey: Float64Array;
  index: Float64Array;
  type: Int32Array;
  time: Float64Array;
  converted: Uint8Array;
  convertedAt: Float64Array;
  touches: Float64Array;
}

/**
 * Rows of an attribution fact: a parent's touches journey by journey (journey id, touch index, type, time,
 * converted flag, conversion time — null when the journey does not convert), or its converting journeys
 * (journey id, conversion time, touch count). Journey ids are global (1-based journey ordinals over the
 * parent table), the same in both emits. Not a DSL generator: planned from attribution_chain.
 */
export const attribution: GeneratorKernel<'attribution'> = (p, _col, ctx) => {
  const r = rowsOf(ctx);
  const rows = ctx.table.rows;
  if (rows.kind !== 'attribution') throw new Error('internal: not an attribution fact');
  switch (p.field) {
    case 'journey': return ColumnData.numbers(r.journey.slice());
    case 'index': return ColumnData.numbers(r.index.slice());
    case 'type': return ColumnData.strings(Array.from(r.type, (t) => rows.attribution.types[t]));
    case 'time': return ColumnData.numbers(r.time.slice());
    case 'converted': return ColumnData.numbers(Float64Array.from(r.converted));
    case 'converted_at': return ColumnData.numbers(r.convertedAt.slice());
    case 'touches': return ColumnData.numbers(r.touches.slice());
  }
};

const rowsOf = perChunk((ctx: ChunkContext): ChunkRows => {
  const parentRow = ctx.parentRow!;
  let hit: ChunkRows;
  const rows = ctx.table.rows;
  if (rows.kind !== 'attribution') throw new Error('internal: not an attribution fact');
  const a = rows.attribution;
  const model = ctx.memo(rows, () => new AttributionModel(a, rows.parent, rows.stream, ctx.store, stateEndOf(ctx.plan, ctx.store, a.endState)));
  const n = ctx.n;
  hit = { journey: new Float64Array(n), index: new Float64Array(n), type: new Int32Array(n), time: new Float64Array(n), converted: new Uint8Array(n), convertedAt: new Float64Array(n), touches: new Float64Array(n) };
  for (let i = 0; i < n; ) {
    const p = parentRow[i];
    const first = model.firstJourneyOf(p);
    const k = model.journeys(p);
    for (let j = 0; j < k; j++) {
      const jr = model.journey(p, j, k);
      if (a.emit === 'conversions') {
        if (!jr.converted) continue;
        hit.journey[i] = first + j + 1;
        hit.time[i] = jr.end;
        hit.convertedAt[i] = jr.end;
        hit.converted[i] = 1;
        hit.touches[i++] = jr.n;
        continue;
      }
      for (let t = 0; t < jr.n; t++, i++) {
        hit.journey[i] = first + j + 1;
        hit.index[i] = t;
        hit.type[i] = model.types[t];
        hit.time[i] = model.times[t];
        hit.converted[i] = jr.converted ? 1 : 0;
        hit.convertedAt[i] = jr.converted ? jr.end : NaN;
        hit.touches[i] = jr.n;
      }
    }
    if (i > n || (i < n && parentRow[i] === p)) throw new Error(`internal: attribution rows of parent ${p} do not fill the chunk`);
  }
  return hit;
});
