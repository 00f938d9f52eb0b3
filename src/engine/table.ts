import { INHERITED_TIME, type Plan, type TablePlan } from '../ir/types.ts';
import { buildCdf, pickIndex } from '../model/weighted-pick.ts';
import { castColumn } from './cast.ts';
import { type ChunkContext, type PendingLabel, tableKey } from './chunk.ts';
import { ColumnData } from '../model/column-data.ts';
import { fanoutCounts } from './fanout.ts';
import { uniform } from '../model/rng.ts';
import type { Store } from '../model/store.ts';
import { segmentMultipliers } from '../model/vintage.ts';
import { columnDeps } from '../plan/deps.ts';
import { followLabels, isLabelled, labelRow, type LabelRow } from './labels.ts';
import { modifiersRowWise, patched, rowRanges, rowWise, sliceOf, subContext } from './shadow.ts';
import { runtime } from './runtime.ts';

export { type LabelRow } from './labels.ts';

/**
 * A range of rows of a table: rows [rowStart, rowEnd) and, for a fact, the parents [parentStart, parentEnd) they
 * belong to. A fanout table's range may start and end inside a parent's children: `firstChild` of parentStart's
 * children come before rowStart (absent: 0), and the last parent may have children after rowEnd.
 */
export interface RowRange {
  rowStart: number;
  rowEnd: number;
  parentStart: number;
  parentEnd: number;
  firstChild?: number;
}

/**
 * How many rows a table has: per-parent child counts (facts, from `fanoutCounts`) and the total. `split`: chunks
 * may cut inside a parent's children (fanout tables, whose columns are row-wise); behaviour tables replay a
 * parent's simulation per chunk, so their chunks hold whole parents.
 */
export interface TableLayout {
  counts: Int32Array | null;
  total: number;
  split: boolean;
}

export function tableLayout(plan: Plan, table: TablePlan, store: Store): TableLayout {
  // Every row model with a primary parent has per-parent counts (fanout, behaviour models); `fixed` has none.
  const counts = table.rows.kind === 'fixed' ? null : fanoutCounts(plan, table, store);
  let total = 0;
  if (counts) for (let p = 0; p < counts.length; p++) total += counts[p];
  else total = (table.rows as { count: number }).count;
  // Allocation among siblings (generator allocate) needs each parent's rows in one chunk.
  return { counts, total, split: table.rows.kind === 'fanout' && !table.columns.some((c) => c.generator.kind === 'allocate') };
}

/** Memo key of the layout the run uses for a table (the scenarios' history reuses it). */
export function layoutKey(id: string): object {
  return tableKey('layout', id);
}

export function wholeRange(layout: TableLayout): RowRange {
  return { rowStart: 0, rowEnd: layout.total, parentStart: 0, parentEnd: layout.counts?.length ?? 0 };
}

/**
 * Split `range` into chunks of at most `chunkRows` rows. A fanout table's chunks cut inside a parent's children
 * when they must (one parent with millions of children streams in bounded chunks); a behaviour table's chunks
 * hold whole parents (at least one). Values never depend on where chunks start.
 */
export function* chunkRanges(layout: TableLayout, range: RowRange, rowsPerChunk: number | (() => number)): Generator<RowRange> {
  const counts = layout.counts;
  let start = range.rowStart;
  let parent = range.parentStart;
  let child = range.firstChild ?? 0; // children of `parent` before `start`
  while (start < range.rowEnd) {
    const chunkRows = Math.max(1, typeof rowsPerChunk === 'number' ? rowsPerChunk : rowsPerChunk());
    if (!counts) {
      const n = Math.min(chunkRows, range.rowEnd - start);
      yield { rowStart: start, rowEnd: start + n, parentStart: 0, parentEnd: 0 };
      start += n;
      continue;
    }
    if (layout.split) {
      const end = Math.min(range.rowEnd, start + chunkRows);
      let row = start;
      let p = parent;
      let c = child;
      while (row < end) {
        const left = counts[p] - c;
        if (left <= end - row) {
          row += left;
          p++;
          c = 0;
        } else {
          c += end - row;
          row = end;
        }
      }
      const parentEnd = end === range.rowEnd ? range.parentEnd : c > 0 ? p + 1 : p;
      yield child > 0 ? { rowStart: start, rowEnd: end, parentStart: parent, parentEnd, firstChild: child } : { rowStart: start, rowEnd: end, parentStart: parent, parentEnd };
      start = end;
      parent = p;
      child = c;
      continue;
    }
    let rows = 0;
    let p = parent;
    while (p < range.parentEnd && (rows === 0 || rows + counts[p] <= chunkRows)) rows += counts[p++];
    yield { rowStart: start, rowEnd: start + rows, parentStart: parent, parentEnd: p };
    start += rows;
    parent = p;
  }
}

