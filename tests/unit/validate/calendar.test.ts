/**
 * validate's own calendar (src/validate/calendar.ts) against the hand-worked table that also pins the engine's
 * models (tests/unit/model/calendar-table.ts), plus the panel weights and series periods built on it.
 */
import { describe, expect, it } from 'vitest';
import { calendarBucket, calendarGrid, panelPeriodStarts, patternWeightAt, TREND_YEAR_MS, trendAt } from '../../../src/validate/calendar.ts';
import { periodsOf, seriesPeriods } from '../../../src/validate/behaviour/cohorts-panels.ts';
import type { GrainPlan } from '../../../src/ir/types.ts';
import { BUCKETS, FIRST_AFTER, GRIDS, iso, PERIODS, TRENDS } from '../model/calendar-table.ts';

const isoList = (xs: ArrayLike<number>) => Array.from(xs, (t) => new Date(t).toISOString());

describe('calendarGrid: the grid points of datetime_series', () => {
  it.each(GRIDS)('$freq $start … $end: $why', ({ freq, start, end, points }) => {
    const g = calendarGrid(iso(start), iso(end), freq);
    expect(isoList(Array.from({ length: g.count }, (_, i) => g.point(i)))).toEqual(isoList(points.map(iso)));
    const regular = freq !== 'M' && freq !== 'MS';
    expect(g.step === null).toBe(!regular);
  });

  it('firstAfter: index of the first point at or after / strictly after an instant', () => {
    const { start, end, freq } = GRIDS[0];
    const g = calendarGrid(iso(start), iso(end), freq);
    for (const c of FIRST_AFTER) {
      expect(g.firstAfter(iso(c.t), false), c.t).toBe(c.atOrAfter);
      expect(g.firstAfter(iso(c.t), true), c.t).toBe(c.after);
    }
    const m = calendarGrid(iso('2023-12-15'), iso('2024-04-30'), 'M');
    expect([m.firstAfter(iso('2024-02-29'), false), m.firstAfter(iso('2024-02-29'), true), m.firstAfter(iso('2025-01-01'), false)]).toEqual([2, 3, 5]);
  });

  it('counts a long grid without listing it: a year of minutes, 2024 (leap) is 366 days', () => {
    const g = calendarGrid(iso('2024-01-01'), iso('2024-12-31T23:59:00Z'), 'T');
    expect(g.count).toBe(366 * 24 * 60);
    expect(g.point(g.count - 1)).toBe(iso('2024-12-31T23:59:00Z'));
  });
});

describe('calendarBucket and patternWeightAt', () => {
  it.each(BUCKETS)('$dim of $t is bucket $bucket', ({ t, dim, bucket }) => {
    expect(calendarBucket(iso(t), dim)).toBe(bucket);
    const weights = Array.from({ length: dim === 'hour' ? 24 : dim === 'dow' ? 7 : 12 }, (_, i) => 10 + i);
    expect(patternWeightAt(iso(t), [{ dimension: dim, weights }])).toBe(10 + bucket);
  });

  it('multiplies the patterns (Thursday 29 Feb 2024, 13:45: dow 3, hour 13, month 2)', () => {
    const dow = [1, 1, 1, 0.5, 1, 1, 1];
    const hour = Array.from({ length: 24 }, (_, h) => (h === 13 ? 3 : 1));
    const month = Array.from({ length: 12 }, (_, m) => (m === 1 ? 0.25 : 1));
    expect(patternWeightAt(iso('2024-02-29T13:45:00Z'), [{ dimension: 'dow', weights: dow }, { dimension: 'hour', weights: hour }, { dimension: 'month', weights: month }])).toBe(0.375);
    expect(patternWeightAt(iso('2024-02-29T13:45:00Z'), [])).toBe(1);
  });
});

describe('panel periods', () => {
  it.each(PERIODS)('$every periods of $start … $end', ({ every, start, end, starts }) => {
    expect(isoList(panelPeriodStarts(every, iso(start), iso(end)))).toEqual(isoList(starts.map(iso)));
  });

  it.each(TRENDS)('trend $type g=$g a=$a b=$b after $years years = $factor', ({ type, g, a, b, years, factor }) => {
    expect(trendAt({ type, growthRate: g, a, b }, years)).toBeCloseTo(factor, 13);
  });

  const grain = (over: Partial<GrainPlan>): GrainPlan => ({
    every: 'day', startMs: iso('2024-01-01'), endMs: iso('2024-01-14'), activeProbability: 1, patterns: [], lifetimeFrom: null,
    segments: [], vintage: null, stream: 12345, ...over,
  });

  it('weights are the pattern weights normalised to mean 1 (Mon–Fri 1, Sat–Sun 0.5 → 7/6 and 7/12)', () => {
    const p = periodsOf(grain({ endMs: iso('2024-01-07'), patterns: [{ dimension: 'dow', weights: [1, 1, 1, 1, 1, 0.5, 0.5] }] }));
    expect(Array.from(p.weight).map((w) => w * 12)).toEqual([14, 14, 14, 14, 14, 7, 7].map((x) => expect.closeTo(x, 12)));
    expect(Array.from(p.len)).toEqual(new Array(7).fill(86_400_000));
  });

  it('a linear trend of +100 %/year over two periods a year apart weighs them 1 : 2 (mean 1: 2/3, 4/3)', () => {
    const origin = iso('2023-01-01');
    const p = periodsOf(grain({ every: 'month', startMs: origin, endMs: origin + TREND_YEAR_MS, trend: { type: 'linear', growthRate: 1, a: 1, b: 1, originMs: origin } }));
    // Months of 2023 plus January 2024 (the window ends 365.25 days after the origin): weights 1 + t, t in years.
    const raw = Array.from(p.starts, (t) => 1 + (t - origin) / TREND_YEAR_MS);
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
    expect(p.starts.length).toBe(13);
    expect(Array.from(p.weight)).toEqual(raw.map((x) => expect.closeTo(x / mean, 12)));
  });

  it('a parentless series: every period when complete; only weekends when weekdays weigh 0 and weekends make p ≥ 1', () => {
    expect(seriesPeriods(grain({ activeProbability: null }))?.length).toBe(14);
    const weekends = seriesPeriods(grain({ activeProbability: 1, patterns: [{ dimension: 'dow', weights: [0, 0, 0, 0, 0, 1, 1] }] }));
    expect(isoList(weekends ?? [])).toEqual(isoList(['2024-01-06', '2024-01-07', '2024-01-13', '2024-01-14'].map(iso)));
  });

  it('a parentless series with p = 0.5: the share of active periods follows the probability', () => {
    const got = seriesPeriods(grain({ activeProbability: 0.5, endMs: iso('2024-12-31') }))!;
    // 366 days, each active with probability 1/2: within 4.5 SE of 183.
    expect(Math.abs(got.length - 183)).toBeLessThan(4.5 * Math.sqrt(366 / 4));
  });
});
