/**
 * Scenarios that add rows (issue 5): `cap_violation` copies rows of an entity's period under new keys
 * until the period has more rows than the cap, `data_quality` with mode `duplicate` writes selected rows
 * a second time, key included. The added rows come after the table's own rows (whose values and order
 * do not change, so a run without scenarios differs exactly by them), one label per added row.
 *
 * Decisions are made on the table without scenarios (the history every scenario of the table shares),
 * from keyed draws: the same whatever the chunking, the workers and the shard. An added row holds the
 * values its template row is written with (scenarios included), regenerated from the keyed draws; it has
 * no children and later tables do not look it up.
 */
import type { ChunkContext } from '../engine/chunk.ts';
import { ColumnData } from '../model/column-data.ts';
import { floorPeriod } from '../model/grain.ts';
import { renderDescription, severityOf, type LabelRow } from '../engine/labels.ts';
import { hashString, uniform } from '../model/rng.ts';
import type { Store } from '../model/store.ts';
import { evaluateRows, generateChunk, type RowRange, type TableLayout } from '../engine/table.ts';
import type { Plan, RowScenarioProgram, TablePlan } from '../ir/types.ts';
import { scenarioFreeColumns, wholeTableContext } from './history.ts';
import { selectionMask } from './select.ts';

/** One row a scenario adds: a copy of row `template` (with a new key unless it is a duplicate). */
export interface AddedRow {
  p: RowScenarioProgram;
  template: number;
  newKey: boolean;
  entity: string | null;
  start: number;
  end: number;
  expected: number;
  observed: number;
}

export interface AddedRows {
  n: number;
  /** Values of the table's columns for the added rows, in `table.columns` order. */
  columns: ColumnData[];
  labels: LabelRow[];
}

/**
 * The rows the table's scenarios add whose template lies in `write` (the rows this run writes), with their
 * labels. Added row j of the whole table is row ordinal total + j (its label's sort key; a new key is the
 * key column's value at that row number).
 */
export function addedRows(plan: Plan, table: TablePlan, store: Store, memo: Map<object, unknown>, layout: TableLayout, write: RowRange): AddedRows {
  const ctx = wholeTableContext(plan, table, store, memo, layout.total);
  const all = (table.addRows ?? []).flatMap((p) => rowsAdded(p, ctx));
  const picked = all.map((a, j) => ({ a, ordinal: layout.total + j })).filter(({ a }) => a.template >= write.rowStart && a.template < write.rowEnd);
  if (picked.length === 0) return { n: 0, columns: [], labels: [] };
  const templates = [...new Set(picked.map(({ a }) => a.template))].sort((x, y) => x - y);
  const values = templateValues(plan, table, store, memo, layout, templates);
  const at = new Map(templates.map((t, i) => [t, i]));
  const rows = Float64Array.from(picked, ({ a }) => at.get(a.template)!);
  const cols = new Map(table.columns.map((c) => [c.name, values.get(c.name)!.gather(rows)]));
  if (table.pk) {
    // New keys: the key column at the new row numbers (it reads no other column; checked at compile time).
    const key = cols.get(table.pk)!;
    picked.forEach(({ a, ordinal }, j) => {
      if (!a.newKey) return;
      const v = evaluateRows(plan, table, store, memo, ordinal, 1, [table.pk!]).get(table.pk!)!;
      if (key.num) key.num[j] = v.num![0];
      else key.str![j] = v.str![0];
    });
  }
  const copies = new Map<number, number>();
  for (const { a } of picked) if (!a.newKey) copies.set(a.template, (copies.get(a.template) ?? 0) + 1);
  const labels = picked.map(({ a, ordinal }, j) => {
    const pk = table.pk ? cols.get(table.pk)!.key(j) : null;
    const [expected, observed] = a.newKey ? [a.expected, a.observed] : [1, 1 + copies.get(a.template)!];
    const row: LabelRow = {
      table: table.id, column: null, row: ordinal, rowKey: pk === null ? null : String(pk), entityKey: a.entity, kind: a.p.type, level: 'row', scenario: a.p.id,
      start: a.start, end: a.end, expected, observed, delta: observed - expected, magnitude: a.p.type === 'cap_violation' ? a.p.exceedBy : a.p.share,
      severity: severityOf(expected, observed), description: '',
    };
    row.description = renderDescription(a.p.description, row, vars(a.p, table));
    return row;
  });
  return { n: picked.length, columns: table.columns.map((c) => cols.get(c.name)!), labels };
}

/** Memo keys of the rows each scenario adds (computed once per run: the run's added rows and its event share them). */
const addedKeys = new WeakMap<RowScenarioProgram, object>();

/** The rows one scenario adds to the whole table (decided on the table without scenarios; no values generated). */
export function rowsAdded(p: RowScenarioProgram, ctx: ChunkContext): AddedRow[] {
  let key = addedKeys.get(p);
  if (!key) addedKeys.set(p, (key = {}));
  return ctx.memo(key, () => (p.type === 'cap_violation' ? capRows(p, ctx) : duplicateRows(p, ctx)));
}

/**
 * Rows of the table without scenarios per entity and period of `p` (its time reference, its selection's entity),
 * for the entities in `entities` and the times in [lo, hi).
 */
