/**
 * Targets (DSL §6): weekend_share, mean_in_range and composite_effect. They are goals the spec sets for the
 * data, not guarantees of generation: soft checks (they lower the score). An observed value inside the target
 * passes; outside by at most PASS_Z standard errors warns (the target may be missed by chance); beyond fails.
 */
import type { ColumnPlan, TablePlan } from '../ir/types.ts';
import { ident, lit, n, one } from './sql.ts';
import { PASS_Z, round, shareSE } from './stats.ts';
import type { CheckModule, CheckStatus, ValidateContext } from './types.ts';

function intervalStatus(x: number, min: number, max: number, se: number): { status: CheckStatus; distance: number } {
  const distance = x < min ? min - x : x > max ? x - max : 0;
  return { status: distance === 0 ? 'pass' : distance <= PASS_Z * se ? 'warn' : 'fail', distance };
}

function lookup(ctx: ValidateContext, table: unknown, column: unknown): { t: TablePlan; c: ColumnPlan } | null {
  const t = typeof table === 'string' ? ctx.table(table) : undefined;
  const c = t?.columns.find((x) => x.name === column);
  return t && c && ctx.present.has(t.id) ? { t, c } : null;
}

const weekendShare: CheckModule = async (ctx) => {
  const w = ctx.doc?.targets?.weekend_share;
  const x = w && lookup(ctx, w.table, w.timestamp);
  if (!x) return [];
  const r = await one(ctx, `SELECT count(*) AS n, count(*) FILTER (WHERE isodow(${ident(x.c.name)}) >= 6) AS w FROM ${ident(x.t.id)} WHERE ${ident(x.c.name)} IS NOT NULL`);
  const total = n(r.n);
  if (!total) return [];
  const share = n(r.w) / total;
  const min = typeof w.min === 'number' ? w.min : 0;
  const max = typeof w.max === 'number' ? w.max : 1;
  // The SE of the share at the nearest edge of the target: an observed 0 % (or 100 %) has no spread of its own.
  const se = shareSE(Math.min(Math.max(share, min), max), total);
  const s = intervalStatus(share, min, max, se);
  return [{ check: 'weekend_share', category: 'targets', table: x.t.id, column: x.c.name, hard: false, specPath: '/targets/weekend_share', status: s.status,
    expected: [min, max], observed: round(share), tolerance: round(PASS_Z * se), examples: [],
    message: `${(share * 100).toFixed(2)} % of ${x.t.id} rows fall on Saturday or Sunday (target ${min * 100}–${max * 100} %)` }];
};

const meanInRange: CheckModule = async (ctx) => {
  const m = ctx.doc?.targets?.mean_in_range;
  const x = m && lookup(ctx, m.table, m.column);
  if (!x) return [];
  const r = await one(ctx, `SELECT count(${ident(x.c.name)}) AS n, avg(${ident(x.c.name)}) AS mean, stddev_samp(${ident(x.c.name)}) AS sd FROM ${ident(x.t.id)}`);
  const count = n(r.n);
  if (!count) return [];
  const mean = n(r.mean);
  const se = (n(r.sd) || 0) / Math.sqrt(count);
  const min = typeof m.min === 'number' ? m.min : -Infinity;
  const max = typeof m.max === 'number' ? m.max : Infinity;
  const s = intervalStatus(mean, min, max, se);
  return [{ check: 'mean_in_range', category: 'targets', table: x.t.id, column: x.c.name, hard: false, specPath: '/targets/mean_in_range', status: s.status,
    expected: [m.min ?? null, m.max ?? null], observed: round(mean), tolerance: round(PASS_Z * se), examples: [],
    message: `mean ${x.c.name} = ${round(mean)} (target ${m.min ?? '−∞'} … ${m.max ?? '∞'})` }];
};

const DIMS: Record<string, { sql: (ts: string) => string; size: number; label: (i: number) => string }> = {
  dow: { sql: (ts) => `isodow(${ts}) - 1`, size: 7, label: (i) => ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][i] },
  hour: { sql: (ts) => `hour(${ts})`, size: 24, label: (i) => `${i}h` },
  month: { sql: (ts) => `month(${ts}) - 1`, size: 12, label: (i) => ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][i] },
};

/**
 * composite_effect: the metric per calendar cell (the product of the seasonality influences' dimensions) over the
 * number of hours of that cell in the timeframe, normalised to mean 1, against the product of the declared weights
 * normalised the same way. MAE and MAPE (a fraction) of the profile against tolerance.mae / tolerance.mape.
 * Effects and outliers among the influences vary along dates or single rows: they average out of the calendar
 * profile and are not modelled. The metric is a column's sum per hour, or the row count per hour
 * (`occurrence_rate`, or a metric that names no column — the message says so).
 */
