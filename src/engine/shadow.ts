/**
 * Shadow values (what a column would hold without the injected anomalies) for a column whose inputs
 * changed in a few rows only: the generator and modifiers are re-run on those row ranges, not the whole
 * chunk. Only for programs whose value at a row depends on that row alone.
 */
import type { ColumnPlan } from '../ir/types.ts';
import type { ChunkContext } from './chunk.ts';
import { ColumnData } from '../model/column-data.ts';
import { isLabelled } from './labels.ts';

const ROW_WISE_GENERATORS = new Set(['sequence', 'choice', 'choice_ref', 'distribution', 'empirical', 'faker', 'lookup', 'expression', 'enum_list']);
const ROW_WISE_MODIFIERS = new Set(['multiply', 'add', 'clamp', 'jitter', 'time_jitter', 'map_values', 'seasonality', 'trend', 'effect']);

/** The column's generator and every modifier the shadow runs (all but the labelled ones) are row-wise. */
export function rowWise(col: ColumnPlan): boolean {
  return ROW_WISE_GENERATORS.has(col.generator.kind) && modifiersRowWise(col);
}

export function modifiersRowWise(col: ColumnPlan): boolean {
  return col.modifiers.every((m) => isLabelled(m) || ROW_WISE_MODIFIERS.has(m.kind));
}

/** Rows [lo, hi) of a column (a view for numbers unless `copy`). */
export function sliceOf(c: ColumnData, lo: number, hi: number, copy = false): ColumnData {
  if (c.list) return c.gather(Int32Array.from({ length: hi - lo }, (_, k) => lo + k));
  return c.num ? ColumnData.numbers(copy ? c.num.slice(lo, hi) : c.num.subarray(lo, hi)) : ColumnData.strings(c.str!.slice(lo, hi));
}

/** Changed rows merged into ranges [lo, hi) (gaps up to `gap` rows joined); null when they cover over half the chunk. */
export function rowRanges(changed: number[], n: number, gap = 32): [number, number][] | null {
  const rows = [...new Set(changed)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  let covered = 0;
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && r - last[1] <= gap) last[1] = r + 1;
    else out.push([r, r + 1]);
  }
  for (const [lo, hi] of out) covered += hi - lo;
  return covered * 2 > n ? null : out;
}

/** The context restricted to rows [lo, hi) of the chunk (column, parent and pick arrays as views). */
export function subContext(ctx: ChunkContext, lo: number, hi: number): ChunkContext {
  const cols = new Map([...ctx.cols].map(([k, c]) => [k, sliceOf(c, lo, hi)]));
  return {
    ...ctx,
    start: ctx.start + lo,
    n: hi - lo,
    parentRow: ctx.parentRow ? ctx.parentRow.subarray(lo, hi) : null,
    cols,
    pick: (t) => ctx.pick(t).subarray(lo, hi),
    linkedRows: (t) => ctx.linkedRows(t).subarray(lo, hi),
    label: () => undefined,
  };
}

/** A copy of `full` with each range replaced by `evaluate(lo, hi)`. */
export function patched(full: ColumnData, ranges: [number, number][], evaluate: (lo: number, hi: number) => ColumnData): ColumnData {
  const out = full.clone();
  for (const [lo, hi] of ranges) {
    const part = evaluate(lo, hi);
    if (out.num) out.num.set(part.num!, lo);
    else for (let i = lo; i < hi; i++) out.str![i] = part.str![i - lo];
  }
  return out;
}
