/**
 * Vintage (DSL §5.2, docs/behaviours/vintage.md): no child of a vintage entity precedes its parent's creation
 * (`vintage_order`, hard), and the cohort curve (`vintage_curve`): children by the parent's age against the
 * activity curves. Given a parent's number of children N_p, each child falls in age bucket k with probability
 * π_pk = B_pk / Σ_j B_pj (cohorts-frame.ts), so the expected children of age k over a set of parents is
 * Σ N_p·π_pk with the multinomial variance Σ N_p·π_pk·(1 − π_pk) — whatever the fanout model, its dispersion,
 * segments or min/max. Only buckets that lie wholly inside the child's window count (right-censoring: a cohort
 * is not judged on ages it could not reach yet).
 */
import type { TablePlan } from '../../ir/types.ts';
import { dbl, examples, ident, n, one } from '../sql.ts';
import { FAIL_Z, judge, PASS_Z, round, wilsonHilferty, worst } from '../stats.ts';
import type { CheckModule, CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import { familyFactor, fmt, linkColumn, ms, ownRows, parentLink, unlabelled } from './cohorts-common.ts';
import { docColumn, nodePath } from '../structural.ts';
import { childBucket, vintageFrame } from './cohorts-frame.ts';
import { endByState } from './machines-common.ts';

/** Ages beyond this are pooled into one bucket. */
export const MAX_AGE = 36;
/** Cohort × age cells with fewer expected children are left out of the chi-square (normal approximation). */
const MIN_CELL = 10;
/** Age buckets are pooled from the oldest down until each expects at least this many children. */
const MIN_AGE = 25;

export const UNIT_NAMES: Record<number, string> = { 86_400_000: 'day', 604_800_000: 'week', 2_629_800_000: 'month', 31_557_600_000: 'year' };

/** Fanout children of vintage entities whose time column the vintage places. */
function vintageChildren(ctx: ValidateContext): { t: TablePlan; rows: Extract<TablePlan['rows'], { kind: 'fanout' }> }[] {
  return ctx.plan.tables.flatMap((t) => (t.rows.kind === 'fanout' && t.rows.vintage?.timeColumn && ctx.present.has(t.id) ? [{ t, rows: t.rows }] : []));
}

const vintageOrder: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const { t, rows } of vintageChildren(ctx)) {
    const v = rows.vintage!;
    const col = t.columns.find((c) => c.name === v.timeColumn);
    if (col?.generator.kind !== 'datetime' || !col.generator.vintage) continue;
    const link = await parentLink(ctx, t, v.table);
    if (!link) continue;
    const { parent, fk, own, parentRows: P } = link;
    // Inside the parent's lifetime: not before its birth (created_at), not after its end (lifetime.to) when it has one.
    const x = `CAST(x.${ident(col.name)} AS TIMESTAMP)`;
    if (!v.createdAt && !v.endAt && !v.endState) continue; // activity_by_state without a lifetime: activity_state_zero checks it
    const before = v.createdAt ? `(p.${ident(v.createdAt)} IS NOT NULL AND ${x} < CAST(p.${ident(v.createdAt)} AS TIMESTAMP))` : 'FALSE';
    const ended = endByState(ctx, parent.id, v.endState);
    const after = v.endAt ? `(p.${ident(v.endAt)} IS NOT NULL AND ${x} > CAST(p.${ident(v.endAt)} AS TIMESTAMP))` : ended ? `(q.te IS NOT NULL AND ${x} > q.te)` : 'FALSE';
    const from = `FROM ${own} x JOIN ${P} p ON p.${ident(parent.pk!)} = x.${ident(fk)}${ended ? ` LEFT JOIN (${ended}) q ON q.e = x.${ident(fk)}` : ''}
      WHERE x.${ident(col.name)} IS NOT NULL AND (${before} OR ${after}) AND ${await unlabelled(ctx, t, 'x', col.name)}`;
    const bad = n((await one(ctx, `SELECT count(*) AS c ${from}`)).c);
    const key = t.pk ? `CAST(x.${ident(t.pk)} AS VARCHAR)` : `CAST(x.${ident(fk)} AS VARCHAR)`;
    // A vintage entity's children: vintage_order; any other parent with a lifetime: lifetime_order (docs/behaviours/lifetimes.md).
    const vintage = Array.isArray(ctx.doc?.nodes) && ctx.doc.nodes.some((nd: { id?: unknown; vintage_behavior?: unknown }) => nd?.id === v.table && nd.vintage_behavior !== undefined);
    const within = `${parent.id}'s ${v.createdAt}${v.endAt ? ` … ${v.endAt}` : ''}`;
    out.push({
      check: vintage ? 'vintage_order' : 'lifetime_order', category: 'behavioural', table: t.id, column: col.name, hard: true, status: bad ? 'fail' : 'pass',
      specPath: vintage ? nodePath(ctx, v.table, 'vintage_behavior', 'created_at_column') : parent.lifetime?.rule === 'explicit' ? nodePath(ctx, v.table, 'lifetime') : (docColumn(ctx, v.table, v.createdAt)?.path ?? nodePath(ctx, v.table)),
      expected: 0, observed: bad, tolerance: 0, examples: bad ? await examples(ctx, `SELECT ${key} AS k ${from} ORDER BY 1`) : [],
      message: bad ? `${bad.toLocaleString('en-US')} ${t.id} rows have ${col.name} outside their ${within}` : `no ${t.id} row has ${col.name} outside its ${within}`,
    });
  }
  return out;
};

