/**
 * Shared pieces of the behaviour II checks (state machines, lifecycles, adoption, attribution): the columns a
 * behaviour writes, the fact column that names the entity (the primary parent's key), the entities whose rows a
 * scenario changed on purpose, and a rule-based hard check that counts offending rows per rule in one pass.
 */
import type { ColumnPlan, EndState, GatePlan, GeneratorProgram, SegmentScale, TablePlan } from '../../ir/types.ts';
import { rowLabelKeys } from '../labelled.ts';
import { ident, lit, n, num } from '../sql.ts';
import type { CheckResult, ValidateContext } from '../types.ts';

export type Base = Omit<CheckResult, 'status' | 'expected' | 'observed' | 'tolerance' | 'examples' | 'message'>;

type Kind = 'state' | 'lifecycle' | 'adoption' | 'attribution' | 'stage';

/** The column a behaviour writes for `field` (e.g. state/from/to/index/period), if the table has it. */
export function fieldColumn(t: TablePlan, kind: Kind, field: string): ColumnPlan | undefined {
  return t.columns.find((c) => c.generator.kind === kind && (c.generator as Extract<GeneratorProgram, { field: string }>).field === field);
}

/** Names of every column the behaviour writes (labels on them make the entity's rows unusable for a clean check). */
export function behaviourColumns(t: TablePlan, kind: Kind): string[] {
  return t.columns.filter((c) => c.generator.kind === kind).map((c) => c.name);
}

/**
 * The fact column holding the primary parent's key: a plain lookup of the parent's pk through the parent
 * relation. null when there is none (entity-level checks then skip the table).
 */
export function entityColumn(ctx: ValidateContext, t: TablePlan, parent: string): string | null {
  const p = ctx.table(parent);
  if (!p?.pk || !ctx.present.has(parent)) return null;
  const c = t.columns.find((x) => x.generator.kind === 'lookup' && x.generator.via === 'parent' && x.generator.table === parent && x.generator.column === p.pk && x.modifiers.length === 0);
  return c?.name ?? null;
}

/** SQL on `_labels`: the label is a row-level one (rows added or duplicated) or names a cell of one of `cols`. */
function touchedLabel(cols: string[]): string {
  return `(("column" IS NULL AND level = 'row')${cols.length ? ` OR "column" IN (${cols.map(lit).join(', ')})` : ''})`;
}

/**
 * SQL condition on an entity key `e` (the parent key's own type) that is true unless a scenario touched the entity's rows in `table`:
 * a row it added or duplicated (level `row`), or a changed cell of a column the behaviour writes.
 */
export function cleanEntity(ctx: ValidateContext, t: TablePlan, entityCol: string, cols: string[], e = 'e'): string {
  if (!ctx.hasLabels) return 'TRUE';
  const touched = touchedLabel(cols);
  const key = t.pk ? `CAST(${ident(t.pk)} AS VARCHAR)` : null;
  const byRow = key ? ` UNION SELECT CAST(${ident(entityCol)} AS VARCHAR) FROM ${ident(t.id)} WHERE ${key} IN (SELECT row_key FROM _labels WHERE "table" = ${lit(t.id)} AND row_key IS NOT NULL AND ${touched})` : '';
  return `CAST(${e} AS VARCHAR) NOT IN (SELECT entity_key FROM _labels WHERE "table" = ${lit(t.id)} AND entity_key IS NOT NULL AND ${touched}${byRow})`;
}

/** SQL condition on a text key `k` of the table's rows: not named by a label of the kinds `cleanEntity` uses. */
export function cleanRowKey(ctx: ValidateContext, t: TablePlan, cols: string[], k: string): string {
  if (!ctx.hasLabels) return 'TRUE';
  const touched = touchedLabel(cols);
  return `${k} NOT IN (SELECT row_key FROM _labels WHERE "table" = ${lit(t.id)} AND row_key IS NOT NULL AND ${touched})`;
}

/**
 * The parent rows as a subquery `(e, t0, seg, t1)`: the key (one row per key: copies a scenario wrote are the
 * same row), the relationship start (the start column, else `defaultMs`), the segment value as text and the end
 * of the parent's lifetime (the end column, else null). Rows a
 * scenario added to the parent (labelled, level `row`, with keys of their own) are left out: the engine
 * generated nothing for them.
 */
