/**
 * Shared pieces of the cohort checks (segments, vintage, funnels, panels): how a table's rows link to their
 * parent, the table's own rows (without rows scenarios added), SQL for segment multipliers and age curves,
 * and the weighted time grid a vintage child is drawn on. Everything is SQL text run inside DuckDB.
 */
import type { ColumnPlan, CurvePlan, GeneratorProgram, TablePlan } from '../../ir/types.ts';
import { calendarGrid } from '../calendar.ts';
import { normalCdf } from '../../model/dist/special.ts';
import { normalQuantilePrecise } from '../../model/distributions.ts';
import { PASS_Z } from '../stats.ts';
import { notLabelled, rowLabelKeys } from '../labelled.ts';
import { dbl, ident, lit, n, one } from '../sql.ts';
import type { CheckResult, ValidateContext } from '../types.ts';

export type DatetimeGen = Extract<GeneratorProgram, { kind: 'datetime' }>;

export type Base = Omit<CheckResult, 'status' | 'expected' | 'observed' | 'tolerance' | 'examples' | 'message'>;

/** Work budget of one check: (parent, bucket) or (parent, period) cells materialised at most (a deterministic subset of parents beyond). */
const CELL_BUDGET = 3_000_000;

/**
 * The column of `t` that holds the key of the linked row of `other` (its primary parent through `parent`,
 * or a non-primary table through `pick`): a lookup of `other`'s primary key, unmodified, never null.
 */
export function linkColumn(ctx: ValidateContext, t: TablePlan, other: string, via: 'parent' | 'pick'): ColumnPlan | null {
  const o = ctx.table(other);
  if (!o?.pk) return null;
  return t.columns.find((c) => c.generator.kind === 'lookup' && c.generator.via === via && c.generator.table === other && c.generator.column === o.pk
    && c.modifiers.length === 0 && c.nullRate === 0) ?? null;
}

const labelCache = new WeakMap<ValidateContext, Map<string, { any: boolean; rows: boolean }>>();

/** Whether `_labels` names rows of a table (any label with a row key; row-level labels: rows scenarios added). */
async function labelsOf(ctx: ValidateContext, table: string): Promise<{ any: boolean; rows: boolean }> {
  if (!ctx.hasLabels) return { any: false, rows: false };
  let m = labelCache.get(ctx);
  if (!m) labelCache.set(ctx, (m = new Map()));
  let hit = m.get(table);
  if (!hit) {
    const r = await one(ctx, `SELECT count(*) FILTER (WHERE row_key IS NOT NULL) AS a, count(*) FILTER (WHERE level = 'row' AND row_key IS NOT NULL) AS r FROM _labels WHERE "table" = ${lit(table)}`);
    hit = { any: n(r.a) > 0, rows: n(r.r) > 0 };
    m.set(table, hit);
  }
  return hit;
}

/**
 * The table's own rows as a FROM item: without the rows `cap_violation` scenarios added (new keys, labelled) and
 * with one copy of each row a `data_quality` scenario wrote twice. null when that cannot be told apart (no key).
 */
export async function ownRows(ctx: ValidateContext, t: TablePlan): Promise<string | null> {
  const T = ident(t.id);
  const l = await labelsOf(ctx, t.id);
  if (!l.rows) return T;
  if (!t.pk) return null;
  const key = `CAST(${ident(t.pk)} AS VARCHAR)`;
  const labels = (cond: string) => rowLabelKeys(ctx, t.id, cond);
  return `(SELECT * FROM ${T} WHERE ${key} NOT IN ${labels(`kind <> 'data_quality'`)} AND ${key} NOT IN ${labels(`kind = 'data_quality'`)}
    UNION ALL SELECT DISTINCT ON (${ident(t.pk)}) * FROM ${T} WHERE ${key} IN ${labels(`kind = 'data_quality'`)} AND ${key} NOT IN ${labels(`kind <> 'data_quality'`)})`;
}

/** A child's link to its primary parent `parentId`: the link column, the child's own rows and the parent's (FROM items). */
export interface ParentLink { parent: TablePlan; fk: string; own: string; parentRows: string }

