/**
 * Lifecycle statistics: lifecycle_transitions (where completed visits go), lifecycle_duration (stage durations
 * against their distributions, censoring handled) and lifecycle_events (event rates and types per stage).
 */
import { distCdf } from '../../model/dist/cdf.ts';
import type { DistName } from '../../model/dist/types.ts';
import type { LifecycleStagePlan } from '../../ir/types.ts';
import { ident, lit, n, num } from '../sql.ts';
import { judge, judgeCount, pct, round, worst } from '../stats.ts';
import type { CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import { tsLit } from './machines-common.ts';
import { nodePath } from '../structural.ts';
import { type Life, lifecycles } from './machines-lifecycle.ts';

const END = '\u001fend';
/** A visit the parent's lifetime end cut (lifetime.to): censored there, like a visit still running at the timeframe end. */
const CUT = '(t1 IS NOT NULL AND ea = t1)';
/** The instant (ms) up to which a visit is observed: the timeframe end, or its parent's lifetime end when earlier. */
const observedTo = (endMs: number) => `least(coalesce(epoch_ms(t1), ${num(endMs)}), ${num(endMs)})`;
const WEEK = 7 * 86_400_000;

/** lifecycle_transitions: completed visits of a stage with a duration move to each next stage / end as declared. */
export async function lifecycleTransitions(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await lifecycles(ctx)) {
    if (x.l.emit !== 'stages') continue;
    const { l } = x;
    const rows = await ctx.db.all(`${x.withSql}, w AS (SELECT st, ea, t1, coalesce(lead(st) OVER (PARTITION BY e ORDER BY k), ${lit(END)}) AS nx FROM r)
      SELECT st, nx, count(*) AS c FROM w WHERE ea IS NOT NULL AND NOT ${CUT} GROUP BY ALL`);
    const cols = [...l.stages.map((s) => s.name), END];
    const from = l.stages.map((s, i) => ({ s, i })).filter(({ s }) => s.duration && rows.some((r) => r.st === s.name));
    if (!from.length) continue;
    const obs = from.map(({ s }) => cols.map((c) => n(rows.find((r) => r.st === s.name && r.nx === c)?.c ?? 0)));
    const tot = obs.map((r) => r.reduce((a, b) => a + b, 0));
    const exp = from.map(({ s }) => cols.map((_, j) => nextShare(s, j, l.stages.length)));
    let status: CheckStatus = 'pass';
    let w = { r: 0, j: 0, z: -1, tol: 0 };
    from.forEach((_, r) => cols.forEach((_, j) => {
      const jd = judgeCount(obs[r][j], exp[r][j] * tot[r], tot[r]);
      status = worst([status, jd.status]);
      if (Math.abs(jd.z) > w.z) w = { r, j, z: Math.abs(jd.z), tol: jd.tolerance / tot[r] };
    }));
    const name = (j: number) => (cols[j] === END ? 'end' : cols[j]);
    const label = `${from[w.r].s.name}→${name(w.j)}`;
    out.push({
      check: 'lifecycle_transitions', category: 'behavioural', table: x.t.id, column: x.stage, hard: false, specPath: nodePath(ctx, x.t.id, 'lifecycle_model', 'stages'), status,
      expected: { move: label, share: round(exp[w.r][w.j]) }, observed: { move: label, share: round(obs[w.r][w.j] / tot[w.r]), z: round(w.z, 3) }, tolerance: round(w.tol), examples: [],
      message: `${tot.reduce((a, b) => a + b, 0).toLocaleString('en-US')} completed visits against exit_probability and next_stages: largest deviation ${label} ${pct(obs[w.r][w.j] / tot[w.r])} vs ${pct(exp[w.r][w.j])}`,
      chart: { kind: 'heatmap', title: `${x.t.id}: where completed visits go (share per stage)`, rows: from.map(({ s }) => s.name), cols: cols.map((_, j) => name(j)),
        observed: obs.map((r, i) => r.map((c) => round(c / tot[i]))), expected: exp.map((r) => r.map((v) => round(v))), unit: 'share' },
    });
  }
  return out;
}

