/**
 * What a scenario needs to know about the whole table before it changes a chunk (a rate's daily
 * history, a day's total volume, the rows inside its window): the table's columns as they are
 * without any scenario, evaluated once per run over every row (only the columns needed and what they
 * read). Values never depend on chunking, so this equals what a run without scenarios writes.
 */
import { type ChunkContext, tableKey } from '../engine/chunk.ts';
import { ColumnData } from '../model/column-data.ts';
import { chunkRanges, generateChunk, layoutKey, parentRows, type RowRange, tableLayout, wholeRange } from '../engine/table.ts';
import type { ReusableColumns } from '../engine/runtime.ts';
import { columnDeps } from '../plan/deps.ts';
import { isLabelled } from '../engine/labels.ts';
import type { Plan, ScenarioSelection, TablePlan } from '../ir/types.ts';
import type { Store, TableStore } from '../model/store.ts';

export interface History {
  total: number;
  cols: Map<string, ColumnData>;
  /** Primary-parent ordinal of every row (facts with a parent), else null. */
  parentRow: Float64Array | null;
}

const CHUNK = 65_536;

/**
 * Scenario-free values of `names` over the whole table of `ctx`. One evaluation per table and run serves
 * every scenario of the table: it covers all the columns they read.
 */
export function scenarioFreeColumns(ctx: ChunkContext, names: string[]): History {
  const cache = ctx.memo(tableKey('history', ctx.table.id), () => ({ history: published(ctx) }));
  if (!cache.history || names.some((n) => !cache.history!.cols.has(n))) cache.history = evaluate(ctx, [...new Set([...names, ...scenarioInputs(ctx.table), ...(cache.history ? cache.history.cols.keys() : [])])]);
  return cache.history;
}

/** A context over the whole table for the history and the selection (no chunk of its own). */
export function wholeTableContext(plan: Plan, table: TablePlan, store: Store, memo: Map<object, unknown>, total: number): ChunkContext {
  const none = (): never => {
    throw new Error('internal: the whole-table context has no picks');
  };
  return {
    plan, table, store, start: 0, n: total, parentRow: null, cols: new Map(), pick: none, linkedRows: none, label: () => undefined,
    memo<T>(owner: object, build: () => T): T {
      if (!memo.has(owner)) memo.set(owner, build());
      return memo.get(owner) as T;
    },
  };
}

/** Store name under which the main thread hands a table's history to the generation workers. */
const SHARED = '__history__:';
const PARENT_ROW = '__parent_row__';
/** Entries of the shared history that hold a scenario's calibrated parameter (src/scenarios/calibrate.ts), not a column. */
const CALIBRATED = '__calibrated__:';

/** The history the main thread published for this table (workers), or null. */
function published(ctx: ChunkContext): History | null {
  return ctx.store.has(SHARED + ctx.table.id) ? fromEntry(ctx.store.table(SHARED + ctx.table.id)) : null;
}

function fromEntry(e: TableStore): History {
  const cols = new Map([...e.columns].filter(([name]) => name !== PARENT_ROW && !name.startsWith(CALIBRATED)));
  return { total: e.rows, cols, parentRow: e.columns.get(PARENT_ROW)?.num ?? null };
}

/**
 * The table's history as a store entry for the workers (numbers in SharedArrayBuffers: shared, not copied), so
 * that it is evaluated once per run instead of once per worker. Null when the table's scenarios need none.
 */
export function sharedHistory(plan: Plan, table: TablePlan, store: Store, memo: Map<object, unknown>, total: number, calibrations?: (ctx: ChunkContext) => Map<string, number | null>): { id: string; entry: TableStore } | null {
  if (!needsHistory(table)) return null;
  const ctx = wholeTableContext(plan, table, store, memo, total);
  const h = scenarioFreeColumns(ctx, []);
  // the scenarios' calibrated parameters, computed once here instead of once per worker
  const calibrated = calibrations?.(ctx) ?? new Map<string, number | null>();
  const shared = (v: Float64Array) => {
    const out = new Float64Array(new SharedArrayBuffer(Math.max(8, v.byteLength)), 0, v.length);
    out.set(v);
    return ColumnData.numbers(out);
  };
  const columns = new Map([...h.cols].map(([name, c]) => [name, c.num ? shared(c.num) : c]));
  if (h.parentRow) columns.set(PARENT_ROW, shared(h.parentRow));
  for (const [id, v] of calibrated) columns.set(CALIBRATED + id, ColumnData.numbers(Float64Array.of(v ?? NaN)));
  // the main thread keeps the shared copy too (the first one can go)
  const entry = { rows: h.total, columns };
  ctx.memo(tableKey('history', table.id), () => ({ history: null as History | null })).history = fromEntry(entry);
  return { id: SHARED + table.id, entry };
}

