/**
 * Panel facts (`grain`, DSL §5.9, docs/behaviours/panels.md, src/model/grain.ts): one row per parent per active
 * period of its lifetime. `panel_periods` (hard): every row is at a period start of the window, inside its
 * parent's lifetime, at most one per parent and period (a parentless panel: exactly its periods). `panel_activity`:
 * a complete panel (no active_probability) has every period of every lifetime (hard); otherwise the active periods
 * against min(1, active_probability × calendar weight × segment multiplier × vintage curve) per (parent, period)
 * cell — the total, the share per period (χ²) and per calendar bucket of the period column's patterns (soft).
 * The same cells give `segment_ratio` (active share by the parent's segment) and `vintage_curve` (active share by
 * the parent's age) for panels.
 */
import { uniform } from '../../model/rng.ts';
import { panelPeriodStarts, patternWeightAt, TREND_YEAR_MS, trendAt } from '../calendar.ts';
import type { GrainPlan, TablePlan } from '../../ir/types.ts';
import { dbl, examples, ident, n, one } from '../sql.ts';
import { FAIL_Z, judge, PASS_Z, pct, round, wilsonHilferty, worst } from '../stats.ts';
import type { CheckModule, CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import { bucketSql, curvesAtSql, familyFactor, fmt, listLit, ms, ownRows, parentLink, sampleOf, segKey, segmentCase, type ParentLink } from './cohorts-common.ts';
import { nodePath } from '../structural.ts';
import { endByState } from './machines-common.ts';
import { segmentRatios } from './cohorts-segments.ts';
import { ageHeatmap, cohortGrain, judgeAges, MAX_AGE, UNIT_NAMES } from './cohorts-vintage.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Panels with more periods than this are not checked (their period list is passed to DuckDB as a literal). */
const MAX_PERIODS = 50_000;
const DIM_LABELS: Record<string, (i: number) => string> = {
  dow: (i) => ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][i],
  hour: (i) => `${i}h`,
  month: (i) => ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][i],
};

interface Periods { starts: Float64Array; weight: Float64Array; len: Float64Array; every: GrainPlan['every'] }

/**
 * The window's periods, their calendar weights (the period start's pattern weights × max(0, trend factor))
 * normalised to mean 1 over the window (docs/behaviours/panels.md) and their lengths.
 */
export function periodsOf(g: GrainPlan): Periods {
  const starts = panelPeriodStarts(g.every, g.startMs, g.endMs);
  const weight = new Float64Array(starts.length).fill(1);
  if ((g.patterns.length || g.trend) && starts.length) {
    const tr = g.trend;
    starts.forEach((t, j) => {
      weight[j] = patternWeightAt(t, g.patterns) * (tr ? Math.max(0, trendAt(tr, (t - tr.originMs) / TREND_YEAR_MS)) : 1);
    });
    const mean = weight.reduce((a, b) => a + b, 0) / weight.length;
    if (mean > 0) for (let j = 0; j < weight.length; j++) weight[j] /= mean;
  }
  const len = Float64Array.from(starts, (t, j) => (j + 1 < starts.length ? starts[j + 1] - t : g.every === 'hour' ? HOUR : g.every === 'day' ? DAY : g.every === 'week' ? 7 * DAY : 28 * DAY));
  return { starts, weight, len, every: g.every };
}

/** SQL of the index of the period containing instant `x` (ms) relative to the first period (may be < 0 or ≥ n). */
export function periodIndexSql(p: Periods, x: string): string {
  const p0 = p.starts[0];
  if (p.every === 'month') {
    const d = new Date(p0);
    const ts = `epoch_ms(CAST(${x} AS BIGINT))`;
    return `((year(${ts}) - ${d.getUTCFullYear()}) * 12 + month(${ts}) - ${d.getUTCMonth() + 1})`;
  }
  const L = p.every === 'hour' ? HOUR : p.every === 'day' ? DAY : 7 * DAY;
  return `CAST(floor((${x} - ${dbl(p0)}) / ${L}) AS BIGINT)`;
}

/** SQL: is instant x (ms) exactly the start of its period? */
export function isPeriodStartSql(p: Periods, x: string): string {
  if (p.every === 'month') return `${x} = ${ms(`date_trunc('month', epoch_ms(CAST(${x} AS BIGINT)))`)}`;
  const L = p.every === 'hour' ? HOUR : p.every === 'day' ? DAY : 7 * DAY;
  return `${x} = ${dbl(p.starts[0])} + ${periodIndexSql(p, x)} * ${L}`;
}