/** P(a completed visit of s is followed by column j): exit_probability × the share of j among next_stages; the last column is the end. */
function nextShare(s: LifecycleStagePlan, j: number, stages: number): number {
  const k = s.next.length;
  if (!k) return j === stages ? 1 : 0;
  const hits = s.next.filter((x) => (j === stages ? x < 0 : x === j)).length;
  return s.exitProbability * (hits / k) + (j === stages ? 1 - s.exitProbability : 0);
}

/** P(duration > t ms) of a stage duration as the engine draws it (clamped, in its unit, at least one second). */
export function survival(d: NonNullable<LifecycleStagePlan['duration']>, t: number): number {
  if (t < 1000) return 1;
  const x = t / d.unitMs;
  if (d.clamp[1] !== null && x >= d.clamp[1]) return 0;
  if (d.clamp[0] !== null && x < d.clamp[0]) return 1;
  return Math.min(1, Math.max(0, 1 - distCdf(d.dist as DistName, d.params, x)));
}

/** E[min(D, h)] = ∫₀ʰ P(D > t) dt (midpoint rule, fine enough for step functions too). */
export function restrictedMean(d: NonNullable<LifecycleStagePlan['duration']>, h: number, steps = 20_000): number {
  const dt = h / steps;
  let s = 0;
  for (let i = 0; i < steps; i++) s += survival(d, (i + 0.5) * dt);
  return s * dt;
}

/** The duration below which 99 % of draws fall (ms). */
function quantile99(d: NonNullable<LifecycleStagePlan['duration']>): number {
  let hi = d.unitMs;
  for (let i = 0; i < 80 && survival(d, hi) > 0.01; i++) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (survival(d, mid) > 0.01) lo = mid;
    else hi = mid;
  }
  return hi;
}

const POINTS = 8;

/**
 * lifecycle_duration. A stage with a duration: visits that started at least h before the timeframe end (h = the
 * 99th percentile of the duration, at most the median time those visits had left) are observed up to h whatever
 * their outcome, so their restricted mean E[min(D, h)] and survival P(D > t) at 8 points up to h are compared
 * with the declared distribution. A stage that only churns: churns per period survived (binomial).
 */
export async function lifecycleDuration(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await lifecycles(ctx)) {
    if (x.l.emit !== 'stages' || x.dateOnly) continue;
    if (!x.l.stages.some((s) => s.duration || s.churnPerPeriod > 0)) continue;
    const P = x.l.periodMs;
    // One scan for every stage: the median time left after a visit starts (durations), churns and periods survived (churn only).
    const to = observedTo(x.l.endMs);
    const rows = await ctx.db.all(`${x.withSql} SELECT st, median(${to} - epoch_ms(sa)) AS c, count(*) FILTER (WHERE ea IS NOT NULL AND NOT ${CUT}) AS churned,
        sum(CASE WHEN ea IS NOT NULL AND NOT ${CUT} THEN (epoch_ms(ea) - epoch_ms(sa)) / ${num(P)} ELSE floor((${to} - epoch_ms(sa)) / ${num(P)}) END) AS exposure
      FROM r WHERE sa <= ${tsLit(x.l.endMs)} GROUP BY 1`);
    const byStage = new Map(rows.map((r) => [String(r.st), r]));
    for (const [k, s] of x.l.stages.entries()) {
      const row = byStage.get(s.name) ?? {};
      const r = s.duration ? await durationCheck(ctx, x, s, k, n(row.c)) : s.churnPerPeriod > 0 ? churnCheck(ctx, x, s, k, row) : null;
      if (r) out.push(r);
    }
  }
  return out;
}

