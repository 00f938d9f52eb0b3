/**
 * Behavioural checks (labels): the ground truth in `_labels` is consistent with the data and with what the
 * spec's anomalies promise (docs/anomalies.md). See docs/validate.md (Label checks).
 *
 * - `labels_present` (hard): `_labels` exists; every label is about a known table, column, scenario and
 *   level; a file generated `--without-scenarios` has no scenario label; each scenario / labelled modifier that
 *   is certain to change some value has labels.
 * - `labels_match_data` (hard): every label names a row that exists and whose cell holds `observed` (≠
 *   `expected`); the change recomputed in SQL from the label's clean value and the spec (× multiplier, × factor,
 *   the impossible count, null, ×(1+m) of an outlier, the anomaly windows' product); duplicates written
 *   `observed` times as identical rows; cap_violation groups with max(rows, cap) + exceed_by rows; a rate
 *   scenario's daily ratios and a mix shift's daily totals as SQL computes them.
 * - `labels_rows`: label counts against the selection — random_k exactly k entities (hard), share and
 *   outlier rates within binomial tails (soft).
 * - `labels_windows` (hard): no label outside its decision's window, and no unlabelled row inside it that the
 *   decision is certain to have changed.
 */
import type { TablePlan } from '../../ir/types.ts';
import { dbl, ident, lit, n, num, one } from '../sql.ts';
import { binomialTail, PASS_Z, round, tailZ, zStatus } from '../stats.ts';
import type { ChartData, CheckModule, CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import {
  anomalyFactor, cellNumber, DAY_MS, decisions, entityOf, halfUnit, integralBefore, outlierFloor,
  outlierNeverZero, parentKeyColumn, proportionalAfter, timeMs, timesTolerance, touchedByOthers, visibleTimes,
  type AnomalyDecision, type CellDecision, type Decision, type RowsDecision, type ScenarioDecision,
} from './labels-model.ts';

type Base = Omit<CheckResult, 'status' | 'expected' | 'observed' | 'tolerance' | 'examples' | 'message'>;

const MULTIPLY = new Set(['spike', 'drop', 'level_shift', 'cost_spike', 'volume_spike', 'funnel_break']);
/** A decision "must" label something when the chance that it labels nothing is below this. */
const P_NONE = 1e-9;

// ---------------------------------------------------------------------------------------------
// Shared per-run facts (decisions and their row statistics), computed once per context

interface Shared { decisions: Decision[]; stats: Map<Decision, Promise<Stats | null>>; labelCounts?: Promise<Map<Decision, number>> }
const shared = new WeakMap<ValidateContext, Shared>();

function state(ctx: ValidateContext): Shared {
  let s = shared.get(ctx);
  if (!s) shared.set(ctx, (s = { decisions: decisions(ctx), stats: new Map() }));
  return s;
}

/** Decisions whose table is in the file with a primary key (labels name rows by it). */
function checkable(ctx: ValidateContext): Decision[] {
  if (!ctx.hasLabels) return [];
  return state(ctx).decisions.filter((d) => ctx.present.has(d.t.id) && d.t.pk !== null);
}

/** Labels of each checkable decision (its `labels` condition), counted in one scan of `_labels` per run. */
async function labelCount(ctx: ValidateContext, d: Decision): Promise<number> {
  const s = state(ctx);
  s.labelCounts ??= (async () => {
    const ds = checkable(ctx);
    if (!ds.length) return new Map<Decision, number>();
    const r = await one(ctx, `SELECT ${ds.map((x, i) => `count(*) FILTER (WHERE ${orFalse(x.labels)}) AS d${i}`).join(', ')} FROM _labels`);
    return new Map(ds.map((x, i) => [x, n(r[`d${i}`])]));
  })();
  return (await s.labelCounts).get(d) ?? 0;
}

function base(check: string, d: Decision, hard: boolean): Base {
  return { check, category: 'behavioural', table: d.t.id, ...(d.what === 'rows' ? {} : { column: d.c.name }), hard, specPath: d.path };
}

/**
 * A label's `row_key` (the engine prints the key's value: a number, epoch ms for instants, or the text) and a
 * row's key, as comparable SQL values.
 */
function labelKey(t: TablePlan, col = 'row_key'): string {
  const type = pkColumn(t).type;
  return type === 'int' || type === 'datetime' || type === 'date' ? `TRY_CAST(${col} AS BIGINT)` : type === 'float' || type === 'decimal' ? `TRY_CAST(${col} AS DOUBLE)` : col;
}
function rowKey(t: TablePlan, x = 'x'): string {
  const type = pkColumn(t).type;
  const v = `${x}.${ident(t.pk!)}`;
  return type === 'int' ? v : type === 'datetime' || type === 'date' ? timeMs(t.pk!, x) : type === 'float' || type === 'decimal' ? `CAST(${v} AS DOUBLE)` : `CAST(${v} AS VARCHAR)`;
}
/**
 * SQL: row `x` is one a scenario added (cap_violation, a duplicate's copy). A table's own rows come first, the
 * added ones after them, one label each (anomalies.md), so the added rows are the last ones.
 */
const isAdded = (t: TablePlan, x = 'x') => (t.addRows?.length
  ? `(${x}.rowid >= (SELECT count(*) FROM ${ident(t.id)}) - (SELECT count(*) FROM _labels WHERE level = 'row' AND "table" = ${lit(t.id)}))`
  : 'FALSE');
const pkColumn = (t: TablePlan) => t.columns.find((c) => c.name === t.pk)!;
const col = (t: TablePlan, name: string | null) => (name === null ? undefined : t.columns.find((c) => c.name === name));
const orFalse = (sql: string) => `coalesce((${sql}), FALSE)`;
const plural = (k: number, w: string) => `${k.toLocaleString('en-US')} ${k === 1 ? w : w.endsWith('y') && !/[aeiou]y$/.test(w) ? `${w.slice(0, -1)}ies` : `${w}s`}`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

// ---------------------------------------------------------------------------------------------
// Rows a cell decision may touch: window, selection, and which rows it is certain to change

interface CellModel {
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

function cellModel(ctx: ValidateContext, d: CellDecision): CellModel {
  const touched = touchedByOthers(state(ctx).decisions, d, [d.c.name]);
  return { ...cellModelOf(ctx, d, touched), touched };
}

function cellModelOf(ctx: ValidateContext, d: CellDecision, touched: string): Omit<CellModel, 'touched'> {
  const c = d.c;
  if (d.what === 'scenario') {
    const p = d.p;
    const t = timeMs(p.timeRef);
    const inWindow = `(${t} >= ${num(p.startMs)} AND ${t} < ${num(p.endMs)})`;
    const entity = entityOf(ctx, d.t, p.selection);
    const extra: Record<string, string> = {};
    let visible = 'FALSE';
    let why: string | undefined;
    if (MULTIPLY.has(p.type)) {
      const m = dbl(Number(p.type === 'funnel_break' ? p.params.factor : p.params.multiplier));
      if (p.capColumn) extra.cap = `CAST(x.${ident(p.capColumn)} AS DOUBLE)`;
      visible = visibleTimes(c, 'c', m, { exact: integralBefore(c), cap: p.capColumn ? 'cap' : null });
    } else if (p.type === 'data_quality' && p.params.mode === 'null') {
      visible = 'c IS NOT NULL';
    } else if (p.type === 'data_quality') {
      extra.den = `CAST(x.${ident(p.denominator!)} AS DOUBLE)`;
      visible = `(c IS NOT NULL AND den IS NOT NULL AND abs(den + greatest(1, round(den * ${dbl(Number(p.params.excess))})) - c) > ${num(halfUnit(c))} + 1e-9)`;
    } else why = `a ${p.type} changes each row by a factor computed from the whole day, so which rows change cannot be told from a row`;
    const bySelection = p.selection.kind === 'all' || (entity !== undefined && entity !== null && entity.unit !== 'row');
    if (!why && touched === 'TRUE') why = 'outliers on this column (or one it reads) may cancel its change on any row';
    if (!why && !bySelection) why = p.selection.kind === 'where' ? 'a "where" selection is an expression of the engine, not evaluated in SQL' : entity === undefined ? 'the table has no column holding its parent\'s key' : 'rows are drawn one by one';
    return { inWindow, extra, visible, entity, insideCheckable: !why, why };
  }
  if (d.what === 'anomaly') {
    const single = d.a.length === 1 && !d.ambiguous && proportionalAfter(c, d.index);
    const f = anomalyFactor(d.a[0], d.t);
    if (!single) {
      const inside = d.a.map((a) => anomalyFactor(a, d.t).inside).join(' OR ');
      return { inWindow: `(${inside})`, extra: {}, visible: 'FALSE', entity: null, insideCheckable: false, why: 'the column has several anomaly modifiers, reads a column with one, or has modifiers after it that do not scale values' };
    }
    return { inWindow: `(${f.factor} <> 1)`, extra: { m: f.factor }, visible: visibleTimes(c, 'c', 'm'), entity: null, insideCheckable: true };
  }
  // outliers: every row, drawn one by one at `rate`
  const o = d.o[0];
  const lo = outlierFloor(o);
  const usable = d.o.length === 1 && !d.ambiguous && proportionalAfter(c, d.index);
  let visible = 'FALSE';
  if (usable && halfUnit(c) === 0 && outlierNeverZero(o)) visible = '(c IS NOT NULL AND c <> 0)';
  else if (usable && lo !== null) {
    // the smallest change: |v|·m (spike ×(1+m)) or |v|·m/(1+m) (drop ÷(1+m)), m ≥ lo; v = c exactly for integral
    // counts, else within half a unit of it
    const h = halfUnit(c);
    const exact = integralBefore(c) && c.modifiers.slice(0, d.index).every((x) => x.kind === 'outliers' || x.kind === 'anomaly');
    const shrink = o.mode === 'drop' ? ` / ${num(1 + lo)}` : '';
    visible = exact ? `(c IS NOT NULL AND abs(c) * ${num(lo)}${shrink} > ${num(h)} + 1e-9)` : `(c IS NOT NULL AND abs(c) * ${num(lo)} - ${num(h)} * (1 + ${num(lo)}) > ${num(h)} + 1e-9)`;
  }
  return { inWindow: 'TRUE', extra: {}, visible, entity: null, insideCheckable: false, why: 'outliers are drawn row by row' };
}

/** The per-row view of a cell decision: base rows (inside the window, or labelled), clean value c, flags. */
function cellRows(d: CellDecision, m: CellModel): string {
  const t = d.t;
  const target = lit(d.c.name);
  const own = `level = 'cell' AND "table" = ${lit(t.id)} AND "column" = ${target} AND ${orFalse(d.labels)}`;
  const extra = Object.entries(m.extra).map(([k, v]) => `, ${v} AS ${ident(k)}`).join('');
  const entity = m.entity ? m.entity.sql : 'NULL';
  const byEntity = m.entity ? `bool_or(lab) OVER (PARTITION BY e) AS elab, bool_or(elig) OVER (PARTITION BY e) AS eelig` : 'FALSE AS elab, FALSE AS eelig';
  return `WITH own AS (SELECT ${labelKey(t)} AS k, any_value(expected) AS exp FROM _labels WHERE ${own} GROUP BY 1),
    oth AS (SELECT DISTINCT ${labelKey(t)} AS k FROM _labels WHERE level = 'cell' AND "table" = ${lit(t.id)} AND "column" = ${target} AND NOT ${orFalse(d.labels)}),
    base AS (SELECT ${rowKey(t)} AS key, ${entity} AS e, ${timeOf(d)} AS t, coalesce(${m.inWindow}, FALSE) AS inwin,
        own.k IS NOT NULL AS lab, oth.k IS NOT NULL OR ${m.touched} AS oth, ${isAdded(t)} AS added,
        CASE WHEN own.k IS NOT NULL THEN own.exp ELSE ${cellNumber(d.c)} END AS c${extra}
      FROM ${ident(t.id)} x LEFT JOIN own ON ${rowKey(t)} = own.k LEFT JOIN oth ON ${rowKey(t)} = oth.k
      WHERE coalesce(${m.inWindow}, FALSE) OR own.k IS NOT NULL),
    r AS (SELECT *, inwin AND NOT added AND NOT oth AND coalesce(${m.visible}, FALSE) AS elig FROM base),
    s AS (SELECT *, ${byEntity} FROM r)`;
}

function timeOf(d: CellDecision): string {
  if (d.what === 'scenario') return timeMs(d.p.timeRef);
  if (d.what === 'anomaly') return timeMs(d.a[0].timeRef);
  return 'NULL';
}

interface Stats {
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

function cellStats(ctx: ValidateContext, d: CellDecision): Promise<Stats | null> {
  const s = state(ctx);
  let p = s.stats.get(d);
  if (!p) s.stats.set(d, (p = computeCellStats(ctx, d)));
  return p;
}

async function computeCellStats(ctx: ValidateContext, d: CellDecision): Promise<Stats> {
  const m = cellModel(ctx, d);
  const sql = cellRows(d, m);
  const selected = !m.insideCheckable ? 'FALSE' : m.entity ? 'elab' : 'TRUE';
  // rows counted once per key (a duplicated key is one row that was written twice); plain counts when no key repeats
  const rows = (d.t.addRows ?? []).some((x) => x.type === 'data_quality') ? 'count(DISTINCT key)' : 'count(*)';
  const ents = m.entity ? (w: string) => `count(DISTINCT e) FILTER (WHERE ${w})` : () => '0';
  const r = await one(ctx, `${sql} SELECT
      ${rows} FILTER (WHERE inwin AND NOT added) AS n_rows, ${rows} FILTER (WHERE lab) AS l_rows,
      ${rows} FILTER (WHERE elig) AS e_rows, ${rows} FILTER (WHERE lab AND elig) AS le_rows,
      ${ents('inwin AND NOT added')} AS n_ent, ${ents('lab')} AS l_ent, ${ents('eelig')} AS e_ent, ${ents('lab AND eelig')} AS le_ent,
      ${rows} FILTER (WHERE lab AND NOT inwin) AS outside, ${rows} FILTER (WHERE elig AND NOT lab AND ${selected}) AS inside,
      ${rows} FILTER (WHERE elig AND ${selected}) AS sel_elig
    FROM s`);
  const inside = m.insideCheckable ? n(r.inside) : null;
  const insideExamples = inside ? (await ctx.db.all(`${sql} SELECT DISTINCT key FROM s WHERE elig AND NOT lab AND ${selected} ORDER BY key LIMIT 5`)).map((x) => x.key) : [];
  let days: Stats['days'] = [];
  if (d.what !== 'outliers' && m.insideCheckable) {
    const rows = await ctx.db.all(`${sql} SELECT floor(t / ${DAY_MS})::BIGINT AS day, count(DISTINCT key) FILTER (WHERE lab) AS l, count(DISTINCT key) FILTER (WHERE elig AND ${selected}) AS e
      FROM s WHERE inwin GROUP BY 1 ORDER BY 1 LIMIT 200`);
    days = rows.map((x) => ({ day: n(x.day), labelled: n(x.l), expected: n(x.e) }));
  }
  const entityUnit = m.entity && m.entity.unit !== 'row';
  return {
    inWindow: n(r.n_rows), labelled: n(r.l_rows), eligible: n(r.e_rows), labelledEligible: n(r.le_rows),
    candidates: entityUnit ? n(r.n_ent) : n(r.n_rows), labelledEntities: entityUnit ? n(r.l_ent) : n(r.l_rows),
    eligibleEntities: entityUnit ? n(r.e_ent) : n(r.e_rows), labelledEligibleEntities: entityUnit ? n(r.le_ent) : n(r.le_rows),
    outside: n(r.outside), inside, insideExamples, selectedEligible: n(r.sel_elig), model: m, days,
  };
}

// ---------------------------------------------------------------------------------------------
// labels_present

const labelsPresent: CheckModule = async (ctx) => {
  const all = state(ctx).decisions;
  const docScenarios = Array.isArray(ctx.doc?.scenarios) ? ctx.doc.scenarios.length : 0;
  const planScenarios = all.filter((d) => d.what === 'scenario' || d.what === 'rows');
  const stripped = docScenarios > 0 && planScenarios.length === 0;
  const fileBase: Omit<CheckResult, 'status' | 'expected' | 'observed' | 'tolerance' | 'examples' | 'message'> = { check: 'labels_present', category: 'behavioural', table: '_labels', hard: true, specPath: docScenarios ? '/scenarios' : undefined };
  if (!ctx.hasLabels) {
    if (!all.length) return [];
    return [{ ...fileBase, status: 'fail', expected: '_labels', observed: 'missing', tolerance: null, examples: [], message: `the file has no _labels table, but the spec has ${plural(all.length, 'labelled anomaly')}` }];
  }
  const total = n((await one(ctx, `SELECT count(*) AS c FROM _labels`)).c);
  if (!all.length && !total && !stripped) return [];
  const out: CheckResult[] = [];
  // Every label: a known table and column, a level that fits, a scenario of the plan with its type, a decision that writes it.
  const tables = ctx.plan.tables;
  const known = tables.map((t) => `("table" = ${lit(t.id)} AND ("column" IS NULL OR "column" IN (${t.columns.map((c) => lit(c.name)).join(', ')})))`).join(' OR ') || 'FALSE';
  const keyless = tables.filter((t) => !t.pk).map((t) => lit(t.id));
  const scenarioKind = planScenarios.map((d) => `(scenario = ${lit(d.what === 'scenario' ? d.p.id : (d as RowsDecision).r.id)} AND kind = ${lit(d.what === 'scenario' ? d.p.type : (d as RowsDecision).r.type)})`);
  const owned = all.map((d) => `(${d.labels})`).join(' OR ') || 'FALSE';
  const reasons: [string, string][] = [
    ['an unknown table or column', `NOT (${known})`],
    ['a level other than cell, row or window', `level IS NULL OR level NOT IN ('cell', 'row', 'window')`],
    ['a level that does not fit its column or row key', `(level = 'cell' AND "column" IS NULL) OR (level = 'row' AND "column" IS NOT NULL) OR (level = 'window' AND (row_key IS NOT NULL OR "column" IS NULL)) OR (level IN ('cell', 'row') AND row_key IS NULL${keyless.length ? ` AND "table" NOT IN (${keyless.join(', ')})` : ''})`],
    [stripped ? 'a scenario label in a file generated without scenarios' : 'a scenario the spec does not have (or of another type)', `scenario IS NOT NULL AND NOT (${scenarioKind.join(' OR ') || 'FALSE'})`],
    ['no decision of the spec that writes it', `scenario IS NULL AND NOT (${owned})`],
  ];
  const counts = await one(ctx, `SELECT ${reasons.map(([, w], i) => `count(*) FILTER (WHERE ${orFalse(w)}) AS r${i}`).join(', ')} FROM _labels`);
  const bad = reasons.map(([what], i) => [what, n(counts[`r${i}`])] as const).filter(([, k]) => k > 0);
  const badWhere = reasons.map(([, w]) => orFalse(w)).join(' OR ');
  const ex = bad.length ? (await ctx.db.all(`SELECT label_id FROM _labels WHERE ${badWhere} ORDER BY label_id LIMIT 5`)).map((r) => r.label_id) : [];
  const modifierLabels = stripped ? n((await one(ctx, `SELECT count(*) AS c FROM _labels WHERE scenario IS NULL`)).c) : 0;
  out.push({
    ...fileBase, status: bad.length ? 'fail' : 'pass', expected: stripped ? 'no scenario label (generated --without-scenarios)' : 'labels of the spec\'s scenarios and labelled modifiers only',
    observed: bad.length ? Object.fromEntries(bad) : `${total} labels`, tolerance: 0, examples: ex,
    message: bad.length ? `labels with ${bad.map(([w, k]) => `${w} (${k})`).join(', ')}`
      : stripped ? `generated --without-scenarios: no scenario label${modifierLabels ? ` (${plural(modifierLabels, 'label')} of modifiers)` : ''}, as expected`
      : `${plural(total, 'label')}, each about a table, column and decision of the spec`,
  });
  // Each decision that is certain to change something has labels.
  for (const d of checkable(ctx)) {
    const has = await labelCount(ctx, d);
    const must = await mustLabel(ctx, d);
    const status: CheckStatus = has === 0 && must.must ? 'fail' : 'pass';
    out.push({
      ...base('labels_present', d, true), status, expected: must.must ? `≥ 1 label (${must.why})` : `labels where it changes values (${must.why})`, observed: has, tolerance: 0, examples: [],
      message: has ? `${d.name}: ${plural(has, 'label')}` : must.must ? `${d.name} wrote no label although ${must.why}` : `${d.name}: no label, none required (${must.why})`,
    });
  }
  return out;
};

/** Is the decision certain (up to P_NONE) to change at least one value, and why. */
async function mustLabel(ctx: ValidateContext, d: Decision): Promise<{ must: boolean; why: string }> {
  if (d.what === 'rows') return rowsMust(ctx, d);
  const s = await cellStats(ctx, d);
  if (!s) return { must: false, why: 'not computable' };
  const E = s.eligibleEntities;
  if (d.what === 'outliers') {
    const p = (1 - d.o[0].rate) ** s.eligible;
    return { must: s.eligible > 0 && p < P_NONE, why: `${plural(s.eligible, 'row')} an outlier would visibly change, rate ${d.o[0].rate}` };
  }
  if (d.what === 'anomaly') return { must: s.eligible > 0, why: `${plural(s.eligible, 'row')} inside its windows would visibly change` };
  const p = d.p;
  if ((p.type === 'rate_drop' || p.type === 'rate_spike') && p.selection.kind === 'all') {
    const days = await rateDays(ctx, d);
    return { must: days.expectedDays.length > 0, why: `${plural(days.expectedDays.length, 'day')} of its window with a positive ${p.denominator} (window labels)` };
  }
  const sel = p.selection;
  if (s.model.entity === undefined) return { must: false, why: 'the table has no column holding its parent\'s key, so the chosen entities cannot be counted' };
  if (sel.kind === 'all') return { must: s.eligible > 0, why: `${plural(s.eligible, 'row')} inside its window would visibly change` };
  if (sel.kind === 'random_k') {
    const k = Math.min(sel.k, s.candidates);
    return { must: E > s.candidates - k, why: `${k} of ${plural(s.candidates, 'candidate')} are chosen, ${E} of them would visibly change` };
  }
  if (sel.kind === 'share') return { must: E > 0 && (1 - sel.share) ** E < P_NONE, why: `share ${sel.share} of ${plural(E, 'candidate')} that would visibly change` };
  return { must: false, why: 'a "where" selection is not evaluated in SQL' };
}

// ---------------------------------------------------------------------------------------------
// Scenarios that add rows

interface RowsModel {
  /** SQL over row x: inside the window. */
  inWindow: string;
  /** The group entity (key column, primary parent key or the whole table), undefined when not computable. */
  entity: string | undefined;
  /** Is every row of an entity's period inside the window selected together (all, or entity-level selections)? */
  wholeGroups: boolean;
  period: string;
}

function rowsModel(ctx: ValidateContext, d: RowsDecision): RowsModel {
  const r = d.r;
  const t = timeMs(r.timeRef);
  const sel = r.selection;
  const key = (sel.kind === 'random_k' || sel.kind === 'share') && sel.key ? sel.key : null;
  const parent = 'parent' in d.t.rows ? d.t.rows.parent : null;
  const fk = parentKeyColumn(ctx.plan, d.t);
  const entity = key ? `x.${ident(key)}` : parent ? (fk ? `x.${ident(fk)}` : undefined) : 'NULL';
  const rowLevel = (sel.kind === 'random_k' || sel.kind === 'share') && !key && sel.table === null;
  return { inWindow: `(${t} >= ${num(r.startMs)} AND ${t} < ${num(r.endMs)})`, entity, wholeGroups: sel.kind === 'all' || ((sel.kind === 'random_k' || sel.kind === 'share') && !rowLevel), period: r.period };
}

async function rowsMust(ctx: ValidateContext, d: RowsDecision): Promise<{ must: boolean; why: string }> {
  const m = rowsModel(ctx, d);
  const sel = d.r.selection;
  const rows = await inWindowRows(ctx, d, m);
  if (d.r.type === 'data_quality') {
    if (sel.kind !== 'all') return { must: false, why: 'duplicates are drawn row by row among the selected rows' };
    return { must: rows.rows > 0 && (1 - d.r.share) ** rows.rows < P_NONE, why: `${plural(rows.rows, 'row')} in the window, each duplicated with probability ${d.r.share}` };
  }
  if (sel.kind === 'where') return { must: false, why: 'a "where" selection is not evaluated in SQL' };
  if (sel.kind === 'share') return { must: rows.entities > 0 && (1 - sel.share) ** rows.entities < P_NONE, why: `share ${sel.share} of ${plural(rows.entities, 'entity')} with rows in the window` };
  return { must: rows.rows > 0, why: `${plural(rows.rows, 'row')} in the window${sel.kind === 'random_k' ? `, ${sel.k} entities chosen` : ''}` };
}

/** Rows inside the window that no scenario added (a duplicate's original counts, its copy does not), and their entities. */
const inWindowMemo = new WeakMap<RowsDecision, Promise<{ rows: number; entities: number }>>();
function inWindowRows(ctx: ValidateContext, d: RowsDecision, m: RowsModel): Promise<{ rows: number; entities: number }> {
  let r = inWindowMemo.get(d);
  if (!r) inWindowMemo.set(d, (r = countInWindow(ctx, d, m)));
  return r;
}

async function countInWindow(ctx: ValidateContext, d: RowsDecision, m: RowsModel): Promise<{ rows: number; entities: number }> {
  const r = await one(ctx, `SELECT count(*) AS c, count(DISTINCT ${m.entity ?? 'NULL'}) AS e FROM ${ident(d.t.id)} x WHERE NOT ${isAdded(d.t)} AND coalesce(${m.inWindow}, FALSE)`);
  return { rows: n(r.c), entities: n(r.e) };
}

// ---------------------------------------------------------------------------------------------
// labels_match_data

interface Problems { counts: Map<string, number>; examples: unknown[] }

function addProblems(p: Problems, rows: Record<string, unknown>[], what: (r: Record<string, unknown>) => string): void {
  for (const r of rows) {
    const w = what(r);
    p.counts.set(w, (p.counts.get(w) ?? 0) + n(r.n ?? 1));
    if (p.examples.length < 5 && r.example !== undefined && r.example !== null && !p.examples.includes(r.example)) p.examples.push(r.example);
  }
}

const labelsMatchData: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const d of checkable(ctx)) {
    const total = await labelCount(ctx, d);
    if (!total) continue;
    const p: Problems = { counts: new Map(), examples: [] };
    const rules: string[] = ['the labelled row exists'];
    if (d.what === 'rows') {
      if (d.r.type === 'data_quality') rules.push(...(await duplicateProblems(ctx, d, p)));
      else rules.push(...(await capProblems(ctx, d, p)));
    } else {
      rules.push(...(await cellProblems(ctx, d, p)));
      if (d.what === 'scenario' && (d.p.type === 'rate_drop' || d.p.type === 'rate_spike')) rules.push(...(await rateProblems(ctx, d, p)));
      if (d.what === 'scenario' && d.p.type === 'mix_shift') rules.push(...(await mixProblems(ctx, d, p)));
    }
    const bad = [...p.counts].filter(([, k]) => k > 0);
    const nBad = bad.reduce((a, [, k]) => a + k, 0);
    out.push({
      ...base('labels_match_data', d, true), status: nBad ? 'fail' : 'pass', expected: rules, observed: nBad ? Object.fromEntries(bad) : `${total} labels consistent`, tolerance: 'exact (cast rounding of the column type)',
      examples: p.examples.slice(0, 5),
      message: nBad ? `${d.name}: ${bad.map(([w, k]) => `${plural(k, 'label')} ${w}`).join('; ')}` : `${d.name}: ${plural(total, 'label')} agree with the data (${rules.slice(1).join('; ')})`,
    });
  }
  return out;
};

/** Cell labels: row exists, value = observed ≠ expected, and the decision's own change recomputed. */
async function cellProblems(ctx: ValidateContext, d: CellDecision, p: Problems): Promise<string[]> {
  const t = d.t;
  const rules = ['its cell holds `observed`', '`observed` ≠ `expected`'];
  const columns = (await ctx.db.all(`SELECT DISTINCT "column" AS c FROM _labels WHERE level = 'cell' AND ${orFalse(d.labels)} AND "table" = ${lit(t.id)}`)).map((r) => String(r.c));
  for (const name of columns) {
    const c = col(t, name);
    if (!c) continue; // labels_present reports it
    const v = cellNumber(c);
    const value = v === null ? 'FALSE' : `NOT coalesce((v IS NULL AND observed IS NULL) OR abs(v - observed) <= 1e-9 * greatest(1, abs(observed)), FALSE)`;
    const unchanged = v === null ? 'FALSE' : 'expected IS NOT DISTINCT FROM observed';
    const rows = await ctx.db.all(`WITH l AS (SELECT label_id, row_key, expected, observed, ${labelKey(t)} AS k FROM _labels WHERE level = 'cell' AND "table" = ${lit(t.id)} AND "column" = ${lit(name)} AND ${orFalse(d.labels)}),
      j AS (SELECT l.*, ${rowKey(t)} AS key, ${v ?? 'NULL'} AS v FROM l LEFT JOIN ${ident(t.id)} x ON ${rowKey(t)} = l.k)
      SELECT CASE WHEN key IS NULL THEN 'name no row of the table' WHEN ${value} THEN 'differ from the data (${name} ≠ observed)' ELSE 'are no change (expected = observed)' END AS what,
        count(DISTINCT label_id) AS n, min(row_key) AS example
      FROM j WHERE key IS NULL OR ${value} OR ${unchanged} GROUP BY 1`);
    addProblems(p, rows, (r) => String(r.what));
  }
  // The decision's own change, from the label's clean value: only cells no other decision changed.
  const re = recompute(d);
  if (re) {
    rules.push(re.rule);
    const rows = await ctx.db.all(`WITH cnt AS (SELECT ${labelKey(t)} AS k, count(*) AS c FROM _labels WHERE level = 'cell' AND "table" = ${lit(t.id)} AND "column" = ${lit(d.c.name)} GROUP BY 1),
      l AS (SELECT label_id, row_key, expected AS e, observed AS o, magnitude AS mg, ${labelKey(t)} AS k FROM _labels WHERE level = 'cell' AND "table" = ${lit(t.id)} AND "column" = ${lit(d.c.name)} AND ${orFalse(d.labels)})
      SELECT count(DISTINCT label_id) AS n, min(row_key) AS example FROM l JOIN cnt ON cnt.k = l.k AND cnt.c = 1 JOIN ${ident(t.id)} x ON ${rowKey(t)} = l.k
      WHERE ${orFalse(re.bad)}`);
    addProblems(p, rows.filter((r) => n(r.n) > 0), () => `do not show the decision's change (${re.rule})`);
  }
  return rules;
}

/** SQL (over l: e, o, mg and row x) that is true when the label is not the decision's own change. */
function recompute(d: CellDecision): { bad: string; rule: string } | null {
  const c = d.c;
  if (d.what === 'scenario') {
    const p = d.p;
    if (MULTIPLY.has(p.type)) {
      const m = dbl(Number(p.type === 'funnel_break' ? p.params.factor : p.params.multiplier));
      const cap = p.capColumn ? `CAST(x.${ident(p.capColumn)} AS DOUBLE)` : null;
      const target = cap ? `(CASE WHEN ${cap} IS NOT NULL AND e * ${m} > ${cap} THEN ${cap} ELSE e * ${m} END)` : `(e * ${m})`;
      return { bad: `e IS NULL OR o IS NULL OR abs(o - ${target}) > ${timesTolerance(c, 'e', m, integralBefore(c))}`, rule: `observed = expected × ${round(Number(p.type === 'funnel_break' ? p.params.factor : p.params.multiplier))}${cap ? ` (at most ${p.capColumn})` : ''}` };
    }
    if (p.type === 'data_quality' && p.params.mode === 'null') return { bad: 'o IS NOT NULL', rule: 'observed is null' };
    if (p.type === 'data_quality') {
      const den = `CAST(x.${ident(p.denominator!)} AS DOUBLE)`;
      const target = `(${den} + greatest(1, round(${den} * ${dbl(Number(p.params.excess))})))`;
      const tol = halfUnit(c) ? `${num(halfUnit(c))} + 1e-9` : `1e-9 * greatest(1, abs(${target}))`;
      return { bad: `${den} IS NULL OR o IS NULL OR abs(o - ${target}) > ${tol}`, rule: `observed = ${p.denominator} + max(1, round(${p.denominator} × ${p.params.excess})) > ${p.denominator}` };
    }
    return null;
  }
  if (d.what === 'outliers') {
    if (d.ambiguous || d.o.length > 1 || !proportionalAfter(c, d.index)) return null;
    const o = d.o[0];
    const f = o.mode === 'spike' ? '(1 + mg)' : '(1 / (1 + mg))';
    let lo = o.clamp[0];
    let hi = o.clamp[1];
    if (o.dist === 'uniform' && typeof o.params.low === 'number' && typeof o.params.high === 'number') [lo, hi] = [Math.max(lo ?? -Infinity, o.params.low), Math.min(hi ?? Infinity, o.params.high)];
    const range = [lo !== null && Number.isFinite(lo) ? `mg < ${num(lo)} - 1e-9` : null, hi !== null && Number.isFinite(hi) ? `mg > ${num(hi)} + 1e-9` : null].filter(Boolean);
    return {
      bad: `e IS NULL OR o IS NULL OR mg IS NULL OR abs(o - e * ${f}) > ${timesTolerance(c, 'e', f)}${range.length ? ` OR ${range.join(' OR ')}` : ''}`,
      rule: `observed = expected ${o.mode === 'spike' ? '× (1 + m)' : '÷ (1 + m)'}${range.length ? ` with m in [${lo ?? '−∞'}, ${hi ?? '∞'}]` : ''}`,
    };
  }
  if (d.ambiguous || d.a.length > 1 || !proportionalAfter(c, d.index)) return null;
  const m = anomalyFactor(d.a[0], d.t).factor;
  return { bad: `e IS NULL OR o IS NULL OR abs(mg - ${m}) > 1e-9 * greatest(1, abs(${m})) OR abs(o - e * mg) > ${timesTolerance(c, 'e', 'mg')}`, rule: 'observed = expected × the product of the windows that contain the row' };
}

/** rate_* window labels: the day's ratio with and without the scenario, as SQL computes them (selection all). */
async function rateProblems(ctx: ValidateContext, d: ScenarioDecision, p: Problems): Promise<string[]> {
  const days = await rateDays(ctx, d);
  const rules = ['one window label per UTC day of the window, inside it'];
  if (days.bad.length) addProblems(p, [{ n: days.bad.length, example: days.bad[0] }], () => 'are window labels outside the window or not one UTC day long');
  if (d.p.selection.kind !== 'all') return rules;
  rules.push(`window labels: Σ${d.c.name} / Σ${d.p.denominator} of the day, with and without the scenario`);
  let bad = 0;
  let example: string | undefined;
  for (const day of days.labels) {
    const s = days.sums.get(day.start);
    if (!s || !s.comparable) continue;
    const obs = s.num / s.den;
    const exp = s.cleanNum / s.den;
    if (Math.abs(obs - day.observed) > 1e-9 * Math.max(1, Math.abs(obs)) || Math.abs(exp - day.expected) > 1e-9 * Math.max(1, Math.abs(exp))) {
      bad++;
      example ??= iso(day.start);
    }
  }
  if (bad) addProblems(p, [{ n: bad, example }], () => 'are window labels whose ratio differs from the data');
  const missing = days.expectedDays.filter((x) => !days.labels.some((l) => l.start === x));
  const extra = days.labels.filter((l) => !days.expectedDays.includes(l.start));
  if (missing.length) addProblems(p, [{ n: missing.length, example: iso(missing[0]) }], () => 'missing: days of the window with a positive denominator and no window label');
  if (extra.length) addProblems(p, [{ n: extra.length, example: iso(extra[0].start) }], () => 'are window labels of a day without selected rows');
  return rules;
}

interface RateDays {
  labels: { start: number; end: number; expected: number; observed: number }[];
  /** Window labels that are not one UTC day overlapping the window. */
  bad: string[];
  /** Days (start ms) inside the window with rows and a positive clean denominator (selection all). */
  expectedDays: number[];
  sums: Map<number, { num: number; cleanNum: number; den: number; comparable: boolean }>;
}

const rateMemo = new WeakMap<ScenarioDecision, Promise<RateDays>>();
function rateDays(ctx: ValidateContext, d: ScenarioDecision): Promise<RateDays> {
  let r = rateMemo.get(d);
  if (!r) rateMemo.set(d, (r = computeRateDays(ctx, d)));
  return r;
}

async function computeRateDays(ctx: ValidateContext, d: ScenarioDecision): Promise<RateDays> {
  const p = d.p;
  const t = d.t;
  const labels = (await ctx.db.all(`SELECT epoch_ms("start") AS s, epoch_ms("end") AS e, expected, observed FROM _labels WHERE level = 'window' AND scenario = ${lit(p.id)} ORDER BY 1`))
    .map((r) => ({ start: n(r.s), end: n(r.e), expected: n(r.expected), observed: n(r.observed) }));
  const bad = labels.filter((l) => l.end - l.start !== DAY_MS || l.start % DAY_MS !== 0 || !(l.end > p.startMs && l.start < p.endMs)).map((l) => iso(l.start));
  const sums = new Map<number, { num: number; cleanNum: number; den: number; comparable: boolean }>();
  const expectedDays: number[] = [];
  if (p.selection.kind === 'all') {
    const tm = timeMs(p.timeRef);
    const own = `level = 'cell' AND "table" = ${lit(t.id)} AND "column" = ${lit(d.c.name)} AND scenario = ${lit(p.id)}`;
    const rows = await ctx.db.all(`WITH own AS (SELECT ${labelKey(t)} AS k, any_value(expected) AS exp FROM _labels WHERE ${own} GROUP BY 1),
      oth AS (SELECT DISTINCT ${labelKey(t)} AS k FROM _labels WHERE level = 'cell' AND "table" = ${lit(t.id)} AND (("column" = ${lit(d.c.name)} AND NOT ${orFalse(`scenario = ${lit(p.id)}`)}) OR "column" = ${lit(p.denominator!)})),
        r AS (SELECT floor(${tm} / ${DAY_MS})::BIGINT AS day, CAST(x.${ident(d.c.name)} AS DOUBLE) AS v, CASE WHEN own.k IS NOT NULL THEN own.exp ELSE CAST(x.${ident(d.c.name)} AS DOUBLE) END AS c,
          CAST(x.${ident(p.denominator!)} AS DOUBLE) AS den, oth.k IS NOT NULL OR ${touchedByOthers(state(ctx).decisions, d, [d.c.name, p.denominator!])} AS oth, ${isAdded(t)} AS added
        FROM ${ident(t.id)} x LEFT JOIN own ON ${rowKey(t)} = own.k LEFT JOIN oth ON ${rowKey(t)} = oth.k
        WHERE ${tm} >= ${num(p.startMs)} AND ${tm} < ${num(p.endMs)})
      SELECT day, sum(v) FILTER (WHERE v IS NOT NULL AND den IS NOT NULL AND NOT added) AS num, sum(c) FILTER (WHERE c IS NOT NULL AND den IS NOT NULL AND NOT added) AS clean,
        sum(den) FILTER (WHERE c IS NOT NULL AND den IS NOT NULL AND NOT added) AS den, count(*) FILTER (WHERE oth OR added) AS touched
      FROM r GROUP BY 1 ORDER BY 1`);
    for (const r of rows) {
      const day = n(r.day) * DAY_MS;
      const den = n(r.den);
      sums.set(day, { num: n(r.num), cleanNum: n(r.clean), den, comparable: n(r.touched) === 0 });
      // a day whose denominator another decision changed may differ (the engine uses the value without scenarios)
      if (den > 0 || n(r.touched) > 0) expectedDays.push(day);
    }
    // days a touched denominator makes uncertain: accept them either way
    for (const [day, s] of sums) if (!s.comparable && !labels.some((l) => l.start === day)) expectedDays.splice(expectedDays.indexOf(day), 1);
  }
  return { labels, bad, expectedDays, sums };
}

/** mix_shift (selection all, no cap): each UTC day of the window keeps its total. */
async function mixProblems(ctx: ValidateContext, d: ScenarioDecision, p: Problems): Promise<string[]> {
  const s = d.p;
  if (s.selection.kind !== 'all' || s.capColumn) return [];
  const t = d.t;
  const tm = timeMs(s.timeRef);
  const rows = await ctx.db.all(`WITH own AS (SELECT ${labelKey(t)} AS k, any_value(expected) AS exp FROM _labels WHERE level = 'cell' AND "table" = ${lit(t.id)} AND "column" = ${lit(d.c.name)} AND scenario = ${lit(s.id)} GROUP BY 1),
    oth AS (SELECT DISTINCT ${labelKey(t)} AS k FROM _labels WHERE level = 'cell' AND "table" = ${lit(t.id)} AND "column" = ${lit(d.c.name)} AND NOT ${orFalse(`scenario = ${lit(s.id)}`)}),
    r AS (SELECT floor(${tm} / ${DAY_MS})::BIGINT AS day, CAST(x.${ident(d.c.name)} AS DOUBLE) AS v, CASE WHEN own.k IS NOT NULL THEN own.exp ELSE CAST(x.${ident(d.c.name)} AS DOUBLE) END AS c,
        oth.k IS NOT NULL OR ${isAdded(t)} OR ${touchedByOthers(state(ctx).decisions, d, [d.c.name])} AS touched, own.k IS NOT NULL AS lab
      FROM ${ident(t.id)} x LEFT JOIN own ON ${rowKey(t)} = own.k LEFT JOIN oth ON ${rowKey(t)} = oth.k
      WHERE ${tm} >= ${num(s.startMs)} AND ${tm} < ${num(s.endMs)})
    SELECT day, sum(v) AS now, sum(c) AS clean, sum(abs(c)) AS scale, count(c) AS cells FROM r GROUP BY 1 HAVING count(*) FILTER (WHERE touched) = 0 AND count(*) FILTER (WHERE lab) > 0 ORDER BY 1`);
  const h = halfUnit(d.c);
  const bad = rows.filter((r) => Math.abs(n(r.now) - n(r.clean)) > (d.c.type === 'int' ? 1e-6 : d.c.type === 'decimal' ? h * n(r.cells) + 1e-9 : 1e-9 * Math.max(1, n(r.scale))));
  if (bad.length) addProblems(p, [{ n: bad.length, example: iso(n(bad[0].day) * DAY_MS) }], () => 'are on days whose total the mix shift did not keep');
  return [`each day keeps its total of ${d.c.name}`];
}

/** data_quality duplicates: the key is written `observed` times, as identical rows, one label per copy. */
async function duplicateProblems(ctx: ValidateContext, d: RowsDecision, p: Problems): Promise<string[]> {
  const t = d.t;
  const rows = await ctx.db.all(`WITH l AS (SELECT ${labelKey(t)} AS k, any_value(row_key) AS row_key, count(*) AS labels, min(observed) AS omin, max(observed) AS omax, min(expected) AS emin, max(expected) AS emax
        FROM _labels WHERE level = 'row' AND scenario = ${lit(d.r.id)} GROUP BY 1),
      x AS (SELECT ${rowKey(t)} AS key, count(*) AS copies, count(DISTINCT x) AS variants FROM ${ident(t.id)} x WHERE ${rowKey(t)} IN (SELECT k FROM l) GROUP BY 1)
    SELECT CASE WHEN x.key IS NULL THEN 'name no row of the table'
        WHEN x.copies <> l.omax OR l.omin <> l.omax THEN 'differ from the data (the key is not written observed times)'
        WHEN l.emin <> 1 OR l.emax <> 1 OR l.labels <> x.copies - 1 THEN 'do not count the copies (expected 1, one label per copy)'
        ELSE 'name copies that differ from their original' END AS what, count(*) AS n, min(l.row_key) AS example
    FROM l LEFT JOIN x ON x.key = l.k
    WHERE x.key IS NULL OR x.copies <> l.omax OR l.omin <> l.omax OR l.emin <> 1 OR l.emax <> 1 OR l.labels <> x.copies - 1 OR x.variants <> 1 GROUP BY 1`);
  addProblems(p, rows, (r) => String(r.what));
  return ['the key is written `observed` times as identical rows', 'one label per copy'];
}

/** cap_violation: each added row exists once; each entity-period has `observed` rows, max(expected, cap) + exceed_by. */
async function capProblems(ctx: ValidateContext, d: RowsDecision, p: Problems): Promise<string[]> {
  const t = d.t;
  const m = rowsModel(ctx, d);
  const rules = ['each added row exists once'];
  const g = `epoch_ms(date_trunc('${m.period}', CAST(x.${ident(d.r.timeRef)} AS TIMESTAMP)))`;
  const single = await ctx.db.all(`WITH l AS (SELECT ${labelKey(t)} AS k, any_value(row_key) AS row_key FROM _labels WHERE level = 'row' AND scenario = ${lit(d.r.id)} GROUP BY 1),
      x AS (SELECT ${rowKey(t)} AS key, count(*) AS copies FROM ${ident(t.id)} x WHERE ${rowKey(t)} IN (SELECT k FROM l) GROUP BY 1)
    SELECT CASE WHEN x.key IS NULL THEN 'name no row of the table' ELSE 'name a key written more than once' END AS what, count(*) AS n, min(l.row_key) AS example
    FROM l LEFT JOIN x ON x.key = l.k WHERE x.key IS NULL OR x.copies <> 1 GROUP BY 1`);
  addProblems(p, single, (r) => String(r.what));
  if (m.entity === undefined) return rules;
  const others = (t.addRows ?? []).filter((r) => r !== d.r && r.startMs < d.r.endMs && d.r.startMs < r.endMs);
  let cap: number | null = d.r.cap;
  if (cap === null) {
    // the most rows any entity has in a period of the table without scenarios: its own rows come first (rowid), the added ones after
    const r = await one(ctx, `SELECT max(c) AS cap FROM (SELECT ${m.entity} AS e, ${g} AS g, count(*) AS c FROM ${ident(t.id)} x WHERE NOT ${isAdded(t)} AND x.${ident(d.r.timeRef)} IS NOT NULL GROUP BY ALL)`);
    cap = r.cap === null || r.cap === undefined ? null : n(r.cap);
  }
  rules.push(`labels per ${m.period}: observed − expected, all with the same counts${cap === null ? '' : `, observed = max(expected, ${cap}) + ${d.r.exceedBy}`}`);
  const wholeGroups = m.wholeGroups && !others.length;
  if (wholeGroups) rules.push(`the ${m.period} of the entity has \`observed\` rows inside the window`);
  const groups = await ctx.db.all(`WITH l AS (SELECT ${labelKey(t)} AS k, row_key, expected, observed FROM _labels WHERE level = 'row' AND scenario = ${lit(d.r.id)}),
      j AS (SELECT l.*, ${m.entity} AS e, ${g} AS g FROM l JOIN ${ident(t.id)} x ON ${rowKey(t)} = l.k),
      grp AS (SELECT e, g, count(*) AS labels, min(expected) AS emin, max(expected) AS emax, min(observed) AS omin, max(observed) AS omax, min(row_key) AS example FROM j GROUP BY ALL),
      data AS (SELECT ${m.entity} AS e, ${g} AS g, count(*) AS rows FROM ${ident(t.id)} x WHERE coalesce(${m.inWindow}, FALSE) GROUP BY ALL)
    SELECT grp.*, data.rows FROM grp LEFT JOIN data ON data.e IS NOT DISTINCT FROM grp.e AND data.g = grp.g`);
  let badCounts = 0;
  let badRows = 0;
  let exCounts: unknown;
  let exRows: unknown;
  for (const r of groups) {
    const [emin, emax, omin, omax, labels] = [n(r.emin), n(r.emax), n(r.omin), n(r.omax), n(r.labels)];
    const okCounts = emin === emax && omin === omax && labels === omax - emin && (cap === null || omax === Math.max(emin, cap) + d.r.exceedBy);
    if (!okCounts) {
      badCounts += labels;
      exCounts ??= r.example;
    }
    if (wholeGroups && n(r.rows) !== omax) {
      badRows += labels;
      exRows ??= r.example;
    }
  }
  if (badCounts) addProblems(p, [{ n: badCounts, example: exCounts }], () => 'have counts that do not add up (observed − expected labels, max(expected, cap) + exceed_by)');
  if (badRows) addProblems(p, [{ n: badRows, example: exRows }], () => `differ from the data (rows of the entity's ${m.period} ≠ observed)`);
  return rules;
}

// ---------------------------------------------------------------------------------------------
// labels_rows

const labelsRows: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const d of checkable(ctx)) {
    if (d.what === 'rows') {
      const r = await rowsCount(ctx, d);
      if (r) out.push(r);
      continue;
    }
    if (d.what === 'anomaly') continue; // exact: labels_windows
    const s = await cellStats(ctx, d);
    if (!s) continue;
    if (d.what === 'outliers') {
      if (d.o.length > 1 || s.model.visible === 'FALSE' || s.eligible === 0) continue;
      out.push(binomialResult(base('labels_rows', d, false), d.name, s.labelledEligible, s.eligible, d.o[0].rate, 'rows that an outlier would visibly change', `rate ${d.o[0].rate}`));
      continue;
    }
    const sel = d.p.selection;
    if (s.model.entity === undefined) continue; // entities cannot be told apart in SQL
    const unit = s.model.entity?.unit === 'row' ? 'row' : sel.kind === 'random_k' || sel.kind === 'share' ? (sel.key ? `${sel.key} value` : 'entity') : 'row';
    if (sel.kind === 'random_k') {
      const k = Math.min(sel.k, s.candidates);
      const lo = Math.max(0, k - (s.candidates - s.eligibleEntities));
      const L = s.labelledEntities;
      const ok = L <= k && s.labelledEligibleEntities >= lo;
      out.push({
        ...base('labels_rows', d, true), status: ok ? 'pass' : 'fail', expected: lo === k ? k : [lo, k], observed: L, tolerance: 0, examples: [],
        message: `${d.name}: ${plural(L, unit)} labelled, random_k ${sel.k} of ${plural(s.candidates, unit)} ${unit === 'row' ? 'inside' : 'with rows in'} the window${lo < k ? ` (at least ${lo}: the others would not visibly change)` : ''}`,
        chart: { kind: 'bars', title: `${d.name}: ${unit}s labelled`, labels: ['labelled'], expected: [k], observed: [L] },
      });
    } else if (sel.kind === 'share' && s.eligibleEntities > 0 && s.model.visible !== 'FALSE') {
      out.push(binomialResult(base('labels_rows', d, false), d.name, s.labelledEligibleEntities, s.eligibleEntities, sel.share, `${unit}s that would visibly change`, `share ${sel.share}`));
    }
  }
  return out;
};

