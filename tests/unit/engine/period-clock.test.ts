import { describe, expect, it } from 'vitest';
import { PeriodClock } from '../../../src/engine/states.ts';

/** Date-based reference: calendar months/years keep the day of month, clamped to the month's last day. */
function reference(t0: number, k: number, unit: 'day' | 'week' | 'month' | 'year'): number {
  if (unit === 'day') return t0 + k * 86_400_000;
  if (unit === 'week') return t0 + k * 7 * 86_400_000;
  const d = new Date(t0);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + (unit === 'month' ? k : 12 * k);
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
    expect(new PeriodClock(Date.UTC(2024, 0, 31), 'month').at(1)).toBe(Date.UTC(2024, 1, 29));
    expect(new PeriodClock(Date.UTC(2024, 5, 1), 'month').count(Date.UTC(2024, 4, 1))).toBe(0);
  });
});
