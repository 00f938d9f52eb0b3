/**
 * Validate's own calendar: the grid points a `datetime_series` draws from, the calendar bucket and pattern weight
 * of an instant, the periods of a panel and a trend's factor — written from the language's definitions
 * (docs/language.md: `datetime_series`, `pattern`, `trend`; docs/behaviours/panels.md: periods), with Date's UTC
 * fields, not taken from the engine's models (src/model/time-grid.ts, grain.ts, trend.ts). A wrong model in the
 * engine then disagrees with these expectations in validate's tests instead of passing its own check.
 * tests/unit/validate/calendar.test.ts pins them to hand-worked tables.
 */
import type { Freq, PatternPlan, TimeDimension, TrendShape } from '../ir/types.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Years of a trend are Julian years of 365.25 days (docs/language.md, `trend`). */
export const TREND_YEAR_MS = 365.25 * DAY;

/** The points of a `datetime_series` grid inside [start, end], in increasing order. */
export interface CalendarGrid {
  readonly count: number;
  /** The i-th point (epoch ms), 0 ≤ i < count. */
  point(i: number): number;
  /** Index of the first point > t (strict) or ≥ t; count when there is none. */
  firstAfter(t: number, strict: boolean): number;
  /** Distance between consecutive points of a regular grid (T, H, D, W); null for month grids. */
  readonly step: number | null;
}

/**
 * The grid of `freq` inside [startMs, endMs]: `T` every minute, `H` every hour, `D` every day at 00:00, `W`
 * every Sunday at 00:00, `M` every month's last day at 00:00, `MS` every month's first day at 00:00 (UTC); a
 * window that holds no such instant yields its start as the only point.
 */
export function calendarGrid(startMs: number, endMs: number, freq: Freq): CalendarGrid {
  if (freq === 'M' || freq === 'MS') {
    const pts: number[] = [];
    const first = new Date(startMs);
    for (let k = 0; ; k++) {
      const y = first.getUTCFullYear();
      const m = first.getUTCMonth() + k;
      // Day 0 of the next month is the last day of this one.
      const t = freq === 'MS' ? Date.UTC(y, m, 1) : Date.UTC(y, m + 1, 0);
      if (t > endMs) break;
      if (t >= startMs) pts.push(t);
    }
    return listGrid(pts.length ? pts : [startMs]);
  }
  const step = freq === 'T' ? MINUTE : freq === 'H' ? HOUR : freq === 'D' ? DAY : WEEK;
  // A Sunday 00:00 UTC: 1970-01-04 (Date's getUTCDay() 0); the other grids are whole multiples of their step.
  const anchor = freq === 'W' ? Date.UTC(1970, 0, 4) : 0;
  const ahead = (((anchor - startMs) % step) + step) % step;
  if (startMs + ahead > endMs) return regularGrid(startMs, 1, step);
  return regularGrid(startMs + ahead, Math.floor((endMs - startMs - ahead) / step) + 1, step);
}

/** `count` points t0, t0 + step, … (a single point when the window holds none of the grid's instants). */
function regularGrid(t0: number, count: number, step: number): CalendarGrid {
  return {
    count,
    step,
    point: (i) => t0 + i * step,
    firstAfter: (t, strict) => {
      const k = strict ? Math.floor((t - t0) / step) + 1 : Math.ceil((t - t0) / step);
      return Math.min(count, Math.max(0, k));
    },
  };
}

function listGrid(points: number[]): CalendarGrid {
  return {
    count: points.length,
    step: null,
    point: (i) => points[i],
    firstAfter: (t, strict) => {
      let lo = 0;
      let hi = points.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (strict ? points[mid] <= t : points[mid] < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
  };
}

/** The calendar bucket of an instant, 0-based (UTC): hour 0–23, dow 0 = Monday … 6 = Sunday, month 0 = January. */
export function calendarBucket(t: number, dim: TimeDimension): number {
  const d = new Date(t);
  if (dim === 'hour') return d.getUTCHours();
  if (dim === 'dow') return (d.getUTCDay() + 6) % 7;
  if (dim === 'day_of_month') return d.getUTCDate() - 1;
  return d.getUTCMonth();
}

/** The product of the patterns' weights at instant t (1 without patterns). */
export function patternWeightAt(t: number, patterns: readonly PatternPlan[]): number {
  let w = 1;
  for (const p of patterns) w *= p.weights[calendarBucket(t, p.dimension)];
  return w;
}

/**
 * The starts of a panel's periods: from the period containing startMs to the last one starting at or before
 * endMs. Periods are whole UTC hours, days, ISO weeks (from Monday 00:00) or calendar months.
 */
export function panelPeriodStarts(every: 'hour' | 'day' | 'week' | 'month', startMs: number, endMs: number): Float64Array {
  const s = new Date(startMs);
  const [y, m, d] = [s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate()];
  const out: number[] = [];
  if (every === 'month') {
    for (let k = 0; Date.UTC(y, m + k, 1) <= endMs; k++) out.push(Date.UTC(y, m + k, 1));
    return Float64Array.from(out);
  }
  let first: number;
  if (every === 'hour') first = Date.UTC(y, m, d, s.getUTCHours());
  else if (every === 'day') first = Date.UTC(y, m, d);
  else first = Date.UTC(y, m, d - ((s.getUTCDay() + 6) % 7));
  const step = every === 'hour' ? HOUR : every === 'day' ? DAY : WEEK;
  for (let t = first; t <= endMs; t += step) out.push(t);
  return Float64Array.from(out);
}

/**
 * A trend's factor after `years` years (docs/language.md, `trend`): exponential (1 + g)^t, linear 1 + g·t,
 * logarithmic 1 + a·ln(1 + b·t). Where 1 + b·t ≤ 0 (before the origin) the logarithm's limit −∞ is taken: the
 * factor is −∞ for a > 0 (0 once clamped at 0, as the panels' weights are).
 */
export function trendAt(tr: Pick<TrendShape, 'type' | 'growthRate' | 'a' | 'b'>, years: number): number {
  if (tr.type === 'exponential') return (1 + tr.growthRate) ** years;
  if (tr.type === 'linear') return 1 + tr.growthRate * years;
  const x = 1 + tr.b * years;
  if (x > 0) return 1 + tr.a * Math.log(x);
  return tr.a > 0 ? -Infinity : tr.a < 0 ? Infinity : 1;
}
