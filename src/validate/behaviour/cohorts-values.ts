/**
 * Value multipliers of segments and vintage (DSL §5.1 value_multiplier, §5.2 value curves): the mean of a
 * child column by the linked row's segment relative to the largest segment against the value multipliers
 * (`segment_value_ratio`), and the mean by the parent's age against the value curve (`vintage_curve` on the
 * value column). Each row's value is divided by the multipliers that are known for it (its vintage curve factor,
 * its segment multiplier), so what is left must have the same mean in every group.
 *
 * Modelled: a `distribution` generator with numeric parameters, its own modifiers (multiply, add, clamp, jitter,
 * and calendar modifiers when the row's time does not depend on the parent), then the behaviour multipliers and
 * the constraints' clamps. Int columns are rounded after the multipliers: modelled exactly (the rounded mean summed
 * over the pmf) when the draw is discrete and only clamps come before the multiplier; otherwise not checked.
 */
import { isDiscrete, type DistName } from '../../model/distributions.ts';
import type { ColumnPlan, CurvePlan, ModifierProgram, SegmentScale, TablePlan } from '../../ir/types.ts';
import { dbl, ident, n } from '../sql.ts';
import { FAIL_Z, judge, PASS_Z, round, wilsonHilferty, worst } from '../stats.ts';
import type { CheckModule, CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import { bucketSql, curveSql, familyFactor, fmt, linkColumn, ms, ownRows, segKey, segmentCase, unlabelled } from './cohorts-common.ts';
import { nodePath } from '../structural.ts';
import { roundedMean } from './cohorts-moments.ts';
import { ageHeatmap, cohortGrain, MAX_AGE, UNIT_NAMES } from './cohorts-vintage.ts';

type VintageValue = Extract<ModifierProgram, { kind: 'vintage_value' }>;
type Clamp = { min: number | null; max: number | null };

interface ValueModel {
  t: TablePlan;
  col: ColumnPlan;
  dist: string;
  params: Record<string, number>;
  /** Clamps applied to the drawn value before any multiplier (the generator's, then clamp modifiers), when nothing else comes first. */
  pre: Clamp[] | null;
  segs: SegmentScale[];
  vints: VintageValue[];
  trailing: Clamp[];
}

const LABELLED = new Set(['outliers', 'anomaly', 'scenario']);
const TIMED = new Set(['seasonality', 'trend', 'effect']);

/** Whether a row's time can depend on its parent (vintage placement, panel lifetimes, funnel starts). */
function timeDependsOnParent(t: TablePlan): boolean {
  return t.rows.kind !== 'fixed' && !(t.rows.kind === 'fanout' && !t.rows.vintage);
}

function valueModel(t: TablePlan, col: ColumnPlan): ValueModel | string {
  if (!['int', 'float', 'decimal'].includes(col.type)) return 'not numeric';
  const g = col.generator;
  if (g.kind !== 'distribution' || (g.exprs && Object.keys(g.exprs).length) || Object.values(g.params).some((v) => typeof v !== 'number')) return 'its generator is not a distribution with numeric parameters';
  const segs: SegmentScale[] = [];
  const vints: VintageValue[] = [];
  const trailing: Clamp[] = [];
  let pre: Clamp[] | null = [{ min: g.clamp[0], max: g.clamp[1] }];
  let phase = 0;
  for (const m of col.modifiers) {
    // Labelled changes: their cells are left out, the other values are untouched.
    if (LABELLED.has(m.kind)) continue;
    if (m.kind === 'segment_value' || m.kind === 'vintage_value') {
      if (phase === 2) return 'a clamp comes between its multipliers';
      phase = 1;
      if (m.kind === 'segment_value') segs.push(m.scale);
      else vints.push(m);
      continue;
    }
    if (m.kind === 'clamp') {
      if (phase >= 1) {
        phase = 2;
        trailing.push({ min: m.min, max: m.max });
      } else pre?.push({ min: m.min, max: m.max });
      continue;
    }
    if (phase > 0) return `its ${m.kind} modifier comes after the behaviour multipliers`;
    if (m.kind === 'multiply' || m.kind === 'add' || m.kind === 'jitter') {
      pre = null;
      continue;
    }
    if (TIMED.has(m.kind)) {
      if (m.kind === 'effect' && m.effect.on.length) return 'an effect keyed by columns may depend on the segment';
      if (timeDependsOnParent(t)) return `its ${m.kind} modifier depends on the row's time, which depends on the parent`;
      pre = null;
      continue;
    }
    return `its ${m.kind} modifier is not modelled`;
  }
  return { t, col, dist: g.dist, params: g.params as Record<string, number>, pre, segs, vints, trailing };
}

/** Exact mean of an int column at multiplier m (the rounding summed over the pmf), or null. */
function intMean(vm: ValueModel, m: number): number | null {
  if (!vm.pre || !isDiscrete(vm.dist as DistName)) return null;
  return roundedMean(vm.dist, vm.params, vm.pre, m, vm.trailing);
}

/** SQL of the trailing-clamp bias bound (a value raised to the lower bound moved up by at most lo ÷ its divisor) and the rows at the upper bound. */
function clampSql(vm: ValueModel, v: string, f: string): { low: string; high: string } {
  const lo = Math.max(...vm.trailing.map((c) => c.min ?? -Infinity));
  const hi = Math.min(...vm.trailing.map((c) => c.max ?? Infinity));
  return {
    low: Number.isFinite(lo) ? `sum(CASE WHEN ${v} <= ${dbl(lo)} THEN abs(${dbl(lo)}) / ${f} ELSE 0 END)` : '0',
    high: Number.isFinite(hi) ? `count(*) FILTER (WHERE ${v} >= ${dbl(hi)})` : '0',
  };
}

/** Whether the pre-multiplier values can be negative (then a raised value can move by more than the bound). */
function mayBeNegative(vm: ValueModel): boolean {
  const nonNeg = ['poisson', 'negative_binomial', 'binomial', 'geometric', 'zipf', 'lognormal', 'gamma', 'exponential', 'beta', 'pareto', 'weibull'];
  const g = vm.col.generator;
  const lo = g.kind === 'distribution' ? g.clamp[0] : null;
  const own = vm.col.modifiers.some((m) => m.kind === 'add' || m.kind === 'jitter' && m.mode === 'add' || m.kind === 'multiply' && m.factor < 0);
  return own || !(nonNeg.includes(vm.dist) || (vm.dist === 'uniform' && Number(vm.params.low) >= 0) || (vm.dist === 'triangular' && Number(vm.params.low) >= 0) || (lo !== null && lo >= 0));
}

interface Linked { joins: string; seg: (s: SegmentScale) => string | null; parentAlias: string | null }

/** Joins from a row (alias x) to its primary parent (alias p) and to picked rows of other tables (q0, q1…). */
async function links(ctx: ValidateContext, t: TablePlan, tables: string[]): Promise<Linked | null> {
  const parent = t.rows.kind === 'fixed' ? null : t.rows.parent;
  const joins: string[] = [];
  const alias = new Map<string, string>();
  for (const id of [...new Set(tables)]) {
    const target = ctx.table(id);
    if (!target?.pk || !ctx.present.has(id)) return null;
    const via = id === parent ? 'parent' : 'pick';
    const c = linkColumn(ctx, t, id, via);
    const rows = await ownRows(ctx, target);
    if (!c || !rows) return null;
    const a = id === parent ? 'p' : `q${alias.size}`;
    alias.set(id, a);
    joins.push(`LEFT JOIN ${rows} ${a} ON ${a}.${ident(target.pk)} = x.${ident(c.name)}`);
  }
  return { joins: joins.join(' '), seg: (s) => (alias.has(s.table) ? segKey(ctx, s, alias.get(s.table)!) : null), parentAlias: parent && alias.has(parent) ? 'p' : null };
}

function valueColumns(ctx: ValidateContext): ValueModel[] {
  const out: ValueModel[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id)) continue;
    for (const c of t.columns) {
      if (!c.modifiers.some((m) => m.kind === 'segment_value' || m.kind === 'vintage_value')) continue;
      const vm = valueModel(t, c);
      if (typeof vm !== 'string') out.push(vm);
    }
  }
  return out;
}

