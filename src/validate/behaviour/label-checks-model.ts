/**
 * The label checks' model of what the engine labels: one *decision* per top-level scenario (a column
 * scenario or one that adds rows) and per labelled modifier (`outliers`, `anomaly`) of a column, with the
 * SQL that finds its labels in `_labels`, the rows it may touch (window, selection) and which of those rows
 * the engine is certain to change (so an unlabelled one is a missing label).
 *
 * "Certain to change" is judged from the clean value c of the cell — the data itself for an unlabelled cell,
 * the label's `expected` for a labelled one — and the column type: a float changes when c ≠ 0; an int is
 * rounded after the change, so c·m must move by more than the rounding can take back (see `visibleTimes`).
 */
import { isDiscrete } from '../../model/distributions.ts';
import type { DistName } from '../../model/dist/types.ts';
import type { ColumnPlan, ModifierProgram, Plan, RowScenarioProgram, ScenarioProgram, TablePlan } from '../../ir/types.ts';
import { dbl, ident, lit, num } from '../sql.ts';
import { modifierPath, nodePath } from '../structural.ts';
import type { ValidateContext } from '../types.ts';

export type Outliers = Extract<ModifierProgram, { kind: 'outliers' }>;
export type Anomaly = Extract<ModifierProgram, { kind: 'anomaly' }>;

export const DAY_MS = 86_400_000;
const ANOMALY_KINDS = ['anomaly_spike', 'anomaly_drop', 'anomaly_level_shift'];

interface Base {
  /** For messages: the scenario id, or `outliers on table.column`. */
  name: string;
  t: TablePlan;
  path: string;
  /** SQL condition on `_labels` selecting every label of the decision (own cells, cells that follow, rows, windows). */
  labels: string;
}

/** A column scenario (scenarios[] compiled onto its target column). */
export interface ScenarioDecision extends Base { what: 'scenario'; c: ColumnPlan; p: ScenarioProgram; index: number }
/** A scenario that adds rows (cap_violation, data_quality duplicate). */
export interface RowsDecision extends Base { what: 'rows'; r: RowScenarioProgram }
/** The `outliers` modifiers of one mode on one column. */
interface OutliersDecision extends Base { what: 'outliers'; c: ColumnPlan; o: Outliers[]; index: number; kind: string; ambiguous: boolean }
/** The `anomaly` modifiers of one column. */
export interface AnomalyDecision extends Base { what: 'anomaly'; c: ColumnPlan; a: Anomaly[]; index: number; ambiguous: boolean }

export type Decision = ScenarioDecision | RowsDecision | OutliersDecision | AnomalyDecision;
export type CellDecision = ScenarioDecision | OutliersDecision | AnomalyDecision;

/** Where a scenario is written: its entry of `scenarios`, or the campaign that drew it (`anomaly_campaigns`). */
function scenarioPath(p: { index: number; campaign?: string }): string {
  return p.campaign ? `/anomaly_campaigns/${p.index}` : `/scenarios/${p.index}`;
}