export function parentRows(ctx: ValidateContext, parent: string, startCol: string | null, segCol: string | null, defaultMs: number, endCol: string | null = null, endState?: EndState): string {
  const base = parentRowsOwn(ctx, parent, startCol, segCol, defaultMs, endCol);
  // An end from states (lifetime.to: {table, states}): when the file's state or lifecycle table first has one of them.
  const q = endState ? endByState(ctx, parent, endState) : null;
  return q ? `(SELECT b.e, b.t0, b.seg, q.te AS t1 FROM ${base} b LEFT JOIN (${q}) q ON q.e = b.e)` : base;
}

function parentRowsOwn(ctx: ValidateContext, parent: string, startCol: string | null, segCol: string | null, defaultMs: number, endCol: string | null): string {
  const p = ctx.table(parent)!;
  const pk = ident(p.pk!);
  const start = startCol ? `coalesce(any_value(${ident(startCol)})::TIMESTAMP, ${tsLit(defaultMs)})` : tsLit(defaultMs);
  const end = endCol ? `any_value(${ident(endCol)})::TIMESTAMP` : 'NULL::TIMESTAMP';
  const seg = segCol ? `CAST(any_value(${ident(segCol)}) AS VARCHAR)` : 'NULL::VARCHAR';
  const added = ctx.hasLabels && p.addRows?.length
    ? ` WHERE CAST(${pk} AS VARCHAR) NOT IN ${rowLabelKeys(ctx, parent, `"column" IS NULL AND kind IN ('cap_violation')`)}`
    : '';
  return `(SELECT ${pk} AS e, ${start} AS t0, ${seg} AS seg, ${end} AS t1 FROM ${ident(parent)}${added} GROUP BY ${pk})`;
}

/**
 * The parent rows of a gated process (`starts_after`): only the parents that reached the gate's stage in the
 * funnel table (read from the file: the stage's time per parent), with that time as t0. Without a gate, `rows`.
 */
export function gatedParentRows(ctx: ValidateContext, rows: string, parent: string, gate: GatePlan | undefined): string {
  if (!gate) return rows;
  const g = gateTimesSql(ctx, parent, gate);
  if (!g) return `(SELECT * FROM ${rows} WHERE FALSE)`;
  return `(SELECT p.e, g.gt AS t0, p.seg, p.t1 FROM ${rows} p JOIN (${g}) g ON g.e = p.e)`;
}

/** SQL `(e, gt)`: per parent key, the first time it reached the gate's funnel stage, state or lifecycle stage in the file; null when unreadable. */
export function gateTimesSql(ctx: ValidateContext, parent: string, gate: GatePlan): string | null {
  const ft = ctx.table(gate.table);
  // A state machine's state or a lifecycle's stage: its first entry in the file.
  if (ft && (ft.rows.kind === 'states' || ft.rows.kind === 'lifecycle')) {
    const q = endByState(ctx, parent, { table: gate.table, states: [gate.stage] });
    return q && `SELECT e, te AS gt FROM (${q})`;
  }
  // An adoption: the parent's adoption event in the file.
  if (ft && ft.rows.kind === 'adoption') {
    const fk = entityColumn(ctx, ft, parent);
    const at = fieldColumn(ft, 'adoption', 'time');
    const type = fieldColumn(ft, 'adoption', 'type');
    if (!fk || !at || !type || !ctx.present.has(ft.id)) return null;
    return `SELECT ${ident(fk)} AS e, min(${ident(at.name)}::TIMESTAMP) AS gt FROM ${ident(ft.id)} WHERE CAST(${ident(type.name)} AS VARCHAR) = 'adoption' GROUP BY 1`;
  }
  const fk = ft && entityColumn(ctx, ft, parent);
  const name = ft && fieldColumn(ft, 'stage', 'name');
  const time = ft && fieldColumn(ft, 'stage', 'time');
  if (!ft || !fk || !name || !time || !ctx.present.has(ft.id)) return null;
  return `SELECT ${ident(fk)} AS e, min(${ident(time.name)}::TIMESTAMP) AS gt FROM ${ident(ft.id)} WHERE CAST(${ident(name.name)} AS VARCHAR) = ${lit(gate.stageName)} GROUP BY 1`;
}

const COLUMNS = new WeakMap<ValidateContext, Map<string, Promise<Set<string>>>>();