/** The vintage curve factor of a row (1 when its time or its parent's creation is null, as the engine leaves it). */
function curveFactorSql(ctx: ValidateContext, vm: ValueModel, ctxTable: TablePlan): { sql: string; k: string; unit: number; curves: CurvePlan[] } | null {
  if (!vm.vints.length) return { sql: '1.0', k: '0', unit: 0, curves: [] };
  const v0 = vm.vints[0];
  const curves = vm.vints.flatMap((v) => v.curves);
  const unit = curves[0].unitMs;
  if (vm.vints.some((v) => v.table !== v0.table || v.createdAt !== v0.createdAt || v.timeRef !== v0.timeRef || JSON.stringify(v.decay) !== JSON.stringify(v0.decay)) || curves.some((c) => c.unitMs !== unit)) return null;
  if (ctxTable.rows.kind === 'fixed' || ctxTable.rows.parent !== v0.table) return null;
  const d = v0.decay ? segmentCase(segKey(ctx, v0.decay, 'p'), v0.decay.multipliers) : '1.0';
  const age = `(${ms(`x.${ident(v0.timeRef)}`)} - ${ms(`p.${ident(v0.createdAt)}`)})`;
  const k = bucketSql(age, d, unit);
  const m = curves.map((c) => curveSql(c, k)).join(' * ');
  return { sql: `(CASE WHEN x.${ident(v0.timeRef)} IS NULL OR p.${ident(v0.createdAt)} IS NULL THEN 1.0 ELSE ${m} END)`, k: `(CASE WHEN x.${ident(v0.timeRef)} IS NULL OR p.${ident(v0.createdAt)} IS NULL THEN -1 ELSE ${k} END)`, unit, curves };
}

