import { error, type PlanContext } from './context.ts';
import { parseDuration, parseInstant } from './time.ts';

export const DAY_MS = 86_400_000;

const isDateOnly = (s: unknown) => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s.trim());

/**
 * A time window `{start, end | duration}` → half-open [startMs, endMs). A date-only `end` includes that
 * whole day; a date-time `end` is the first instant after the window; `duration` counts from `start`.
 * Without `end` and `duration`, `open` decides: the window runs to `openEndMs` (level shifts) or is an error.
 */
/** The last instant of year 9999 (ISO-8601 text with four-digit years). */
const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function planWindow(ctx: PlanContext, w: any, path: string, openEndMs: number | null): { startMs: number; endMs: number } | undefined {
  const startMs = parseInstant(w?.start);
  if (startMs === undefined) return error(ctx, 'DG_BAD_DATETIME', `${path}/start`, `window start ${JSON.stringify(w?.start)} is not an ISO-8601 date or instant`, 'e.g. "2024-03-01" or "2024-03-01T12:00:00Z"');
  let endMs: number | undefined;
  if (w.end !== undefined) {
    const e = parseInstant(w.end);
    if (e === undefined) return error(ctx, 'DG_BAD_DATETIME', `${path}/end`, `window end ${JSON.stringify(w.end)} is not an ISO-8601 date or instant`, 'e.g. "2024-03-05" (a date includes that whole day)');
    endMs = isDateOnly(w.end) ? e + DAY_MS : e;
  } else if (w.duration !== undefined) {
    const d = parseDuration(w.duration);
    if (d === undefined || d <= 0) return error(ctx, 'DG_BAD_PARAM', `${path}/duration`, `window duration ${JSON.stringify(w.duration)} is not a positive duration`, 'e.g. "1d", "12h", "2w" or a number of days');
    endMs = startMs + d;
    // Dates are written as ISO text: an end beyond year 9999 cannot be (and is no window of a dataset).
    if (!(endMs <= MAX_INSTANT_MS)) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/duration`, `window duration ${JSON.stringify(w.duration)} ends after the year 9999`, 'a window lies within the timeframe: give a duration of days or weeks, e.g. "14d"');
  } else if (openEndMs !== null) {
    endMs = Math.max(openEndMs, startMs + 1);
  } else {
    return error(ctx, 'DG_MISSING_PARAM', path, 'the window needs "end" or "duration"', 'e.g. {"start": "2024-03-01", "duration": "1d"}');
  }
  if (endMs <= startMs) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/end`, 'the window ends before it starts', 'give an end after the start (a date end includes that whole day)');
  return { startMs, endMs };
}

/** A day (date or instant: its UTC day) → [midnight, next midnight). */
export function dayWindow(s: unknown): { startMs: number; endMs: number } | undefined {
  const t = parseInstant(s);
  if (t === undefined) return undefined;
  const startMs = Math.floor(t / DAY_MS) * DAY_MS;
  return { startMs, endMs: startMs + DAY_MS };
}