/** The child's ParentLink, or null when the parent has no key or is absent, there is no link column, or own rows cannot be told apart. */
export async function parentLink(ctx: ValidateContext, t: TablePlan, parentId: string): Promise<ParentLink | null> {
  const parent = ctx.table(parentId);
  const fk = linkColumn(ctx, t, parentId, 'parent');
  if (!parent?.pk || !fk || !ctx.present.has(parent.id)) return null;
  const own = await ownRows(ctx, t);
  const parentRows = own ? await ownRows(ctx, parent) : null;
  return own && parentRows ? { parent, fk: fk.name, own, parentRows } : null;
}

/** A condition (on alias `a` of the table) true when no label names the row or, with `column`, that cell. */
export async function unlabelled(ctx: ValidateContext, t: TablePlan, alias: string, column?: string): Promise<string> {
  const l = await labelsOf(ctx, t.id);
  if (!l.any || !t.pk) return 'TRUE';
  return notLabelled(ctx, t.id, `CAST(${alias}.${ident(t.pk)} AS VARCHAR)`, column);
}

/** Epoch milliseconds (DOUBLE) of a datetime/date expression. */
export function ms(expr: string): string {
  return `CAST(epoch_ms(CAST(${expr} AS TIMESTAMP)) AS DOUBLE)`;
}

/**
 * A segment key as the engine compares it (src/model/vintage.ts segmentMultipliers: String of the stored value;
 * numbers print without a trailing ".0", booleans as 1/0, times as epoch milliseconds), for CASE lookups.
 */
export function segKey(ctx: ValidateContext, scale: { table: string; column: string }, alias: string): string {
  const c = ctx.table(scale.table)?.columns.find((x) => x.name === scale.column);
  const e = `${alias}.${ident(scale.column)}`;
  switch (c?.type) {
    case 'bool': return `CAST(CAST(${e} AS INTEGER) AS VARCHAR)`;
    case 'float':
    case 'decimal': return `(CASE WHEN ${e} = floor(${e}) AND abs(${e}) < 1e15 THEN CAST(CAST(${e} AS BIGINT) AS VARCHAR) ELSE CAST(CAST(${e} AS DOUBLE) AS VARCHAR) END)`;
    case 'datetime':
    case 'date': return `CAST(epoch_ms(CAST(${e} AS TIMESTAMP)) AS VARCHAR)`;
    default: return `CAST(${e} AS VARCHAR)`;
  }
}

/** The multiplier of a segment scale for a segment key expression (1 for unlisted segments and nulls). */
export function segmentCase(key: string, multipliers: Record<string, number>): string {
  const entries = Object.entries(multipliers).filter(([, m]) => Number.isFinite(m));
  if (!entries.length) return '1.0';
  return `(CASE ${key} ${entries.map(([k, m]) => `WHEN ${lit(k)} THEN ${dbl(m)}`).join(' ')} ELSE 1.0 END)::DOUBLE`;
}

/** A list of doubles as a SQL literal. */
export function listLit(xs: ArrayLike<number>): string {
  return `[${Array.from(xs, (x) => dbl(x)).join(', ')}]::DOUBLE[]`;
}

/** curveValue(c, k) of src/model/curves.ts as SQL, for an integer bucket expression k. */
export function curveSql(c: CurvePlan, k: string): string {
  if (c.kind === 'array') return `list_extract(${listLit(c.values)}, least(${c.values.length - 1}, greatest(0, ${k})) + 1)`;
  const a = dbl(c.a);
  const b = dbl(c.b);
  if (c.kind === 'logarithmic') return `(CASE WHEN 1 + ${b} * (${k}) > 0 THEN greatest(0.0, 1 + ${a} * ln(1 + ${b} * (${k}))) ELSE 0.0 END)`;
  if (c.kind === 'exponential') return `(CASE WHEN ${b} * (${k}) > 700 THEN 0.0 ELSE greatest(0.0, ${a} * exp(${b} * (${k}))) END)`;
  return `greatest(0.0, ${a} + ${b} * (${k}))`;
}