/** Every labelling decision of the plan, in table and column order (scenarios that add rows after the table's columns). */
export function decisions(ctx: ValidateContext): Decision[] {
  const out: Decision[] = [];
  for (const t of ctx.plan.tables) {
    const table = `"table" = ${lit(t.id)}`;
    const families = new Map<string, string[]>(); // modifier label kind → columns with that own modifier
    const firstOfKind = new Map<string, Decision>();
    for (const c of t.columns) {
      const upstream = upstreamColumns(t, c.name);
      c.modifiers.forEach((m, index) => {
        if (m.kind === 'scenario') {
          out.push({ what: 'scenario', name: `scenario "${m.id}"`, t, c, p: m, index, path: scenarioPath(m), labels: `scenario = ${lit(m.id)}` });
        }
      });
      const outliers = c.modifiers.map((m, i) => [m, i] as const).filter(([m]) => m.kind === 'outliers') as [Outliers, number][];
      for (const mode of ['spike', 'drop'] as const) {
        const list = outliers.filter(([m]) => m.mode === mode);
        if (!list.length) continue;
        const kind = `outlier_${mode}`;
        const ambiguous = list.length > 1 || upstream.some((u) => hasModifierKind(t, u, kind));
        const d: OutliersDecision = {
          what: 'outliers', name: `outliers (${mode}) on ${t.id}.${c.name}`, t, c, o: list.map((x) => x[0]), index: list[0][1], kind, ambiguous,
          path: specPointer(ctx, t.id, c.name, 'outliers', outliers.findIndex(([m]) => m === list[0][0])), labels: '',
        };
        (families.get(kind) ?? families.set(kind, []).get(kind)!).push(c.name);
        if (!firstOfKind.has(kind)) firstOfKind.set(kind, d);
        out.push(d);
      }
      const anomalies = c.modifiers.map((m, i) => [m, i] as const).filter(([m]) => m.kind === 'anomaly') as [Anomaly, number][];
      if (anomalies.length) {
        const ambiguous = anomalies.length > 1 || upstream.some((u) => ANOMALY_KINDS.some((k) => hasModifierKind(t, u, k)));
        const d: AnomalyDecision = {
          what: 'anomaly', name: `anomaly on ${t.id}.${c.name}`, t, c, a: anomalies.map((x) => x[0]), index: anomalies[0][1], ambiguous,
          path: specPointer(ctx, t.id, c.name, 'anomaly', 0), labels: '',
        };
        for (const k of ANOMALY_KINDS) {
          (families.get(k) ?? families.set(k, []).get(k)!).push(c.name);
          if (!firstOfKind.has(k)) firstOfKind.set(k, d);
        }
        out.push(d);
      }
    }
    // Modifier labels: the decision's own cells, and (for the first decision of a kind in the table) the cells
    // of columns computed from a changed one, which carry the same kind.
    for (const d of out) {
      if (d.t !== t || (d.what !== 'outliers' && d.what !== 'anomaly')) continue;
      const kinds = d.what === 'outliers' ? [d.kind] : ANOMALY_KINDS;
      const own = `(scenario IS NULL AND ${table} AND kind IN (${kinds.map(lit).join(', ')}) AND "column" = ${lit(d.c.name)})`;
      const follows = kinds.filter((k) => firstOfKind.get(k) === d).map((k) => `(scenario IS NULL AND ${table} AND kind = ${lit(k)} AND "column" NOT IN (${families.get(k)!.map(lit).join(', ')}))`);
      d.labels = [own, ...follows].join(' OR ');
    }
    for (const r of t.addRows ?? []) out.push({ what: 'rows', name: `scenario "${r.id}"`, t, r, path: scenarioPath(r), labels: `scenario = ${lit(r.id)}` });
  }
  return out;
}

/** Columns `name` reads, directly or through other columns of the row. */
function upstreamColumns(t: TablePlan, name: string): string[] {
  const seen = new Set<string>();
  const visit = (n: string) => {
    const c = t.columns.find((x) => x.name === n);
    if (!c) return;
    for (const d of readsOf(c)) if (d !== name && !seen.has(d)) {
      seen.add(d);
      visit(d);
    }
  };
  visit(name);
  return [...seen];
}

function readsOf(c: ColumnPlan): string[] {
  const g = c.generator;
  const refs: string[] = [];
  if (g.kind === 'expression') refs.push(...g.refs.filter((r) => r.table === null).map((r) => r.column));
  if (g.kind === 'distribution') {
    refs.push(...Object.values(g.exprs ?? {}).flatMap((e) => e.refs.filter((r) => r.table === null).map((r) => r.column)));
    for (const v of Object.values(g.params)) if (typeof v === 'string' && /^[A-Za-z_]\w*$/.test(v)) refs.push(v);
  }
  if (g.kind === 'datetime' && g.after) refs.push(g.after.column);
  if (g.kind === 'lookup') refs.push(...g.on.map((k) => k.local));
  return refs;
}

/** JSON pointer of a labelled modifier of a column: the modifier, else its column, else its node ('' without one). */
function specPointer(ctx: ValidateContext, table: string, column: string, transform: string, ordinal: number): string {
  return modifierPath(ctx, table, column, transform, ordinal) ?? nodePath(ctx, table) ?? '';
}

function hasModifierKind(t: TablePlan, column: string, kind: string): boolean {
  const c = t.columns.find((x) => x.name === column);
  return !!c?.modifiers.some((m) => (m.kind === 'outliers' && `outlier_${m.mode}` === kind) || (m.kind === 'anomaly' && ANOMALY_KINDS.includes(kind)));
}

/**
 * SQL over row `x`: another decision may have acted on the row's `columns` (or on what they read) — inside
 * another scenario's or anomaly's window (whatever its selection), or anywhere for outliers, which are drawn
 * row by row. Decisions can cancel out (×2 then ×0.5, or a change the int cast rounds back), and then the
 * cell shows no change and no label: such rows cannot be called missing labels. `FALSE` when none.
 */
