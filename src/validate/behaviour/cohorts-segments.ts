/**
 * Segments (DSL §5.1, docs/behaviours/segments.md): children per parent row by the parent's segment
 * (`segment_ratio`, relative to the largest segment, against the fanout multipliers and what the fanout model
 * with its vintage factor and min/max gives each parent) and the share of picked rows per segment of a
 * non-primary parent (`segment_share`, ∝ weights_by × fanout multiplier).
 */
import type { SegmentScale, TablePlan } from '../../ir/types.ts';
import { ident, n } from '../sql.ts';
import { judge, judgeShares, pct, round, worst } from '../stats.ts';
import type { CheckModule, CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import { type Base, familyFactor, fmt, ownRows, parentLink, segKey, segmentCase } from './cohorts-common.ts';
import { nodePath } from '../structural.ts';
import { vintageFrame } from './cohorts-frame.ts';
import { fanoutMoments } from '../fanout-model.ts';

/** Segments with fewer expected children (or active periods) than this are left out (normal approximation). */
const MIN_EXPECTED = 20;

export interface SegmentCell { seg: string; units: number; observed: number; expected: number; variance: number }

/**
 * Judge per-segment observed/expected totals as ratios to the base segment (the one with the most units):
 * r_s = (O_s/N_s)/(O_b/N_b) against ρ_s = (E_s/N_s)/(E_b/N_b), SE from the model variances of O_s and O_b.
 */
export function segmentRatios(base: Base, cells: SegmentCell[], scale: SegmentScale, what: string, unitName: string): CheckResult | null {
  const kept = cells.filter((c) => c.expected >= MIN_EXPECTED && c.variance >= 10 && c.units > 0);
  if (kept.length < 2) return null;
  kept.sort((a, b) => b.units - a.units || (a.seg < b.seg ? -1 : 1));
  const b = kept[0];
  const mult = (s: string) => scale.multipliers[s] ?? 1;
  const family = familyFactor(kept.length - 1);
  const rows = kept.map((c) => {
    const obs = c.observed / c.units / (b.observed / b.units);
    const exp = c.expected / c.units / (b.expected / b.units);
    const se = c === b ? 0 : exp * Math.sqrt(c.variance / c.expected ** 2 + b.variance / b.expected ** 2) * family;
    const j = c === b ? { status: 'pass' as CheckStatus, tolerance: 0, z: 0 } : judge(obs, exp, se);
    return { c, obs, exp, j };
  });
  const status = worst(rows.map((r) => r.j.status));
  const bad = [...rows].sort((x, y) => Math.abs(y.j.z) - Math.abs(x.j.z))[0];
  const declared = rows.map((r) => `${r.c.seg} ×${fmt(mult(r.c.seg) / mult(b.seg))}`).join(', ');
  return {
    ...base, status,
    expected: Object.fromEntries(rows.map((r) => [r.c.seg, round(r.exp)])),
    observed: Object.fromEntries(rows.map((r) => [r.c.seg, round(r.obs)])),
    tolerance: Object.fromEntries(rows.map((r) => [r.c.seg, round(r.j.tolerance)])),
    examples: rows.filter((r) => r.j.status !== 'pass').slice(0, 5).map((r) => r.c.seg),
    message: `${what} per ${unitName} by ${scale.column} relative to "${b.seg}" (declared ${declared}): ${status === 'pass' ? 'all within tolerance' : `"${bad.c.seg}" is ${fmt(bad.obs)}, expected ${fmt(bad.exp)} (z = ${fmt(bad.j.z, 1)})`}`,
    chart: { kind: 'bars', title: `${base.table}: ${what} per ${unitName} by ${scale.column} (÷ "${b.seg}")`, labels: rows.map((r) => r.c.seg), expected: rows.map((r) => round(r.exp)), observed: rows.map((r) => round(r.obs)) },
  };
}

/** segment_ratio on fanout tables: children per parent row by segment. */
const fanoutSegments: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (t.rows.kind !== 'fanout' || !t.rows.segments.length || !ctx.present.has(t.id)) continue;
    for (const scale of t.rows.segments) {
      const r = await fanoutSegmentRatio(ctx, t, scale);
      if (r) out.push(r);
    }
  }
  return out;
};

