import { describe, expect, it } from 'vitest';
import { timePart } from '../../../../src/model/time-grid.ts';
import { chiSquare, col, compileDoc, counts, DAY, entity, expectShares, expectWithin, HOUR, idCol, mean, runColumns, runDoc, spec } from '../../../support/harness.ts';

// Grids are enumerated here independently of src/model/time-grid.ts (calendar arithmetic with
// Date). Shares are checked per bucket within 5 binomial standard errors and as a whole with a
// chi-square at upper-tail z = 5 (harness.ts); n = 20 000–40 000 rows per column.
const N = 20_000;
const MIN = 60_000;

const ms = (iso: string) => Date.parse(iso);

/** The grid points of `freq` in [start, end], enumerated from the calendar. */
function expectedGrid(freq: string, start: number, end: number): number[] {
  const out: number[] = [];
  if (freq === 'T' || freq === 'H') {
    const step = freq === 'T' ? MIN : HOUR;
    for (let t = Math.ceil(start / step) * step; t <= end; t += step) out.push(t);
    return out;
  }
  for (let t = Math.ceil(start / DAY) * DAY; t <= end; t += DAY) {
    const d = new Date(t);
    const keep =
      freq === 'D' ||
      (freq === 'W' && d.getUTCDay() === 0) ||
      (freq === 'M' && new Date(t + DAY).getUTCDate() === 1) ||
      (freq === 'MS' && d.getUTCDate() === 1);
    if (keep) out.push(t);
  }
  return out;
}

function expectUniformOn(xs: Float64Array, grid: number[], label: string) {
  const c = counts(xs);
  for (const v of c.keys()) if (!grid.includes(v)) expect.fail(`${label}: ${new Date(v).toISOString()} is not a grid point`);
  const chi = chiSquare(grid.map((g) => c.get(g) ?? 0), grid.map(() => 1 / grid.length));
  expect(chi.stat, `${label}: chi-square vs uniform over ${grid.length} points`).toBeLessThan(chi.critical);
}

const pattern = (dimension: string, weights: number[]) => ({ dimension, weights });

