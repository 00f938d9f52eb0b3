/**
 * Calendar expectations of datetime columns, the way the language defines their sampling (grid and weights: ../calendar.ts):
 * a grid of points at the column's freq inside [start, end], each drawn with probability ∝ the product of its
 * pattern weights × the effects on the column; then an optional Gaussian time_jitter (rounded to the second).
 * The share of a calendar bucket is the summed probability of the grid points (jittered) that land in it —
 * the grid-count correction: a weekday that occurs 53 times in the window weighs 53/52 of one that occurs 52.
 *
 * Effect tables become step functions of time, read from the file by SQL (only their breakpoints and the
 * mean field value between them, as src/model/effects.ts builds them).
 */
import { normalCdf } from '../../model/dist/special.ts';
import { calendarBucket, calendarGrid, patternWeightAt, TREND_YEAR_MS, trendAt } from '../calendar.ts';
import type { EffectPlan, Freq, PatternPlan, TimeDimension, TrendShape } from '../../ir/types.ts';
import { ident, n, num } from '../sql.ts';
import type { ValidateContext } from '../types.ts';

const HOUR = 3_600_000;
export const DIM_SIZE: Record<TimeDimension, number> = { hour: 24, dow: 7, month: 12, day_of_month: 31 };
export const DIM_LABELS: Record<TimeDimension, string[]> = {
  hour: Array.from({ length: 24 }, (_, i) => `${i}h`),
  dow: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  month: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  day_of_month: Array.from({ length: 31 }, (_, i) => `${i + 1}`),
};
/** SQL of a timestamp's bucket, 0-based (UTC; dow 0 = Monday). */
export const DIM_SQL: Record<TimeDimension, (ts: string) => string> = {
  hour: (ts) => `hour(${ts})`,
  dow: (ts) => `(isodow(${ts}) - 1)`,
  month: (ts) => `(month(${ts}) - 1)`,
  day_of_month: (ts) => `(day(${ts}) - 1)`,
};

/** The sampling weight of trends on a datetime column at t (docs/language.md, `trend`): Π max(0, factor). */
export function trendWeight(trends: readonly TrendShape[], t: number): number {
  let w = 1;
  for (const tr of trends) w *= Math.max(0, trendAt(tr, (t - tr.originMs) / TREND_YEAR_MS));
  return w;
}

/** Bucket index (0-based) of an instant. */
export function bucketOf(t: number, dim: TimeDimension): number {
  return calendarBucket(t, dim);
}

/** Work limit of the expectation (grid points × jitter offsets). */
const MAX_WORK = 60_000_000;

/**
 * Expected share of every bucket of `dims` for a datetime_series column: grid [startMs, endMs] at `freq`,
 * weights Π patterns × extra(t), Gaussian jitter of `jitterMs` (0: none). Null when too large to compute.
 */
export function expectedBuckets(g: { startMs: number; endMs: number; freq: Freq; patterns: PatternPlan[] }, extra: ((t: number) => number) | null, jitterMs: number, dims: TimeDimension[]): Record<string, number[]> | null {
  const grid = calendarGrid(g.startMs, g.endMs, g.freq);
  const w = new Float64Array(grid.count);
  let total = 0;
  for (let i = 0; i < grid.count; i++) {
    const t = grid.point(i);
    let x = patternWeightAt(t, g.patterns);
    if (extra) x *= extra(t);
    w[i] = x;
    total += x;
  }
  // The sampler draws uniformly when there is nothing to weight, or when every weight is 0.
  if (!(total > 0) || (g.patterns.length === 0 && !extra)) w.fill(1);
  const out: Record<string, number[]> = {};
  for (const d of dims) out[d] = new Array(DIM_SIZE[d]).fill(0);
  if (!(jitterMs > 0)) {
    for (let i = 0; i < grid.count; i++) {
      if (!(w[i] > 0)) continue;
      const t = grid.point(i);
      for (const d of dims) out[d][bucketOf(t, d)] += w[i];
    }
    return out;
  }
  // Jitter: the point t (offset o into its hour) moves by r = round(ε/1 s)·1 s, ε ~ N(0, σ); it lands k hours
  // on when r ∈ [kH − o, (k+1)H − o), i.e. ε ≥ kH − o − 500 ms and ε < (k+1)H − o − 500 ms. Calendar buckets
  // are whole UTC hours, so the bucket of the jittered time is the bucket of (hour of t) + k.
  const kMin = Math.floor((-9 * jitterMs) / HOUR) - 1;
  const kMax = Math.ceil((9 * jitterMs) / HOUR) + 1;
  const width = kMax - kMin + 1;
  if (grid.count * width > MAX_WORK) return null;
  const first = Math.floor(grid.point(0) / HOUR);
  const last = Math.floor(grid.point(grid.count - 1) / HOUR);
  const hours = new Float64Array(last - first + width + 1);
  const kernels = new Map<number, Float64Array>();
  for (let i = 0; i < grid.count; i++) {
    if (!(w[i] > 0)) continue;
    const t = grid.point(i);
    const h = Math.floor(t / HOUR);
    const o = t - h * HOUR;
    let kern = kernels.get(o);
    if (!kern) {
      kern = new Float64Array(width);
      for (let j = 0; j < width; j++) {
        const k = kMin + j;
        kern[j] = normalCdf(((k + 1) * HOUR - o - 500) / jitterMs) - normalCdf((k * HOUR - o - 500) / jitterMs);
      }
      kernels.set(o, kern);
    }
    const base = h - first;
    for (let j = 0; j < width; j++) hours[base + j] += w[i] * kern[j];
  }
  for (let j = 0; j < hours.length; j++) {
    if (!(hours[j] > 0)) continue;
    const t = (first + kMin + j) * HOUR;
    for (const d of dims) out[d][bucketOf(t, d)] += hours[j];
  }
  return out;
}