async function fanoutSegmentRatio(ctx: ValidateContext, t: TablePlan, scale: SegmentScale): Promise<CheckResult | null> {
  const rows = t.rows as Extract<TablePlan['rows'], { kind: 'fanout' }>;
  // Table-level effects scale each parent's count by effect values we do not model here.
  if (rows.effects.length || scale.table !== rows.parent) return null;
  const link = await parentLink(ctx, t, rows.parent);
  if (!link) return null;
  const { parent, fk, own, parentRows: P } = link;
  const seg = `${segKey(ctx, scale, 'p')} AS seg`;
  const fm = `${rows.segments.map((s) => segmentCase(segKey(ctx, s, 'p'), s.multipliers)).join(' * ')} AS fm`;
  let sql: string;
  if (rows.vintage) {
    const fr = await vintageFrame(ctx, t, rows.vintage, [seg, fm]);
    if ('skip' in fr) return null;
    const f = fr.frame;
    const factor = f.curves.length ? `coalesce(mass.mass, 0) / ${f.total}` : `CASE WHEN coalesce(mass.mass, 0) > 0 THEN 1.0 ELSE 0.0 END`;
    sql = `WITH ${f.ctes}, lam AS (SELECT par.pkey, par.seg, par.fm * ${factor} AS m FROM par LEFT JOIN mass USING (pkey))`;
  } else {
    sql = `WITH lam AS (SELECT p.${ident(parent.pk!)} AS pkey, ${seg}, ${fm.replace(/ AS fm$/, '')} AS m FROM ${P} p)`;
  }
  sql += `, obs AS (SELECT ${ident(fk)} AS pkey, count(*) AS o FROM ${own} x GROUP BY 1)
    SELECT seg, CASE WHEN m > 0 THEN round(ln(m) * 2000) END AS bin, count(*) AS np, sum(m) AS m, sum(coalesce(obs.o, 0)) AS o
    FROM lam LEFT JOIN obs USING (pkey) GROUP BY ALL`;
  const bins = await ctx.db.all(sql);
  const by = new Map<string, { units: number; observed: number; expected: number; variance: number }>();
  for (const b of bins) {
    const key = b.seg === null ? '(null)' : String(b.seg);
    const np = n(b.np);
    const mom = fanoutMoments(rows.fanout, np > 0 ? n(b.m) / np : 0);
    if (!mom) return null;
    const s = by.get(key) ?? { units: 0, observed: 0, expected: 0, variance: 0 };
    s.units += np;
    s.observed += n(b.o);
    s.expected += np * mom.mean;
    s.variance += np * mom.variance;
    by.set(key, s);
  }
  const base: Base = { check: 'segment_ratio', category: 'behavioural', table: t.id, column: scale.column, hard: false, specPath: nodePath(ctx, scale.table, 'segment_behavior', 'behaviors') };
  const res = segmentRatios(base, [...by].map(([s, c]) => ({ seg: s, ...c })), scale, 'children', `${parent.id} row`);
  if (res && rows.vintage) res.message += ' (each parent\'s expected count includes its vintage factor)';
  return res;
}

/** segment_share: rows picking a non-primary parent fall in its segments ∝ Σ weights_by × fanout multiplier. */
const pickShares: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id)) continue;
    for (const pick of t.picks) {
      const sc = pick.segments;
      const q = ctx.table(pick.table);
      if (!sc || !q?.pk || !ctx.present.has(q.id)) continue;
      const link = t.columns.find((c) => c.generator.kind === 'lookup' && c.generator.via === 'pick' && c.generator.table === q.id && c.generator.column === q.pk && c.modifiers.length === 0);
      const own = await ownRows(ctx, t);
      const Q = await ownRows(ctx, q);
      if (!link || !own || !Q) continue;
      const segQ = segKey(ctx, sc, 'q');
      const w = pick.weightsBy ? `CASE WHEN isfinite(CAST(q.${ident(pick.weightsBy)} AS DOUBLE)) AND q.${ident(pick.weightsBy)} > 0 THEN CAST(q.${ident(pick.weightsBy)} AS DOUBLE) ELSE 0.0 END` : '1.0';
      const rows = await ctx.db.all(`WITH e AS (SELECT ${segQ} AS seg, sum(${w} * ${segmentCase(segQ, sc.multipliers)}) AS mass FROM ${Q} q GROUP BY 1),
        o AS (SELECT ${segQ} AS seg, count(*) AS c FROM ${own} x JOIN ${Q} q ON q.${ident(q.pk)} = x.${ident(link.name)} GROUP BY 1)
        SELECT coalesce(e.seg, o.seg) AS seg, coalesce(e.mass, 0) AS mass, coalesce(o.c, 0) AS c FROM e FULL JOIN o USING (seg) ORDER BY 2 DESC, 1`);
      const total = rows.reduce((a, r) => a + n(r.c), 0);
      if (total < MIN_EXPECTED || rows.length < 2) continue;
      const labels = rows.map((r) => (r.seg === null ? '(null)' : String(r.seg)));
      const counts = rows.map((r) => n(r.c));
      const shares = rows.map((r) => n(r.mass));
      const j = judgeShares(counts, shares);
      const sum = shares.reduce((a, b) => a + b, 0);
      const exp = shares.map((s) => s / sum);
      const worstI = exp.map((e, i) => Math.abs(j.observed[i] - e)).reduce((bi, d, i, a) => (d > a[bi] ? i : bi), 0);
      out.push({
        check: 'segment_share', category: 'behavioural', table: t.id, column: link.name, hard: false, status: j.status,
        specPath: nodePath(ctx, sc.table, 'segment_behavior', 'behaviors'),
        expected: Object.fromEntries(labels.map((l, i) => [l, round(exp[i])])), observed: Object.fromEntries(labels.map((l, i) => [l, round(j.observed[i])])),
        tolerance: round(j.tolerance), examples: j.status === 'pass' ? [] : [labels[worstI]],
        message: `${t.id} rows picking a ${q.id} row by its ${sc.column} (∝ ${pick.weightsBy ? `${pick.weightsBy} × ` : ''}fanout_multiplier): largest deviation ${pct(j.maxDeviation)} ("${labels[worstI]}" ${pct(j.observed[worstI])} vs ${pct(exp[worstI])}), allowed ${pct(j.tolerance)}`,
        chart: { kind: 'bars', title: `${t.id}: share of picked ${q.id} rows by ${sc.column}`, labels, expected: exp.map((x) => round(x)), observed: j.observed.map((x) => round(x)), unit: '%' },
      });
    }
  }
  return out;
};
export const SEGMENT_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'segment_ratio', run: fanoutSegments },
  { name: 'segment_share', run: pickShares },
];
