import { describe, expect, it } from 'vitest';
import { MEAN_MONTH_DAYS, PeriodClock } from '../../../src/model/states.ts';

/** Date-based reference: months are mean Gregorian months (365.2425 / 12 days) in whole days; calendar years
 * keep the date, clamped to the month's last day. */
function reference(t0: number, k: number, unit: 'day' | 'week' | 'month' | 'year'): number {
  if (unit === 'day') return t0 + k * 86_400_000;
  if (unit === 'week') return t0 + k * 7 * 86_400_000;
  if (unit === 'month') return t0 + Math.round((k * 365.2425) / 12) * 86_400_000;
  const d = new Date(t0);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 12 * k;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

describe('PeriodClock (state machine periods)', () => {
  it('matches the Date-based calendar arithmetic, including month ends and leap days', () => {
    let x = 12345;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const starts = [Date.UTC(2024, 0, 31, 13, 5), Date.UTC(2023, 1, 28), Date.UTC(2024, 1, 29, 23, 59, 59), Date.UTC(2020, 11, 31)];
    for (let i = 0; i < 500; i++) starts.push(Date.UTC(2019, 0, 1) + Math.floor(next() * 6 * 365 * 86_400_000));
    for (const t0 of starts) {
      for (const unit of ['day', 'week', 'month', 'year'] as const) {
        const c = new PeriodClock(t0, unit);
        for (let k = 0; k < 30; k++) expect(c.at(k)).toBe(reference(t0, k, unit));
        const end = t0 + Math.floor(next() * 3 * 365 * 86_400_000);
        let n = 0;
        while (reference(t0, n, unit) <= end) n++;
        expect(c.count(end)).toBe(n);
      }
    }
    // Mean months: 30 days, then 61, 91, … (within three days of the calendar anniversary); 48 months are 4 years.
    expect(new PeriodClock(Date.UTC(2024, 0, 31), 'month').at(1)).toBe(Date.UTC(2024, 2, 1));
    expect(new PeriodClock(Date.UTC(2024, 0, 15, 9), 'month').at(2)).toBe(Date.UTC(2024, 2, 16, 9));
    expect(new PeriodClock(Date.UTC(2021, 4, 31, 9), 'month').at(48)).toBe(Date.UTC(2025, 4, 31, 9));
    let worst = 0;
    for (let day = 0; day < 4 * 365 + 1; day++) {
      const t0 = Date.UTC(2020, 0, 1, 7) + day * 86_400_000;
      const d = new Date(t0);
      const clock = new PeriodClock(t0, 'month');
      for (let k = 0; k <= 600; k += 1) {
        const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k + 1, 0)).getUTCDate();
        const cal = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, Math.min(d.getUTCDate(), last), 7);
        worst = Math.max(worst, Math.abs(clock.at(k) - cal) / 86_400_000);
      }
    }
    expect(worst).toBe(3);
    expect(new PeriodClock(Date.UTC(2024, 5, 1), 'month').count(Date.UTC(2024, 4, 1))).toBe(0);
  });

  it('months are mean Gregorian months, 365.2425 / 12 = 30.436875 days: periods at 30, 61, 91, 122 days (docs/behaviours/state-machines.md)', () => {
    expect(MEAN_MONTH_DAYS).toBe(30.436875);
    const t0 = Date.UTC(2023, 6, 4, 5);
    const c = new PeriodClock(t0, 'month');
    expect([1, 2, 3, 4, 12, 800].map((k) => (c.at(k) - t0) / 86_400_000)).toEqual([30, 61, 91, 122, 365, 24350]);
  });
});
