/**
 * Stage funnels (DSL §5.3, docs/behaviours/funnels.md, src/model/funnel.ts): stage-to-stage conversion
 * against transition_rate × the parent segment's transition multiplier (`funnel_conversion`), and the order
 * every funnel keeps (`funnel_order`, hard): stages 0..r−1 once each, named as declared, strictly later than the
 * stage before, stage 0 at the parent's start, no later stage past the window end.
 */
import { distCdf, type DistName } from '../../model/distributions.ts';
import type { DelayPlan, FunnelPlan, TablePlan } from '../../ir/types.ts';
import { dbl, ident, lit, n } from '../sql.ts';
import { judge, PASS_Z, pct, round, shareSE, worst } from '../stats.ts';
import type { CheckModule, CheckResult, ValidateContext } from '../types.ts';
import { familyFactor, fmt, listLit, ms, parentLink, segKey, unlabelled, type ParentLink } from './cohorts-common.ts';
import { nodePath } from '../structural.ts';

const DAY = 86_400_000;
/** A stage is judged only on parents whose previous stage leaves time for the delay's 1 − 1e-10 quantile before the window end. */
const CENSOR_TAIL = 1e-10;

interface FunnelTable extends ParentLink {
  t: TablePlan;
  f: FunnelPlan;
  name: string;
  index: string;
  time: string;
}

async function funnelTables(ctx: ValidateContext): Promise<FunnelTable[]> {
  const out: FunnelTable[] = [];
  for (const t of ctx.plan.tables) {
    if (t.rows.kind !== 'stages' || !ctx.present.has(t.id)) continue;
    const col = (field: string) => t.columns.find((c) => c.generator.kind === 'stage' && c.generator.field === field)?.name;
    const [name, index, time] = [col('name'), col('index'), col('time')];
    const link = name && index && time ? await parentLink(ctx, t, t.rows.parent) : null;
    if (!link || !name || !index || !time) continue;
    out.push({ t, f: t.rows.funnel, name, index, time, ...link });
  }
  return out;
}

/** The funnel's stage rows (pkey, k, nm, t: epoch ms) that meet `where` (on alias x), as a subquery. */
function stageRows(ft: FunnelTable, where = 'TRUE'): string {
  return `(SELECT x.${ident(ft.fk)} AS pkey, CAST(x.${ident(ft.index)} AS BIGINT) AS k, CAST(x.${ident(ft.name)} AS VARCHAR) AS nm, ${ms(`x.${ident(ft.time)}`)} AS t FROM ${ft.own} x WHERE ${where})`;
}

/** Upper bound of the time from stage k − 1 to stage k (delay quantile 1 − CENSOR_TAIL, rounding included), or null. */
export function delayMargin(d: DelayPlan, dateOnly: boolean): number | null {
  let msv: number;
  if (d.kind === 'fixed') msv = d.ms;
  else {
    let x: number | null = d.clamp[1] !== null ? d.clamp[1] : quantile(d.dist as DistName, d.params, 1 - CENSOR_TAIL);
    if (x === null) return null;
    if (d.clamp[1] !== null) x = Math.min(x, d.clamp[1]);
    if (d.clamp[0] !== null) x = Math.max(x, d.clamp[0]);
    msv = Math.max(0, x) * d.unitMs;
  }
  return dateOnly ? Math.max(msv, DAY) : msv + 1000;
}

function quantile(dist: DistName, params: Record<string, number | string>, p: number): number | null {
  const cdf = (x: number) => distCdf(dist, params, x);
  if (Number.isNaN(cdf(1))) return null;
  let hi = 1;
  for (let i = 0; i < 2000 && cdf(hi) < p; i++) hi *= 2;
  if (!(cdf(hi) >= p)) return null;
  let lo = 0;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) >= p) hi = mid;
    else lo = mid;
  }
  return hi;
}