export function touchedByOthers(all: Decision[], d: Decision, columns: string[]): string {
  const names = new Set(columns.flatMap((c) => [c, ...upstreamColumns(d.t, c)]));
  const parts: string[] = [];
  for (const o of all) {
    if (o === d || o.t !== d.t || o.what === 'rows' || !names.has(o.c.name)) continue;
    if (o.what === 'outliers') return 'TRUE';
    if (o.what === 'anomaly') parts.push(...o.a.map((a) => anomalyFactor(a, o.t).inside));
    else parts.push(`(${timeMs(o.p.timeRef)} >= ${num(o.p.startMs)} AND ${timeMs(o.p.timeRef)} < ${num(o.p.endMs)})`);
  }
  return parts.length ? `coalesce(${parts.join(' OR ')}, FALSE)` : 'FALSE';
}

// ---------------------------------------------------------------------------------------------
// SQL pieces

/** Epoch ms of a row's time column. */
export function timeMs(col: string, x = 'x'): string {
  return `epoch_ms(CAST(${x}.${ident(col)} AS TIMESTAMP))`;
}

/** A numeric cell as DOUBLE (datetimes as epoch ms, booleans 0/1), or null for text columns. */
export function cellNumber(c: ColumnPlan, x = 'x'): string | null {
  if (c.type === 'string' || c.type === 'json') return null;
  if (c.type === 'datetime' || c.type === 'date') return timeMs(c.name, x);
  if (c.type === 'bool') return `CAST(CAST(${x}.${ident(c.name)} AS INTEGER) AS DOUBLE)`;
  return `CAST(${x}.${ident(c.name)} AS DOUBLE)`;
}

/** The primary parent's key column of a fact (a lookup of the parent's pk via the parent), or null. */
export function parentKeyColumn(plan: Plan, t: TablePlan): string | null {
  const parent = 'parent' in t.rows ? t.rows.parent : null;
  if (!parent) return null;
  const ppk = plan.tables.find((x) => x.id === parent)?.pk;
  const c = t.columns.find((x) => x.generator.kind === 'lookup' && x.generator.via === 'parent' && x.generator.table === parent && x.generator.column === ppk && x.modifiers.length === 0);
  return c ? c.name : null;
}

/**
 * The entity a selection draws, as SQL over row `x`: the key column's value, the primary parent's key, or
 * the row itself; `null` when the selection is not by entity (all, where); undefined when it cannot be
 * computed (an entity selection on a fact without a column holding its parent's key).
 */
export function entityOf(ctx: ValidateContext, t: TablePlan, sel: ScenarioProgram['selection'], x = 'x'): { sql: string; unit: 'entity' | 'key' | 'row' } | null | undefined {
  if (sel.kind === 'all' || sel.kind === 'where') return null;
  if (sel.key) return { sql: `${x}.${ident(sel.key)}`, unit: 'key' };
  if (sel.table !== null) {
    const fk = parentKeyColumn(ctx.plan, t);
    return fk ? { sql: `${x}.${ident(fk)}`, unit: 'entity' } : undefined;
  }
  return { sql: `${x}.${ident(t.pk!)}`, unit: 'row' };
}

/** Half a unit of the last place the column type keeps (0 for floats): what the cast can take back. */
export function halfUnit(c: ColumnPlan): number {
  return c.type === 'int' ? 0.5 : c.type === 'decimal' ? 5e-5 : 0;
}

/**
 * SQL: is the clean value `c` certain to change when multiplied by `m` (SQL numbers) before the type cast?
 * `exact`: the value before the change is the cast value itself (integral counts), else it may lie within
 * half a unit of it. `cap`: the change is capped at that value (a binomial step's n).
 */
export function visibleTimes(col: ColumnPlan, c: string, m: string, o: { exact?: boolean; cap?: string | null } = {}): string {
  const h = halfUnit(col);
  const capOk = o.cap ? ` AND (${o.cap} IS NULL OR NOT (${m} > 1) OR ${o.cap} - ${c} > ${num(h)} + 1e-9)` : '';
  if (h === 0) return `(${c} IS NOT NULL AND ${c} <> 0 AND ${m} <> 1${capOk})`;
  const moved = o.exact ? `abs(${c} * ${m} - ${c})` : `abs(${c} * (${m} - 1)) - ${num(h)} * abs(${m})`;
  return `(${c} IS NOT NULL AND ${moved} > ${num(h)} + 1e-9${capOk})`;
}

