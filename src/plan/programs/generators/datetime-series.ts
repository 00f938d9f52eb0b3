import { MAX_GRID_POINTS, TimeGrid } from '../../../model/time-grid.ts';
import { type ColumnContext, error, isNumber } from '../../context.ts';
import { FREQ_NAMES, parseFreq, parseInstant } from '../../time.ts';
import type { PatternPlan } from '../../../ir/types.ts';
import { didYouMean } from '../../../diagnostics/suggest.ts';
import type { GeneratorPlanner } from '../types.ts';

const DIM_LENGTH: Record<string, number> = { hour: 24, dow: 7, month: 12, day_of_month: 31 };

/** Timestamps on a grid inside a window, weighted by hour/dow/month patterns, seasonality and effects. */
export const datetimeSeries: GeneratorPlanner<'datetime'> = {
  name: 'datetime_series',
  kind: 'datetime',
  plan(args, ctx, path) {
    if (ctx.type !== 'datetime' && ctx.type !== 'date') {
      return error(ctx, 'DG_TYPE_MISMATCH', path, `datetime_series produces timestamps but "${ctx.column.name}" is ${ctx.type}`, 'set the column "type" to "datetime" or "date"');
    }
    let startMs = ctx.timeframe.startMs;
    let endMs = ctx.timeframe.endMs;
    const within = args?.within ?? 'timeframe';
    if (within !== 'timeframe') {
      const s = parseInstant(within?.start);
      const e = parseInstant(within?.end);
      if (s === undefined || e === undefined) return error(ctx, 'DG_BAD_DATETIME', `${path}/within`, 'within must be "timeframe" or {start, end} with ISO-8601 instants', 'e.g. {"start": "2024-01-01T00:00:00Z", "end": "2024-12-31T23:59:59Z"}');
      if (e < s) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/within`, `within ends (${within.end}) before it starts (${within.start})`, 'swap start and end');
      startMs = s;
      endMs = e;
    }
    const freq = args?.freq === undefined ? ctx.timeframe.freq : parseFreq(args.freq);
    if (!freq) return error(ctx, 'DG_BAD_FREQ', `${path}/freq`, `unknown freq ${JSON.stringify(args.freq)}`, didYouMean(String(args.freq), FREQ_NAMES));
    try {
      new TimeGrid(startMs, endMs, freq);
    } catch {
      return error(ctx, 'DG_GRID_TOO_LARGE', `${path}/freq`, `the ${freq} grid over this window has more than ${MAX_GRID_POINTS} points`, 'use a coarser freq (e.g. "H" or "D") and time_jitter for sub-grid spread');
    }
    const patterns: PatternPlan[] = [];
    const raw = args?.pattern === undefined ? [] : Array.isArray(args.pattern) ? args.pattern : [args.pattern];
    for (let i = 0; i < raw.length; i++) {
      const p = planPattern(raw[i], ctx, Array.isArray(args.pattern) ? `${path}/pattern/${i}` : `${path}/pattern`);
      if (!p) return undefined;
      patterns.push(p);
    }
    return { kind: 'datetime', startMs, endMs, freq, patterns, effects: [], after: null, vintage: null };
  },
};

/** `{dimension: hour|dow|month, weights}` with the right number of non-negative weights. */
export function planPattern(raw: any, ctx: ColumnContext, path: string): PatternPlan | undefined {
  const dim = raw?.dimension;
  if (!(dim in DIM_LENGTH)) return error(ctx, 'DG_BAD_DIMENSION', `${path}/dimension`, `unknown pattern dimension ${JSON.stringify(dim)}`, didYouMean(String(dim), Object.keys(DIM_LENGTH)));
  const w = raw.weights;
  if (!Array.isArray(w) || !w.every((x: unknown) => isNumber(x) && x >= 0)) {
    return error(ctx, 'DG_BAD_WEIGHTS', `${path}/weights`, 'weights must be a list of non-negative numbers', `give ${DIM_LENGTH[dim]} weights for dimension "${dim}"`);
  }
  if (w.length !== DIM_LENGTH[dim]) {
    const what = dim === 'hour' ? 'hour, 0 to 23' : dim === 'dow' ? 'day of the week, Monday (0) to Sunday (6)' : dim === 'month' ? 'month, January to December' : 'day of the month, 1 to 31';
    return error(ctx, 'DG_PATTERN_LENGTH', `${path}/weights`, `${w.length} weights for dimension "${dim}", which has ${DIM_LENGTH[dim]}`, `give one weight per ${what}`);
  }
  if (!w.some((x: number) => x > 0)) {
    return error(ctx, 'DG_BAD_WEIGHTS', `${path}/weights`, `the ${DIM_LENGTH[dim]} weights are all 0`, 'at least one weight must be positive (weights are relative: [1, 1, …] is uniform)');
  }
  // Sampling weights are relative: huge ones (whose products and sums would overflow to Infinity) are
  // divided by the largest. Raw multipliers of a numeric column are kept as written.
  const max = Math.max(...w);
  const sampling = ctx.type === 'datetime' || ctx.type === 'date';
  return { dimension: dim, weights: sampling && max > HUGE_WEIGHT ? w.map((x: number) => x / max) : w };
}

/** Above this, sampling weights are rescaled (a product of a few patterns and effects stays finite). */
const HUGE_WEIGHT = 1e100;
