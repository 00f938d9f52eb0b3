import { ColumnData } from '../../model/column-data.ts';
import type { Plan, TablePlan } from '../../ir/types.ts';
import { layoutKey, type TableLayout } from '../../engine/table.ts';
import type { GeneratorKernel } from '../types.ts';

const DAY = 86_400_000;
/** Time buckets of time-ordered keys, finest first: 1 ms, 1 s, 1 min, 1 h, 1 day. */
const RESOLUTIONS = [1, 1000, 60_000, 3_600_000, DAY];

/**
 * How `order_by` keys are laid out for a table: value = start + step × (bucket × slots + ordinal), where bucket
 * is the row's time in `res` ms since `origin` (a day before the timeframe) and slots = 2^b ≥ twice the table's
 * estimated rows — or, when the table's layout (its per-parent counts, the same in every process) holds more rows
 * than that room, 2^b ≥ twice its rows: an estimate that missed (a behaviour it does not model) never stops the
 * run, and every run the estimate fitted keeps its keys. Unique because ordinals are (0 ≤ ordinal < slots),
 * ordered by time bucket, then by ordinal. A pure function of the plan, so every chunk, worker and shard computes
 * the same keys.
 */
interface TimeKeyLayout {
  origin: number;
  res: number;
  slots: number;
  /** Bucket of a row whose time is null: after every time of the window. */
  nullBucket: number;
}

function timeKeyLayout(start: number, step: number, plan: Pick<Plan, 'timeframe'>, table: Pick<TablePlan, 'id' | 'estimatedRows'>, rows: number): TimeKeyLayout {
  const origin = plan.timeframe.startMs - DAY;
  const span = plan.timeframe.endMs + DAY - origin;
  const est = Number.isFinite(table.estimatedRows) ? table.estimatedRows : 0;
  let slots = 2 ** Math.ceil(Math.log2(Math.max(1024, 2 * est + 1000)));
  if (rows > slots) slots = 2 ** Math.ceil(Math.log2(2 * rows));
  for (const res of RESOLUTIONS) {
    const buckets = Math.ceil(span / res) + 2;
    if (Math.abs(start) + Math.abs(step) * buckets * slots <= Number.MAX_SAFE_INTEGER) return { origin, res, slots, nullBucket: buckets - 1 };
  }
  throw new Error(`sequence order_by of "${table.id}": ${est.toLocaleString('en-US')} rows over the timeframe do not fit exact integer keys (2^53) even at one-day resolution; use a plain sequence (no order_by) or a smaller step`);
}

/** Arithmetic sequence over the row ordinal: start + step × ordinal; with `order_by`, keys that grow with a time column. */
export const sequence: GeneratorKernel<'sequence'> = (p, _col, ctx) => {
  const out = new Float64Array(ctx.n);
  if (!p.orderBy) {
    for (let i = 0; i < ctx.n; i++) out[i] = p.start + p.step * (ctx.start + i);
    return ColumnData.numbers(out);
  }
  const { origin, res, slots, nullBucket } = ctx.memo(p, () => timeKeyLayout(p.start, p.step, ctx.plan, ctx.table, ctx.memo<TableLayout | undefined>(layoutKey(ctx.table.id), () => undefined)?.total ?? 0));
  const ts = ctx.cols.get(p.orderBy)!.num!;
  for (let i = 0; i < ctx.n; i++) {
    const ord = ctx.start + i;
    if (ord >= slots) throw new Error(`sequence order_by of "${ctx.table.id}": the table has more than ${slots.toLocaleString('en-US')} rows (estimated ${ctx.table.estimatedRows.toLocaleString('en-US')}), the room its time-ordered keys were laid out for; use a plain sequence`);
    const t = ts[i];
    const bucket = t - t === 0 ? Math.floor((t - origin) / res) : nullBucket;
    const v = p.start + p.step * (bucket * slots + ord);
    if (!(Math.abs(v) <= Number.MAX_SAFE_INTEGER)) throw new Error(`sequence order_by of "${ctx.table.id}": row ${ord} has time ${Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : t}, too far outside the timeframe for exact integer keys`);
    out[i] = v;
  }
  return ColumnData.numbers(out);
};