/**
 * The active periods of a parentless series (row 0): every period of the window, or with active_probability the
 * periods whose keyed draw uniform(stream, 0, j) falls below min(1, active_probability × w_j) — the probability
 * from the plan as docs/behaviours/panels.md defines it, the draw the one the series makes (src/model/rng.ts,
 * pinned by its golden vectors). Null when there are more than MAX_PERIODS periods.
 */
export function seriesPeriods(g: GrainPlan): number[] | null {
  const p = periodsOf({ ...g, endMs: Math.min(g.endMs, g.startMs + (MAX_PERIODS + 1) * 32 * DAY) });
  if (p.starts.length > MAX_PERIODS) return null;
  const out: number[] = [];
  p.starts.forEach((t, j) => {
    const prob = g.activeProbability === null ? 1 : g.activeProbability * p.weight[j];
    if (prob >= 1 || uniform(g.stream, 0, j) < prob) out.push(t);
  });
  return out;
}

interface Panel extends ParentLink {
  t: TablePlan;
  g: GrainPlan;
  period: string;
  p: Periods;
}

async function panels(ctx: ValidateContext): Promise<Panel[]> {
  const out: Panel[] = [];
  for (const t of ctx.plan.tables) {
    if (t.rows.kind !== 'grain' || !ctx.present.has(t.id)) continue;
    const g = t.rows.grain;
    const period = t.columns.find((c) => c.generator.kind === 'period')?.name;
    const nPeriods = panelPeriodStarts(g.every, g.startMs, Math.min(g.endMs, g.startMs + MAX_PERIODS * 32 * DAY)).length;
    if (!period || nPeriods === 0 || nPeriods > MAX_PERIODS) continue;
    const link = await parentLink(ctx, t, t.rows.parent);
    if (!link) continue;
    out.push({ t, g, period, ...link, p: periodsOf(g) });
  }
  return out;
}

/** The parent rows with their lifetime as period indexes [lo, hi) and what the active probability needs. */
function parentSql(ctx: ValidateContext, pn: Panel): string {
  const { g, p, parent } = pn;
  const N = p.starts.length;
  const from = g.lifetimeFrom ? `CASE WHEN p.${ident(g.lifetimeFrom)} IS NULL THEN 0 ELSE least(${N}, greatest(0, ${periodIndexSql(p, ms(`p.${ident(g.lifetimeFrom)}`))})) END` : '0';
  // The end: the parent's to column, or (lifetime.to: {table, states}) its first entry into those states in the file.
  const byState = !g.lifetimeTo && g.endState ? endByState(ctx, parent.id, g.endState) : null;
  const endCol = g.lifetimeTo ? `p.${ident(g.lifetimeTo)}` : byState ? 'q.te' : null;
  const to = endCol ? `CASE WHEN ${endCol} IS NULL THEN ${N} ELSE least(${N}, greatest(0, ${periodIndexSql(p, ms(endCol))} + 1)) END` : String(N);
  const sm = g.segments.length ? g.segments.map((s) => segmentCase(segKey(ctx, s, 'p'), s.multipliers)).join(' * ') : '1.0';
  const seg = g.segments.length ? segKey(ctx, g.segments[0], 'p') : 'NULL';
  const v = g.vintage && g.vintage.fanoutCurves.length ? g.vintage : null;
  const cr = v ? ms(`p.${ident(v.createdAt)}`) : 'NULL::DOUBLE';
  const d = v?.decay ? segmentCase(segKey(ctx, v.decay, 'p'), v.decay.multipliers) : '1.0';
  return `SELECT p.${ident(parent.pk!)} AS pkey, ${from} AS lo, ${to} AS hi, ${sm} AS sm, ${seg} AS seg, ${cr} AS cr, ${d} AS d FROM ${pn.parentRows} p${byState ? ` LEFT JOIN (${byState}) q ON q.e = p.${ident(parent.pk!)}` : ''}`;
}

/** The rows of the panel with their parent key and period index (valid: a period start of the window). */
function rowSql(pn: Panel, extra = ''): string {
  const t = ms(`x.${ident(pn.period)}`);
  return `SELECT x.${ident(pn.fk)} AS pkey, ${periodIndexSql(pn.p, t)} AS j, (x.${ident(pn.period)} IS NOT NULL AND ${isPeriodStartSql(pn.p, t)} AND ${periodIndexSql(pn.p, t)} BETWEEN 0 AND ${pn.p.starts.length - 1}) AS valid${extra} FROM ${pn.own} x`;
}