/** A scenario's calibrated parameter as the main thread published it (null: none); undefined when nothing was published. */
export function publishedCalibration(ctx: ChunkContext, id: string): number | null | undefined {
  if (!ctx.store.has(SHARED + ctx.table.id)) return undefined;
  const c = ctx.store.table(SHARED + ctx.table.id).columns.get(CALIBRATED + id);
  if (!c?.num) return undefined;
  return Number.isNaN(c.num[0]) ? null : c.num[0];
}

/**
 * Whether the table's scenarios evaluate its history: every table with scenarios does, since its events
 * (`_label_events`, src/scenarios/events.ts) are measured on the whole table without scenarios — and whole-table
 * statistics (rate_*, mix_shift) and random_k (choosing among what has rows in the window) need it anyway.
 */
function needsHistory(table: TablePlan): boolean {
  if (table.addRows?.length) return true;
  return table.columns.some((c) => c.modifiers.some((m) => m.kind === 'scenario'));
}

/** Columns of a chunk the run takes from the history instead of evaluating them (src/engine/runtime.ts). */
export type Reusable = ReusableColumns;

/**
 * What a chunk of the run can take from the history instead of evaluating it again (the table's values
 * with and without scenarios agree there); null when the table has no history.
 */
export function reusableColumns(ctx: ChunkContext): Reusable | null {
  const table = ctx.table;
  const affected = ctx.memo(tableKey('affected', table.id), () => (needsHistory(table) ? affectedColumns(table) : null));
  if (!affected) return null;
  const h = scenarioFreeColumns(ctx, []);
  return ctx.memo(h, () => ({
    values: new Map([...h.cols].filter(([name]) => !affected.has(name))),
    generated: new Map([...h.cols].filter(([name]) => affected.has(name) && castKeepsGenerated(table.columns.find((c) => c.name === name)!, affected))),
  }));
}

/** Generators whose values are whole numbers (the int cast keeps them). */
const COUNTS = new Set(['poisson', 'binomial', 'negative_binomial']);

function castKeepsGenerated(c: TablePlan['columns'][number], affected: Set<string>): boolean {
  if (c.nullRate > 0 || c.modifiers.length === 0 || c.modifiers.some((m) => m.kind !== 'scenario')) return false;
  if (columnDeps(c, null).columns.some((d) => affected.has(d))) return false;
  const g = c.generator;
  if (c.type === 'float') return true; // finite values stay, the others were null already
  return c.type === 'int' && g.kind === 'distribution' && COUNTS.has(g.dist) && g.clamp.every((x) => x === null || Number.isInteger(x));
}

/** Columns with a labelled modifier and every column that reads one of them (transitively). */
function affectedColumns(table: TablePlan): Set<string> {
  const out = new Set<string>();
  for (const name of table.evalOrder) {
    const c = table.columns.find((x) => x.name === name)!;
    if (c.modifiers.some(isLabelled) || columnDeps(c, null).columns.some((d) => out.has(d))) out.add(name);
  }
  return out;
}

/** Every column the table's scenarios read from its history (nothing else is evaluated twice). */
function scenarioInputs(table: TablePlan): string[] {
  const out: string[] = [];
  const key = (sel: ScenarioSelection) => ((sel.kind === 'random_k' || sel.kind === 'share') && sel.key ? [sel.key] : []);
  for (const c of table.columns) {
    for (const m of c.modifiers) {
      if (m.kind !== 'scenario') continue;
      // every scenario's event (src/scenarios/events.ts), and random_k: the time and the entity of the rows; where: its inputs
      out.push(m.timeRef, ...key(m.selection));
      if (m.selection.kind === 'where') out.push(...m.selection.columns);
      if (table.kind === 'entity' && table.pk) out.push(table.pk);
      // whole-table statistics: the target and what it is compared with
      if (m.type === 'rate_drop' || m.type === 'rate_spike' || m.type === 'mix_shift') out.push(c.name, ...(m.denominator ? [m.denominator] : []), ...(m.capColumn ? [m.capColumn] : []));
    }
  }
  for (const p of table.addRows ?? []) {
    out.push(p.timeRef, ...key(p.selection));
    if (p.selection.kind === 'where') out.push(...p.selection.columns);
  }
  return out;
}

/** Rows [start, start + n) of the table without scenarios: their columns and primary-parent ordinals. */
export interface RowsPiece {
  start: number;
  n: number;
  parentRow: Float64Array | null;
  cols: Map<string, ColumnData>;
}

/**
 * Scenario-free values of `names` on the rows of the table that hold `rows` (sorted ordinals): whole parents'
 * rows (facts with a parent), or the rows themselves (parentless tables), as contiguous pieces. What an event
 * measures (src/scenarios/events.ts) without evaluating the whole table.
 */
