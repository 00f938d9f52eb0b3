/**
 * Hand-worked calendar cases (written out from a calendar, weekdays checked against Python's datetime), shared by
 * the pins of the engine's models (tests/unit/model/time-grid.test.ts) and of validate's own calendar
 * (tests/unit/validate/calendar.test.ts): both must give these, so a wrong grid in either fails a test.
 */
import type { Freq, TimeDimension } from '../../../src/ir/types.ts';

export const iso = (s: string): number => Date.parse(s.endsWith('Z') ? s : `${s}T00:00:00Z`);

/** Grid points of `freq` inside [start, end] (docs/language.md, datetime_series). */
export const GRIDS: { freq: Freq; start: string; end: string; points: string[]; why: string }[] = [
  { freq: 'D', start: '2024-02-27T12:00:00Z', end: '2024-03-02', points: ['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02'], why: 'days at 00:00 from the first midnight after a noon start, through a leap day, end inclusive' },
  { freq: 'W', start: '2024-01-01', end: '2024-01-31', points: ['2024-01-07', '2024-01-14', '2024-01-21', '2024-01-28'], why: 'Sundays; 2024-01-01 is a Monday' },
  { freq: 'W', start: '2024-01-07', end: '2024-01-14', points: ['2024-01-07', '2024-01-14'], why: 'a Sunday start and a Sunday end are both points' },
  { freq: 'W', start: '2023-12-25', end: '2024-01-02', points: ['2023-12-31'], why: 'the Sunday across a year end' },
  { freq: 'H', start: '2024-03-10T22:30:00Z', end: '2024-03-11T01:00:00Z', points: ['2024-03-10T23:00:00Z', '2024-03-11T00:00:00Z', '2024-03-11T01:00:00Z'], why: 'whole UTC hours' },
  { freq: 'T', start: '2024-01-01T00:00:30Z', end: '2024-01-01T00:03:00Z', points: ['2024-01-01T00:01:00Z', '2024-01-01T00:02:00Z', '2024-01-01T00:03:00Z'], why: 'whole minutes' },
  { freq: 'M', start: '2023-12-15', end: '2024-04-30', points: ['2023-12-31', '2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30'], why: 'month ends, February of a leap year' },
  { freq: 'M', start: '2100-01-31', end: '2100-03-30', points: ['2100-01-31', '2100-02-28'], why: '2100 is not a leap year; March 31 is after the end' },
  { freq: 'MS', start: '2023-12-15', end: '2024-03-01', points: ['2024-01-01', '2024-02-01', '2024-03-01'], why: 'month starts' },
  { freq: 'D', start: '2024-01-01T06:00:00Z', end: '2024-01-01T18:00:00Z', points: ['2024-01-01T06:00:00Z'], why: 'no midnight inside: the start is the only point' },
  { freq: 'W', start: '2024-01-01', end: '2024-01-06', points: ['2024-01-01'], why: 'Monday to Saturday holds no Sunday' },
  { freq: 'MS', start: '2024-02-02', end: '2024-02-20', points: ['2024-02-02'], why: 'no month start inside' },
];

/** firstAfter(t, strict) on the first grid (4 daily points 02-28 … 03-02). */
export const FIRST_AFTER: { t: string; atOrAfter: number; after: number }[] = [
  { t: '2024-02-01', atOrAfter: 0, after: 0 },
  { t: '2024-02-28', atOrAfter: 0, after: 1 },
  { t: '2024-02-29', atOrAfter: 1, after: 2 },
  { t: '2024-02-29T12:00:00Z', atOrAfter: 2, after: 2 },
  { t: '2024-03-02', atOrAfter: 3, after: 4 },
  { t: '2024-05-01', atOrAfter: 4, after: 4 },
];

/** Calendar buckets, 0-based (hour 0–23, dow 0 = Monday, month 0 = January), UTC. */
export const BUCKETS: { t: string; dim: TimeDimension; bucket: number }[] = [
  { t: '2024-01-01T00:00:00Z', dim: 'dow', bucket: 0 },
  { t: '2024-01-07T23:59:59Z', dim: 'dow', bucket: 6 },
  { t: '2024-02-29T13:45:00Z', dim: 'dow', bucket: 3 },
  { t: '2024-02-29T13:45:00Z', dim: 'hour', bucket: 13 },
  { t: '2024-02-29T13:45:00Z', dim: 'month', bucket: 1 },
  { t: '1970-01-01T00:00:00Z', dim: 'dow', bucket: 3 },
  { t: '2000-03-01T23:00:00Z', dim: 'dow', bucket: 2 },
  { t: '2023-12-31T23:59:59Z', dim: 'month', bucket: 11 },
  { t: '2023-12-31T23:59:59Z', dim: 'hour', bucket: 23 },
];

/** Panel periods: from the period containing start to the last starting at or before end (docs/behaviours/panels.md). */
export const PERIODS: { every: 'hour' | 'day' | 'week' | 'month'; start: string; end: string; starts: string[] }[] = [
  { every: 'week', start: '2024-01-03T10:00:00Z', end: '2024-01-22', starts: ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22'] },
  { every: 'week', start: '2024-01-07T23:00:00Z', end: '2024-01-08', starts: ['2024-01-01', '2024-01-08'] },
  { every: 'month', start: '2024-01-31T12:00:00Z', end: '2024-04-01', starts: ['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01'] },
  { every: 'day', start: '2024-02-28T23:00:00Z', end: '2024-03-01', starts: ['2024-02-28', '2024-02-29', '2024-03-01'] },
  { every: 'hour', start: '2024-01-01T00:59:59Z', end: '2024-01-01T02:00:00Z', starts: ['2024-01-01T00:00:00Z', '2024-01-01T01:00:00Z', '2024-01-01T02:00:00Z'] },
];

/** Trend factors (docs/language.md, `trend`), worked by hand. */
export const TRENDS: { type: 'exponential' | 'linear' | 'logarithmic'; g: number; a: number; b: number; years: number; factor: number }[] = [
  { type: 'exponential', g: 0.1, a: 0, b: 1, years: 2, factor: 1.21 },
  { type: 'exponential', g: 0.1, a: 0, b: 1, years: -1, factor: 1 / 1.1 },
  { type: 'exponential', g: 0.44, a: 0, b: 1, years: 0.5, factor: 1.2 },
  { type: 'linear', g: 0.5, a: 0, b: 1, years: 3, factor: 2.5 },
  { type: 'linear', g: -0.2, a: 0, b: 1, years: 2.5, factor: 0.5 },
  { type: 'logarithmic', g: 2, a: 2, b: 1, years: Math.E - 1, factor: 3 },
  { type: 'logarithmic', g: 0.5, a: 0.5, b: 2, years: 1.5, factor: 1 + 0.5 * 1.3862943611198906 }, // ln 4
];