/** Bytes a chunk of rows aims at when the chunk size is not given (`ChunkSizer`). */
export const CHUNK_BYTES = 32 << 20;
/** The fewest rows an adaptive chunk has, and the size of the first chunk, which measures the row width. */
const MIN_CHUNK_ROWS = 1024;
const PROBE_ROWS = 4096;

/**
 * Rows per chunk, adapted to the width of the rows when the chunk size is the default: after each chunk, the
 * next one takes as many rows as fit in CHUNK_BYTES at the width measured (strings counted as JS strings plus
 * their UTF-8 copy), between MIN_CHUNK_ROWS and the default. Tables of kilobytes of text per row then hold tens
 * of MB per chunk instead of GBs; narrow tables keep the default. Output never depends on the chunk size.
 */
export class ChunkSizer {
  rows: number;

  constructor(private readonly max: number, private readonly adaptive: boolean) {
    this.rows = adaptive ? Math.min(max, PROBE_ROWS) : max; // a first, small chunk measures the width
  }

  /** Measure the chunk just generated (its columns, n rows). */
  observe(columns: Iterable<ColumnData>, n: number): void {
    if (!this.adaptive || n === 0) return;
    let bytes = 0;
    for (const c of columns) {
      const l = c.list;
      // A list: its entry, and its items as numbers or (roughly) as short strings.
      bytes += l ? 16 + ((l.offsets[n] - l.offsets[0]) / n) * (l.nums ? 8 : 40) : c.num || c.coded ? 8 : stringBytes(c.str!, n);
    }
    this.rows = Math.max(MIN_CHUNK_ROWS, Math.min(this.max, Math.floor(CHUNK_BYTES / Math.max(1, bytes))));
  }
}

/** Bytes per row of a string column, from up to 256 evenly spaced values: UTF-16 in JS, UTF-8, the record, headers. */
function stringBytes(str: (string | null)[], n: number): number {
  const step = Math.max(1, Math.floor(n / 256));
  let chars = 0;
  let seen = 0;
  for (let i = 0; i < n; i += step, seen++) chars += str[i]?.length ?? 0;
  return (3 * chars) / seen + 40;
}

/** Evaluate the rows of one chunk range (every column, in evaluation order); labels of its rows go to `labels`. */
export function generateChunk(plan: Plan, table: TablePlan, store: Store, memo: Map<object, unknown>, layout: TableLayout, r: RowRange, labels: LabelRow[]): Map<string, ColumnData> {
  const n = r.rowEnd - r.rowStart;
  const parentRow = layout.counts ? parentRows(layout.counts, r) : null;
  memo.set(layoutKey(table.id), layout);
  return evaluateChunk(plan, table, store, memo, r.rowStart, n, parentRow, labels);
}

/** The primary-parent ordinal of each row of `r` (a range may start and end inside a parent's children). */
export function parentRows(counts: Int32Array, r: RowRange): Float64Array {
  const n = r.rowEnd - r.rowStart;
  const out = new Float64Array(n);
  let q = r.parentStart;
  let k = r.firstChild ?? 0;
  for (let o = 0; o < n; o++) {
    while (k >= counts[q]) {
      q++;
      k = 0;
    }
    out[o] = q;
    k++;
  }
  return out;
}

/** A table's labels in (row, column) order, whatever the chunking (label ids follow this order). */
export function sortLabels(labels: LabelRow[]): void {
  labels.sort((a, b) => a.row - b.row || ((a.column ?? '') < (b.column ?? '') ? -1 : (a.column ?? '') > (b.column ?? '') ? 1 : 0));
}