/** `left`: the median time to the timeframe end of the stage's visits (started by then). */
async function durationCheck(ctx: ValidateContext, x: Life, s: LifecycleStagePlan, k: number, left: number): Promise<CheckResult | null> {
  const d = s.duration!;
  const endMs = x.l.endMs;
  // A visit cut by its parent's lifetime end has no duration (censored), like one still running at the timeframe end.
  const dur = `(CASE WHEN ${CUT} THEN NULL ELSE epoch_ms(ea) - epoch_ms(sa) END)`;
  const h = Math.min(quantile99(d), left);
  if (!(h > 1000)) return null;
  const ts = Array.from({ length: POINTS }, (_, i) => (h * (i + 1)) / POINTS);
  const surv = ts.map((t, i) => `count(*) FILTER (WHERE coalesce(${dur}, 1e18) > ${num(t)}) AS s${i}`).join(', ');
  const row = (await ctx.db.all(`${x.withSql} SELECT count(*) AS n, avg(y) AS mean, stddev_samp(y) AS sd, ${surv} FROM (SELECT sa, ea, t1, least(coalesce(${dur}, ${num(h)}), ${num(h)}) AS y FROM r WHERE st = ${lit(s.name)} AND epoch_ms(sa) <= ${observedTo(endMs)} - ${num(h)})`))[0] ?? {};
  const cnt = n(row.n);
  if (!(cnt >= 20)) return null;
  const unit = d.unitMs;
  const expMean = restrictedMean(d, h);
  // A distribution without a closed-form CDF here cannot be judged.
  if (!Number.isFinite(expMean) || !Number.isFinite(survival(d, h / 2))) return null;
  // Durations are rounded to the second (and at least one): half a second of slack on the mean.
  const jm = judge(n(row.mean), expMean, (n(row.sd) || 0) / Math.sqrt(cnt), 500);
  const points = ts.map((t, i) => ({ t, obs: n(row[`s${i}`]) / cnt, exp: survival(d, t), j: judgeCount(n(row[`s${i}`]), survival(d, t) * cnt, cnt) }));
  const status = worst([jm.status, ...points.map((p) => p.j.status)]);
  const u = unitName(unit);
  return {
    check: 'lifecycle_duration', category: 'behavioural', table: x.t.id, column: x.stage, hard: false, specPath: nodePath(ctx, x.t.id, 'lifecycle_model', `stages/${k}/duration`), status,
    expected: { stage: s.name, restricted_mean: round(expMean / unit), horizon: round(h / unit) }, observed: { stage: s.name, restricted_mean: round(n(row.mean) / unit), visits: cnt },
    tolerance: round(jm.tolerance / unit), examples: [],
    message: `${s.name}: ${d.dist} durations of ${cnt.toLocaleString('en-US')} visits observed for ${round(h / unit, 3)} ${u}s: mean of min(duration, ${round(h / unit, 3)}) ${round(n(row.mean) / unit, 4)} vs ${round(expMean / unit, 4)} ${u}s; survival at ${POINTS} points ${worst(points.map((p) => p.j.status))}`,
    chart: { kind: 'line', title: `${x.t.id}: share of ${s.name} visits lasting longer than t`, x: ts.map((t) => round(t / unit, 3)), expected: points.map((p) => round(p.exp)), observed: points.map((p) => round(p.obs)), xLabel: `${u}s`, unit: 'share' },
  };
}

/** `row`: the stage's churned visits and periods survived (started by the timeframe end). */
function churnCheck(ctx: ValidateContext, x: Life, s: LifecycleStagePlan, k: number, row: Record<string, unknown>): CheckResult | null {
  const exposure = Math.round(n(row.exposure));
  if (!(exposure > 0)) return null;
  const churned = n(row.churned);
  const j = judgeCount(churned, s.churnPerPeriod * exposure, exposure);
  return {
    check: 'lifecycle_duration', category: 'behavioural', table: x.t.id, column: x.stage, hard: false, specPath: nodePath(ctx, x.t.id, 'lifecycle_model', `stages/${k}/churn_probability_per_period`), status: j.status,
    expected: { stage: s.name, churn_per_period: s.churnPerPeriod }, observed: { stage: s.name, churn_per_period: round(churned / exposure), periods: exposure }, tolerance: round(j.tolerance / exposure), examples: [],
    message: `${s.name}: ${churned.toLocaleString('en-US')} churns in ${exposure.toLocaleString('en-US')} periods survived: ${pct(churned / exposure)} per period vs ${pct(s.churnPerPeriod)}`,
    chart: { kind: 'bars', title: `${x.t.id}: ${s.name} churn per period`, labels: [s.name], expected: [s.churnPerPeriod], observed: [round(churned / exposure)], unit: 'share' },
  };
}