function isInt(x: number): boolean {
  return Number.isInteger(x);
}

const segmentValueRatio: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const vm of valueColumns(ctx)) {
    if (vm.segs.length !== 1) continue;
    const scale = vm.segs[0];
    const mults = Object.values(scale.multipliers);
    if (!mults.some((m) => m !== 1)) continue;
    const t = vm.t;
    const own = await ownRows(ctx, t);
    const cf = curveFactorSql(ctx, vm, t);
    const lk = await links(ctx, t, [scale.table, ...vm.vints.map((v) => v.table)]);
    if (!own || !cf || !lk) continue;
    const segExpr = lk.seg(scale);
    if (!segExpr) continue;
    // int columns: the exact rounded mean per segment (the value curve would round a different product per row: not checked).
    const intCol = vm.col.type === 'int';
    const exact = intCol && !vm.vints.length;
    if (intCol && !exact) continue;
    const v = `x.${ident(vm.col.name)}`;
    const cl = clampSql(vm, 'v', 'f');
    const rows = await ctx.db.all(`SELECT seg, count(*) AS n, avg(v / f) AS mean, var_samp(v / f) AS var, ${cl.low} AS low, ${cl.high} AS high FROM (
        SELECT ${segExpr} AS seg, CAST(${v} AS DOUBLE) AS v, ${cf.sql} AS f FROM ${own} x ${lk.joins} WHERE ${v} IS NOT NULL AND ${await unlabelled(ctx, t, 'x', vm.col.name)})
      WHERE f > 0 GROUP BY 1`);
    if (!exact && rows.some((r) => n(r.high) > 0)) continue;
    if (rows.some((r) => n(r.low) > 0) && mayBeNegative(vm) && !exact) continue;
    const cells = rows.filter((r) => n(r.n) >= 30).map((r) => {
      const seg = r.seg === null ? '(null)' : String(r.seg);
      const m = r.seg === null ? 1 : scale.multipliers[String(r.seg)] ?? 1;
      const e = exact ? intMean(vm, m) : m;
      return { seg, m, e, n: n(r.n), mean: n(r.mean), se: Math.sqrt(Math.max(0, n(r.var)) / n(r.n)), slack: exact ? 0 : n(r.low) / n(r.n) };
    });
    if (cells.length < 2 || cells.some((c) => c.e === null || !(c.e! > 0) || !(c.mean > 0))) continue;
    cells.sort((a, b) => b.n - a.n || (a.seg < b.seg ? -1 : 1));
    const b = cells[0];
    const family = familyFactor(cells.length - 1);
    const res = cells.map((c) => {
      const obs = c.mean / b.mean;
      const exp = c.e! / b.e!;
      if (c === b) return { c, obs, exp, j: { status: 'pass' as CheckStatus, tolerance: 0, z: 0 } };
      const se = obs * Math.sqrt((c.se / c.mean) ** 2 + (b.se / b.mean) ** 2) * family;
      return { c, obs, exp, j: judge(obs, exp, se, exp * (c.slack / c.mean + b.slack / b.mean)) };
    });
    const status = worst(res.map((r) => r.j.status));
    const bad = [...res].sort((x, y) => Math.abs(y.j.z) - Math.abs(x.j.z))[0];
    out.push({
      check: 'segment_value_ratio', category: 'behavioural', table: t.id, column: vm.col.name, hard: false, status, specPath: nodePath(ctx, scale.table, 'segment_behavior', 'applies_to_columns'),
      expected: Object.fromEntries(res.map((r) => [r.c.seg, round(r.exp)])), observed: Object.fromEntries(res.map((r) => [r.c.seg, round(r.obs)])),
      tolerance: Object.fromEntries(res.map((r) => [r.c.seg, round(r.j.tolerance)])), examples: res.filter((r) => r.j.status !== 'pass').slice(0, 5).map((r) => r.c.seg),
      message: `mean ${vm.col.name}${vm.vints.length ? ' ÷ its value curve' : ''} by ${scale.table}.${scale.column} relative to "${b.seg}" against value_multiplier${exact && !mults.every(isInt) ? ' (int rounding computed exactly)' : ''}: ${status === 'pass' ? 'all within tolerance' : `"${bad.c.seg}" is ${fmt(bad.obs)}, expected ${fmt(bad.exp)} (z = ${fmt(bad.j.z, 1)})`}`,
      chart: { kind: 'bars', title: `${t.id}: mean ${vm.col.name} by ${scale.column} (÷ "${b.seg}")`, labels: res.map((r) => r.c.seg), expected: res.map((r) => round(r.exp)), observed: res.map((r) => round(r.obs)) },
    });
  }
  return out;
};