const panelPeriods: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const pn of await panels(ctx)) {
    const { t, parent } = pn;
    const key = t.pk ? `, CAST(x.${ident(t.pk)} AS VARCHAR) AS rk` : `, CAST(x.${ident(pn.fk)} AS VARCHAR) AS rk`;
    const viol = `WITH par AS (${parentSql(ctx, pn)}), r AS (${rowSql(pn, key)}),
      v AS (SELECT r.rk, CASE WHEN NOT r.valid THEN 'not a period start of the window' WHEN par.pkey IS NULL THEN 'no such parent' ELSE 'outside its parent''s lifetime' END AS why
              FROM r LEFT JOIN par ON par.pkey = r.pkey WHERE NOT r.valid OR par.pkey IS NULL OR r.j < par.lo OR r.j >= par.hi
            UNION ALL SELECT r.rk, 'a second row for the same parent and period' FROM r JOIN (SELECT pkey, j FROM r WHERE valid GROUP BY 1, 2 HAVING count(*) > 1) d ON d.pkey = r.pkey AND d.j = r.j)`;
    const counts = await ctx.db.all(`${viol} SELECT why, count(*) AS n FROM v GROUP BY 1 ORDER BY 2 DESC`);
    const bad = counts.reduce((a, r) => a + n(r.n), 0);
    out.push({
      check: 'panel_periods', category: 'behavioural', table: t.id, column: pn.period, hard: true, status: bad ? 'fail' : 'pass', specPath: nodePath(ctx, t.id, 'grain'),
      expected: 0, observed: bad, tolerance: 0, examples: bad ? await examples(ctx, `${viol} SELECT DISTINCT rk FROM v ORDER BY 1`) : [],
      message: bad ? counts.map((r) => `${fmt(n(r.n), 0)} rows: ${r.why}`).join('; ') : `every ${t.id} row is at the start of a ${pn.g.every} of its ${parent.id}'s lifetime, one per ${parent.id} and ${pn.g.every}`,
    });
  }
  // Parentless panels: exactly the active periods of the series (fixed at compile time), once each.
  for (const t of ctx.plan.tables) {
    const col = t.columns.find((c) => c.generator.kind === 'period' && c.generator.grain);
    if (!col || col.generator.kind !== 'period' || !col.generator.grain || !ctx.present.has(t.id)) continue;
    const g = col.generator.grain;
    const want = seriesPeriods(g);
    if (!want) continue;
    const k = want.length;
    const own = await ownRows(ctx, t);
    if (!own) continue;
    const sql = `WITH w AS (SELECT unnest(${listLit(want)}) AS t), r AS (SELECT ${ms(`x.${ident(col.name)}`)} AS t, count(*) AS c FROM ${own} x GROUP BY 1)
      SELECT count(*) FILTER (WHERE w.t IS NULL) AS extra, count(*) FILTER (WHERE r.t IS NULL) AS missing, coalesce(sum(r.c - 1) FILTER (WHERE r.c > 1 AND w.t IS NOT NULL), 0) AS dup
      FROM w FULL JOIN r ON r.t = w.t`;
    const r = await one(ctx, sql);
    const [extra, missing, dup] = [n(r.extra), n(r.missing), n(r.dup)];
    const bad = extra + missing + dup;
    const ex = bad ? await examples(ctx, `WITH w AS (SELECT unnest(${listLit(want)}) AS t), r AS (SELECT DISTINCT ${ms(`x.${ident(col.name)}`)} AS t FROM ${own} x)
      SELECT strftime(epoch_ms(CAST(coalesce(w.t, r.t) AS BIGINT)), '%Y-%m-%dT%H:%M:%SZ') AS p FROM w FULL JOIN r ON r.t = w.t WHERE w.t IS NULL OR r.t IS NULL ORDER BY 1`) : [];
    out.push({
      check: 'panel_periods', category: 'behavioural', table: t.id, column: col.name, hard: true, status: bad ? 'fail' : 'pass', specPath: nodePath(ctx, t.id, 'grain'),
      expected: { periods: k }, observed: { extra, missing, duplicated: dup }, tolerance: 0, examples: ex,
      message: bad ? `${fmt(missing, 0)} active ${g.every}s missing, ${fmt(extra, 0)} rows at other instants, ${fmt(dup, 0)} repeated` : `one row per active ${g.every} of the series (${k.toLocaleString('en-US')}), none elsewhere`,
    });
  }
  return out;
};