/** A count against Binomial(N, p): the exact tail's normal z judged by zStatus (PASS_Z / FAIL_Z). */
function binomialResult(b: Base, name: string, x: number, N: number, p: number, what: string, rule: string): CheckResult {
  const mean = N * p;
  const se = Math.sqrt(N * p * (1 - p));
  const tail = x > mean ? binomialTail(x, N, p, true) : x < mean ? binomialTail(x, N, p, false) : 1;
  const status = zStatus(tailZ(tail));
  return {
    ...b, status, expected: round(mean), observed: x, tolerance: round(PASS_Z * se), examples: [],
    message: `${name}: ${plural(x, 'label')} among ${N.toLocaleString('en-US')} ${what}, ${round(mean)} expected (${rule}; tail probability ${round(tail, 3)})`,
    chart: { kind: 'bars', title: `${name}: labels`, labels: ['labelled'], expected: [round(mean)], observed: [x] },
  };
}

async function rowsCount(ctx: ValidateContext, d: RowsDecision): Promise<CheckResult | null> {
  const m = rowsModel(ctx, d);
  const sel = d.r.selection;
  if (d.r.type === 'data_quality') {
    if (sel.kind !== 'all') return null;
    const rows = await inWindowRows(ctx, d, m);
    const L = n((await one(ctx, `SELECT count(*) AS c FROM _labels WHERE level = 'row' AND scenario = ${lit(d.r.id)}`)).c);
    if (!rows.rows) return null;
    return binomialResult(base('labels_rows', d, false), d.name, L, rows.rows, d.r.share, 'rows in the window', `share ${d.r.share}`);
  }
  if (m.entity === undefined || !m.wholeGroups || sel.kind === 'all' || sel.kind === 'where') return null;
  const t = d.t;
  const N = (await inWindowRows(ctx, d, m)).entities;
  const L = n((await one(ctx, `SELECT count(DISTINCT ${m.entity}) AS c FROM _labels l JOIN ${ident(t.id)} x ON ${rowKey(t)} = ${labelKey(t, 'l.row_key')} WHERE l.level = 'row' AND l.scenario = ${lit(d.r.id)}`)).c);
  const unit = sel.key ? `${sel.key} value` : 'entity';
  if (sel.kind === 'share') return N ? binomialResult(base('labels_rows', d, false), d.name, L, N, sel.share, `${unit}s with rows in the window`, `share ${sel.share}`) : null;
  const k = Math.min(sel.k, N);
  return {
    ...base('labels_rows', d, true), status: L === k ? 'pass' : 'fail', expected: k, observed: L, tolerance: 0, examples: [],
    message: `${d.name}: rows added for ${plural(L, unit)}, random_k ${sel.k} of ${plural(N, unit)} with rows in the window`,
    chart: { kind: 'bars', title: `${d.name}: ${unit}s with added rows`, labels: ['entities'], expected: [k], observed: [L] },
  };
}