const funnelConversion: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const ft of await funnelTables(ctx)) {
    const { t, f, parent } = ft;
    const K = f.stages.length;
    if (K < 2) continue;
    const margins = f.stages.map((s, k) => (k === 0 ? 0 : delayMargin(s.delay, f.dateOnly)));
    if (margins.some((m) => m === null)) continue;
    const seg = f.segments ? segKey(ctx, f.segments, 'p') : 'NULL';
    const rows = await ctx.db.all(`WITH s AS ${stageRows(ft, await unlabelled(ctx, t, 'x'))},
      d AS (SELECT a.pkey, a.k + 1 AS k, b.pkey IS NOT NULL AS hit FROM s a LEFT JOIN s b ON b.pkey = a.pkey AND b.k = a.k + 1
            WHERE a.k >= 0 AND a.k < ${K - 1} AND a.t + list_extract(${listLit(margins as number[])}, a.k + 2) <= ${dbl(f.endMs)})
      SELECT d.k, ${seg} AS seg, count(*) AS den, count(*) FILTER (WHERE hit) AS num FROM d JOIN ${ft.parentRows} p ON p.${ident(parent.pk!)} = d.pkey GROUP BY ALL ORDER BY 1, 2`);
    const mult = (s: unknown) => (f.segments && s !== null ? f.segments.multipliers[String(s)] ?? 1 : 1);
    const stages = f.stages.slice(1).map((s, i) => ({ k: i + 1, name: s.name, den: 0, num: 0, e: 0, v: 0 }));
    // Comparisons (each stage pooled over segments, and each stage × segment cell), judged together below.
    const cells: { obs: number; p: number; se: number; what: string }[] = [];
    for (const r of rows) {
      const k = n(r.k);
      const st = stages[k - 1];
      if (!st) continue;
      const den = n(r.den);
      const hit = n(r.num);
      const p = Math.min(1, f.stages[k].rate * mult(r.seg));
      st.den += den;
      st.num += hit;
      st.e += den * p;
      st.v += den * p * (1 - p);
      // A segment's cell is judged alone when the normal approximation holds (or the rate is 0 or 1: exact).
      if (f.segments && (p === 0 || p === 1 || den * Math.min(p, 1 - p) >= 10)) cells.push({ obs: hit / den, p, se: shareSE(p, den), what: `${st.name} (${f.segments.column} ${r.seg ?? 'null'}): ${pct(hit / den, 1)} vs ${pct(p, 1)}` });
    }
    const judged = stages.filter((s) => s.den >= 20);
    if (!judged.length) continue;
    const pooled = judged.map((s) => {
      const p = s.e / s.den;
      const se = Math.sqrt(s.v) / s.den;
      // the normal approximation needs some variance (or none at all: every rate 0 or 1)
      if (s.v >= 10 || s.v === 0) cells.push({ obs: s.num / s.den, p, se, what: `${s.name}: ${pct(s.num / s.den, 1)} vs ${pct(p, 1)}` });
      return { s, p, se, obs: s.num / s.den };
    });
    const family = familyFactor(cells.length);
    const verdicts = cells.map((c) => ({ ...judge(c.obs, c.p, c.se * family), what: c.what }));
    const status = worst(verdicts.map((v) => v.status));
    const bad = verdicts.filter((v) => v.status !== 'pass').sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    const names = (i: number) => `${f.stages[pooled[i].s.k - 1].name} → ${pooled[i].s.name}`;
    out.push({
      check: 'funnel_conversion', category: 'behavioural', table: t.id, column: ft.index, hard: false, status, specPath: nodePath(ctx, t.id, 'stage_config', 'stages'),
      expected: Object.fromEntries(pooled.map((x) => [x.s.name, round(x.p)])), observed: Object.fromEntries(pooled.map((x) => [x.s.name, round(x.obs)])),
      tolerance: Object.fromEntries(pooled.map((x) => [x.s.name, round(PASS_Z * x.se * family)])), examples: bad.slice(0, 5).map((v) => v.what),
      message: `stage-to-stage conversion against transition_rate${f.segments ? ` × the ${f.segments.column} multiplier` : ''} (parents whose previous stage leaves room for the delay before the window end): ${status === 'pass' ? `${pooled.length} stages${f.segments ? ' and their segments' : ''} within tolerance` : bad[0].what}`,
      chart: { kind: 'bars', title: `${t.id}: conversion from the previous stage`, labels: pooled.map((_, i) => names(i)), expected: pooled.map((x) => round(x.p)), observed: pooled.map((x) => round(x.obs)), unit: '%' },
    });
  }
  return out;
};