const valueCurve: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const vm of valueColumns(ctx)) {
    if (!vm.vints.length || vm.segs.length > 1) continue;
    const t = vm.t;
    const own = await ownRows(ctx, t);
    const cf = curveFactorSql(ctx, vm, t);
    const lk = await links(ctx, t, [vm.vints[0].table, ...vm.segs.map((s) => s.table)]);
    if (!own || !cf || !lk) continue;
    const seg = vm.segs[0];
    const segM = seg ? segmentCase(lk.seg(seg) ?? 'NULL', seg.multipliers) : '1.0';
    const intCol = vm.col.type === 'int';
    // int columns: exact only for a discrete draw with clamps before the curve and no segment multiplier besides it.
    if (intCol && (seg || !vm.pre || !isDiscrete(vm.dist as DistName))) continue;
    const v0 = vm.vints[0];
    const v = `x.${ident(vm.col.name)}`;
    const cl = clampSql(vm, 'v', 'sm * m');
    const parentT = ctx.table(v0.table)!;
    const span = await ctx.db.all(`SELECT ${ms(`max(${ident(v0.createdAt)})`)} - ${ms(`min(${ident(v0.createdAt)})`)} AS s FROM ${ident(parentT.id)}`);
    const g = cohortGrain(n(span[0]?.s) || 0);
    const rows = (await ctx.db.all(`SELECT cohort, k, any_value(m) AS m, count(*) AS n, sum(v / (sm * m)) AS sy, sum((v / (sm * m)) ^ 2) AS syy, sum(v / sm) AS sv, ${cl.low} AS low, ${cl.high} AS high FROM (
        SELECT strftime(date_trunc('${g.trunc}', CAST(p.${ident(v0.createdAt)} AS TIMESTAMP)), '${g.fmt}') AS cohort, ${cf.k} AS k, ${cf.sql} AS m, ${segM} AS sm, CAST(${v} AS DOUBLE) AS v
        FROM ${own} x ${lk.joins} WHERE ${v} IS NOT NULL AND x.${ident(v0.timeRef)} IS NOT NULL AND p.${ident(v0.createdAt)} IS NOT NULL AND ${await unlabelled(ctx, t, 'x', vm.col.name)})
      WHERE m > 0 AND sm > 0 GROUP BY ALL`)).map((r) => ({ cohort: String(r.cohort), k: n(r.k), m: n(r.m), n: n(r.n), sy: n(r.sy), syy: n(r.syy), sv: n(r.sv), low: n(r.low), high: n(r.high) }));
    if (!rows.length || (!intCol && rows.some((r) => r.high > 0))) continue;
    if (!intCol && rows.some((r) => r.low > 0) && mayBeNegative(vm)) continue;
    if (intCol) for (const r of rows) r.low = 0; // the exact int model includes the clamps
    // R_k: E[value ÷ (segment × curve)] relative to the undivided draw (1 for continuous values; the rounded mean for int).
    const rk = new Map<number, number>();
    for (const r of rows) {
      if (rk.has(r.k)) continue;
      if (!intCol) rk.set(r.k, 1);
      else {
        const e = intMean(vm, r.m);
        const base = intMean(vm, 1);
        if (e === null || base === null || !(base > 0)) break;
        rk.set(r.k, e / r.m / base);
      }
    }
    if (rows.some((r) => !rk.has(r.k))) continue;
    const S = rows.reduce((a, r) => a + r.sy, 0);
    const D = rows.reduce((a, r) => a + r.n * rk.get(r.k)!, 0);
    const varOf = (r: { n: number; sy: number; syy: number }) => Math.max(0, r.syy - (r.sy * r.sy) / r.n) * (r.n / Math.max(1, r.n - 1));
    const mu = S / D;
    const varMu = rows.reduce((a, r) => a + varOf(r), 0) / (D * D);
    if (!(mu > 0) || D < 30) continue;
    // Age groups: each bucket up to MAX_AGE, the oldest pooled until a group holds 30 rows.
    const groups: { label: string; age: number; n: number; S: number; D: number; V: number; low: number; sv: number; em: number }[] = [];
    for (const r of [...rows].sort((a, b) => a.k - b.k)) {
      const age = Math.min(r.k, MAX_AGE);
      let gr = groups.find((x) => x.age === age);
      if (!gr) groups.push((gr = { label: age >= MAX_AGE ? `≥${age}` : String(age), age, n: 0, S: 0, D: 0, V: 0, low: 0, sv: 0, em: 0 }));
      gr.n += r.n;
      gr.S += r.sy;
      gr.D += r.n * rk.get(r.k)!;
      gr.V += varOf(r);
      gr.low += r.low;
      gr.sv += r.sv;
      gr.em += r.n * r.m * rk.get(r.k)!;
    }
    while (groups.length > 1 && groups[groups.length - 1].n < 30) {
      const last = groups.pop()!;
      const prev = groups[groups.length - 1];
      for (const key of ['n', 'S', 'D', 'V', 'low', 'sv', 'em'] as const) prev[key] += last[key];
      prev.label = `≥${prev.age}`;
    }
    const family = familyFactor(groups.filter((gr) => gr.n >= 30).length);
    const judged = groups.filter((gr) => gr.n >= 30).map((gr) => {
      const ratio = gr.S / gr.D / mu;
      const se = Math.sqrt(gr.V / (gr.D * gr.D) / (mu * mu) + varMu / (mu * mu)) * family;
      return { gr, ratio, j: judge(ratio, 1, se, gr.low / gr.D / mu) };
    });
    if (judged.length < 2) continue;
    // chi-square over cohort × age cells (30 rows or more) around the fitted level.
    let chi2 = 0;
    let df = -1;
    const byCell = new Map<string, { S: number; D: number; V: number; n: number }>();
    for (const r of rows) {
      const key = `${r.cohort}\u0001${Math.min(r.k, MAX_AGE)}`;
      const c = byCell.get(key) ?? { S: 0, D: 0, V: 0, n: 0 };
      c.S += r.sy;
      c.D += r.n * rk.get(r.k)!;
      c.V += varOf(r);
      c.n += r.n;
      byCell.set(key, c);
    }
    // Under the promise every y = value ÷ (multipliers) has the same distribution: its pooled variance (a cell's own
    // sample variance from few rows would inflate the statistic).
    const pooled = rows.reduce((a, r) => a + Math.max(0, r.syy - (r.sy * r.sy) / r.n), 0) / Math.max(1, rows.reduce((a, r) => a + r.n, 0) - rows.length);
    for (const c of byCell.values()) {
      if (c.n >= 50 && pooled > 0) {
        chi2 += (c.S - mu * c.D) ** 2 / (c.n * pooled);
        df++;
      }
    }
    const z = df > 0 ? wilsonHilferty(chi2, df) : 0;
    const status = worst([...judged.map((x) => x.j.status), z <= PASS_Z ? 'pass' : z <= FAIL_Z ? 'warn' : 'fail']);
    const bad = [...judged].sort((a, b) => Math.abs(b.j.z) - Math.abs(a.j.z))[0];
    const unit = UNIT_NAMES[cf.unit] ?? `${fmt(cf.unit / 86_400_000)} days`;
    // the heatmap's cells: y ÷ level per cohort × age, rows as the weight
    const cells = rows.map((r) => ({ cohort: r.cohort, age: Math.min(r.k, MAX_AGE), parents: r.n, o: r.sv / mu, e: r.n * r.m * rk.get(r.k)!, v: 0 }));
    out.push({
      check: 'vintage_curve', category: 'behavioural', table: t.id, column: vm.col.name, hard: false, status, specPath: nodePath(ctx, v0.table, 'vintage_behavior', 'age_based_multipliers'),
      expected: Object.fromEntries(judged.map((x) => [x.gr.label, round(x.gr.em / x.gr.n)])), observed: Object.fromEntries(judged.map((x) => [x.gr.label, round(x.gr.sv / x.gr.n / mu)])),
      tolerance: { per_age: Object.fromEntries(judged.map((x) => [x.gr.label, round(x.j.tolerance)])), chi2: round(chi2), df, z: round(z, 3) },
      examples: judged.filter((x) => x.j.status !== 'pass').slice(0, 5).map((x) => `age ${x.gr.label}: ${fmt(x.ratio)} × the curve`),
      message: `mean ${vm.col.name}${seg ? ` ÷ the ${seg.column} value_multiplier` : ''} by the ${ctx.table(v0.table)?.id ?? v0.table}'s age (${unit}s${v0.decay ? ' × decay_rate' : ''}) against the value curve (level fitted): ${status === 'pass' ? `${judged.length} ages within tolerance, cohort × age χ² z = ${fmt(z, 2)}`
        : Math.abs(bad.j.z) > PASS_Z ? `age ${bad.gr.label} is ${fmt(bad.ratio)} × the curve (z = ${fmt(bad.j.z, 1)})` : `cohort × age χ² = ${fmt(chi2, 1)} on ${df + 1} cells (z = ${fmt(z, 1)})`}`,
      chart: ageHeatmap(cells, judged.map((x) => x.gr), `${t.id}: mean ${vm.col.name} ÷ level by cohort × age (${unit}s)`),
    });
  }
  return out;
};

export const VALUE_CHECKS_COHORT: { name: string; run: CheckModule }[] = [
  { name: 'segment_value_ratio', run: segmentValueRatio },
  { name: 'vintage_curve_values', run: valueCurve },
];