// ---------------------------------------------------------------------------------------------
// labels_windows

const labelsWindows: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const d of checkable(ctx)) {
    if (d.what === 'outliers') continue;
    const r = d.what === 'rows' ? await rowsWindows(ctx, d) : await cellWindows(ctx, d);
    if (r) out.push(r);
  }
  return out;
};

async function cellWindows(ctx: ValidateContext, d: ScenarioDecision | AnomalyDecision): Promise<CheckResult | null> {
  const s = await cellStats(ctx, d);
  if (!s) return null;
  const t = d.t;
  const total = await labelCount(ctx, d);
  // every cell label (own and the cells that follow): the row's time inside the window, the label naming the window
  const window = d.what === 'scenario'
    ? { inside: `(${timeMs(d.p.timeRef)} >= ${num(d.p.startMs)} AND ${timeMs(d.p.timeRef)} < ${num(d.p.endMs)})`, named: `epoch_ms(l."start") IS NOT DISTINCT FROM ${num(d.p.startMs)} AND epoch_ms(l."end") IS NOT DISTINCT FROM ${num(d.p.endMs)}` }
    : anomalyWindow(d);
  const o = await one(ctx, `SELECT count(*) FILTER (WHERE NOT coalesce(${window.inside}, FALSE)) AS outside, count(*) FILTER (WHERE NOT coalesce(${window.named}, FALSE)) AS misnamed,
      min(l.row_key) FILTER (WHERE NOT coalesce(${window.inside}, FALSE) OR NOT coalesce(${window.named}, FALSE)) AS example
    FROM _labels l JOIN ${ident(t.id)} x ON ${rowKey(t)} = ${labelKey(t, 'l.row_key')} WHERE l.level = 'cell' AND ${orFalse(d.labels)}`);
  const problems: string[] = [];
  const examples: unknown[] = [];
  if (n(o.outside)) problems.push(`${plural(n(o.outside), 'label')} on rows outside the window`);
  if (n(o.misnamed)) problems.push(`${plural(n(o.misnamed), 'label')} naming another window`);
  if (o.example !== null && o.example !== undefined) examples.push(o.example);
  const rules = ['labelled rows inside the window'];
  if (d.what === 'scenario' && (d.p.type === 'rate_drop' || d.p.type === 'rate_spike')) {
    const days = await rateDays(ctx, d);
    if (days.bad.length) problems.push(`${plural(days.bad.length, 'window label')} outside the window or not one UTC day`);
  }
  if (s.inside !== null) {
    rules.push('every row it certainly changed is labelled');
    if (s.inside) problems.push(`${plural(s.inside, 'row')} inside the window ${d.what === 'scenario' && s.model.entity ? 'of a selected entity ' : ''}would change but have no label`);
    for (const k of s.insideExamples) if (examples.length < 5) examples.push(k);
  }
  const chart: ChartData | undefined = s.days.length && s.days.length <= 120
    ? { kind: 'line', title: `${d.name}: labelled rows per day`, x: s.days.map((x) => iso(x.day * DAY_MS).slice(0, 10)), expected: s.days.map((x) => x.expected), observed: s.days.map((x) => x.labelled), xLabel: 'day (UTC)', unit: 'rows' }
    : undefined;
  return {
    ...base('labels_windows', d, true), status: problems.length ? 'fail' : 'pass', expected: rules,
    observed: problems.length ? problems : { labels: total, rowsInWindow: s.inWindow, labelledRows: s.labelled, certainRows: s.inside === null ? null : s.selectedEligible }, tolerance: 0, examples,
    message: problems.length ? `${d.name}: ${problems.join('; ')}`
      : `${d.name}: ${plural(s.labelled, 'labelled row')}, all inside ${d.what === 'scenario' ? `[${iso(d.p.startMs)}, ${iso(d.p.endMs)})` : 'its windows'}${s.inside === null ? ` (unlabelled rows not judged: ${s.model.why})` : `, the ${plural(s.selectedEligible, 'row')} it certainly changed${s.model.entity ? ' (of the selected entities)' : ''} all labelled`}`,
    ...(chart ? { chart } : {}),
  };
}

