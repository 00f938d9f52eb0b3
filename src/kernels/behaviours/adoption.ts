import { AdoptionModel } from '../../model/adoption.ts';
import type { ChunkContext } from '../../engine/chunk.ts';
import { stateEndOf } from '../../model/state-timeline.ts';
import { ColumnData } from '../../model/column-data.ts';
import type { GeneratorKernel } from '../types.ts';
import { perChunk } from './per-chunk.ts';

interface ChunkRows {
  /** 0 adoption, 1 engagement. */
  type: Uint8Array;
  time: Float64Array;
  group: Int32Array;
  tier: Int32Array;
}

const TYPES = ['adoption', 'engagement'];

/**
 * Rows of an adoption fact: an adopter's first row is its adoption, the next ones its engagement events
 * (chunks hold whole parents), each with the adopter's diffusion group and engagement tier. Not a DSL
 * generator: planned from adoption_model.
 */
export const adoption: GeneratorKernel<'adoption'> = (p, col, ctx) => {
  const r = rowsOf(ctx);
  const rows = ctx.table.rows;
  if (rows.kind !== 'adoption') throw new Error('internal: not an adoption fact');
  if (p.field === 'type') return ColumnData.strings(Array.from(r.type, (t) => TYPES[t]));
  if (p.field === 'time') return ColumnData.numbers(r.time.slice());
  const names = col.enumValues ?? [];
  const idx = p.field === 'group' ? r.group : r.tier;
  return ColumnData.strings(Array.from(idx, (k) => (k >= 0 ? names[k] : null)));
};

const rowsOf = perChunk((ctx: ChunkContext): ChunkRows => {
  const parentRow = ctx.parentRow!;
  let hit: ChunkRows;
  const rows = ctx.table.rows;
  if (rows.kind !== 'adoption') throw new Error('internal: not an adoption fact');
  const model = ctx.memo(rows, () => new AdoptionModel(rows.adoption, rows.parent, rows.stream, ctx.store, ctx.plan.scale, stateEndOf(ctx.plan, ctx.store, rows.adoption.endState)));
  const n = ctx.n;
  hit = { type: new Uint8Array(n), time: new Float64Array(n), group: new Int32Array(n), tier: new Int32Array(n) };
  for (let i = 0; i < n; ) {
    const p = parentRow[i];
    const s = model.simulate(p);
    if (Number.isNaN(s.at)) throw new Error(`internal: parent ${p} never adopts but has rows`);
    for (let k = 0; k <= s.events && i < n; k++, i++) {
      if (parentRow[i] !== p) throw new Error(`internal: adoption rows of parent ${p} do not fill the chunk`);
      hit.type[i] = k === 0 ? 0 : 1;
      hit.time[i] = k === 0 ? s.at : model.events[k - 1];
      hit.group[i] = s.group;
      hit.tier[i] = s.tier;
    }
    if (i < n && parentRow[i] === p) throw new Error(`internal: adoption rows of parent ${p} do not fill the chunk`);
  }
  return hit;
});
