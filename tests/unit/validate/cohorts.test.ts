/*
 * The models behind the cohort checks, against the engine they mirror: age curves and buckets in SQL
 * (curveValue / curvesAt), the weighted vintage grid (TimeGrid / patternPrefix), period indexes of panels
 * (floorPeriod / periodStarts), children-count moments with min/max, int rounding after a multiplier, funnel
 * delay margins and the family-wise tolerance factor.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curveValue } from '../../../src/model/curves.ts';
import { curvesAt } from '../../../src/model/vintage.ts';
import { patternPrefix, TimeGrid } from '../../../src/model/time-grid.ts';
import { floorPeriod } from '../../../src/model/grain.ts';
import { roundHalfEven } from '../../../src/model/rounding.ts';
import { distPmf } from '../../../src/model/distributions.ts';
import type { CurvePlan, GrainPlan } from '../../../src/ir/types.ts';
import { curvesAtSql, curveSql, familyFactor, gridSql } from '../../../src/validate/behaviour/cohorts-common.ts';
import { dbl as num } from '../../../src/validate/sql.ts';
import { roundedMean } from '../../../src/validate/behaviour/cohorts-moments.ts';
import { fanoutMoments } from '../../../src/validate/fanout-model.ts';
import { delayMargin } from '../../../src/validate/behaviour/cohorts-funnels.ts';
import { isPeriodStartSql, periodIndexSql, periodsOf } from '../../../src/validate/behaviour/cohorts-panels.ts';

let conn: Awaited<ReturnType<DuckDBInstance['connect']>>;
let db: DuckDBInstance;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});
const values = async (sql: string): Promise<number[]> => (await conn.runAndReadAll(sql)).getRows().map((r) => Number(r[0]));

const MONTH = 2_629_800_000;
const WEEK = 604_800_000;
const curves: CurvePlan[] = [
  { kind: 'array', values: [1, 0.7, 0.5, 0.45], unitMs: MONTH },
  { kind: 'logarithmic', a: 0.3, b: 0.5, unitMs: MONTH },
  { kind: 'logarithmic', a: 1, b: -0.1, unitMs: MONTH },
  { kind: 'exponential', a: 1, b: -0.04, unitMs: WEEK },
  { kind: 'linear', a: 1.2, b: -0.05, unitMs: WEEK },
];

describe('age curves in SQL', () => {
  it.each(curves.map((c) => [c.kind, c] as const))('%s: curveSql(k) = curveValue(k) for k = 0…40', async (_k, c) => {
    const got = await values(`SELECT ${curveSql(c, 'k')} FROM range(0, 41) t(k) ORDER BY k`);
    got.forEach((v, k) => expect(v).toBeCloseTo(curveValue(c, k), 12));
  });

  it('curvesAtSql = curvesAt for ages around bucket edges and decay rates', async () => {
    const two = [curves[0], { kind: 'linear', a: 1, b: 0.1, unitMs: MONTH } as CurvePlan];
    for (const d of [0, 0.5, 1, 2, 16]) {
      const ages = [-5, 0, 1, MONTH / 2, MONTH - 1, MONTH, MONTH + 1, 3 * MONTH, 7.5 * MONTH, 40 * MONTH];
      const got = await values(`SELECT ${curvesAtSql(two, 'a', num(d))} FROM (SELECT unnest([${ages.map(num).join(', ')}]) AS a, generate_subscripts([${ages.map(num).join(', ')}], 1) AS i) ORDER BY i`);
      got.forEach((v, i) => expect(v, `d ${d}, age ${ages[i]}`).toBeCloseTo(curvesAt(two, ages[i], d), 12));
    }
  });
});

describe('the vintage grid', () => {
  const gen = { kind: 'datetime' as const, startMs: Date.parse('2024-01-01T00:00:00Z'), endMs: Date.parse('2024-03-31T23:59:59Z'), freq: 'H' as const,
    patterns: [{ dimension: 'hour' as const, weights: Array.from({ length: 24 }, (_, h) => 1 + (h % 5)) }, { dimension: 'dow' as const, weights: [1, 1, 1, 1, 2, 3, 0.5] }], effects: [], after: null, vintage: null };

  it('prefix weights are patternPrefix of the engine; idx(x) is firstAfter(x)', async () => {
    const g = gridSql(gen)!;
    const grid = new TimeGrid(gen.startMs, gen.endMs, gen.freq);
    const want = patternPrefix(grid, gen.patterns);
    const got = await values(`SELECT cum FROM (${g.prefix}) ORDER BY i`);
    expect(got.length).toBe(grid.count + 1);
    for (const i of [0, 1, 5, 100, 1000, grid.count]) expect(got[i]).toBeCloseTo(want[i], 6);
    const xs = [gen.startMs - 5e6, gen.startMs, gen.startMs + 1, gen.startMs + 3_600_000, gen.startMs + 3_599_999, gen.startMs + 1.5e9 + 123, gen.endMs, gen.endMs + 1e7];
    const idx = await values(`SELECT ${g.idx('x')} FROM (SELECT unnest([${xs.map(num).join(', ')}]) AS x, generate_subscripts([${xs.map(num).join(', ')}], 1) AS i) ORDER BY i`);
    idx.forEach((v, i) => expect(v).toBe(grid.firstAfter(xs[i], false)));
  });

  it('month grids and effects are not modelled', () => {
    expect(gridSql({ ...gen, freq: 'MS' })).toBeNull();
  });
});

describe('panel periods', () => {
  it.each(['hour', 'day', 'week', 'month'] as const)('%s: index of the period containing x, and whether x is a period start', async (every) => {
    const g = { every, startMs: Date.parse('2024-01-10T05:00:00Z'), endMs: Date.parse('2024-08-31T00:00:00Z'), patterns: [] } as unknown as GrainPlan;
    const p = periodsOf(g);
    const xs = [Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-01-10T05:30:00Z'), Date.parse('2024-02-29T23:59:59Z'), Date.parse('2024-03-04T00:00:00Z'), Date.parse('2024-06-01T00:00:00Z'), Date.parse('2024-08-30T12:00:00Z'), Date.parse('2025-01-01T00:00:00Z')];
    const rows = (await conn.runAndReadAll(`SELECT ${periodIndexSql(p, 'x')}, ${isPeriodStartSql(p, 'x')} FROM (SELECT unnest([${xs.map(num).join(', ')}]) AS x, generate_subscripts([${xs.map(num).join(', ')}], 1) AS i) ORDER BY i`)).getRows();
    xs.forEach((x, i) => {
      const f = floorPeriod(x, every);
      const j = Array.from(p.starts).indexOf(f);
      if (j >= 0) expect(Number(rows[i][0]), new Date(x).toISOString()).toBe(j);
      else expect(Number(rows[i][0]) < 0 || Number(rows[i][0]) >= p.starts.length).toBe(true);
      expect(rows[i][1]).toBe(f === x);
    });
  });
});

describe('children per parent', () => {
  it('closed forms without bounds', () => {
    expect(fanoutMoments({ distribution: 'poisson', mean: 4, k: null, min: null, max: null }, 1.5)).toEqual({ mean: 6, variance: 6 });
    expect(fanoutMoments({ distribution: 'negative_binomial', mean: 8, k: 2, min: null, max: null }, 0.5)).toEqual({ mean: 4, variance: 12 });
    expect(fanoutMoments({ distribution: 'geometric', mean: 3, k: null, min: null, max: null }, 1)).toEqual({ mean: 3, variance: 12 });
  });

  it('min/max clamp the draw (the engine clamps, it does not redraw)', () => {
    const m = fanoutMoments({ distribution: 'poisson', mean: 9, k: null, min: 1, max: 20 }, 0.4)!;
    let mean = 0;
    let m2 = 0;
    for (let x = 0; x < 200; x++) {
      const v = Math.min(20, Math.max(1, x));
      const p = distPmf('poisson', { lambda: 3.6 }, x);
      mean += p * v;
      m2 += p * v * v;
    }
    expect(m.mean).toBeCloseTo(mean, 10);
    expect(m.variance).toBeCloseTo(m2 - mean * mean, 9);
    expect(fanoutMoments({ distribution: 'poisson', mean: 9, k: null, min: 2, max: 20 }, 0)).toEqual({ mean: 2, variance: 0 });
  });

  it('uniform and fixed counts are stochastically rounded', () => {
    const u = fanoutMoments({ distribution: 'uniform', mean: 5, k: null, min: 2, max: 8 }, 1.3)!;
    expect(u.mean).toBeCloseTo(1.3 * 5, 12);
    const f = fanoutMoments({ distribution: 'fixed', mean: 3, k: null, min: null, max: null }, 1.25)!;
    expect(f.mean).toBeCloseTo(3.75, 12);
    expect(f.variance).toBeCloseTo(0.1875, 12);
  });
});

describe('int values after a multiplier', () => {
  it('round half to even of m × clamp(X), summed over the pmf', () => {
    let want = 0;
    for (let x = 0; x < 100; x++) want += distPmf('poisson', { lambda: 4 }, x) * roundHalfEven(Math.min(500, 1.5 * Math.max(1, x)));
    expect(roundedMean('poisson', { lambda: 4 }, [{ min: 1, max: null }], 1.5, [{ min: 1, max: 500 }])).toBeCloseTo(want, 10);
    // 1.5 × odd numbers are halves: the rounded mean is not 1.5 × the mean
    expect(Math.abs(want - 1.5 * (4 + Math.exp(-4)))).toBeGreaterThan(1e-3);
    expect(roundedMean('lognormal', { mean: 1, sigma: 1 }, [], 2, [])).toBeNull();
    // a large mean: the pmf sum stops once its terms are negligible (it may never reach 1 − 1e-14 exactly)
    let big = 0;
    for (let x = 0; x < 400; x++) big += distPmf('poisson', { lambda: 50 }, x) * roundHalfEven(1.37 * x);
    expect(roundedMean('poisson', { lambda: 50 }, [{ min: 0, max: 1000 }], 1.37, [])).toBeCloseTo(big, 8);
  });
});

describe('funnel delays and family-wise tolerances', () => {
  it('the delay margin is the 1 − 1e-10 quantile (exponential: ln(1e10) / rate) plus the rounding', () => {
    const m = delayMargin({ kind: 'dist', dist: 'exponential', params: { rate: 2 }, clamp: [null, null], unitMs: 3_600_000 }, false)!;
    expect(m).toBeCloseTo((Math.log(1e10) / 2) * 3_600_000 + 1000, -2);
    expect(delayMargin({ kind: 'fixed', ms: 86_400_000 * 2 }, true)).toBe(2 * 86_400_000);
    expect(delayMargin({ kind: 'fixed', ms: 3_600_000 }, true)).toBe(86_400_000);
    expect(delayMargin({ kind: 'dist', dist: 'lognormal', params: { mean: 1, sigma: 3 }, clamp: [null, 48], unitMs: 3_600_000 }, false)).toBe(48 * 3_600_000 + 1000);
  });

  it('one comparison keeps PASS_Z; 37 comparisons share its tail', () => {
    expect(familyFactor(1)).toBe(1);
    expect(familyFactor(37) * 4).toBeGreaterThan(4.6);
    expect(familyFactor(37) * 4).toBeLessThan(4.9);
  });
});