function anomalyWindow(d: AnomalyDecision): { inside: string; named: string } {
  const parts = d.a.map((a) => anomalyFactor(a, d.t));
  const inside = parts.map((f) => f.inside).join(' OR ');
  if (d.a.length > 1) return { inside: `(${inside})`, named: 'TRUE' };
  const a = d.a[0];
  const first = parts[0].first;
  const starts = a.windows.map((w, i) => `WHEN ${i} THEN ${num(w.startMs)}`).join(' ');
  const ends = a.windows.map((w, i) => `WHEN ${i} THEN ${num(w.endMs)}`).join(' ');
  return { inside: `(${inside})`, named: `epoch_ms(l."start") = CASE ${first} ${starts} END AND epoch_ms(l."end") = CASE ${first} ${ends} END` };
}

async function rowsWindows(ctx: ValidateContext, d: RowsDecision): Promise<CheckResult | null> {
  const t = d.t;
  const m = rowsModel(ctx, d);
  const total = n((await one(ctx, `SELECT count(*) AS c FROM _labels WHERE level = 'row' AND scenario = ${lit(d.r.id)}`)).c);
  const ts = `CAST(x.${ident(d.r.timeRef)} AS TIMESTAMP)`;
  const named = d.r.type === 'cap_violation'
    ? `epoch_ms(l."start") = epoch_ms(date_trunc('${m.period}', ${ts})) AND epoch_ms(l."end") = epoch_ms(date_trunc('${m.period}', ${ts}) + INTERVAL 1 ${m.period})`
    : `epoch_ms(l."start") = ${num(d.r.startMs)} AND epoch_ms(l."end") = ${num(d.r.endMs)}`;
  const o = await one(ctx, `SELECT count(DISTINCT l.label_id) FILTER (WHERE NOT coalesce(${m.inWindow}, FALSE)) AS outside, count(DISTINCT l.label_id) FILTER (WHERE NOT coalesce(${named}, FALSE)) AS misnamed,
      min(l.row_key) FILTER (WHERE NOT coalesce(${m.inWindow}, FALSE) OR NOT coalesce(${named}, FALSE)) AS example
    FROM _labels l JOIN ${ident(t.id)} x ON ${rowKey(t)} = ${labelKey(t, 'l.row_key')} WHERE l.level = 'row' AND l.scenario = ${lit(d.r.id)}`);
  const problems: string[] = [];
  const examples: unknown[] = [];
  if (n(o.outside)) problems.push(`${plural(n(o.outside), 'added row')} outside the window`);
  if (n(o.misnamed)) problems.push(`${plural(n(o.misnamed), 'label')} naming another ${d.r.type === 'cap_violation' ? m.period : 'window'}`);
  if (o.example !== null && o.example !== undefined) examples.push(o.example);
  const rules = [d.r.type === 'cap_violation' ? `added rows inside the window, labels naming their ${m.period}` : 'duplicated rows inside the window'];
  let checked = false;
  if (d.r.type === 'cap_violation' && m.entity !== undefined && m.wholeGroups && !(t.addRows ?? []).some((r) => r !== d.r && r.startMs < d.r.endMs && d.r.startMs < r.endMs)) {
    // every period of a selected entity (all entities for "all") inside the window got rows
    checked = true;
    rules.push(`every ${m.period} of a selected entity inside the window has added rows`);
    const g = `epoch_ms(date_trunc('${m.period}', ${ts}))`;
    const selected = d.r.selection.kind === 'all' ? 'TRUE' : 'e IN (SELECT e FROM lab)';
    const r = await one(ctx, `WITH lab AS (SELECT DISTINCT ${m.entity} AS e, ${g} AS g FROM _labels l JOIN ${ident(t.id)} x ON ${rowKey(t)} = ${labelKey(t, 'l.row_key')} WHERE l.level = 'row' AND l.scenario = ${lit(d.r.id)}),
        grp AS (SELECT DISTINCT ${m.entity} AS e, ${g} AS g, CAST(${m.entity} AS VARCHAR) AS ex FROM ${ident(t.id)} x
          WHERE NOT ${isAdded(t)} AND coalesce(${m.inWindow}, FALSE))
      SELECT count(*) AS c, min(ex) AS example FROM grp WHERE ${selected} AND NOT EXISTS (SELECT 1 FROM lab WHERE lab.e IS NOT DISTINCT FROM grp.e AND lab.g = grp.g)`);
    if (n(r.c)) {
      problems.push(`${plural(n(r.c), `${m.period} of a selected entity`)} inside the window without added rows`);
      if (examples.length < 5 && r.example !== null) examples.push(r.example);
    }
  }
  return {
    ...base('labels_windows', d, true), status: problems.length ? 'fail' : 'pass', expected: rules, observed: problems.length ? problems : `${total} labels`, tolerance: 0, examples,
    message: problems.length ? `${d.name}: ${problems.join('; ')}` : `${d.name}: ${plural(total, 'added row')} inside [${iso(d.r.startMs)}, ${iso(d.r.endMs)})${checked ? `, every ${m.period} of a selected entity covered` : ''}`,
  };
}

export const LABEL_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'labels_present', run: labelsPresent },
  { name: 'labels_match_data', run: labelsMatchData },
  { name: 'labels_rows', run: labelsRows },
  { name: 'labels_windows', run: labelsWindows },
];