export function periodCounts(p: RowScenarioProgram, ctx: ChunkContext, entities: Set<string>, lo: number, hi: number): Map<string, Map<number, number>> {
  const { h, t, entity } = selected(p, ctx);
  const out = new Map<string, Map<number, number>>();
  for (let i = 0; i < h.total; i++) {
    if (!(t[i] >= lo && t[i] < hi)) continue;
    const e = String(entity(i));
    if (!entities.has(e)) continue;
    let m = out.get(e);
    if (!m) out.set(e, (m = new Map()));
    const k = floorPeriod(t[i], p.period);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return out;
}

function vars(p: RowScenarioProgram, table: TablePlan): Record<string, string | number> {
  return { id: p.id, type: p.type, difficulty: p.difficulty, target: table.id, cap: p.cap ?? 'the table maximum', exceed_by: p.exceedBy, period: p.period, share: p.share, mode: 'duplicate' };
}

/** The table without scenarios, the selection mask and each row's entity (key value, parent row or the table). */
function selected(p: RowScenarioProgram, ctx: ChunkContext) {
  const sel = p.selection;
  const key = (sel.kind === 'random_k' || sel.kind === 'share') && sel.key ? sel.key : null;
  const names = [p.timeRef, ...(key ? [key] : []), ...(sel.kind === 'where' ? sel.columns : [])];
  const h = scenarioFreeColumns(ctx, names);
  const mask = selectionMask(p, ctx, { start: 0, n: h.total, parentRow: h.parentRow, cols: h.cols });
  const keyCol = key ? h.cols.get(key)! : null;
  const parentKeys = !keyCol && h.parentRow ? parentKeyColumn(ctx) : null;
  const entity = (i: number): string | null => {
    if (keyCol) {
      const v = keyCol.key(i);
      return v === null ? null : String(v);
    }
    if (!h.parentRow) return null;
    const v = parentKeys?.key(h.parentRow[i]);
    return v === undefined || v === null ? `#${h.parentRow[i]}` : String(v);
  };
  return { h, mask, t: h.cols.get(p.timeRef)!.num!, entity };
}

function parentKeyColumn(ctx: ChunkContext): ColumnData | undefined {
  const parent = 'parent' in ctx.table.rows ? ctx.table.rows.parent : null;
  const pk = parent ? ctx.plan.tables.find((t) => t.id === parent)?.pk : null;
  return parent && pk ? ctx.store.table(parent).columns.get(pk) : undefined;
}

/**
 * cap_violation: per entity and period in the window with selected rows, rows are added until the period
 * has max(rows, cap) + exceed_by; added row j copies the period's row j mod rows (in row order). Without a
 * cap, the cap is the most rows any entity has in any period of the table.
 */
function capRows(p: RowScenarioProgram, ctx: ChunkContext): AddedRow[] {
  const { h, mask, t, entity } = selected(p, ctx);
  const groups = new Map<string, number[]>();
  let cap = p.cap ?? 0;
  const counts = p.cap === null ? new Map<string, number>() : null;
  for (let i = 0; i < h.total; i++) {
    if (Number.isNaN(t[i])) continue;
    const g = `${entity(i)}\u0001${floorPeriod(t[i], p.period)}`;
    if (counts) {
      const c = (counts.get(g) ?? 0) + 1;
      counts.set(g, c);
      if (c > cap) cap = c;
    }
    if (!mask[i]) continue;
    const rows = groups.get(g);
    if (rows) rows.push(i);
    else groups.set(g, [i]);
  }
  const out: AddedRow[] = [];
  for (const rows of groups.values()) {
    const start = floorPeriod(t[rows[0]], p.period);
    const end = nextPeriod(start, p.period);
    const observed = Math.max(rows.length, cap) + p.exceedBy;
    for (let j = 0; j < observed - rows.length; j++) {
      out.push({ p, template: rows[j % rows.length], newKey: true, entity: entity(rows[0]), start, end, expected: rows.length, observed });
    }
  }
  return out;
}

function nextPeriod(start: number, period: RowScenarioProgram['period']): number {
  if (period !== 'month') return start + (period === 'hour' ? 3_600_000 : period === 'day' ? 86_400_000 : 7 * 86_400_000);
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** data_quality duplicate: each selected row in the window is written twice with probability share. */
function duplicateRows(p: RowScenarioProgram, ctx: ChunkContext): AddedRow[] {
  const { h, mask, entity } = selected(p, ctx);
  const out: AddedRow[] = [];
  const draw = hashString('duplicate');
  for (let i = 0; i < h.total; i++) {
    if (mask[i] && uniform(p.stream, i, draw) < p.share) out.push({ p, template: i, newKey: false, entity: entity(i), start: p.startMs, end: p.endMs, expected: 1, observed: 2 });
  }
  return out;
}

/**
 * The written values (scenarios included) of the template rows, as one column per table column in
 * template order: each template's chunk (its primary parent's rows, or the row itself) is generated again.
 */
function templateValues(plan: Plan, table: TablePlan, store: Store, memo: Map<object, unknown>, layout: TableLayout, templates: number[]): Map<string, ColumnData> {
  const parts = new Map<string, ColumnData[]>(table.columns.map((c) => [c.name, []]));
  const counts = layout.counts;
  let parent = 0;
  let first = 0; // first row of `parent`
  for (let k = 0; k < templates.length; ) {
    let range: RowRange;
    if (counts) {
      while (first + counts[parent] <= templates[k]) first += counts[parent++];
      range = { rowStart: first, rowEnd: first + counts[parent], parentStart: parent, parentEnd: parent + 1 };
    } else range = { rowStart: templates[k], rowEnd: templates[k] + 1, parentStart: 0, parentEnd: 0 };
    const cols = generateChunk(plan, table, store, memo, layout, range, []);
    const rows: number[] = [];
    for (; k < templates.length && templates[k] < range.rowEnd; k++) rows.push(templates[k] - range.rowStart);
    for (const [name, list] of parts) list.push(cols.get(name)!.gather(rows));
  }
  return new Map([...parts].map(([name, list]) => [name, ColumnData.concat(list, templates.length)]));
}