const panelActivity: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const pn of await panels(ctx)) {
    const { t, g, parent, p } = pn;
    const N = p.starts.length;
    const specPath = nodePath(ctx, t.id, 'grain');
    if (g.activeProbability === null) {
      // Complete panel: each parent has a row for every period of its lifetime (with panel_periods, counts suffice).
      const r = await one(ctx, `WITH par AS (${parentSql(ctx, pn)}), r AS (SELECT DISTINCT pkey, j FROM (${rowSql(pn)}) WHERE valid),
        c AS (SELECT par.pkey, greatest(0, par.hi - par.lo) AS want, count(r.j) FILTER (WHERE r.j >= par.lo AND r.j < par.hi) AS got FROM par LEFT JOIN r ON r.pkey = par.pkey GROUP BY 1, 2)
        SELECT coalesce(sum(want - got), 0) AS missing, count(*) FILTER (WHERE want > got) AS parents, coalesce(sum(want), 0) AS want FROM c`);
      const missing = n(r.missing);
      const ex = missing ? await examples(ctx, `WITH par AS (${parentSql(ctx, pn)}), r AS (SELECT DISTINCT pkey, j FROM (${rowSql(pn)}) WHERE valid)
        SELECT CAST(par.pkey AS VARCHAR) AS k FROM par LEFT JOIN r ON r.pkey = par.pkey GROUP BY par.pkey, par.lo, par.hi HAVING greatest(0, par.hi - par.lo) > count(r.j) FILTER (WHERE r.j >= par.lo AND r.j < par.hi) ORDER BY 1`) : [];
      out.push({
        check: 'panel_activity', category: 'behavioural', table: t.id, column: pn.period, hard: true, status: missing ? 'fail' : 'pass', specPath,
        expected: { rows: n(r.want) }, observed: { missing }, tolerance: 0, examples: ex,
        message: missing ? `${fmt(missing, 0)} ${g.every}s of ${fmt(n(r.parents), 0)} ${parent.id} lifetimes have no row (a complete panel has every period)` : `every ${parent.id} has a row for each ${g.every} of its lifetime (${fmt(n(r.want), 0)} rows)`,
      });
      continue;
    }
    // Cells (parent, period of its lifetime) with their probability of being active; a subset of parents beyond the budget.
    const total = n((await one(ctx, `SELECT coalesce(sum(greatest(0, hi - lo)), 0) AS c FROM (${parentSql(ctx, pn)})`)).c);
    if (!total) continue;
    const sample = sampleOf('pkey', total);
    const v = g.vintage && g.vintage.fanoutCurves.length ? g.vintage : null;
    const unit = v ? v.fanoutCurves[0].unitMs : 0;
    const curves = v && v.fanoutCurves.every((c) => c.unitMs === unit) ? v.fanoutCurves : null;
    const vint = v && curves ? `CASE WHEN c0.cr IS NULL THEN 1.0 WHEN per.ps + per.len <= c0.cr THEN 0.0 ELSE ${curvesAtSql(curves, 'per.ps - c0.cr', 'c0.d')} END` : '1.0';
    if (v && !curves) continue;
    const span = v ? await one(ctx, `SELECT max(cr) - min(cr) AS s FROM (${parentSql(ctx, pn)})`) : {};
    const cg = cohortGrain(n(span.s) || 0);
    const age = v ? `CASE WHEN c0.cr IS NULL THEN NULL ELSE least(${bucketSql('per.ps - c0.cr', 'c0.d', unit)}, ${MAX_AGE}) END` : 'NULL';
    const cohort = v ? `strftime(date_trunc('${cg.trunc}', epoch_ms(CAST(cr AS BIGINT))), '${cg.fmt}')` : 'NULL';
    const rows = await ctx.db.all(`WITH per AS (SELECT unnest(range(${N})) AS j, unnest(${listLit(p.starts)}) AS ps, unnest(${listLit(p.weight)}) AS w, unnest(${listLit(p.len)}) AS len),
      par AS (SELECT *, ${cohort} AS cohort FROM (${parentSql(ctx, pn)}) WHERE hi > lo AND ${sample.cond}),
      c0 AS (SELECT pkey, sm, seg, cr, d, cohort, unnest(range(lo, hi)) AS j FROM par),
      r AS (SELECT DISTINCT pkey, j FROM (${rowSql(pn)}) WHERE valid),
      e AS (SELECT c0.j, c0.seg, c0.cohort, ${age} AS age, least(1.0, ${dbl(g.activeProbability)} * c0.sm * per.w * ${vint}) AS p FROM c0 JOIN per ON per.j = c0.j),
      o AS (SELECT r.j, c0.seg, c0.cohort, ${age} AS age FROM r JOIN par c0 ON c0.pkey = r.pkey AND r.j >= c0.lo AND r.j < c0.hi JOIN per ON per.j = r.j),
      c AS (SELECT j, seg, cohort, age, p, FALSE AS hit FROM e UNION ALL SELECT j, seg, cohort, age, NULL, TRUE FROM o)
      SELECT grouping(j, seg, cohort, age) AS gid, j, seg, cohort, age, count(*) FILTER (WHERE NOT hit) AS cells, count(*) FILTER (WHERE hit) AS o, sum(p) AS e, sum(p * (1 - p)) AS v
      FROM c GROUP BY GROUPING SETS ((j), (seg), (cohort, age))`);
    // grouping(j, seg, cohort, age): 7 = by period, 11 = by segment, 12 = by cohort × age.
    const byJ = rows.filter((r) => n(r.gid) === 7).map((r) => ({ j: n(r.j), cells: n(r.cells), o: n(r.o), e: n(r.e), v: n(r.v) })).sort((a, b) => a.j - b.j);
    const O = byJ.reduce((a, r) => a + r.o, 0);
    const E = byJ.reduce((a, r) => a + r.e, 0);
    const V = byJ.reduce((a, r) => a + r.v, 0);
    const C = byJ.reduce((a, r) => a + r.cells, 0);
    if (E < 20 || (V > 0 && V < 10)) continue;
    const verdicts: { status: CheckStatus; what: string; z: number }[] = [];
    const jt = judge(O, E, Math.sqrt(V));
    verdicts.push({ status: jt.status, what: `active share ${pct(O / C, 1)} vs ${pct(E / C, 1)}`, z: jt.z });
    // χ² over the periods that expect at least 10 active rows.
    let chi2 = 0;
    let df = 0;
    for (const r of byJ) if (r.e >= 10 && r.v > 0) {
      chi2 += (r.o - r.e) ** 2 / r.v;
      df++;
    }
    const zc = df > 0 ? wilsonHilferty(chi2, df) : 0;
    if (df > 0) verdicts.push({ status: zc <= PASS_Z ? 'pass' : zc <= FAIL_Z ? 'warn' : 'fail', what: `per-${g.every} χ² = ${fmt(chi2, 1)} on ${df} ${g.every}s (z = ${fmt(zc, 1)})`, z: zc });
    // Each calendar dimension of the period column's patterns (every bucket of every dimension judged together).
    const buckets: { o: number; e: number; v: number; what: string }[] = [];
    for (const dim of [...new Set(g.patterns.map((x) => x.dimension))]) {
      const size = dim === 'hour' ? 24 : dim === 'dow' ? 7 : dim === 'day_of_month' ? 31 : 12;
      const acc = Array.from({ length: size }, () => ({ o: 0, e: 0, v: 0 }));
      for (const r of byJ) {
        const d = new Date(p.starts[r.j]);
        const i = dim === 'hour' ? d.getUTCHours() : dim === 'dow' ? (d.getUTCDay() + 6) % 7 : dim === 'day_of_month' ? d.getUTCDate() - 1 : d.getUTCMonth();
        acc[i].o += r.o;
        acc[i].e += r.e;
        acc[i].v += r.v;
      }
      acc.forEach((a, i) => {
        if (a.e >= 20 && a.v >= 10) buckets.push({ ...a, what: `${DIM_LABELS[dim](i)}: ${fmt(a.o, 0)} active vs ${fmt(a.e, 0)}` });
      });
    }
    const family = familyFactor(buckets.length);
    for (const b of buckets) {
      const j = judge(b.o, b.e, Math.sqrt(b.v) * family);
      verdicts.push({ status: j.status, what: b.what, z: j.z });
    }
    const status = worst(verdicts.map((x) => x.status));
    const bad = verdicts.filter((x) => x.status !== 'pass').sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    // Chart: active share per period, consecutive periods pooled to at most 60 points.
    const per = Math.max(1, Math.ceil(byJ.length / 60));
    const pts: { x: string; e: number; o: number }[] = [];
    for (let i = 0; i < byJ.length; i += per) {
      const grp = byJ.slice(i, i + per);
      const cells = grp.reduce((a, r) => a + r.cells, 0);
      pts.push({ x: new Date(p.starts[grp[0].j]).toISOString().slice(0, g.every === 'hour' ? 13 : 10), e: grp.reduce((a, r) => a + r.e, 0) / cells, o: grp.reduce((a, r) => a + r.o, 0) / cells });
    }
    out.push({
      check: 'panel_activity', category: 'behavioural', table: t.id, column: pn.period, hard: false, status, specPath,
      expected: { active: round(E), share: round(E / C) }, observed: { active: O, share: round(O / C) }, tolerance: { active: round(jt.tolerance), chi2_df: df, chi2_z: round(zc, 3) },
      examples: bad.slice(0, 5).map((x) => x.what),
      message: `active ${g.every}s per ${parent.id} lifetime against min(1, active_probability × calendar weight${g.segments.length ? ' × segment multiplier' : ''}${v ? ' × vintage curve' : ''})${sample.modulus > 1 ? ` (1 in ${sample.modulus} parents)` : ''}: ${status === 'pass' ? `${pct(O / C, 1)} active (expected ${pct(E / C, 1)}), every ${g.every} and calendar bucket within tolerance` : bad[0].what}`,
      chart: { kind: 'line', title: `${t.id}: share of ${parent.id} × ${g.every} cells with a row`, x: pts.map((x) => x.x), expected: pts.map((x) => round(x.e)), observed: pts.map((x) => round(x.o)), xLabel: g.every, unit: '%' },
    });
    // Segments: active share by the parent's segment relative to the largest one.
    if (g.segments.length) {
      const cells = rows.filter((r) => n(r.gid) === 11)
        .map((r) => ({ seg: r.seg === null ? '(null)' : String(r.seg), units: n(r.cells), observed: n(r.o), expected: n(r.e), variance: n(r.v) }));
      const res = segmentRatios({ check: 'segment_ratio', category: 'behavioural', table: t.id, column: g.segments[0].column, hard: false, specPath: nodePath(ctx, g.segments[0].table, 'segment_behavior', 'behaviors') }, cells, g.segments[0], 'active periods', `${parent.id} × ${g.every}`);
      if (res) out.push(res);
    }
    // Vintage: active share by the parent's age (cohort × age cells).
    if (v) {
      const cells = rows.filter((r) => n(r.gid) === 12 && r.age !== null).map((r) => ({ cohort: String(r.cohort), age: n(r.age), parents: n(r.cells), o: n(r.o), e: n(r.e), v: n(r.v) }));
      const res = judgeAges(cells);
      if (res) {
        const unitName = UNIT_NAMES[unit] ?? `${fmt(unit / DAY)} days`;
        const badAge = [...res.ages].sort((a, b) => Math.abs(b.z) - Math.abs(a.z))[0];
        out.push({
          check: 'vintage_curve', category: 'behavioural', table: t.id, column: pn.period, hard: false, status: res.status, specPath: nodePath(ctx, v.table, 'vintage_behavior', 'age_based_multipliers'),
          expected: Object.fromEntries(res.ages.map((a) => [a.label, round(a.e / a.parents)])), observed: Object.fromEntries(res.ages.map((a) => [a.label, round(a.o / a.parents)])),
          tolerance: { per_age: Object.fromEntries(res.ages.map((a) => [a.label, round(a.tol / a.parents)])), chi2: round(res.chi2), df: res.df, z: round(res.z, 3) },
          examples: res.ages.filter((a) => a.status !== 'pass').slice(0, 5).map((a) => `age ${a.label}: ${pct(a.o / a.parents, 1)} vs ${pct(a.e / a.parents, 1)}`),
          message: `active share of ${parent.id} × ${g.every} cells by the ${parent.id}'s age (${unitName}s since ${v.createdAt}${v.decay ? ' × decay_rate' : ''}) against the activity curve: ${res.status === 'pass' ? `${res.ages.length} ages within tolerance, cohort × age χ² z = ${fmt(res.z, 2)}`
            : Math.abs(badAge.z) > PASS_Z ? `age ${badAge.label}: ${pct(badAge.o / badAge.parents, 1)} active, expected ${pct(badAge.e / badAge.parents, 1)} (z = ${fmt(badAge.z, 1)})` : `cohort × age χ² z = ${fmt(res.z, 1)}`}`,
          chart: ageHeatmap(cells, res.ages, `${t.id}: active share by cohort × age (${unitName}s)`, '%'),
        });
      }
    }
  }
  return out;
};

export const PANEL_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'panel_periods', run: panelPeriods },
  { name: 'panel_activity', run: panelActivity },
];