/** Columns `names` (which read no other column of the row) at rows [start, start + n), without a parent. */
export function evaluateRows(plan: Plan, table: TablePlan, store: Store, memo: Map<object, unknown>, start: number, n: number, names: string[]): Map<string, ColumnData> {
  return evaluateChunk(plan, { ...table, evalOrder: names }, store, memo, start, n, null, []);
}

function evaluateChunk(plan: Plan, table: TablePlan, store: Store, memo: Map<object, unknown>, start: number, n: number, parentRow: Float64Array | null, labels: LabelRow[]): Map<string, ColumnData> {
  const cols = new Map<string, ColumnData>();
  const picks = new Map<string, Float64Array>();
  const pending: PendingLabel[] = [];
  const ctx: ChunkContext = {
    plan, table, start, n, parentRow, cols, store,
    pick(t) {
      let rows = picks.get(t);
      if (!rows) picks.set(t, (rows = pickRows(ctx, t, memo)));
      return rows;
    },
    linkedRows(t) {
      return table.rows.kind !== 'fixed' && table.rows.parent === t ? parentRow! : ctx.pick(t);
    },
    memo<T>(owner: object, build: () => T): T {
      if (!memo.has(owner)) memo.set(owner, build());
      return memo.get(owner) as T;
    },
    label(l) {
      pending.push(l);
    },
  };
  // Values each column would have without the injected anomalies (outliers, anomaly, scenarios): for a
  // labelled column its pipeline without them; for a column computed from a changed one (a binomial
  // step, an expression) its pipeline again on the unchanged inputs. `differs` holds those that differ.
  const shadows = new Map<string, ColumnData>();
  const differs = new Map<string, ColumnData>();
  const changedRows = new Map<string, number[]>();
  // Time flows down: the parent's time (or the parent's inherited time) for modifiers of a table without one.
  if (table.inheritedTime && parentRow) cols.set(INHERITED_TIME, store.column(table.inheritedTime.parent, table.inheritedTime.column).gather(parentRow, n));
  const quiet: ChunkContext = { ...ctx, cols: new Map(), label: () => undefined };
  // A table whose scenarios evaluate it once without them (history) takes the unchanged columns from there.
  // Rows past the table's end (the new keys of rows a scenario adds) are not in the history: computed afresh.
  const rt = runtime();
  const history = rt.reusableColumns(ctx);
  const reuse = history && [...history.values.values(), ...history.generated.values()].every((c) => start + n <= c.length) ? history : null;
  for (const name of table.evalOrder) {
    const col = table.columns.find((c) => c.name === name)!;
    const known = reuse?.values.get(name);
    if (known) {
      cols.set(name, sliceOf(known, start, start + n, true));
      continue;
    }
    const before = reuse?.generated.get(name);
    const generated = before ? sliceOf(before, start, start + n, true) : rt.generate(col.generator, col, ctx);
    const upstream = differs.size > 0 && columnDeps(col, null).columns.some((c) => differs.has(c));
    // Labelled modifiers report every change they make: without a report (and no changed input) the shadow equals the data.
    const pristine = !upstream && col.modifiers.some(isLabelled) ? generated.clone() : null;
    const reported = pending.length;
    const data = col.modifiers.reduce((d, m) => rt.modify(m, d, col, ctx), generated);
    cols.set(name, enforceOrder(castColumn(data, col, start), col, cols));
    if (upstream || (pristine && pending.length > reported)) {
      quiet.cols = new Map([...cols, ...differs]);
      const shadowOf = (c: ChunkContext, base?: ColumnData) => {
        const d = col.modifiers.filter((m) => !isLabelled(m)).reduce((x, m) => rt.modify(m, x, col, c), base ?? rt.generate(col.generator, col, c));
        return enforceOrder(castColumn(d, col, c.start), col, c.cols);
      };
      // Row-wise programs differ from their shadow only where an input changed or a labelled modifier reported
      // a change: re-run just those rows.
      const ranges = pristine
        ? modifiersRowWise(col) ? rowRanges(pending.slice(reported).map((l) => l.index), n) : null
        : !col.modifiers.some(isLabelled) && rowWise(col) ? rowRanges(columnDeps(col, null).columns.flatMap((c) => changedRows.get(c) ?? []), n) : null;
      const sub = (lo: number, hi: number) => shadowOf(subContext(quiet, lo, hi), pristine ? sliceOf(pristine, lo, hi) : undefined);
      shadows.set(name, ranges ? patched(cols.get(name)!, ranges, sub) : pristine ? shadowOf(quiet, pristine) : shadowOf(quiet));
      const rows = diffRows(shadows.get(name)!, cols.get(name)!);
      if (rows.length) {
        differs.set(name, shadows.get(name)!);
        changedRows.set(name, rows);
      }
    }
  }
  // A label only where the value really changed (a zero cannot spike; a row null in both runs shows nothing);
  // a column that changed because a column it reads changed is labelled with that decision.
  for (const l of pending) {
    const row = labelRow(plan, table, ctx, l, shadows.get(l.column)!.key(l.index), cols.get(l.column)!.key(l.index));
    if (row) labels.push(row);
  }
  for (const l of followLabels(table, pending, changedRows)) {
    const row = labelRow(plan, table, ctx, l, differs.get(l.column)!.key(l.index), cols.get(l.column)!.key(l.index));
    if (row) labels.push(row);
  }
  return cols;
}

