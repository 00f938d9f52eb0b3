/**
 * Pins the engine's calendar models to the hand-worked table of ./calendar-table.ts: the datetime_series grid
 * (TimeGrid), calendar buckets and pattern weights (timePart, patternWeight), panel periods (periodStarts,
 * floorPeriod) and the trend factor (trendFactor). validate computes the same from its own code
 * (src/validate/calendar.ts, pinned to the same table), so a wrong model fails here and in validate's checks.
 */
import { describe, expect, it } from 'vitest';
import { floorPeriod, periodStarts } from '../../../src/model/grain.ts';
import { patternWeight, TimeGrid, timePart } from '../../../src/model/time-grid.ts';
import { trendFactor } from '../../../src/model/trend.ts';
import { BUCKETS, FIRST_AFTER, GRIDS, iso, PERIODS, TRENDS } from './calendar-table.ts';

describe('TimeGrid: the grid points of datetime_series', () => {
  it.each(GRIDS)('$freq $start … $end: $why', ({ freq, start, end, points }) => {
    const g = new TimeGrid(iso(start), iso(end), freq);
    expect(Array.from({ length: g.count }, (_, i) => new Date(g.point(i)).toISOString())).toEqual(points.map((p) => new Date(iso(p)).toISOString()));
  });

  it('firstAfter: index of the first point at or after / strictly after an instant', () => {
    const { start, end, freq } = GRIDS[0];
    const g = new TimeGrid(iso(start), iso(end), freq);
    for (const c of FIRST_AFTER) {
      expect(g.firstAfter(iso(c.t), false), c.t).toBe(c.atOrAfter);
      expect(g.firstAfter(iso(c.t), true), c.t).toBe(c.after);
    }
  });
});

describe('timePart and patternWeight: calendar buckets (UTC, dow 0 = Monday, months 1–12)', () => {
  it.each(BUCKETS)('$dim of $t is bucket $bucket', ({ t, dim, bucket }) => {
    expect(timePart(iso(t), dim)).toBe(dim === 'month' ? bucket + 1 : bucket);
    const weights = Array.from({ length: dim === 'hour' ? 24 : dim === 'dow' ? 7 : 12 }, (_, i) => 10 + i);
    expect(patternWeight(iso(t), { dimension: dim, weights })).toBe(10 + bucket);
  });
});

describe('periodStarts and floorPeriod: panel periods', () => {
  it.each(PERIODS)('$every periods of $start … $end', ({ every, start, end, starts }) => {
    const got = periodStarts({ every, startMs: iso(start), endMs: iso(end) });
    expect(Array.from(got, (t) => new Date(t).toISOString())).toEqual(starts.map((s) => new Date(iso(s)).toISOString()));
    expect(floorPeriod(iso(start), every)).toBe(iso(starts[0]));
  });
});

describe('trendFactor: exponential (1+g)^t, linear 1+g·t, logarithmic 1+a·ln(1+b·t)', () => {
  it.each(TRENDS)('$type g=$g a=$a b=$b after $years years = $factor', ({ type, g, a, b, years, factor }) => {
    expect(trendFactor(type, g, a, b, years)).toBeCloseTo(factor, 13);
  });
});