export interface AgeCell { cohort: string; age: number; parents: number; o: number; e: number; v: number }

/**
 * Judge cohort × age cells (observed o, expected e, variance v): per age pooled over cohorts (each age judged, the
 * oldest pooled until they expect MIN_AGE), and a chi-square over the cells that expect MIN_CELL.
 */
export function judgeAges(cells: AgeCell[]): { status: CheckStatus; ages: { label: string; age: number; o: number; e: number; v: number; parents: number; status: CheckStatus; z: number; tol: number }[]; chi2: number; df: number; z: number } | null {
  const byAge = new Map<number, { o: number; e: number; v: number; parents: number }>();
  for (const c of cells) {
    const a = byAge.get(c.age) ?? { o: 0, e: 0, v: 0, parents: 0 };
    a.o += c.o;
    a.e += c.e;
    a.v += c.v;
    a.parents += c.parents;
    byAge.set(c.age, a);
  }
  const ages = [...byAge].sort((x, y) => x[0] - y[0]).map(([age, a]) => ({ age, ...a, label: String(age), tail: false }));
  while (ages.length > 1 && ages[ages.length - 1].e < MIN_AGE) {
    const last = ages.pop()!;
    const prev = ages[ages.length - 1];
    prev.o += last.o;
    prev.e += last.e;
    prev.v += last.v;
    prev.tail = true;
  }
  if (ages.length) {
    const last = ages[ages.length - 1];
    if (last.tail || last.age >= MAX_AGE) last.label = `≥${last.age}`;
  }
  const judged = ages.filter((a) => a.e >= MIN_AGE && a.v >= 10);
  if (!judged.length) return null;
  const f = familyFactor(judged.length);
  const out = judged.map((a) => {
    const j = judge(a.o, a.e, Math.sqrt(a.v) * f);
    return { label: a.label, age: a.age, o: a.o, e: a.e, v: a.v, parents: a.parents, status: j.status, z: j.z, tol: j.tolerance };
  });
  let chi2 = 0;
  let df = 0;
  for (const c of cells) {
    if (c.e >= MIN_CELL && c.v > 0) {
      chi2 += (c.o - c.e) ** 2 / c.v;
      df++;
    }
  }
  const z = df > 0 ? wilsonHilferty(chi2, df) : 0;
  const chiStatus: CheckStatus = z <= PASS_Z ? 'pass' : z <= FAIL_Z ? 'warn' : 'fail';
  return { status: worst([...out.map((a) => a.status), chiStatus]), ages: out, chi2, df, z };
}

/** A cohort × age heatmap of a per-unit rate (observed and expected; NaN where a cohort has no complete bucket). */
export function ageHeatmap(cells: AgeCell[], ages: { age: number; label: string }[], title: string, unit?: string): { kind: 'heatmap'; title: string; rows: string[]; cols: string[]; observed: number[][]; expected: number[][]; unit?: string } {
  const cohorts = [...new Set(cells.map((c) => c.cohort))].sort();
  const colOf = (age: number) => {
    let j = 0;
    while (j + 1 < ages.length && ages[j + 1].age <= age) j++;
    return j;
  };
  const acc = cohorts.map(() => ages.map(() => ({ o: 0, e: 0, p: 0 })));
  for (const c of cells) {
    const x = acc[cohorts.indexOf(c.cohort)][colOf(c.age)];
    x.o += c.o;
    x.e += c.e;
    x.p += c.parents;
  }
  return {
    kind: 'heatmap', title, rows: cohorts, cols: ages.map((a) => a.label), unit,
    observed: acc.map((r) => r.map((x) => (x.p > 0 ? round(x.o / x.p) : NaN))),
    expected: acc.map((r) => r.map((x) => (x.p > 0 ? round(x.e / x.p) : NaN))),
  };
}

/** date_trunc granularity for cohorts: the finest of day/week/month/quarter/year giving at most 24 cohorts over a span. */
export function cohortGrain(spanMs: number): { trunc: string; fmt: string } {
  const DAY = 86_400_000;
  const options = [
    { trunc: 'day', fmt: '%Y-%m-%d', len: DAY },
    { trunc: 'week', fmt: '%Y-%m-%d', len: 7 * DAY },
    { trunc: 'month', fmt: '%Y-%m', len: 30.4375 * DAY },
    { trunc: 'quarter', fmt: '%Y-%m', len: 91.3 * DAY },
    { trunc: 'year', fmt: '%Y', len: 365.25 * DAY },
  ];
  return options.find((o) => spanMs / o.len < 24) ?? options[options.length - 1];
}

