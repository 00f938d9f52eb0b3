import type { Plan, TablePlan } from '../plan/types.ts';
import { generatorFor, modifierFor } from '../registry/index.ts';
import { buildCdf, pickIndex } from './cdf.ts';
import { castColumn } from './cast.ts';
import type { ChunkContext, PendingLabel } from './chunk.ts';
import { ColumnData } from './column-data.ts';
import { fanoutCounts } from './fanout.ts';
import { uniform } from './rng.ts';
import type { Store } from './store.ts';

export interface LabelRow { table: string; column: string; row: number; rowKey: string | null; kind: string; expected: number; observed: number; magnitude: number }

export interface TableSink {
  append(columns: ColumnData[], n: number): void;
}

export interface GenerateOptions {
  chunkRows: number;
  onProgress?: (rows: number, total: number) => void;
}

/** Generate one table chunk by chunk into `sink`; retains the columns later tables read. */
export function generateTable(plan: Plan, table: TablePlan, store: Store, sink: TableSink, memo: Map<object, unknown>, opts: GenerateOptions): { rows: number; labels: LabelRow[] } {
  const counts = table.rows.kind === 'fanout' ? fanoutCounts(plan, table, store) : null;
  const total = counts ? counts.reduce((a, b) => a + b, 0) : (table.rows as { count: number }).count;
  const retained = new Map<string, ColumnData[]>(table.retain.map((c) => [c, []]));
  const labels: LabelRow[] = [];
  let start = 0;
  let parent = 0;
  while (start < total) {
    let n = Math.min(opts.chunkRows, total - start);
    let parentRow: Float64Array | null = null;
    if (counts) {
      // Whole parents per chunk (at least one), so a parent's children never straddle chunks.
      let rows = 0;
      let p = parent;
      while (p < counts.length && (rows === 0 || rows + counts[p] <= opts.chunkRows)) rows += counts[p++];
      n = rows;
      parentRow = new Float64Array(n);
      let o = 0;
      for (let q = parent; q < p; q++) for (let k = 0; k < counts[q]; k++) parentRow[o++] = q;
      parent = p;
    }
    const cols = evaluateChunk(plan, table, store, memo, start, n, parentRow, labels);
    sink.append(table.columns.map((c) => cols.get(c.name)!), n);
    for (const [name, parts] of retained) parts.push(cols.get(name)!);
    start += n;
    opts.onProgress?.(start, total);
  }
  store.set(table.id, { rows: total, columns: new Map([...retained].map(([name, parts]) => [name, ColumnData.concat(parts, total)])) });
  labels.sort((a, b) => a.row - b.row || (a.column < b.column ? -1 : a.column > b.column ? 1 : 0));
  return { rows: total, labels };
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
      return table.rows.kind === 'fanout' && table.rows.parent === t ? parentRow! : ctx.pick(t);
    },
    memo<T>(owner: object, build: () => T): T {
      if (!memo.has(owner)) memo.set(owner, build());
      return memo.get(owner) as T;
    },
    label(l) {
      pending.push(l);
    },
  };
  const shadows = new Map<string, ColumnData>();
  for (const name of table.evalOrder) {
    const col = table.columns.find((c) => c.name === name)!;
    const generated = generatorFor(col.generator.kind).execute(col.generator, col, ctx);
    if (col.modifiers.some((m) => m.kind === 'outliers')) {
      // The same pipeline without the injected anomaly gives each label its exact expected value.
      const quiet: ChunkContext = { ...ctx, label: () => undefined };
      const shadow = col.modifiers.filter((m) => m.kind !== 'outliers').reduce((d, m) => modifierFor(m.kind).execute(m, d, col, quiet), generated.clone());
      shadows.set(name, enforceOrder(castColumn(shadow, col, start), col, cols));
    }
    const data = col.modifiers.reduce((d, m) => modifierFor(m.kind).execute(m, d, col, ctx), generated);
    cols.set(name, enforceOrder(castColumn(data, col, start), col, cols));
  }
  const pk = table.pk ? cols.get(table.pk) : undefined;
  for (const l of pending) {
    const expected = shadows.get(l.column)!.key(l.index);
    const observed = cols.get(l.column)!.key(l.index);
    // A label only where the value really changed (a zero cannot spike; a nulled row shows nothing).
    if (expected === null || observed === null || expected === observed) continue;
    const key = pk?.key(l.index);
    labels.push({ table: table.id, column: l.column, row: start + l.index, rowKey: key === undefined || key === null ? null : String(key), kind: l.kind, expected: Number(expected), observed: Number(observed), magnitude: l.magnitude });
  }
  return cols;
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
  if (pick?.weightsBy) {
    if (!memo.has(pick)) {
      const w = Float64Array.from(ctx.store.column(t, pick.weightsBy).num!, (x) => (Number.isFinite(x) && x > 0 ? x : 0));
      if (!w.some((x) => x > 0)) throw new Error(`weights_by "${t}.${pick.weightsBy}" has no positive value, so no row of "${t}" can be picked for "${ctx.table.id}" (weights ≤ 0 and nulls count as 0)`);
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
