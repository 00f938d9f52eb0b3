import { ColumnData } from '../../model/column-data.ts';
import type { ChunkContext } from '../../engine/chunk.ts';
import { gateTimeOf, stateEndOf } from '../../model/state-timeline.ts';
import { PeriodClock, StateMachineModel } from '../../model/states.ts';
import type { GeneratorKernel } from '../types.ts';
import { perChunk } from './per-chunk.ts';

interface ChunkRows {
  state: Int32Array;
  from: Float64Array;
  to: Float64Array;
  index: Float64Array;
}

/**
 * Rows of a state machine: a parent's rows are its episodes (runs of one state: valid_from, valid_to — null
 * while still open at the window end or for a terminal state — and the episode index) or its periods (period
 * start, state, period index), in order. Not a DSL generator: planned from state_transition_model.
 */
export const state: GeneratorKernel<'state'> = (p, _col, ctx) => {
  const r = rowsOf(ctx);
  const rows = ctx.table.rows;
  if (rows.kind !== 'states') throw new Error('internal: not a state machine');
  if (p.field === 'state') return ColumnData.strings(Array.from(r.state, (s) => rows.machine.states[s]));
  if (p.field === 'index') return ColumnData.numbers(r.index.slice());
  if (p.field === 'to') return ColumnData.numbers(r.to.slice());
  return ColumnData.numbers(r.from.slice());
};

const rowsOf = perChunk((ctx: ChunkContext): ChunkRows => {
  const parentRow = ctx.parentRow!;
  let hit: ChunkRows;
  const rows = ctx.table.rows;
  if (rows.kind !== 'states') throw new Error('internal: not a state machine');
  const m = rows.machine;
  const model = ctx.memo(rows, () => new StateMachineModel(m, rows.parent, rows.stream, ctx.store, gateTimeOf(ctx.plan, ctx.store, m.gate), stateEndOf(ctx.plan, ctx.store, m.endState)));
  hit = { state: new Int32Array(ctx.n), from: new Float64Array(ctx.n), to: new Float64Array(ctx.n), index: new Float64Array(ctx.n) };
  for (let i = 0; i < ctx.n; ) {
    const p = parentRow[i];
    const t = model.trajectory(p);
    const clock = new PeriodClock(t.t0, m.periodUnit);
    const at = (k: number) => clock.at(k);
    let e = 0;
    for (let k = 0; k < t.n && i < ctx.n; k++) {
      const s = t.states[k];
      if (m.emit === 'periods') {
        hit.state[i] = s;
        hit.from[i] = at(k);
        hit.to[i] = NaN;
        hit.index[i++] = k;
        continue;
      }
      if (k > 0 && s === t.states[k - 1]) continue;
      let end = k + 1;
      while (end < t.n && t.states[end] === s) end++;
      hit.state[i] = s;
      hit.from[i] = at(k);
      // The last episode ends at the parent's lifetime end when that cut the relationship (t.stop), else it is open.
      hit.to[i] = end < t.n ? at(end) : t.stop;
      hit.index[i++] = e++;
    }
    if (i < ctx.n && parentRow[i] === p) throw new Error(`internal: state rows of parent ${p} do not fill the chunk`);
  }
  return hit;
});
