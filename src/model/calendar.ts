/**
 * Date parts of timestamps held as epoch milliseconds (UTC), by integer arithmetic only: no Date
 * object per row. Month/year/day use Howard Hinnant's `civil_from_days`
 * (https://howardhinnant.github.io/date_algorithms.html), for every valid JS timestamp
 * (±8.64e15 ms). A null timestamp (NaN) or ±Infinity gives NaN.
 */
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** Hour of day, 0–23 (from the milliseconds into the day, so all in int32). */
export function hourOf(ms: number): number {
  if (ms - ms !== 0) return NaN;
  const days = Math.floor(ms / MS_PER_DAY);
  return ((ms - days * MS_PER_DAY) / MS_PER_HOUR) | 0;
}

/** Day of week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function dowOf(ms: number): number {
  if (ms - ms !== 0) return NaN;
  const d = ((Math.floor(ms / MS_PER_DAY) | 0) + 3) % 7;
  return d < 0 ? d + 7 : d;
}

/*
 * Everything below is int32 arithmetic (`| 0`), which V8 compiles to integer ops with
 * multiply-by-reciprocal divisions: every valid timestamp (±8.64e15 ms) is within ±1e8 days.
 */

/** Days since 0000-03-01 of the timestamp's day (civil_from_days counts from there: leap days end a year). */
function shiftedDays(ms: number): number {
  return (Math.floor(ms / MS_PER_DAY) + 719468) | 0;
}

/** The 400-year era of a shifted day count (floor division). */
function eraOf(z: number): number {
  return (((z >= 0 ? z : z - 146096) | 0) / 146097) | 0;
}

/** Year of the era, 0…399, from the day of the era, 0…146096. */
function yearOfEra(doe: number): number {
  return ((doe - ((doe / 1460) | 0) + ((doe / 36524) | 0) - ((doe / 146096) | 0)) / 365) | 0;
}

/** Day of the March-based year, 0…365. */
function dayOfYear(doe: number, yoe: number): number {
  return (doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0))) | 0;
}

/** March-based month, 0 = March … 11 = February. */
function marchMonth(doy: number): number {
  return ((5 * doy + 2) / 153) | 0;
}

/** Calendar year (proleptic Gregorian). */
export function yearOf(ms: number): number {
  if (ms - ms !== 0) return NaN;
  const z = shiftedDays(ms);
  const era = eraOf(z);
  const doe = (z - era * 146097) | 0;
  const yoe = yearOfEra(doe);
  const year = yoe + era * 400;
  return marchMonth(dayOfYear(doe, yoe)) >= 10 ? year + 1 : year;
}

/** Month, 1–12. */
export function monthOf(ms: number): number {
  if (ms - ms !== 0) return NaN;
  const z = shiftedDays(ms);
  const doe = (z - eraOf(z) * 146097) | 0;
  const mp = marchMonth(dayOfYear(doe, yearOfEra(doe)));
  return mp < 10 ? mp + 3 : mp - 9;
}

/** Day of month, 1–31. */
export function dayOf(ms: number): number {
  if (ms - ms !== 0) return NaN;
  const z = shiftedDays(ms);
  const doe = (z - eraOf(z) * 146097) | 0;
  const doy = dayOfYear(doe, yearOfEra(doe));
  return doy - (((153 * marchMonth(doy) + 2) / 5) | 0) + 1;
}

/** Milliseconds into the day, 0 … 86,399,999. */
function msOfDay(ms: number): number {
  return ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}

/**
 * Whole calendar years from `a` to `b` (an age: `years_between(birth_date, at)`): the year difference,
 * less one when b's (month, day, time of day) comes before a's. Someone born on February 29 turns a year
 * older on March 1 in common years. Negative when b is before a (−years_between(b, a)); NaN for a null.
 */
export function yearsBetween(a: number, b: number): number {
  if (a - a !== 0 || b - b !== 0) return NaN;
  if (b < a) return -yearsBetween(b, a);
  let y = yearOf(b) - yearOf(a);
  const mb = monthOf(b);
  const ma = monthOf(a);
  if (mb < ma || (mb === ma && (dayOf(b) < dayOf(a) || (dayOf(b) === dayOf(a) && msOfDay(b) < msOfDay(a))))) y -= 1;
  return y;
}