const funnelOrder: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const ft of await funnelTables(ctx)) {
    const { t, f, parent } = ft;
    const K = f.stages.length;
    const gap = f.dateOnly ? DAY : 1;
    const start = f.startFrom ? (f.dateOnly ? `floor(${ms(`p.${ident(f.startFrom)}`)} / ${DAY}) * ${DAY}` : ms(`p.${ident(f.startFrom)}`)) : null;
    const names = `[${f.stages.map((s) => lit(s.name)).join(', ')}]`;
    const viol = `WITH s AS ${stageRows(ft)},
      o AS (SELECT *, lag(t) OVER (PARTITION BY pkey ORDER BY k) AS pt, lag(k) OVER (PARTITION BY pkey ORDER BY k) AS pk FROM s),
      g AS (SELECT pkey, count(*) AS c, count(DISTINCT k) AS dk, min(k) AS k0, max(k) AS k1 FROM s GROUP BY 1),
      v AS (
        SELECT pkey, 'stage indexes are not 0..r−1 once each' AS why FROM g WHERE c <> dk OR k0 <> 0 OR k1 <> c - 1 OR k1 >= ${K}
        UNION ALL SELECT pkey, 'a stage name differs from its index' FROM s WHERE k BETWEEN 0 AND ${K - 1} AND nm IS DISTINCT FROM list_extract(${names}, k + 1)
        UNION ALL SELECT pkey, 'a stage is not later than the one before' FROM o WHERE pk IS NOT NULL AND (t IS NULL OR pt IS NULL OR t < pt + ${gap})
        UNION ALL SELECT pkey, 'a later stage is past the window end' FROM s WHERE k > 0 AND t > ${dbl(f.endMs)}
        UNION ALL SELECT p.${ident(parent.pk!)}, 'the parent has no funnel' FROM ${ft.parentRows} p ANTI JOIN g ON g.pkey = p.${ident(parent.pk!)}
        ${start ? `UNION ALL SELECT s.pkey, 'stage 0 is not at the parent''s ${f.startFrom}' FROM s JOIN ${ft.parentRows} p ON p.${ident(parent.pk!)} = s.pkey WHERE s.k = 0 AND ${start} IS NOT NULL AND s.t IS DISTINCT FROM ${start}` : ''})`;
    const counts = await ctx.db.all(`${viol} SELECT why, count(DISTINCT pkey) AS n FROM v GROUP BY 1 ORDER BY 2 DESC`);
    const bad = counts.reduce((a, r) => a + n(r.n), 0);
    const ex = bad ? (await ctx.db.all(`${viol} SELECT DISTINCT CAST(pkey AS VARCHAR) AS k, why FROM v ORDER BY 1 LIMIT 5`)).map((r) => `${parent.id} ${r.k}: ${r.why}`) : [];
    out.push({
      check: 'funnel_order', category: 'behavioural', table: t.id, column: ft.time, hard: true, status: bad ? 'fail' : 'pass', specPath: nodePath(ctx, t.id, 'stage_config'),
      expected: 0, observed: bad, tolerance: 0, examples: ex,
      message: bad ? `${counts.map((r) => `${fmt(n(r.n), 0)} ${parent.id} rows: ${r.why}`).join('; ')}`
        : `every ${parent.id} row has one funnel: stages 0..r−1 in order, named as declared, strictly later each${start ? `, stage 0 at its ${f.startFrom}` : ''}, none past the window end`,
    });
  }
  return out;
};
export const FUNNEL_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'funnel_conversion', run: funnelConversion },
  { name: 'funnel_order', run: funnelOrder },
];
