import { describe, expect, it } from 'vitest';
import { col, entity, errorCodes, expectWithin, idCol, mean, runColumns, spec, YEAR } from '../../../support/harness.ts';

// A trend multiplies by f(t), t = years of 365.25 days since `origin` (default timeframe.start).
// Exact per-row checks on a constant column; statistically, on N(100, 10) × f the mean of each
// calendar year equals 100 × (mean of f over that year's rows) within 5 SE, SE = 10·√(mean f²)/√n_y.
const N = 20_000;
const tf = { start: '2022-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'D' };
const t0 = Date.parse(tf.start);
const constant = { choice: { choices: [100] } };

const FACTORS: [string, Record<string, unknown>, (t: number) => number][] = [
  ['exponential', { type: 'exponential', growth_rate: 0.2 }, (t) => 1.2 ** t],
  ['linear', { type: 'linear', growth_rate: 0.3 }, (t) => 1 + 0.3 * t],
  ['logarithmic {a, b}', { type: 'logarithmic', growth_rate: 0.5, params: { a: 0.8, b: 3 } }, (t) => 1 + 0.8 * Math.log(1 + 3 * t)],
  ['default type exponential', { growth_rate: 0.1 }, (t) => 1.1 ** t],
];

describe('trend', () => {
  it.each(FACTORS)('%s: value × f(years since timeframe.start); yearly means follow f', (_, args, f) => {
    const t = runColumns(N, [
      col('ts', 'datetime', { datetime_series: {} }),
      col('c', 'float', constant, [['trend', args]]),
      col('v', 'float', { distribution: { type: 'normal', params: { mean: 100, std: 10 } } }, [['trend', args]]),
    ], tf);
    const [ts, c, v] = [t.num('ts'), t.num('c'), t.num('v')];
    const byYear = new Map<number, { v: number[]; f: number[] }>();
    for (let i = 0; i < N; i++) {
      const fx = f((ts[i] - t0) / YEAR);
      if (Math.abs(c[i] - 100 * fx) > 1e-9 * 100 * fx) expect.fail(`row ${i}: ${c[i]} vs ${100 * fx}`);
      const y = new Date(ts[i]).getUTCFullYear();
      if (!byYear.has(y)) byYear.set(y, { v: [], f: [] });
      byYear.get(y)!.v.push(v[i]);
      byYear.get(y)!.f.push(fx);
    }
    expect([...byYear.keys()].sort()).toEqual([2022, 2023, 2024]);
    for (const [y, g] of byYear) {
      const ef2 = mean(g.f.map((x) => x * x));
      expectWithin(mean(g.v), 100 * mean(g.f), (10 * Math.sqrt(ef2)) / Math.sqrt(g.v.length), `year ${y}`);
    }
  });

  // docs/language.md: "logarithmic 1 + a·ln(1+b·t) with a = growth_rate and b = 1 by default", and
  // trend.ts implements those defaults, but schemas/modifiers/trend.schema.json requires "params" with
  // both a and b when type is logarithmic (DG_MISSING_KEY), so the defaults can never be used.
  it('logarithmic without params uses a = growth_rate, b = 1 (documented defaults; the schema requires params)', () => {
    const doc = spec([entity('t', 1000, [idCol(), col('ts', 'datetime', { datetime_series: {} }), col('c', 'float', constant, [['trend', { type: 'logarithmic', growth_rate: 0.5 }]])])], tf);
    expect(errorCodes(doc)).toEqual([]);
    const t = runColumns(1000, doc.nodes[0].columns.slice(1), tf);
    const [ts, c] = [t.num('ts'), t.num('c')];
    for (let i = 0; i < t.rows; i++) if (Math.abs(c[i] - 100 * (1 + 0.5 * Math.log(1 + (ts[i] - t0) / YEAR))) > 1e-9 * 200) expect.fail(`row ${i}`);
  });

  it('origin moves t = 0; times before the origin give t < 0', () => {
    const origin = '2023-07-01T00:00:00Z';
    const t = runColumns(N, [col('ts', 'datetime', { datetime_series: {} }), col('c', 'float', constant, [['trend', { type: 'linear', growth_rate: 0.5, origin }]])], tf);
    const [ts, c] = [t.num('ts'), t.num('c')];
    let below = 0;
    for (let i = 0; i < N; i++) {
      const want = 100 * (1 + 0.5 * ((ts[i] - Date.parse(origin)) / YEAR));
      if (Math.abs(c[i] - want) > 1e-9 * 100) expect.fail(`row ${i}: ${c[i]} vs ${want}`);
      if (c[i] < 100) below++;
    }
    // rows before the origin: 1.5 of 3 years → share ≈ 546/1096 days
    const p = 546 / 1096;
    expectWithin(below / N, p, Math.sqrt((p * (1 - p)) / N), 'share before origin');
  });

  it('time_reference picks the column that places the row in time', () => {
    const t = runColumns(N, [
      col('a', 'datetime', { datetime_series: {} }),
      col('b', 'datetime', { datetime_series: {} }),
      col('c', 'float', constant, [['trend', { type: 'linear', growth_rate: 1, time_reference: 'b' }]]),
    ], tf);
    const [b, c] = [t.num('b'), t.num('c')];
    for (let i = 0; i < N; i++) if (Math.abs(c[i] - 100 * (1 + (b[i] - t0) / YEAR)) > 1e-9 * 400) expect.fail(`row ${i}`);
  });

  it('bad type, growth_rate ≤ −1 (exponential), a bad origin or no datetime column are compile errors', () => {
    const doc = (args: unknown, withTs = true) => spec([entity('t', 10, [idCol(), ...(withTs ? [col('ts', 'datetime', { datetime_series: {} })] : []), col('c', 'float', constant, [['trend', args]])])]);
    expect(errorCodes(doc({ type: 'cubic', growth_rate: 0.1 })).length).toBeGreaterThan(0);
    expect(errorCodes(doc({ type: 'exponential', growth_rate: -1 }))).toEqual(['DG_OUT_OF_RANGE']);
    expect(errorCodes(doc({ growth_rate: 0.1, origin: 'yesterday' })).length).toBeGreaterThan(0);
    expect(errorCodes(doc({ growth_rate: 0.1 }, false))).toEqual(['DG_NO_TIME_REFERENCE']);
  });
});
