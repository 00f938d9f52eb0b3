/**
 * fitTime: a timestamp column as `datetime_series` over the source's window, with hour-of-day, day-of-week,
 * month-of-year and day-of-month patterns kept only when they differ from uniform by more than a threshold, and a
 * yearly trend.
 *
 * A pattern's weight for a bucket is (share of the rows in it) / (share of the window's grid points in it), so a
 * window that holds more Mondays than Sundays, or half a March, does not read as a pattern. The distance of a
 * dimension from uniform is the total variation distance (TVD) between those two shares; the pattern is kept when
 * the TVD exceeds max(PATTERN_TVD, 3 × the TVD expected from sampling noise alone for this n). The trend is the
 * growth rate g per year of a density ∝ (1 + g)^t over the window (maximum likelihood), kept when |g| > TREND_MIN
 * and the window spans at least TREND_MIN_YEARS (shorter windows: the month pattern carries it); it is written as a
 * `trend` modifier, which on a datetime column weights the draw.
 */
import { TimeGrid, MAX_GRID_POINTS, timePart } from '../../model/time-grid.ts';
import type { Freq, TimeDimension } from '../../ir/types.ts';
import { moments, sig } from './stats.ts';
import type { ColumnFit } from './types.ts';

/** A calendar pattern is kept when it differs from uniform by more than this TVD (and 3 × the sampling noise): 7–24 weights are cheap, a real weekday dip of 1.4 % TVD (flights) is kept. */
const PATTERN_TVD = 0.01;
/** A yearly growth rate smaller than this in absolute value is no trend. */
const TREND_MIN = 0.05;
/** A trend is fitted only over windows this long (years); a shorter window's month pattern carries it. */
const TREND_MIN_YEARS = 1.5;

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const DIMS: { dim: TimeDimension; size: number; base: number; minStep: number }[] = [
  { dim: 'hour', size: 24, base: 0, minStep: HOUR },
  { dim: 'dow', size: 7, base: 0, minStep: DAY },
  { dim: 'month', size: 12, base: 1, minStep: 31 * DAY },
  // Day of the month: monthly schedules (pay on the last business day, a transfer on the 2nd).
  { dim: 'day_of_month', size: 31, base: 1, minStep: DAY },
];
/** Grid points counted exactly for the exposure shares up to this many; coarser sampling of the grid above. */
const EXPOSURE_POINTS = 2_000_000;

export interface TimeOptions {
  /** The window: ISO instants (the generated values stay inside). */
  start: string;
  end: string;
  /** Grid (T, H, D, W, M, MS); default: the coarsest grid every value lies on (D, H, else T). */
  freq?: string;
}