export function scenarioFreeRows(ctx: ChunkContext, names: string[], rows: ArrayLike<number>): RowsPiece[] {
  const { stripped, need } = strip(ctx.table, names);
  const layout = ctx.memo(layoutKey(ctx.table.id), () => tableLayout(ctx.plan, stripped, ctx.store));
  const counts = layout.counts;
  const ranges: RowRange[] = [];
  if (!counts) {
    for (let k = 0; k < rows.length; ) {
      let j = k;
      while (j + 1 < rows.length && rows[j + 1] === rows[j] + 1) j++;
      ranges.push({ rowStart: rows[k], rowEnd: rows[j] + 1, parentStart: 0, parentEnd: 0 });
      k = j + 1;
    }
  } else {
    // parent p's rows are [first, first + counts[p]); adjacent parents make one range
    let p = 0;
    let first = 0;
    let cur: RowRange | null = null;
    for (let k = 0; k < rows.length; k++) {
      while (first + counts[p] <= rows[k]) first += counts[p++];
      if (cur && cur.parentEnd === p + 1) continue;
      if (cur && cur.parentEnd === p) {
        cur.parentEnd = p + 1;
        cur.rowEnd = first + counts[p];
        continue;
      }
      ranges.push((cur = { rowStart: first, rowEnd: first + counts[p], parentStart: p, parentEnd: p + 1 }));
    }
  }
  const memo = new Map<object, unknown>();
  const out: RowsPiece[] = [];
  for (const range of ranges) {
    for (const r of chunkRanges(layout, range, CHUNK)) {
      const cols = generateChunk(ctx.plan, stripped, ctx.store, memo, layout, r, []);
      const kept = new Map([...cols].filter(([n]) => need.has(n)));
      out.push({ start: r.rowStart, n: r.rowEnd - r.rowStart, parentRow: counts ? parentRows(counts, r) : null, cols: kept });
    }
  }
  return out;
}

/** The table without scenarios, evaluating only `names` and what they read. */
function strip(table: TablePlan, names: string[]): { stripped: TablePlan; need: Set<string> } {
  const need = new Set<string>();
  const visit = (n: string) => {
    if (need.has(n)) return;
    need.add(n);
    const c = table.columns.find((x) => x.name === n);
    if (c) for (const d of columnDeps({ ...c, modifiers: c.modifiers.filter((m) => m.kind !== 'scenario') }, null).columns) visit(d);
  };
  names.forEach(visit);
  const { addRows: _added, ...rest } = table;
  const stripped: TablePlan = {
    ...rest,
    columns: table.columns.map((c) => ({ ...c, modifiers: c.modifiers.filter((m) => m.kind !== 'scenario') })),
    evalOrder: table.evalOrder.filter((n) => need.has(n)),
  };
  return { stripped, need };
}

function evaluate(ctx: ChunkContext, names: string[]): History {
  const table = ctx.table;
  const need = new Set<string>();
  const visit = (n: string) => {
    if (need.has(n)) return;
    need.add(n);
    const c = table.columns.find((x) => x.name === n);
    if (c) for (const d of columnDeps({ ...c, modifiers: c.modifiers.filter((m) => m.kind !== 'scenario') }, null).columns) visit(d);
  };
  names.forEach(visit);
  const { addRows: _added, ...rest } = table;
  const stripped: TablePlan = {
    ...rest,
    columns: table.columns.map((c) => ({ ...c, modifiers: c.modifiers.filter((m) => m.kind !== 'scenario') })),
    evalOrder: table.evalOrder.filter((n) => need.has(n)),
  };
  // The run's layout of the table (its row counts do not depend on scenarios): a panel's layout costs a pass.
  const layout = ctx.memo(layoutKey(table.id), () => tableLayout(ctx.plan, stripped, ctx.store));
  const memo = new Map<object, unknown>();
  // Every column evaluated is kept (not only `names`): chunks of the run reuse the unchanged ones.
  const parts = new Map<string, ColumnData[]>([...need].filter((n) => stripped.columns.some((c) => c.name === n)).map((n) => [n, []]));
  for (const r of chunkRanges(layout, wholeRange(layout), CHUNK)) {
    const cols = generateChunk(ctx.plan, stripped, ctx.store, memo, layout, r, []);
    for (const [n, p] of parts) p.push(cols.get(n)!);
  }
  let parentRow: Float64Array | null = null;
  if (layout.counts) {
    parentRow = new Float64Array(layout.total);
    let o = 0;
    for (let q = 0; q < layout.counts.length; q++) for (let k = 0; k < layout.counts[q]; k++) parentRow[o++] = q;
  }
  const cols = new Map([...parts].map(([n, p]) => [n, p.length ? ColumnData.concat(p, layout.total) : ColumnData.numbers(0)]));
  return { total: layout.total, cols, parentRow };
}
