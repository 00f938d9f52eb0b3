import type { ChunkContext } from '../../engine/chunk.ts';
import { ColumnData } from '../../model/column-data.ts';
import { keyedRows } from '../../engine/keyed-pick.ts';
import { stateAtTime, StateTimeline, type Timeline } from '../../model/state-timeline.ts';
import type { GeneratorProgram } from '../../ir/types.ts';
import type { GeneratorKernel } from '../types.ts';
import { selfLookup } from '../relations/hierarchy.ts';
import { edgeEnd } from '../relations/edges.ts';

/**
 * A value from another table: the primary parent's own row (the FK), a row matching `on` (uniform among the
 * matches or ∝ `weights_by`), or a row picked once per child row for that table (uniform or `weights_by`).
 * Lookups through the same pick — same table, same `on` keys, same `weights_by` — read the same row (src/plan/picks.ts).
 */
export const lookup: GeneratorKernel<'lookup'> = (p, _col, ctx) => {
  if (p.via === 'at') return stateAt(p, ctx);
  if (p.via === 'self') return selfLookup(p, ctx);
  if (p.via === 'source' || p.via === 'target') return edgeEnd(p, ctx);
  const source = ctx.store.column(p.table, p.column);
  if (p.via === 'parent') return source.gather(ctx.parentRow!, ctx.n);
  if (p.via === 'pick') return source.gather(ctx.pick(p.table), ctx.n);
  return source.gather(keyedRows(p.pick!, ctx));
};

/** The state names of rows' parents at their `at` times (the behaviour's timeline replayed per parent). */
function stateAt(p: Extract<GeneratorProgram, { kind: 'lookup' }>, ctx: ChunkContext): ColumnData {
  const st = ctx.plan.tables.find((t) => t.id === p.table)!;
  const names = st.rows.kind === 'states' ? st.rows.machine.states : st.rows.kind === 'lifecycle' ? st.rows.lifecycle.stages.map((x) => x.name) : [];
  const timeline = ctx.memo(p, () => new StateTimeline(ctx.plan, p.table, ctx.store));
  const times = ctx.cols.get(p.at!)!.num!;
  const rows = ctx.parentRow!;
  const out: (string | null)[] = new Array(ctx.n);
  let last = -1;
  let tl: Timeline = { cuts: [], states: [] };
  for (let i = 0; i < ctx.n; i++) {
    if (rows[i] !== last) {
      last = rows[i];
      tl = timeline.of(last);
    }
    const st = stateAtTime(tl, times[i]);
    out[i] = st < 0 ? null : names[st];
  }
  return ColumnData.strings(out);
}