export function fitTime(epochMs: Float64Array, o: TimeOptions): ColumnFit {
  const v = epochMs.filter((x) => Number.isFinite(x));
  const n = v.length;
  const startMs = Date.parse(o.start);
  const endMs = Date.parse(o.end);
  let freq = (o.freq ?? inferFreq(v)) as Freq;
  // A grid too fine for the window is coarsened (the grid may hold at most MAX_GRID_POINTS points).
  const step = (f: Freq) => (f === 'T' ? MIN : f === 'H' ? HOUR : DAY);
  while ((freq === 'T' || freq === 'H') && (endMs - startMs) / step(freq) > MAX_GRID_POINTS / 2) freq = freq === 'T' ? 'H' : 'D';
  const within = { start: o.start, end: o.end };
  const gen: Record<string, unknown> = { within, freq };
  if (n === 0 || !(endMs > startMs)) return { generator: { datetime_series: gen }, evidence: { n, family: 'datetime_series', note: 'no values or an empty window: uniform' } };

  const grid = new TimeGrid(startMs, endMs, freq);
  const gridStep = freq === 'T' ? MIN : freq === 'H' ? HOUR : freq === 'D' ? DAY : freq === 'W' ? 7 * DAY : 28 * DAY;
  const patterns: { dimension: TimeDimension; weights: number[] }[] = [];
  const notes: string[] = [];
  const years = (endMs - startMs) / YEAR;
  const g = years >= TREND_MIN_YEARS ? growthRate(v, startMs, endMs) : 0;
  const trend = Math.abs(g) > TREND_MIN;
  // The calendar exposure of each bucket is the window's grid weighted by the trend (when kept): a growing series
  // has more December rows than January ones without any month pattern.
  const weightAt = trend ? (t: number) => Math.pow(1 + g, (t - startMs) / YEAR) : () => 1;
  for (const d of DIMS) {
    if (gridStep > d.minStep) continue;
    const obs = new Float64Array(d.size);
    for (let i = 0; i < n; i++) obs[timePart(v[i]!, d.dim) - d.base]!++;
    const exp = new Float64Array(d.size);
    const stride = Math.max(1, Math.ceil(grid.count / EXPOSURE_POINTS));
    for (let i = 0; i < grid.count; i += stride) exp[timePart(grid.point(i), d.dim) - d.base]! += weightAt(grid.point(i));
    const expTotal = exp.reduce((a, b) => a + b, 0);
    let tvd = 0;
    let noise = 0;
    for (let b = 0; b < d.size; b++) {
      const pe = exp[b]! / expTotal;
      tvd += Math.abs(obs[b]! / n - pe) / 2;
      noise += Math.sqrt((2 / Math.PI) * (pe * (1 - pe)) / n) / 2;
    }
    const limit = Math.max(PATTERN_TVD, 3 * noise);
    if (tvd <= limit) {
      notes.push(`${d.dim}: TVD ${sig(tvd, 3)} ≤ ${sig(limit, 3)}, uniform`);
      continue;
    }
    const ratio = Array.from(obs, (c, b) => (exp[b]! > 0 ? c / n / (exp[b]! / expTotal) : 0));
    // Relative weights scaled to a mean of 1 over the buckets the window holds (less noisy than dividing by the largest).
    const held = ratio.filter((_, b) => exp[b]! > 0);
    const mean = held.reduce((a, r) => a + r, 0) / held.length;
    patterns.push({ dimension: d.dim, weights: ratio.map((r) => sig(r / mean, 4)) });
    notes.push(`${d.dim}: TVD ${sig(tvd, 3)} > ${sig(limit, 3)}, pattern kept`);
  }
  if (patterns.length === 1) gen.pattern = patterns[0];
  else if (patterns.length > 1) gen.pattern = patterns;

  notes.push(years >= TREND_MIN_YEARS ? `trend: ${sig(100 * g, 3)} % a year${trend ? '' : ` (|g| ≤ ${TREND_MIN}: none)`}` : `trend: window of ${sig(years, 3)} years, not fitted`);
  return {
    generator: { datetime_series: gen },
    // A trend on a datetime column weights its draw by (1 + g)^t, t in years since the window's start.
    ...(trend ? { modifiers: [{ transform: 'trend', args: { type: 'exponential', growth_rate: sig(g, 4), origin: o.start } }] } : {}),
    evidence: { n, family: 'datetime_series', note: notes.join('; ') },
  };
}

/** The coarsest grid all values lie on: D (midnights), H (whole hours), else T. */
function inferFreq(v: Float64Array): Freq {
  let day = true;
  let hour = true;
  for (let i = 0; i < v.length && hour; i++) {
    const x = v[i]!;
    if (x % DAY !== 0) day = false;
    if (x % HOUR !== 0) hour = false;
  }
  return day ? 'D' : hour ? 'H' : 'T';
}

/**
 * MLE of g in a density ∝ (1 + g)^t on [0, T] years: with β = ln(1 + g), the mean time of the sample equals the
 * model's mean 1/(1 − e^{−βT}) · T − 1/β, solved by bisection on β.
 */
function growthRate(v: Float64Array, startMs: number, endMs: number): number {
  const T = (endMs - startMs) / YEAR;
  const mean = (moments(v).mean - startMs) / YEAR;
  const modelMean = (b: number) => (Math.abs(b) < 1e-9 ? T / 2 : T / (1 - Math.exp(-b * T)) - 1 / b);
  let lo = -20 / T;
  let hi = 20 / T;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (modelMean(mid) < mean) lo = mid;
    else hi = mid;
  }
  return Math.expm1((lo + hi) / 2);
}

/**
 * A time column that is a complete regular grid: every value distinct and the sorted values an arithmetic
 * progression (a panel's hours, a calendar table's days). Such a column is no draw: each row holds the next grid
 * point, so it is better written as a function of a sequence key (start + (key − first key) × step) than as
 * datetime_series, whose independent draws repeat some points and miss others. Null otherwise (or under 3 values).
 */
export function regularGrid(epochMs: Float64Array): { startMs: number; stepMs: number; count: number } | null {
  const v = epochMs.filter((x) => Number.isFinite(x)).sort();
  if (v.length < 3) return null;
  const step = v[1]! - v[0]!;
  if (!(step > 0)) return null;
  for (let i = 2; i < v.length; i++) if (v[i]! - v[i - 1]! !== step) return null;
  return { startMs: v[0]!, stepMs: step, count: v.length };
}
