/**
 * What a scenario needs to know about the whole table before it changes a chunk (a rate's daily
 * history, a day's total volume, the rows inside its window): the table's columns as they are
 * without any scenario, evaluated once per run over every row (only the columns needed and what they
 * read). Values never depend on chunking, so this equals what a run without scenarios writes.
 */
import type { ChunkContext } from '../engine/chunk.ts';
import { ColumnData } from '../engine/column-data.ts';
import { chunkRanges, generateChunk, tableLayout, wholeRange } from '../engine/table.ts';
import { columnDeps } from '../plan/deps.ts';
import type { TablePlan } from '../plan/types.ts';

export interface History {
  total: number;
  cols: Map<string, ColumnData>;
  /** Primary-parent ordinal of every row (facts with a parent), else null. */
  parentRow: Float64Array | null;
}

const CHUNK = 65_536;
/** Per-table keys of the run's memo (the table object itself may be a memo key elsewhere). */
const tokens = new WeakMap<TablePlan, object>();

/**
 * Scenario-free values of `names` over the whole table of `ctx`. One evaluation per table and run serves
 * every scenario of the table: it covers all the columns they read.
 */
export function scenarioFreeColumns(ctx: ChunkContext, names: string[]): History {
  let token = tokens.get(ctx.table);
  if (!token) tokens.set(ctx.table, (token = {}));
  const cache = ctx.memo(token, () => ({ history: null as History | null }));
  if (!cache.history || names.some((n) => !cache.history!.cols.has(n))) cache.history = evaluate(ctx, [...new Set([...names, ...scenarioInputs(ctx.table), ...(cache.history ? cache.history.cols.keys() : [])])]);
  return cache.history;
}

/** Every column a scenario of the table reads. */
function scenarioInputs(table: TablePlan): string[] {
  const out: string[] = [];
  for (const c of table.columns) {
    for (const m of c.modifiers) {
      if (m.kind !== 'scenario') continue;
      out.push(c.name, m.timeRef, ...(m.denominator ? [m.denominator] : []));
      if (m.selection.kind === 'where') out.push(...m.selection.columns);
      if ((m.selection.kind === 'random_k' || m.selection.kind === 'share') && m.selection.key) out.push(m.selection.key);
    }
  }
  for (const p of table.addRows ?? []) {
    out.push(p.timeRef);
    if (p.selection.kind === 'where') out.push(...p.selection.columns);
    if ((p.selection.kind === 'random_k' || p.selection.kind === 'share') && p.selection.key) out.push(p.selection.key);
  }
  return out;
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
  const stripped: TablePlan = {
    ...table,
    columns: table.columns.map((c) => ({ ...c, modifiers: c.modifiers.filter((m) => m.kind !== 'scenario') })),
    evalOrder: table.evalOrder.filter((n) => need.has(n)),
  };
  const layout = tableLayout(ctx.plan, stripped, ctx.store);
  const memo = new Map<object, unknown>();
  const parts = new Map<string, ColumnData[]>(names.map((n) => [n, []]));
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