/** An effect table as a step function of time: value(t) = mean field of the rows whose window holds t, else the default. */
export interface EffectSteps {
  breakpoints: number[];
  values: number[];
  dflt: number;
}

export function stepAt(s: EffectSteps, t: number): number {
  let lo = -1;
  let hi = s.breakpoints.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.breakpoints[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo < 0 ? s.dflt : s.values[lo];
}

/** Effect tables larger than this are not read (the breakpoint join is quadratic in their rows). */
const MAX_EFFECT_ROWS = 20_000;

/** SQL of a column as epoch milliseconds (datetime/date) or as a number. */
function asNumber(ctx: ValidateContext, table: string, column: string): string {
  const c = ctx.table(table)?.columns.find((x) => x.name === column);
  const q = ident(column);
  return c && (c.type === 'datetime' || c.type === 'date') ? `epoch_ms(${q}::TIMESTAMP)::DOUBLE` : `TRY_CAST(${q} AS DOUBLE)`;
}

/**
 * The SQL (a SELECT of `p`, `v`) of an effect's step function, every key group merged (what a datetime column's
 * sampling weight and a key-less effect read): rows with window [start, end + 1 ms) (a missing bound is open) and
 * a finite field (a null field counts as 0, as the engine reads it; no field: ×1 / +0); at each breakpoint the
 * mean field of the rows whose window holds it, or the default.
 */
export function effectStepsSql(ctx: ValidateContext, e: EffectPlan): string | null {
  const t = ctx.table(e.table);
  if (!t || !ctx.present.has(e.table) || (ctx.rows.get(e.table) ?? 0) > MAX_EFFECT_ROWS) return null;
  const s = e.startCol ? `coalesce(${asNumber(ctx, e.table, e.startCol)}, -1e300)` : '-1e300';
  const en = e.endCol ? `coalesce(${asNumber(ctx, e.table, e.endCol)} + 1, 1e300)` : '1e300';
  const v = e.field ? `CASE WHEN ${ident(e.field)} IS NULL THEN 0 ELSE ${asNumber(ctx, e.table, e.field)} END` : e.op === 'mul' ? '1' : '0';
  const r = `SELECT s, e, v FROM (SELECT ${s} AS s, ${en} AS e, (${v})::DOUBLE AS v FROM ${ident(e.table)}) WHERE e > s AND isfinite(v)`;
  return `WITH r AS (${r}), bp AS (SELECT s AS p FROM r UNION SELECT e FROM r) `
    + `SELECT bp.p AS p, CASE WHEN count(r.v) > 0 THEN avg(r.v) ELSE ${num(e.default)} END AS v FROM bp LEFT JOIN r ON r.s <= bp.p AND bp.p < r.e GROUP BY bp.p`;
}

export async function effectSteps(ctx: ValidateContext, e: EffectPlan): Promise<EffectSteps | null> {
  const sql = effectStepsSql(ctx, e);
  if (!sql) return null;
  const rows = await ctx.db.all(`SELECT * FROM (${sql}) ORDER BY p`);
  return { breakpoints: rows.map((r) => n(r.p)), values: rows.map((r) => n(r.v)), dflt: e.default };
}