const compositeEffect: CheckModule = async (ctx) => {
  const ce = ctx.doc?.targets?.composite_effect;
  const t = typeof ce?.table === 'string' ? ctx.table(ce.table) : undefined;
  if (!t || !ctx.present.has(t.id)) return [];
  const ts = t.columns.find((c) => c.type === 'datetime' || c.type === 'date');
  const seas = (Array.isArray(ce.influences) ? ce.influences : []).filter((i: { kind?: string; dimension?: string; weights?: unknown }) => i?.kind === 'seasonality' && DIMS[i.dimension ?? ''] && Array.isArray(i.weights));
  if (!ts || !seas.length) return [];
  const dims = [...new Set<string>(seas.map((s: { dimension: string }) => s.dimension))];
  const metricCol = t.columns.find((c) => c.name === ce.metric && ['int', 'float', 'decimal'].includes(c.type));
  const value = metricCol ? `sum(${ident(metricCol.name)})` : 'count(*)';
  const keys = dims.map((d, i) => `${DIMS[d].sql(ident(ts.name))} AS d${i}`).join(', ');
  const gkeys = dims.map((d, i) => `${DIMS[d].sql('ts')} AS d${i}`).join(', ');
  const by = dims.map((_, i) => `d${i}`).join(', ');
  const { startMs, endMs } = ctx.plan.timeframe;
  const grid = `SELECT ${gkeys}, count(*) AS slots FROM (SELECT unnest(range(${lit(new Date(startMs).toISOString())}::TIMESTAMP, ${lit(new Date(endMs).toISOString())}::TIMESTAMP, INTERVAL 1 HOUR)) AS ts) GROUP BY ${by}`;
  const rows = await ctx.db.all(`SELECT g.*, coalesce(v.v, 0) AS v, coalesce(v.c, 0) AS c FROM (${grid}) g LEFT JOIN (SELECT ${keys}, ${value} AS v, count(*) AS c FROM ${ident(t.id)} WHERE ${ident(ts.name)} IS NOT NULL GROUP BY ${by}) v USING (${by}) ORDER BY ${by}`);
  const cells = rows.map((r) => {
    const idx = dims.map((_, i) => n(r[`d${i}`]));
    let w = 1;
    for (const s of seas) w *= Number(s.weights[idx[dims.indexOf(s.dimension)]] ?? 1);
    return { label: idx.map((k, i) => DIMS[dims[i]].label(k)).join(' '), obs: n(r.v) / n(r.slots), exp: w };
  });
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / (a.length || 1);
  const mo = mean(cells.map((c) => c.obs));
  const me = mean(cells.map((c) => c.exp));
  const obs = cells.map((c) => (mo > 0 ? c.obs / mo : 0));
  const exp = cells.map((c) => (me > 0 ? c.exp / me : 0));
  const mae = mean(obs.map((o, i) => Math.abs(o - exp[i])));
  const mape = mean(obs.map((o, i) => (exp[i] > 0 ? Math.abs(o - exp[i]) / exp[i] : 0)));
  const noise = samplingNoise(cells.map((c) => c.exp), rows.map((r) => n(r.slots)), rows.reduce((a, r) => a + n(r.c), 0));
  const tol = ce.tolerance ?? {};
  const limits = [typeof tol.mae === 'number' ? [mae, tol.mae, noise.mae] : null, typeof tol.mape === 'number' ? [mape, tol.mape, noise.mape] : null].filter((x): x is number[] => x !== null);
  // The data cannot resolve a profile finer than its own sampling noise: too few rows for the tolerance → no check.
  if (!limits.length || limits.some(([, t, z]) => z > t)) return [];
  const r = Math.max(...limits.map(([v, t, z]) => v / (t + 2 * z)));
  const status: CheckStatus = r <= 1 ? 'pass' : r <= 2 ? 'warn' : 'fail';
  const what = metricCol ? `sum of ${metricCol.name}` : ce.metric === 'occurrence_rate' ? 'rows' : `rows (metric ${JSON.stringify(ce.metric)} is not a numeric column of ${t.id})`;
  return [{ check: 'composite_effect', category: 'targets', table: t.id, column: metricCol?.name ?? ts.name, hard: false, specPath: '/targets/composite_effect', status,
    expected: { mae: tol.mae ?? null, mape: tol.mape ?? null }, observed: { mae: round(mae), mape: round(mape) },
    tolerance: { mae: tol.mae ?? null, mape: tol.mape ?? null, sampling_noise_mae: round(noise.mae), sampling_noise_mape: round(noise.mape) }, examples: [],
    message: `${what} per hour by ${dims.join(' × ')} against the product of the declared weights: MAE ${round(mae, 3)}, MAPE ${(mape * 100).toFixed(1)} %`,
    chart: { kind: 'line', title: `${t.id}: ${what} per hour by ${dims.join(' × ')} (mean 1)`, x: cells.map((c) => c.label), expected: exp.map((x) => round(x)), observed: obs.map((x) => round(x)), xLabel: dims.join(' × ') } }];
};

/**
 * The MAE / MAPE that Poisson sampling noise alone gives the normalised profile. A cell of weight w and s hours
 * expects λ = total·w·s / Σ(w·s) rows; its normalised value (rows per hour ÷ the mean over cells) has the
 * standard deviation √λ / s ÷ (total·w̄ / Σ(w·s)), and E|noise| = √(2/π)·sd. Sums of a metric are treated like
 * counts (their relative noise is at least that).
 */
function samplingNoise(weights: number[], slots: number[], total: number): { mae: number; mape: number } {
  const m = weights.reduce((a, w, i) => a + w * slots[i], 0);
  const wbar = weights.reduce((a, w) => a + w, 0) / (weights.length || 1);
  if (!(m > 0) || !(total > 0) || !(wbar > 0)) return { mae: Infinity, mape: Infinity };
  const norm = (total * wbar) / m;
  let mae = 0;
  let mape = 0;
  weights.forEach((w, i) => {
    const e = Math.sqrt(2 / Math.PI) * (Math.sqrt((total * w * slots[i]) / m) / slots[i] / norm);
    mae += e;
    mape += w > 0 ? e / (w / wbar) : 0;
  });
  return { mae: mae / weights.length, mape: mape / weights.length };
}

export const TARGET_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'weekend_share', run: weekendShare },
  { name: 'mean_in_range', run: meanInRange },
  { name: 'composite_effect', run: compositeEffect },
];
