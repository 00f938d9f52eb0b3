/**
 * Calendars and schedules (docs/behaviours/schedules.md): the occurrences of a SchedulePlan for one parent row, in
 * calendar order — every N days from a per-row phase (biweekly payroll on Fridays), or fixed days of each month
 * (1st and 15th, the last business day) — with per-occurrence skips and jitter. Every draw is keyed by (stream,
 * parent ordinal, slot) with the slot taken from the occurrence's calendar index (its period number since the
 * epoch, or month × days + j), so a parent's occurrences depend on nothing else: not on the window, the chunk or
 * other parents.
 */
import type { SchedulePlan } from '../ir/types.ts';
import type { Store } from './store.ts';
import { uniform } from './rng.ts';

const DAY = 86_400_000;

/** Day of week of a UTC midnight, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
function weekdayOf(t: number): number {
  return (Math.floor(t / DAY) + 3) % 7;
}

/** A weekend date moved to the previous Friday or the next Monday. */
function businessDay(t: number, rule: SchedulePlan['business']): number {
  const w = weekdayOf(t);
  if (rule === 'none' || w < 5) return t;
  return rule === 'previous' ? t - (w - 4) * DAY : t + (7 - w) * DAY;
}

export class ScheduleModel {
  private readonly anchor: Float64Array | null;
  private readonly from: Float64Array | null;
  private readonly to: Float64Array | null;

  constructor(readonly s: SchedulePlan, parent: string, store: Store) {
    const num = (c: string | null) => (c ? store.column(parent, c).num! : null);
    this.anchor = num(s.anchor);
    this.from = num(s.from);
    this.to = num(s.to);
  }

  /** The window of parent p: [from, to] (its columns, else the timeframe); empty when from > to or unknown. */
  window(p: number): [number, number] {
    const a = this.from ? this.from[p] : this.s.startMs;
    const b = this.to ? this.to[p] : this.s.endMs;
    return [Number.isNaN(a) ? this.s.startMs : Math.max(a, this.s.startMs), Number.isNaN(b) ? this.s.endMs : Math.min(b, this.s.endMs)];
  }

  /** Occurrence times of parent p (calendar order), written to `out` (cleared first). */
  occurrences(p: number, out: number[]): number[] {
    out.length = 0;
    const s = this.s;
    const [lo, hi] = this.window(p);
    if (!(hi >= lo)) return out;
    const j = s.jitterDays;
    // Days a jittered occurrence can move: look that far outside the window for its calendar date.
    const from = Math.floor(lo / DAY) * DAY - j * DAY;
    const to = hi + j * DAY;
    const emit = (day: number, k: number) => {
      if (s.skip > 0 && uniform(s.stream, p, 2 * k + 1) < s.skip) return;
      const shift = j > 0 ? Math.floor(uniform(s.stream, p, 2 * k + 2) * (2 * j + 1)) - j : 0;
      const t = day + shift * DAY + s.hourMs;
      if (t >= lo && t <= hi) out.push(t);
    };
    if (s.kind === 'interval') {
      const period = s.everyDays * DAY;
      const phase = this.phase(p);
      // Occurrence k is phase + k·period (k may be negative: the phase only sets the rhythm).
      let k = Math.ceil((from - phase) / period);
      for (let day = phase + k * period; day <= to; day += period, k++) emit(day, k);
    } else {
      const d0 = new Date(from);
      let y = d0.getUTCFullYear();
      let m = d0.getUTCMonth();
      for (;;) {
        const first = Date.UTC(y, m, 1);
        if (first > to) break;
        const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
        const month = y * 12 + m;
        s.days.forEach((d, i) => {
          const dom = d < 0 ? Math.max(1, last + 1 + d) : Math.min(d, last);
          const day = businessDay(Date.UTC(y, m, dom), s.business);
          if (day >= from && day <= to) emit(day, month * s.days.length + i);
        });
        if (++m === 12) (m = 0), y++;
      }
    }
    return out;
  }

  /** Parent p's phase: a UTC midnight on which an occurrence falls (the anchor, or a keyed day of the first period), snapped forward to the weekday. */
  private phase(p: number): number {
    const s = this.s;
    const period = s.everyDays * DAY;
    const a = this.anchor ? this.anchor[p] : NaN;
    let day = Number.isNaN(a) ? Math.floor(s.startMs / DAY) * DAY + Math.floor(uniform(s.stream, p, 0) * s.everyDays) * DAY : Math.floor(a / DAY) * DAY;
    if (s.weekday !== null) day += ((s.weekday - weekdayOf(day) + 7) % 7) * DAY;
    return ((day % period) + period) % period;
  }
}

/** The calendar dates (UTC midnights) of a days_of_month schedule in [from, to], before skips and jitter. */
export function calendarDays(s: SchedulePlan, from: number, to: number): number[] {
  const out: number[] = [];
  const d0 = new Date(from);
  let y = d0.getUTCFullYear();
  let m = d0.getUTCMonth() - 1; // the month before: a date rolled back from the next month's 1st lands here
  if (m < 0) (m = 11), y--;
  for (;;) {
    if (Date.UTC(y, m, 1) > to + 7 * DAY) break;
    const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    for (const d of s.days) {
      const day = businessDay(Date.UTC(y, m, d < 0 ? Math.max(1, last + 1 + d) : Math.min(d, last)), s.business);
      if (day >= from && day <= to) out.push(day);
    }
    if (++m === 12) (m = 0), y++;
  }
  return [...new Set(out)].sort((a, b) => a - b);
}