/** Does the table have the columns a check reads (the file may have lost one)? One describe() per table and run. */
export async function hasColumns(ctx: ValidateContext, table: string, cols: (string | null)[]): Promise<boolean> {
  let m = COLUMNS.get(ctx);
  if (!m) COLUMNS.set(ctx, (m = new Map()));
  let names = m.get(table);
  if (!names) m.set(table, (names = ctx.db.describe(table).then((d) => new Set(d.map((c) => c.name)))));
  const have = await names;
  return cols.every((c) => c === null || have.has(c));
}

/** A TIMESTAMP literal of epoch milliseconds. */
export function tsLit(ms: number): string {
  return `make_timestamp(${num(Math.round(ms) * 1000)}::BIGINT)`;
}

/** Per-segment multiplier of a segment value (null value or a segment without one: 1). */
export function segMultiplier(s: SegmentScale | null, seg: unknown): number {
  if (!s || seg === null || seg === undefined) return 1;
  return s.multipliers[String(seg)] ?? 1;
}

export interface Rule {
  /** What the row breaks, e.g. "a transition the machine does not declare". */
  what: string;
  /** SQL condition on the rows of `from`: true when the row breaks the rule (NULL counts as not breaking). */
  bad: string;
}

export interface RulePart {
  /** `WITH …` text the part's query starts with ('' when none). */
  withSql: string;
  /** The rows the rules look at (a table, subquery or CTE name). */
  from: string;
  /** A text expression naming a row for the examples, e.g. 'account 12, period 3'. */
  example: string;
  rules: Rule[];
}

/**
 * A hard check made of rules over rows: every rule of a part counted in one scan, with up to five examples
 * overall. Fails when any rule is broken; the message lists the broken rules with their counts.
 */
export async function ruleCheck(ctx: ValidateContext, base: Base, parts: RulePart[], okText: string): Promise<CheckResult> {
  const broken: { what: string; count: number; ex: unknown[] }[] = [];
  for (const part of parts) {
    if (!part.rules.length) continue;
    const cols = part.rules.map((r, i) => `count(*) FILTER (WHERE ${r.bad}) AS n${i}, min(${part.example}, 5) FILTER (WHERE ${r.bad}) AS x${i}`).join(',\n  ');
    const row = (await ctx.db.all(`${part.withSql} SELECT ${cols} FROM ${part.from}`))[0] ?? {};
    part.rules.forEach((r, i) => {
      const count = n(row[`n${i}`]) || 0;
      if (count > 0) broken.push({ what: r.what, count, ex: (row[`x${i}`] as unknown[] | null) ?? [] });
    });
  }
  const total = broken.reduce((a, b) => a + b.count, 0);
  const examples = [...new Set(broken.flatMap((b) => b.ex.map(String)))].slice(0, 5);
  return {
    ...base, status: total ? 'fail' : 'pass', expected: 0, observed: total, tolerance: 0, examples,
    message: total ? broken.map((b) => `${b.count.toLocaleString('en-US')} ${b.what}`).join('; ') : okText,
  };
}

/** Text of an SQL list of string literals, for `x IN (...)` (a never-matching list when empty). */
export function inList(values: string[]): string {
  return values.length ? `(${values.map(lit).join(', ')})` : '(NULL)';
}

/**
 * `lifetime.to: {table, states}` in SQL: per parent key e, te = the first time it entered one of the states in the
 * file (a state machine's valid_from, a lifecycle's stage started_at). Null when the table cannot be read.
 */
export function endByState(ctx: ValidateContext, parent: string, end: EndState | undefined): string | null {
  const st = end && ctx.table(end.table);
  if (!end || !st || !ctx.present.has(st.id)) return null;
  const names = st.rows.kind === 'states' ? st.rows.machine.states : st.rows.kind === 'lifecycle' ? st.rows.lifecycle.stages.map((x) => x.name) : [];
  const machine = st.rows.kind === 'states';
  const state = st.columns.find((c) => (machine ? c.generator.kind === 'state' && c.generator.field === 'state' : c.generator.kind === 'lifecycle' && c.generator.field === 'stage'));
  const time = st.columns.find((c) => (machine ? c.generator.kind === 'state' && c.generator.field === 'from' : c.generator.kind === 'lifecycle' && c.generator.field === 'start'));
  const fk = entityColumn(ctx, st, parent);
  if (!state || !time || !fk) return null;
  const list = end.states.map((i) => lit(names[i])).join(', ');
  return `SELECT ${ident(fk)} AS e, min(${ident(time.name)}::TIMESTAMP) AS te FROM ${ident(st.id)} WHERE CAST(${ident(state.name)} AS VARCHAR) IN (${list}) GROUP BY 1`;
}