const activityCurve: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const { t, rows } of vintageChildren(ctx)) {
    const v = rows.vintage!;
    if (!v.fanoutCurves.length) continue;
    const fk = linkColumn(ctx, t, v.table, 'parent');
    const own = await ownRows(ctx, t);
    if (!fk || !own) continue;
    const fr = await vintageFrame(ctx, t, v);
    if ('skip' in fr) continue;
    const f = fr.frame;
    // A time_jitter (or any modifier but the not-before repair) moves children off the grid and across buckets.
    if (!f.timeCol || f.timeCol.modifiers.some((m) => m.kind !== 'not_before')) continue;
    // A date column keeps the day of a sub-day grid point (moved to the next midnight when before the creation).
    if (f.timeCol.type === 'date' && f.grid.step < 86_400_000) continue;
    const created = `coalesce(${ms(`${ident(v.createdAt)}`)}, ${dbl(f.grid.t0)})`;
    const span = await one(ctx, `SELECT min(${created}) AS lo, max(${created}) AS hi FROM ${ident(f.parent.id)}`);
    const g = cohortGrain(n(span.hi) - n(span.lo));
    const timeCol = f.timeCol;
    const time = ident(timeCol.name);
    const cells = (await ctx.db.all(`WITH ${f.ctes},
      ch AS (SELECT x.${ident(fk.name)} AS pkey, ${ms(`x.${time}`)} AS t FROM ${own} x WHERE x.${time} IS NOT NULL AND ${await unlabelled(ctx, t, 'x', timeCol.name)}),
      chk AS (SELECT ch.pkey, ${childBucket('ch.t')} AS k FROM ch JOIN par q ON q.pkey = ch.pkey WHERE ch.t >= q.c),
      np AS (SELECT pkey, count(*) AS np FROM chk GROUP BY 1),
      ob AS (SELECT pkey, k, count(*) AS o FROM chk GROUP BY 1, 2)
      SELECT strftime(date_trunc('${g.trunc}', epoch_ms(CAST(q.c AS BIGINT))), '${g.fmt}') AS cohort, least(bk.k, ${MAX_AGE}) AS age, count(*) AS parents,
        sum(coalesce(ob.o, 0)) AS o, sum(coalesce(np.np, 0) * bk.b / mass.mass) AS e, sum(coalesce(np.np, 0) * (bk.b / mass.mass) * (1 - bk.b / mass.mass)) AS v
      FROM bk JOIN mass ON mass.pkey = bk.pkey JOIN par q ON q.pkey = bk.pkey LEFT JOIN np ON np.pkey = bk.pkey LEFT JOIN ob ON ob.pkey = bk.pkey AND ob.k = bk.k
      WHERE bk.full AND mass.mass > 0 GROUP BY ALL`)).map((r) => ({ cohort: String(r.cohort), age: n(r.age), parents: n(r.parents), o: n(r.o), e: n(r.e), v: n(r.v) }));
    const res = judgeAges(cells);
    if (!res) continue;
    const unit = UNIT_NAMES[f.unitMs] ?? `${fmt(f.unitMs / 86_400_000)} days`;
    const age = `${unit}s since ${v.createdAt}${v.decay ? ' × decay_rate' : ''}`;
    const badAge = [...res.ages].sort((a, b) => Math.abs(b.z) - Math.abs(a.z))[0];
    out.push({
      check: 'vintage_curve', category: 'behavioural', table: t.id, column: timeCol.name, hard: false, status: res.status,
      specPath: nodePath(ctx, v.table, 'vintage_behavior', 'age_based_multipliers'),
      expected: Object.fromEntries(res.ages.map((a) => [a.label, round(a.e / a.parents)])), observed: Object.fromEntries(res.ages.map((a) => [a.label, round(a.o / a.parents)])),
      tolerance: { per_age: Object.fromEntries(res.ages.map((a) => [a.label, round(a.tol / a.parents)])), chi2: round(res.chi2), df: res.df, z: round(res.z, 3) },
      examples: res.ages.filter((a) => a.status !== 'pass').slice(0, 5).map((a) => `age ${a.label}: ${fmt(a.o / a.parents)} vs ${fmt(a.e / a.parents)}`),
      message: `${t.id} rows per ${f.parent.id} row by age (${age}) against the activity curve${f.modulus > 1 ? ` (1 in ${f.modulus} parents)` : ''}: ${res.status === 'pass' ? `${res.ages.length} ages within tolerance, cohort × age χ² z = ${fmt(res.z, 2)}`
        : Math.abs(badAge.z) > PASS_Z ? `age ${badAge.label} has ${fmt(badAge.o / badAge.parents)} per parent, expected ${fmt(badAge.e / badAge.parents)} (z = ${fmt(badAge.z, 1)})` : `cohort × age χ² = ${fmt(res.chi2, 1)} on ${res.df} cells (z = ${fmt(res.z, 1)})`}`,
      chart: ageHeatmap(cells, res.ages, `${t.id}: rows per ${f.parent.id} by cohort × age (${unit}s)`),
    });
  }
  return out;
};

export const VINTAGE_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'vintage_order', run: vintageOrder },
  { name: 'vintage_curve', run: activityCurve },
];