/**
 * lifecycle_events: an events fact with a stages fact of the same lifecycles — events per stage against
 * frequency × the time spent in the stage (Poisson), and event types uniform within each stage.
 */
export async function lifecycleEvents(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await lifecycles(ctx)) {
    const v = x.sibling;
    if (x.l.emit !== 'events' || !v || v.dateOnly || x.dateOnly) continue;
    const stages = x.l.stages.filter((s) => s.eventTypes.length && s.eventsPerWeek > 0);
    if (!stages.length) continue;
    const E = ident(x.entity);
    const expo = await ctx.db.all(`${v.withSql} SELECT st, sum(epoch_ms(coalesce(ea, ${tsLit(x.l.endMs)})) - epoch_ms(sa)) AS ms FROM r WHERE ${x.clean('e')} GROUP BY 1`);
    const ev = await ctx.db.all(`SELECT CAST(${ident(x.stage)} AS VARCHAR) AS st, CAST(${ident(x.type!)} AS VARCHAR) AS et, count(*) AS c FROM ${ident(x.t.id)} WHERE ${x.clean(E)} AND ${v.clean(E)} GROUP BY ALL`);
    const judged = stages.map((s) => {
      const weeks = n(expo.find((r) => r.st === s.name)?.ms ?? 0) / WEEK;
      const mine = ev.filter((r) => r.st === s.name);
      const count = mine.reduce((a, r) => a + n(r.c), 0);
      const rate = judgeCount(count, s.eventsPerWeek * weeks);
      const types = s.eventTypes.map((t) => judgeCount(n(mine.find((r) => r.et === t)?.c ?? 0), count / s.eventTypes.length, count));
      return { s, weeks, count, rate, status: worst([rate.status, ...types.map((t) => t.status)]) };
    }).filter((j) => j.weeks > 0);
    if (!judged.length) continue;
    const w = judged.reduce((a, b) => (Math.abs(b.rate.z) > Math.abs(a.rate.z) ? b : a));
    out.push({
      check: 'lifecycle_events', category: 'behavioural', table: x.t.id, column: x.type, hard: false, specPath: nodePath(ctx, x.t.id, 'lifecycle_model', 'stages'), status: worst(judged.map((j) => j.status)),
      expected: { stage: w.s.name, events_per_week: w.s.eventsPerWeek }, observed: { stage: w.s.name, events_per_week: round(w.count / w.weeks), z: round(w.rate.z, 3) }, tolerance: round(w.rate.tolerance / w.weeks), examples: [],
      message: `events per week in each stage (time in stage from ${v.t.id}) and event types uniform per stage: largest rate deviation ${w.s.name} ${round(w.count / w.weeks, 4)} vs ${w.s.eventsPerWeek}`,
      chart: { kind: 'bars', title: `${x.t.id}: events per week by stage`, labels: judged.map((j) => j.s.name), expected: judged.map((j) => j.s.eventsPerWeek), observed: judged.map((j) => round(j.count / j.weeks)), unit: 'events per week' },
    });
  }
  return out;
}

function unitName(ms: number): string {
  return ({ 60000: 'minute', 3600000: 'hour', 86400000: 'day', 604800000: 'week' } as Record<number, string>)[ms] ?? `${round(ms / 86_400_000, 4)}-day unit`;
}
