/* Pure schedule and allocation models (src/model/schedule.ts, src/model/allocate.ts). */
import { describe, expect, it } from 'vitest';
import type { SchedulePlan } from '../../../src/ir/types.ts';
import { calendarDays, ScheduleModel } from '../../../src/model/schedule.ts';
import { allocate } from '../../../src/model/allocate.ts';
import { ColumnData } from '../../../src/model/column-data.ts';
import { Store } from '../../../src/model/store.ts';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const base: SchedulePlan = {
  kind: 'interval', everyDays: 14, weekday: 4, anchor: null, days: [], business: 'none', hourMs: 0, jitterDays: 0, skip: 0,
  from: null, to: null, startMs: Date.UTC(2024, 0, 1), endMs: Date.UTC(2024, 11, 31, 23, 59, 59), stream: 77, timeColumn: 't', indexColumn: null,
};

function model(s: SchedulePlan, cols: Record<string, number[]> = {}, parents = 50): ScheduleModel {
  const store = new Store();
  store.set('p', { rows: parents, columns: new Map(Object.entries(cols).map(([k, v]) => [k, ColumnData.numbers(Float64Array.from(v))])) });
  return new ScheduleModel(s, 'p', store);
}

describe('ScheduleModel', () => {
  it('every 2 weeks on Fridays: 26 or 27 dates a year, 14 days apart, all Fridays', () => {
    const m = model(base);
    for (let p = 0; p < 50; p++) {
      const t = m.occurrences(p, []);
      expect(t.length === 26 || t.length === 27).toBe(true);
      expect(t.every((x) => new Date(x).getUTCDay() === 5)).toBe(true);
      for (let i = 1; i < t.length; i++) expect(t[i] - t[i - 1]).toBe(14 * DAY);
    }
  });

  it('an anchor sets the phase: the anchor\'s Friday is an occurrence', () => {
    const anchor = Date.UTC(2024, 2, 5); // Tuesday 5 March → Friday 8 March
    const t = model({ ...base, anchor: 'a' }, { a: [anchor] }, 1).occurrences(0, []);
    expect(t.map(iso)).toContain('2024-03-08');
    expect(t.map(iso)).toContain('2024-02-23');
  });

  it('days of month with business days: 1st and 15th, weekends to the Friday before; the last business day', () => {
    expect(calendarDays({ ...base, kind: 'days_of_month', days: [1, 15], business: 'previous' }, Date.UTC(2024, 5, 1), Date.UTC(2024, 5, 30)).map(iso)).toEqual(['2024-06-14']);
    // June 1st 2024 is a Saturday: it moves to Friday 31 May, outside June.
    const last = calendarDays({ ...base, kind: 'days_of_month', days: [-1], business: 'previous' }, Date.UTC(2024, 0, 1), Date.UTC(2024, 11, 31)).map(iso);
    expect(last).toEqual(['2024-01-31', '2024-02-29', '2024-03-29', '2024-04-30', '2024-05-31', '2024-06-28', '2024-07-31', '2024-08-30', '2024-09-30', '2024-10-31', '2024-11-29', '2024-12-31']);
  });

  it('skips and jitter are keyed by the occurrence: a shorter window keeps the same occurrences', () => {
    const s: SchedulePlan = { ...base, skip: 0.3, jitterDays: 3 };
    const whole = model(s).occurrences(7, []);
    const half = model({ ...s, to: 'to' }, { to: new Array(50).fill(Date.UTC(2024, 5, 30)) }).occurrences(7, []);
    expect(half).toEqual(whole.filter((t) => t <= Date.UTC(2024, 5, 30)));
    let kept = 0;
    let total = 0;
    for (let p = 0; p < 50; p++) (kept += model(s).occurrences(p, []).length), (total += model({ ...s, skip: 0, jitterDays: 0 }).occurrences(p, []).length);
    expect(Math.abs(kept / total - 0.7)).toBeLessThan(0.05); // ~1,330 occurrences: se 0.013
  });

  it('a window that ends before it starts has no occurrences', () => {
    expect(model({ ...base, to: 'to' }, { to: new Array(50).fill(0) }).occurrences(3, [])).toEqual([]);
  });
});

describe('allocate', () => {
  it('chooses exactly min(k, eligible) rows per (parent, day), never an ineligible one', () => {
    const parent = [0, 0, 0, 0, 1, 1, 2];
    const time = [0, 1000, DAY + 5, DAY + 9, 0, 5, 0].map((x) => x + Date.UTC(2024, 0, 1));
    const weight = [1, 1, 0, 2, 1, 1, 3];
    const m = allocate(7, 100, parent, time, weight, 'day', 1, 5);
    expect(m[0] + m[1]).toBe(1);
    expect([m[2], m[3]]).toEqual([0, 1]);
    expect(m[4] + m[5]).toBe(1);
    expect(m[6]).toBe(1);
    expect(Array.from(allocate(7, 100, parent, time, weight, 'day', 5, 5))).toEqual([1, 1, 0, 1, 1, 1, 1]);
  });

  it('chooses ∝ weight: in pairs weighted 1 and 3 the heavier wins 3/4 of the time', () => {
    const n = 40_000;
    const parent = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 2));
    const weight = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 3 : 1));
    const m = allocate(n, 0, parent, null, weight, 'parent', 1, 9);
    let heavy = 0;
    for (let i = 1; i < n; i += 2) heavy += m[i];
    expect(Math.abs(heavy / (n / 2) - 0.75)).toBeLessThan(4 * Math.sqrt(0.75 * 0.25 / (n / 2)));
  });
});
