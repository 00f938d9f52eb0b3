/**
 * Ground truth rows of `_labels` (DSL §5.7): one per value an injected anomaly changed, built from the
 * same decision that changed it (`ctx.label` in outliers / anomaly / scenarios) and the value the row
 * would have had without it (the column's pipeline run again without those modifiers).
 */
import type { ModifierProgram, Plan, TablePlan } from '../ir/types.ts';
import type { ChunkContext, PendingLabel } from './chunk.ts';
import { columnDeps } from '../plan/deps.ts';

export interface LabelRow {
  table: string;
  /** The changed cell's column; null for a label about a whole row (a row a scenario added). */
  column: string | null;
  /** Row ordinal in its table (sort key; not written). */
  row: number;
  rowKey: string | null;
  /** The entity the row belongs to: the primary parent's key for a fact, the row's own key for an entity. */
  entityKey: string | null;
  kind: string;
  /** What the label is about: one changed value (`cell`), a row a scenario added (`row`), or a scenario's window aggregate (`window`). */
  level: LabelLevel;
  scenario: string | null;
  /** Window [start, end) of the decision, epoch ms, or null. */
  start: number | null;
  end: number | null;
  /** The value without the anomaly, and the value written (null = SQL NULL). */
  expected: number | null;
  observed: number | null;
  delta: number | null;
  magnitude: number;
  severity: Severity;
  description: string;
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';
type LabelLevel = 'cell' | 'row' | 'window';

/** Modifiers whose changes are labelled (and left out of the shadow pipeline that gives `expected`). */
export function isLabelled(m: ModifierProgram): boolean {
  return m.kind === 'outliers' || m.kind === 'anomaly' || m.kind === 'scenario';
}

/**
 * Severity from the relative change r = |observed − expected| / |expected|: low r < 0.1, medium < 0.25,
 * high < 0.5, critical ≥ 0.5 (or expected 0); a value that became (or stopped being) null is high.
 */
export function severityOf(expected: number | null, observed: number | null, thresholds: readonly [number, number, number] = SEVERITY_THRESHOLDS): Severity {
  if (expected === null || observed === null) return 'high';
  if (expected === 0) return 'critical';
  const r = Math.abs(observed - expected) / Math.abs(expected);
  return r < thresholds[0] ? 'low' : r < thresholds[1] ? 'medium' : r < thresholds[2] ? 'high' : 'critical';
}

/** The relative changes where severity becomes medium, high and critical (labels; events by default). */
export const SEVERITY_THRESHOLDS: readonly [number, number, number] = [0.1, 0.25, 0.5];
/** Events of the rate families: a ratio's relative change (a conversion rate 10 % lower is critical). */
export const RATE_SEVERITY_THRESHOLDS: readonly [number, number, number] = [0.02, 0.05, 0.1];

/** The label of a pending decision, or null when the value did not change after all (cast, nulls, zeros). */
export function labelRow(plan: Plan, table: TablePlan, ctx: ChunkContext, l: PendingLabel, exp: string | number | null, obs: string | number | null): LabelRow | null {
  if (exp === obs) return null;
  const expected = exp === null ? null : Number(exp);
  const observed = obs === null ? null : Number(obs);
  const pk = table.pk ? ctx.cols.get(table.pk)?.key(l.index) : undefined;
  const rowKey = pk === undefined || pk === null ? null : String(pk);
  const delta = expected === null || observed === null ? null : observed - expected;
  const row: LabelRow = {
    table: table.id, column: l.column, row: ctx.start + l.index, rowKey, entityKey: l.entity ?? entityKey(plan, table, ctx, l.index, rowKey),
    kind: l.kind, level: 'cell', scenario: l.scenario ?? null, start: l.start ?? null, end: l.end ?? null,
    expected, observed, delta, magnitude: l.magnitude, severity: severityOf(expected, observed), description: '',
  };
  row.description = renderDescription(l.description ?? '{kind} on {table}.{column} row {row}: {expected} → {observed}', row, l.vars ?? {});
  return row;
}

function entityKey(plan: Plan, table: TablePlan, ctx: ChunkContext, i: number, rowKey: string | null): string | null {
  if (table.kind === 'entity') return rowKey;
  const parent = 'parent' in table.rows ? table.rows.parent : null;
  if (!parent || !ctx.parentRow) return null;
  const pk = plan.tables.find((t) => t.id === parent)?.pk;
  const keys = pk ? ctx.store.table(parent).columns.get(pk) : undefined;
  const v = keys?.key(ctx.parentRow[i]);
  return v === undefined || v === null ? null : String(v);
}

/** Fill `{name}` placeholders from the label and `vars`; unknown names stay as written. */
export function renderDescription(template: string, l: LabelRow, vars: Record<string, string | number>): string {
  const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace('.000Z', 'Z'));
  const num = (x: number | null) => (x === null ? 'null' : String(Math.round(x * 1e4) / 1e4));
  const own: Record<string, string> = {
    table: l.table, column: l.column ?? '', row: l.rowKey ?? String(l.row), entity: l.entityKey ?? '', kind: l.kind, scenario: l.scenario ?? '',
    start: iso(l.start), end: iso(l.end), expected: num(l.expected), observed: num(l.observed), delta: num(l.delta),
    magnitude: num(l.magnitude), severity: l.severity,
  };
  return template.replace(/\{(\w+)\}/g, (m, k: string) => own[k] ?? (k in vars ? String(vars[k]) : m));
}

/**
 * Pending labels for values that changed because a column they read changed (in evaluation order, so a
 * chain a → b → c passes the decisions down): one per distinct decision (scenario, kind) behind the
 * changed inputs of the row, with its kind, scenario, window and magnitude, described as following the
 * input column. A cell may also carry a decision of its own: each decision that changed it has its label.
 */
export function followLabels(table: TablePlan, pending: PendingLabel[], changed: Map<string, number[]>): PendingLabel[] {
  if (changed.size === 0) return [];
  const causes = new Map<string, PendingLabel[]>();
  const add = (l: PendingLabel) => {
    const k = `${l.column}\u0001${l.index}`;
    const list = causes.get(k);
    if (!list) causes.set(k, [l]);
    else if (!list.some((x) => x.scenario === l.scenario && x.kind === l.kind)) list.push(l);
  };
  pending.forEach(add);
  const out: PendingLabel[] = [];
  for (const name of table.evalOrder) {
    const rows = changed.get(name);
    if (!rows) continue;
    const col = table.columns.find((c) => c.name === name)!;
    const reads = columnDeps(col, null).columns.filter((c) => changed.has(c));
    if (reads.length === 0) continue;
    for (const i of rows) {
      const seen = new Set((causes.get(`${name}\u0001${i}`) ?? []).map((x) => `${x.scenario}\u0001${x.kind}`));
      for (const from of reads.flatMap((c) => causes.get(`${c}\u0001${i}`) ?? [])) {
        const k = `${from.scenario}\u0001${from.kind}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const l: PendingLabel = { ...from, column: name, index: i, description: '{kind} on {table}.{column} row {row}: {expected} → {observed} (follows {source})', vars: { ...from.vars, source: from.column } };
        add(l);
        out.push(l);
      }
    }
  }
  return out;
}