describe('datetime_series: grids', () => {
  const cases: [string, string, string][] = [
    ['T', '2024-03-10T00:00:00Z', '2024-03-10T23:59:59Z'],
    ['H', '2024-01-01T00:00:00Z', '2024-01-31T23:59:59Z'],
    ['D', '2024-01-01T00:00:00Z', '2024-12-31T23:59:59Z'],
    ['W', '2024-01-01T00:00:00Z', '2024-12-31T23:59:59Z'],
    ['M', '2024-01-01T00:00:00Z', '2024-12-31T23:59:59Z'],
    ['MS', '2024-01-01T00:00:00Z', '2024-12-31T23:59:59Z'],
    // windows that do not start on a grid point; the end is inclusive
    ['H', '2024-02-28T10:30:00Z', '2024-03-02T05:00:00Z'],
    ['D', '2024-01-01T10:30:00Z', '2024-03-15T00:00:00Z'],
    ['W', '2024-01-01T10:30:00Z', '2024-03-17T00:00:00Z'],
    ['M', '2024-01-15T00:00:00Z', '2024-06-30T00:00:00Z'],
    ['MS', '2024-01-15T00:00:00Z', '2024-07-01T00:00:00Z'],
  ];
  it.each(cases)('%s over [%s, %s]: only grid points inside the window, uniformly', (freq, s, e) => {
    const t = runColumns(N, [col('ts', 'datetime', { datetime_series: { within: { start: s, end: e }, freq } })]);
    const grid = expectedGrid(freq, ms(s), ms(e));
    expect(grid.length).toBeGreaterThan(1);
    const x = t.num('ts');
    for (const v of x) if (v < ms(s) || v > ms(e)) expect.fail(`${new Date(v).toISOString()} outside the window`);
    for (const v of new Set(x)) {
      if (freq === 'W' && new Date(v).getUTCDay() !== 0) expect.fail(`${new Date(v).toISOString()} is not a Sunday`);
      if (freq === 'M' && new Date(v + DAY).getUTCDate() !== 1) expect.fail(`${new Date(v).toISOString()} is not a month end`);
      if (freq === 'MS' && new Date(v).getUTCDate() !== 1) expect.fail(`${new Date(v).toISOString()} is not a month start`);
      if (freq !== 'T' && freq !== 'H' && v % DAY !== 0) expect.fail(`${new Date(v).toISOString()} is not at 00:00`);
    }
    expectUniformOn(x, grid, `${freq} ${s}..${e}`);
  });

  it('defaults: within = timeframe, freq = timeframe.freq; freq aliases min / h', () => {
    const t = runColumns(N, [
      col('a', 'datetime', { datetime_series: {} }),
      col('b', 'datetime', { datetime_series: { freq: 'h' } }),
      col('c', 'datetime', { datetime_series: { within: { start: '2024-05-01T00:00:00Z', end: '2024-05-01T03:00:00Z' }, freq: 'min' } }),
    ], { start: '2024-01-01T00:00:00Z', end: '2024-01-10T23:59:59Z', freq: 'D' });
    expectUniformOn(t.num('a'), expectedGrid('D', ms('2024-01-01T00:00:00Z'), ms('2024-01-10T23:59:59Z')), 'timeframe D');
    expectUniformOn(t.num('b'), expectedGrid('H', ms('2024-01-01T00:00:00Z'), ms('2024-01-10T23:59:59Z')), 'alias h');
    expectUniformOn(t.num('c'), expectedGrid('T', ms('2024-05-01T00:00:00Z'), ms('2024-05-01T03:00:00Z')), 'alias min');
  });

  it('a window shorter than one step yields its start', () => {
    const t = runColumns(1000, [
      col('h', 'datetime', { datetime_series: { within: { start: '2024-03-10T05:17:00Z', end: '2024-03-10T05:50:00Z' }, freq: 'H' } }),
      col('m', 'datetime', { datetime_series: { within: { start: '2024-03-10T00:00:00Z', end: '2024-03-20T00:00:00Z' }, freq: 'M' } }),
    ]);
    expect(new Set(t.num('h'))).toEqual(new Set([ms('2024-03-10T05:17:00Z')]));
    expect(new Set(t.num('m'))).toEqual(new Set([ms('2024-03-10T00:00:00Z')]));
  });

  it('bad windows and freqs are compile errors', () => {
    const errors = (gen: unknown) => compileDoc(spec([entity('t', 10, [idCol(), col('ts', 'datetime', gen)])])).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    expect(errors({ datetime_series: { within: { start: '2024-02-01T00:00:00Z', end: '2024-01-01T00:00:00Z' } } })).toEqual(['DG_OUT_OF_RANGE']);
    expect(errors({ datetime_series: { within: { start: '2000-01-01T00:00:00Z', end: '2100-01-01T00:00:00Z' }, freq: 'T' } })).toEqual(['DG_GRID_TOO_LARGE']);
  });
});