/** Tolerance (SQL) of `observed` against `expected × m` after the type cast. */
export function timesTolerance(col: ColumnPlan, expected: string, m: string, exact = false): string {
  const h = halfUnit(col);
  if (h === 0) return `1e-9 * greatest(1, abs(${expected} * ${m}))`;
  return exact ? `${num(h)} + 1e-9` : `${num(h)} * (abs(${m}) + 1) + 1e-9`;
}

/** Does the column hold, before its labelled steps, exactly the integers it is written with (counts)? */
export function integralBefore(c: ColumnPlan): boolean {
  if (c.type !== 'int') return false;
  const g = c.generator;
  const integral = (g.kind === 'distribution' && isDiscrete(g.dist as DistName) && g.clamp.every((b) => b === null || Number.isInteger(b)))
    || (g.kind === 'sequence' && Number.isInteger(g.start) && Number.isInteger(g.step));
  return integral && c.modifiers.every((m) => m.kind === 'scenario' || m.kind === 'outliers' || m.kind === 'anomaly');
}

/** Modifiers after a labelled one that keep "changed ×m" as "changed ×m" (value-proportional, or labelled themselves). */
export function proportionalAfter(c: ColumnPlan, index: number): boolean {
  return c.modifiers.slice(index + 1).every((m) => {
    switch (m.kind) {
      case 'outliers': case 'anomaly': case 'scenario': case 'multiply': case 'seasonality': case 'trend': case 'segment_value': case 'state_value': case 'vintage_value':
        return true;
      case 'effect':
        return m.effect.op === 'mul';
      case 'jitter':
        return m.mode === 'mul';
      default:
        return false;
    }
  });
}

/** The anomaly multiplier of row `x` (product of the windows that contain it and whose scope it matches), as SQL. */
export function anomalyFactor(a: Anomaly, t: TablePlan, x = 'x'): { factor: string; first: string; inside: string } {
  const time = timeMs(a.timeRef, x);
  const conds = a.windows.map((w) => {
    const scope = w.scope.map((s) => scopeSql(t, s, x));
    return [`${time} >= ${num(w.startMs)}`, `${time} < ${num(w.endMs)}`, ...scope].join(' AND ');
  });
  const factor = conds.length ? conds.map((cnd, i) => `(CASE WHEN ${cnd} THEN ${dbl(a.windows[i].multiplier)} ELSE 1 END)`).join(' * ') : '1';
  const first = conds.length ? `CASE ${conds.map((cnd, i) => `WHEN ${cnd} THEN ${i}`).join(' ')} END` : 'NULL';
  const inside = conds.length ? conds.map((cnd) => `(${cnd})`).join(' OR ') : 'FALSE';
  return { factor: `(${factor})`, first, inside: `(${inside})` };
}

function scopeSql(t: TablePlan, s: Anomaly['windows'][number]['scope'][number], x: string): string {
  const c = t.columns.find((y) => y.name === s.column)!;
  const v = `${x}.${ident(c.name)}`;
  const vals = s.values.filter((y) => y !== null);
  const hasNull = s.values.some((y) => y === null);
  let expr: string;
  let lits: string[];
  if (c.type === 'string' || c.type === 'json') [expr, lits] = [`CAST(${v} AS VARCHAR)`, vals.map((y) => lit(String(y)))];
  else if (c.type === 'datetime' || c.type === 'date') [expr, lits] = [timeMs(c.name, x), vals.map((y) => num(Number(y)))];
  else if (c.type === 'bool') [expr, lits] = [`CAST(${v} AS INTEGER)`, vals.map((y) => num(Number(y)))];
  else [expr, lits] = [`CAST(${v} AS DOUBLE)`, vals.map((y) => num(Number(y)))];
  const parts = [...(lits.length ? [`${expr} IN (${lits.join(', ')})`] : []), ...(hasNull ? [`${v} IS NULL`] : [])];
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}

/** Smallest magnitude an outliers modifier can draw (its clamp, or the support of uniform), or null when 0 is reachable. */
export function outlierFloor(o: Outliers): number | null {
  let lo = o.clamp[0];
  if (o.dist === 'uniform' && typeof o.params.low === 'number') lo = Math.max(lo ?? -Infinity, o.params.low);
  return lo !== null && lo > 0 ? lo : null;
}

/** Is a magnitude of exactly 0 (no change) impossible? Continuous magnitudes draw it with probability 0. */
export function outlierNeverZero(o: Outliers): boolean {
  // a clamp at 0 gives m = 0 (no change) with positive probability, as does a discrete magnitude
  return outlierFloor(o) !== null || (!isDiscrete(o.dist as DistName) && o.clamp[0] !== 0 && o.clamp[1] !== 0);
}