/** Indices whose values differ (nulls equal each other). */
function diffRows(a: ColumnData, b: ColumnData): number[] {
  const out: number[] = [];
  if (a.num && b.num) {
    const [x, y] = [a.num, b.num];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(x[i] !== x[i] && y[i] !== y[i])) out.push(i);
    return out;
  }
  for (let i = 0; i < a.length; i++) if (a.key(i) !== b.key(i)) out.push(i);
  return out;
}

/** An enforced same-row inequality must survive the modifiers (time_jitter) too. */
function enforceOrder(data: ColumnData, col: TablePlan['columns'][number], cols: Map<string, ColumnData>): ColumnData {
  const g = col.generator;
  if (g.kind !== 'datetime' || !g.after) return data;
  const a = cols.get(g.after.column)!.num!;
  const v = data.num!;
  const gap = col.type === 'date' ? 86_400_000 : 1000;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(v[i])) continue;
    if (g.after.strict ? v[i] <= a[i] : v[i] < a[i]) v[i] = g.after.strict ? a[i] + gap : a[i];
  }
  return data;
}

/** Row ordinals picked in table `t` for each row of the chunk: uniform, or ∝ the weights_by column. */
function pickRows(ctx: ChunkContext, t: string, memo: Map<object, unknown>): Float64Array {
  const pick = ctx.table.picks.find((p) => p.table === t);
  const rows = ctx.store.table(t).rows;
  const out = new Float64Array(ctx.n);
  const stream = pick?.stream ?? 0;
  let cdf: Float64Array | null = null;
  if ((pick?.weightsBy || pick?.segments) && rows > 0) {
    if (!memo.has(pick)) {
      // Popularity (weights_by) times the segment fanout multiplier of each row (segment_behavior).
      const w = pick.weightsBy ? Float64Array.from(ctx.store.column(t, pick.weightsBy).num!, (x) => (Number.isFinite(x) && x > 0 ? x : 0)) : new Float64Array(rows).fill(1);
      if (pick.segments) {
        const m = segmentMultipliers(ctx.store, pick.segments);
        for (let r = 0; r < w.length; r++) w[r] *= m[r];
      }
      if (!w.some((x) => x > 0)) throw new Error(`${pick.weightsBy ? `weights_by "${t}.${pick.weightsBy}"` : `the segment fanout multipliers of "${t}"`} has no positive value, so no row of "${t}" can be picked for "${ctx.table.id}" (weights ≤ 0 and nulls count as 0)`);
      memo.set(pick, buildCdf(w));
    }
    cdf = memo.get(pick) as Float64Array;
  }
  for (let i = 0; i < ctx.n; i++) {
    const u = uniform(stream, ctx.start + i, 0);
    out[i] = rows === 0 ? -1 : cdf ? pickIndex(cdf, u) : Math.floor(u * rows);
  }
  return out;
}
