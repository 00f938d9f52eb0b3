/**
 * Shared by the label checks (label-checks-*.ts): the decisions of a run and their memoised facts, the keys that
 * join a label to its row, and small SQL and message helpers.
 */
import type { ScenarioProgram, TablePlan } from '../../ir/types.ts';
import { dbl, ident, lit, n, one } from '../sql.ts';
import type { CheckResult, ValidateContext } from '../types.ts';
import { decisions, timeMs, type Decision } from './label-checks-model.ts';

export type Base = Omit<CheckResult, 'status' | 'expected' | 'observed' | 'tolerance' | 'examples' | 'message'>;

export const MULTIPLY = new Set(['spike', 'drop', 'level_shift', 'cost_spike', 'volume_spike', 'funnel_break']);

/**
 * The multiplier of a multiplying scenario as SQL, and as text: the planned one, or — for a scenario that asks for
 * a detectability, whose run sets it from the data (docs/anomalies.md#difficulty-bands) — its event's magnitude.
 */
export function multiplierOf(p: ScenarioProgram): { sql: string; text: string } {
  if (p.params.detectability !== undefined) return { sql: `(SELECT CAST(magnitude AS DOUBLE) FROM _label_events WHERE event_id = ${lit(p.id)})`, text: `the multiplier set from the data (_label_events.magnitude of ${p.id})` };
  const m = Number(p.type === 'funnel_break' ? p.params.factor : p.params.multiplier);
  return { sql: dbl(m), text: String(Math.round(m * 1e4) / 1e4) };
}

// Shared per-run facts (decisions and their row statistics), computed once per context

interface Shared { decisions: Decision[]; stats: Map<Decision, Promise<Stats | null>>; labelCounts?: Promise<Map<Decision, number>> }
const shared = new WeakMap<ValidateContext, Shared>();

export function state(ctx: ValidateContext): Shared {
  let s = shared.get(ctx);
  if (!s) shared.set(ctx, (s = { decisions: decisions(ctx), stats: new Map() }));
  return s;
}

/** Decisions whose table is in the file with a primary key (labels name rows by it). */
export function checkable(ctx: ValidateContext): Decision[] {
  if (!ctx.hasLabels) return [];
  return state(ctx).decisions.filter((d) => ctx.present.has(d.t.id) && d.t.pk !== null);
}

/** Labels of each checkable decision (its `labels` condition), counted in one scan of `_labels` per run. */
export async function labelCount(ctx: ValidateContext, d: Decision): Promise<number> {
  const s = state(ctx);
  s.labelCounts ??= (async () => {
    const ds = checkable(ctx);
    if (!ds.length) return new Map<Decision, number>();
    const r = await one(ctx, `SELECT ${ds.map((x, i) => `count(*) FILTER (WHERE ${orFalse(x.labels)}) AS d${i}`).join(', ')} FROM _labels`);
    return new Map(ds.map((x, i) => [x, n(r[`d${i}`])]));
  })();
  return (await s.labelCounts).get(d) ?? 0;
}

export function base(check: string, d: Decision, hard: boolean): Base {
  return { check, category: 'behavioural', table: d.t.id, ...(d.what === 'rows' ? {} : { column: d.c.name }), hard, specPath: d.path };
}

/**
 * A label's `row_key` (the engine prints the key's value: a number, epoch ms for instants, or the text) and a
 * row's key, as comparable SQL values.
 */
export function labelKey(t: TablePlan, col = 'row_key'): string {
  const type = pkColumn(t).type;
  return type === 'int' || type === 'datetime' || type === 'date' ? `TRY_CAST(${col} AS BIGINT)` : type === 'float' || type === 'decimal' ? `TRY_CAST(${col} AS DOUBLE)` : col;
}
export function rowKey(t: TablePlan, x = 'x'): string {
  const type = pkColumn(t).type;
  const v = `${x}.${ident(t.pk!)}`;
  return type === 'int' ? v : type === 'datetime' || type === 'date' ? timeMs(t.pk!, x) : type === 'float' || type === 'decimal' ? `CAST(${v} AS DOUBLE)` : `CAST(${v} AS VARCHAR)`;
}
/**
 * SQL: row `x` is one a scenario added (cap_violation, a duplicate's copy). A table's own rows come first, the
 * added ones after them, one label each (anomalies.md), so the added rows are the last ones.
 */
export const isAdded = (t: TablePlan, x = 'x') => (t.addRows?.length
  ? `(${x}.rowid >= (SELECT count(*) FROM ${ident(t.id)}) - (SELECT count(*) FROM _labels WHERE level = 'row' AND "table" = ${lit(t.id)}))`
  : 'FALSE');
const pkColumn = (t: TablePlan) => t.columns.find((c) => c.name === t.pk)!;
export const col = (t: TablePlan, name: string | null) => (name === null ? undefined : t.columns.find((c) => c.name === name));
export const orFalse = (sql: string) => `coalesce((${sql}), FALSE)`;
export const plural = (k: number, w: string) => `${k.toLocaleString('en-US')} ${k === 1 ? w : w.endsWith('y') && !/[aeiou]y$/.test(w) ? `${w.slice(0, -1)}ies` : `${w}s`}`;
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Rows a cell decision may touch: window, selection, and which rows it is certain to change (see label-checks-scope.ts). */
export interface CellModel {
  /** SQL over row `x`: the row is inside the decision's window (and scope). */
  inWindow: string;
  /** Extra SQL columns of `base` (name → expression over x). */
  extra: Record<string, string>;
  /** SQL over a `base` row (columns c, extra): the decision is certain to change it when it selects it. */
  visible: string;
  /** The selection's entity (null: all rows; undefined: not computable). */
  entity: { sql: string; unit: 'entity' | 'key' | 'row' } | null | undefined;
  /** Can an unlabelled row of a selected entity inside the window be called a missing label? */
  insideCheckable: boolean;
  /** Why no inside check (for messages). */
  why?: string;
  /** SQL over x: another decision may have acted on the row (see touchedByOthers). */
  touched: string;
}

export interface Stats {
  /** Rows inside the window (not added by a scenario), labelled rows, rows certain to change, labelled among them. */
  inWindow: number;
  labelled: number;
  eligible: number;
  labelledEligible: number;
  /** The same per entity of the selection. */
  candidates: number;
  labelledEntities: number;
  eligibleEntities: number;
  labelledEligibleEntities: number;
  /** Own labelled rows outside the window. */
  outside: number;
  /** Unlabelled rows the decision is certain to have changed (null: not checkable), and examples. */
  inside: number | null;
  insideExamples: unknown[];
  /** Rows certain to change among the selected ones (inside check). */
  selectedEligible: number;
  model: CellModel;
  /** Per UTC day inside the window: labelled rows and rows certain to change (of selected entities). */
  days: { day: number; labelled: number; expected: number }[];
}