/** The age bucket of curvesAt (src/model/vintage.ts): floor(max(0, age)·d / unit + 1e-9). */
export function bucketSql(ageMs: string, decay: string, unitMs: number): string {
  return `CAST(floor(greatest(0.0, ${ageMs}) * (${decay}) / ${dbl(unitMs)} + 1e-9) AS BIGINT)`;
}

/** Product of the curves at an age (curvesAt), as SQL. */
export function curvesAtSql(curves: CurvePlan[], ageMs: string, decay: string): string {
  if (!curves.length) return '1.0';
  return curves.map((c) => curveSql(c, bucketSql(ageMs, decay, c.unitMs))).join(' * ');
}

/** Pattern weight product of an epoch-ms instant (SQL), as patternWeightAt of ../calendar.ts. */
function patternWeightSql(patterns: { dimension: string; weights: number[] }[], msExpr: string): string {
  if (!patterns.length) return '1.0';
  const ts = `epoch_ms(CAST(${msExpr} AS BIGINT))`;
  return patterns.map((p) => {
    const part = p.dimension === 'hour' ? `hour(${ts}) + 1` : p.dimension === 'dow' ? `isodow(${ts})` : p.dimension === 'day_of_month' ? `day(${ts})` : `month(${ts})`;
    return `list_extract(${listLit(p.weights)}, ${part})`;
  }).join(' * ');
}

/**
 * The grid a vintage child's time is drawn on (its datetime column's window, freq and patterns): regular grids
 * only, as SQL that yields `prefix(i, cum)` for i = 0..count with cum = Σ_{j<i} w_j, and the index of the first
 * point at or after an instant (firstAfter(x, false)). null when the grid is a month grid, too large, or
 * weighted by effects (not modelled).
 */
export interface GridSql {
  t0: number;
  step: number;
  count: number;
  last: number;
  /** CTE body of the prefix table. */
  prefix: string;
  /** SQL of the number of grid points before instant x (= the index of the first point ≥ x). */
  idx(x: string): string;
}

const GRID_MAX_POINTS = 2_000_000;

export function gridSql(g: DatetimeGen): GridSql | null {
  if (g.freq === 'M' || g.freq === 'MS' || g.effects.length) return null;
  const grid = calendarGrid(g.startMs, g.endMs, g.freq);
  if (grid.count > GRID_MAX_POINTS || grid.step === null) return null;
  const t0 = grid.point(0);
  const step = grid.step;
  const count = grid.count;
  const w = patternWeightSql(g.patterns, `${dbl(t0)} + i * ${dbl(step)}`);
  const prefix = `SELECT i, coalesce(sum(w) OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cum FROM (SELECT i, ${w} AS w FROM range(0, ${count + 1}) r(i))`;
  // the extra point i = count carries the total (its own weight is never used)
  return {
    t0, step, count, last: grid.point(count - 1), prefix,
    idx: (x) => `CAST(least(${count}.0, greatest(0.0, ceil(((${x}) - ${dbl(t0)}) / ${dbl(step)}))) AS BIGINT)`,
  };
}

/** A deterministic subset of parents (by key hash) so that about `cells` cells fit the budget; the SQL condition and the share kept. */
export function sampleOf(keyExpr: string, cells: number, budget = CELL_BUDGET): { cond: string; modulus: number } {
  const modulus = cells > budget ? Math.ceil(cells / budget) : 1;
  return { cond: modulus > 1 ? `hash(${keyExpr}) % ${modulus} = 0` : 'TRUE', modulus };
}

/**
 * A check that compares G groups (ages, stages × segments, calendar buckets) judges each at PASS_Z × this factor
 * standard errors, so that the check as a whole passes a correct dataset as often as one comparison at PASS_Z
 * (Bonferroni: the one-sided tail beyond PASS_Z shared among the groups). 1 for a single group.
 */
export function familyFactor(groups: number): number {
  if (groups <= 1) return 1;
  return normalQuantilePrecise(1 - (1 - normalCdf(PASS_Z)) / groups) / PASS_Z;
}

/** Text of a number for messages. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? x.toExponential(2) : String(Math.round(x * 10 ** digits) / 10 ** digits);
}
