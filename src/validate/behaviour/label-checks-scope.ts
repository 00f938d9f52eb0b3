/**
 * What each label decision may touch, computed once per run: for a cell decision the rows inside its window and
 * selection, which of them it is certain to change and their counts (cellStats); for a scenario that adds rows its
 * window and entities (rowsModel); for a rate scenario its window labels and daily sums (rateDays).
 */
import { dbl, ident, lit, n, num, one } from '../sql.ts';
import type { ValidateContext } from '../types.ts';
import {
  anomalyFactor, cellNumber, DAY_MS, entityOf, halfUnit, integralBefore, outlierFloor, outlierNeverZero,
  parentKeyColumn, proportionalAfter, timeMs, touchedByOthers, visibleTimes,
  type CellDecision, type RowsDecision, type ScenarioDecision,
} from './label-checks-model.ts';
import { type CellModel, isAdded, iso, labelKey, MULTIPLY, multiplierOf, orFalse, rowKey, state, type Stats } from './label-checks-common.ts';

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
      const m = multiplierOf(p).sql;
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

export function cellStats(ctx: ValidateContext, d: CellDecision): Promise<Stats | null> {
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

export function rowsModel(ctx: ValidateContext, d: RowsDecision): RowsModel {
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

/** Rows inside the window that no scenario added (a duplicate's original counts, its copy does not), and their entities. */
const inWindowMemo = new WeakMap<RowsDecision, Promise<{ rows: number; entities: number }>>();
export function inWindowRows(ctx: ValidateContext, d: RowsDecision, m: RowsModel): Promise<{ rows: number; entities: number }> {
  let r = inWindowMemo.get(d);
  if (!r) inWindowMemo.set(d, (r = countInWindow(ctx, d, m)));
  return r;
}

async function countInWindow(ctx: ValidateContext, d: RowsDecision, m: RowsModel): Promise<{ rows: number; entities: number }> {
  const r = await one(ctx, `SELECT count(*) AS c, count(DISTINCT ${m.entity ?? 'NULL'}) AS e FROM ${ident(d.t.id)} x WHERE NOT ${isAdded(d.t)} AND coalesce(${m.inWindow}, FALSE)`);
  return { rows: n(r.c), entities: n(r.e) };
}

// ---------------------------------------------------------------------------------------------
// Rate scenarios: window labels and daily sums

interface RateDays {
  labels: { start: number; end: number; expected: number; observed: number }[];
  /** Window labels that are not one UTC day overlapping the window. */
  bad: string[];
  /** Days (start ms) inside the window with rows and a positive clean denominator (selection all). */
  expectedDays: number[];
  sums: Map<number, { num: number; cleanNum: number; den: number; comparable: boolean }>;
}

const rateMemo = new WeakMap<ScenarioDecision, Promise<RateDays>>();
export function rateDays(ctx: ValidateContext, d: ScenarioDecision): Promise<RateDays> {
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