describe('datetime_series: patterns (share ∝ normalised weight × grid points in the bucket)', () => {
  const year = { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z' };

  /** Expected share of each bucket of `key` over the grid, ∝ Π weights(point). */
  function bucketShares(grid: number[], weight: (t: number) => number, key: (t: number) => number): Map<number, number> {
    const m = new Map<number, number>();
    let total = 0;
    for (const t of grid) {
      const w = weight(t);
      m.set(key(t), (m.get(key(t)) ?? 0) + w);
      total += w;
    }
    for (const [k, v] of m) m.set(k, v / total);
    return m;
  }

  const hourW = [1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 9, 8, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  const dowW = [1, 1.2, 1.4, 1.6, 3, 0.5, 0];
  const monthW = [1, 1, 1.2, 1.3, 1.5, 2, 2.5, 2.5, 1.5, 1.2, 1.1, 3];

  it('hour pattern on an hourly grid (every hour has 366 points in 2024)', () => {
    const x = runColumns(N, [col('ts', 'datetime', { datetime_series: { freq: 'H', pattern: pattern('hour', hourW) } })], year).num('ts');
    const grid = expectedGrid('H', ms(year.start), ms(year.end));
    const shares = bucketShares(grid, (t) => hourW[new Date(t).getUTCHours()], (t) => new Date(t).getUTCHours());
    expectShares(Array.from(x, (t) => new Date(t).getUTCHours()), shares, 'hour');
  });

  it('dow pattern on a daily grid: 2024 has 53 Mondays and Tuesdays, 52 of the rest; a zero weight never occurs', () => {
    const x = runColumns(N, [col('ts', 'datetime', { datetime_series: { freq: 'D', pattern: pattern('dow', dowW) } })], year).num('ts');
    const grid = expectedGrid('D', ms(year.start), ms(year.end));
    const dow = (t: number) => (new Date(t).getUTCDay() + 6) % 7;
    const shares = bucketShares(grid, (t) => dowW[dow(t)], dow);
    expect(shares.get(0)! / shares.get(1)!).toBeCloseTo((53 * 1) / (53 * 1.2), 12);
    expectShares(Array.from(x, dow), shares, 'dow');
  });

  it('month pattern on a daily grid: shares ∝ weight × days in the month', () => {
    const x = runColumns(N, [col('ts', 'datetime', { datetime_series: { freq: 'D', pattern: pattern('month', monthW) } })], year).num('ts');
    const grid = expectedGrid('D', ms(year.start), ms(year.end));
    const month = (t: number) => new Date(t).getUTCMonth();
    expectShares(Array.from(x, month), bucketShares(grid, (t) => monthW[month(t)], month), 'month');
  });

  it('a seasonality modifier on the column is folded into the draw and multiplies with the pattern', () => {
    const x = runColumns(40_000, [
      col('ts', 'datetime', { datetime_series: { freq: 'D', pattern: pattern('dow', dowW) } }, [['seasonality', { dimension: 'month', weights: monthW }]]),
    ], year).num('ts');
    const grid = expectedGrid('D', ms(year.start), ms(year.end));
    const dow = (t: number) => (new Date(t).getUTCDay() + 6) % 7;
    const month = (t: number) => new Date(t).getUTCMonth();
    const cell = (t: number) => dow(t) * 100 + month(t);
    const shares = bucketShares(grid, (t) => dowW[dow(t)] * monthW[month(t)], cell);
    const c = counts(Array.from(x, cell));
    const keys = [...shares.keys()];
    const chi = chiSquare(keys.map((k) => c.get(k) ?? 0), keys.map((k) => shares.get(k)!));
    expect(chi.stat, `joint dow × month chi-square (df ${chi.df})`).toBeLessThan(chi.critical);
    expectShares(Array.from(x, month), bucketShares(grid, (t) => dowW[dow(t)] * monthW[month(t)], month), 'month marginal');
  });

  // docs/language.md: "Drawn with probability ∝ the product of `pattern` weights (one object or a list …)";
  // the generator code accepts a list, but schemas/generators/datetime_series.schema.json only allows one object.
  it('a list of patterns multiplies (documented: "one object or a list"; the schema rejects a list)', () => {
    const doc = spec([entity('t', N, [idCol(), col('ts', 'datetime', { datetime_series: { freq: 'H', pattern: [pattern('hour', hourW), pattern('dow', dowW)] } })])], year);
    const r = compileDoc(doc);
    expect(r.diagnostics.filter((d) => d.severity === 'error'), 'a pattern list should compile').toEqual([]);
    const x = runDoc(doc).table('t').num('ts');
    const grid = expectedGrid('H', ms(year.start), ms(year.end));
    const dow = (t: number) => (new Date(t).getUTCDay() + 6) % 7;
    expectShares(Array.from(x, dow), bucketShares(grid, (t) => dowW[dow(t)], dow), 'dow marginal');
    expectShares(Array.from(x, (t) => timePart(t, 'hour')), bucketShares(grid, (t) => hourW[timePart(t, 'hour')], (t) => timePart(t, 'hour')), 'hour marginal');
  });

  it('pattern weights of the wrong length are DG_PATTERN_LENGTH', () => {
    const r = compileDoc(spec([entity('t', 10, [idCol(), col('ts', 'datetime', { datetime_series: { pattern: pattern('dow', [1, 2, 3]) } })])]));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain('DG_PATTERN_LENGTH');
  });
});

describe('datetime_series: same-row inequality constraints are enforced', () => {
  const window = { start: '2024-01-01T00:00:00Z', end: '2024-03-31T23:59:59Z' };
  const columns = [
    col('start_at', 'datetime', { datetime_series: { freq: 'D' } }),
    col('end_at', 'datetime', { datetime_series: { freq: 'D' } }),
  ];
  const ineq = (left: string, op: string, right: string) => ({ inequalities: [{ left, op, right }] });
  const grid = expectedGrid('D', ms(window.start), ms(window.end));

  function check(start: Float64Array, end: Float64Array, strict: boolean) {
    const last = grid[grid.length - 1];
    const u: number[] = [];
    for (let i = 0; i < start.length; i++) {
      const s = start[i];
      const e = end[i];
      if (strict ? !(e > s) : !(e >= s)) expect.fail(`row ${i}: end ${new Date(e).toISOString()} not after start ${new Date(s).toISOString()}`);
      if (s === last && strict) {
        expect(e).toBe(s + DAY); // no grid point left: one step after it
        continue;
      }
      if (!grid.includes(e)) expect.fail(`row ${i}: end ${new Date(e).toISOString()} is not a grid point`);
      // Given start, end is uniform on the R remaining points: (k − ½)/R has mean ½ and variance < 1/12.
      const k0 = grid.indexOf(s);
      const R = grid.length - 1 - k0 + (strict ? 0 : 1);
      const k = grid.indexOf(e) - k0 + (strict ? 0 : 1);
      u.push((k - 0.5) / R);
    }
    expectWithin(mean(u), 0.5, Math.sqrt(1 / 12 / u.length), 'conditional position of end');
  }

  it('left < right: end > start on every row, end uniform over the grid points after start', () => {
    const t = runColumns(N, columns, { ...window, constraints: ineq('t.start_at', '<', 't.end_at') });
    check(t.num('start_at'), t.num('end_at'), true);
  });

  it('right > left written the other way round, and <= (ties allowed)', () => {
    const t = runColumns(N, columns, { ...window, constraints: ineq('t.end_at', '>', 't.start_at') });
    check(t.num('start_at'), t.num('end_at'), true);
    const t2 = runColumns(N, columns, { ...window, constraints: ineq('t.start_at', '<=', 't.end_at') });
    check(t2.num('start_at'), t2.num('end_at'), false);
    expect(t2.num('end_at').some((e, i) => e === t2.num('start_at')[i])).toBe(true);
  });

  it('the later column keeps its pattern: end drawn ∝ weights among the points after start', () => {
    const weekend = [0, 0, 0, 0, 0, 1, 1];
    const t = runColumns(N, [columns[0], col('end_at', 'datetime', { datetime_series: { freq: 'D', pattern: pattern('dow', weekend) } })], { ...window, constraints: ineq('t.start_at', '<', 't.end_at') });
    const [s, e] = [t.num('start_at'), t.num('end_at')];
    const lastWeekend = Math.max(...grid.filter((g) => timePart(g, 'dow') >= 5));
    for (let i = 0; i < N; i++) {
      if (!(e[i] > s[i])) expect.fail(`row ${i}: end not after start`);
      if (s[i] < lastWeekend && timePart(e[i], 'dow') < 5) expect.fail(`row ${i}: end ${new Date(e[i]).toISOString()} is not on a weekend`);
    }
  });

  // The column evaluation order is computed in planTable before planConstraints sets `after`, so the
  // dependency end_at → start_at is missing from evalOrder: end_at is drawn first, ctx.cols has no
  // start_at yet and the constraint is silently skipped (about half the rows violate it).
  it('the constraint holds when the later column is declared before the earlier one', () => {
    const t = runColumns(N, [columns[1], columns[0]], { ...window, constraints: ineq('t.start_at', '<', 't.end_at') });
    const [s, e] = [t.num('start_at'), t.num('end_at')];
    let violations = 0;
    for (let i = 0; i < N; i++) if (!(e[i] > s[i])) violations++;
    expect(violations, 'rows with end_at <= start_at').toBe(0);
  });
});
