/**
 * labels_match_data (hard): every label names a row that exists and whose cell holds `observed` (≠ `expected`);
 * the decision's change recomputed in SQL from the label's clean value and the spec; duplicates, cap_violation
 * groups, a rate scenario's daily ratios and a mix shift's daily totals as SQL computes them.
 */
import { dbl, ident, lit, n, num, one } from '../sql.ts';
import type { CheckModule, CheckResult, ValidateContext } from '../types.ts';
import {
  anomalyFactor, cellNumber, DAY_MS, halfUnit, integralBefore, proportionalAfter, timeMs, timesTolerance, touchedByOthers,
  type CellDecision, type RowsDecision, type ScenarioDecision,
} from './label-checks-model.ts';
import { base, checkable, col, isAdded, iso, labelCount, labelKey, MULTIPLY, multiplierOf, orFalse, plural, rowKey, state } from './label-checks-common.ts';
import { rateDays, rowsModel } from './label-checks-scope.ts';

interface Problems { counts: Map<string, number>; examples: unknown[] }

function addProblems(p: Problems, rows: Record<string, unknown>[], what: (r: Record<string, unknown>) => string): void {
  for (const r of rows) {
    const w = what(r);
    p.counts.set(w, (p.counts.get(w) ?? 0) + n(r.n ?? 1));
    if (p.examples.length < 5 && r.example !== undefined && r.example !== null && !p.examples.includes(r.example)) p.examples.push(r.example);
  }
}

export const labelsMatchData: CheckModule = async (ctx) => {
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
      const { sql: m, text } = multiplierOf(p);
      const cap = p.capColumn ? `CAST(x.${ident(p.capColumn)} AS DOUBLE)` : null;
      const target = cap ? `(CASE WHEN ${cap} IS NOT NULL AND e * ${m} > ${cap} THEN ${cap} ELSE e * ${m} END)` : `(e * ${m})`;
      return { bad: `e IS NULL OR o IS NULL OR abs(o - ${target}) > ${timesTolerance(c, 'e', m, integralBefore(c))}`, rule: `observed = expected × ${text}${cap ? ` (at most ${p.capColumn})` : ''}` };
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
