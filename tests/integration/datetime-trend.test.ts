/*
 * A `trend` modifier on a datetime column (issue 21: infer writes the yearly growth it measures) weights the
 * column's datetime_series draw by max(0, factor at each grid point): rows per year grow by (1 + g), whatever the
 * chunk size; hour patterns still hold; validate's time_trend (rows per month) and the pattern checks pass, and
 * time_trend fails when rows move. fitTime on the generated column measures g back and writes the same modifier.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { DISTRIBUTION_CHECKS } from '../../src/validate/behaviour/distributions.ts';
import { fitTime } from '../../src/infer/fit/index.ts';
import { generate } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, runChecks } from '../support/validate.ts';

const HOURS = Array.from({ length: 24 }, (_, h) => (h >= 9 && h < 18 ? 2 : 1));

function spec(modifiers: unknown[], type = 'datetime'): any {
  return {
    version: '1.0',
    metadata: { name: 'Trend' },
    timeframe: { start: '2021-01-01T00:00:00Z', end: '2023-12-31T23:00:00Z', freq: 'H' },
    seed: 3,
    nodes: [{
      id: 'events', kind: 'entity', pk: 'id', rows: 60_000,
      columns: [
        { name: 'id', type: 'int', generator: { sequence: {} } },
        { name: 'occurred_at', type, generator: { datetime_series: { pattern: { dimension: 'hour', weights: HOURS } } }, modifiers },
      ],
    }],
  };
}

const TREND = { transform: 'trend', args: { type: 'exponential', growth_rate: 0.5 } };

describe('trend on a datetime column', () => {
  it('compiles on datetime columns only with a datetime_series; other generators are refused', () => {
    expect(compile(spec([TREND])).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bad = spec([TREND]);
    bad.nodes[0].columns[1].generator = { expression: { code: '0' } };
    expect(compile(bad).diagnostics.find((d) => d.severity === 'error')?.code).toBe('DG_NOT_SUPPORTED');
    const ref = compile(spec([{ transform: 'trend', args: { growth_rate: 0.5, time_reference: 'id' } }])).diagnostics;
    expect(ref.map((d) => [d.severity, d.code, d.path])).toEqual([['warning', 'DG_IGNORED_OPTION', '/nodes/0/columns/1/modifiers/0/args/time_reference']]);
    const str = spec([TREND]);
    str.nodes[0].columns[1] = { name: 'occurred_at', type: 'string', generator: { faker: { method: 'word' } }, modifiers: [TREND] };
    expect(compile(str).diagnostics.find((d) => d.severity === 'error')?.code).toBe('DG_TYPE_MISMATCH');
  });

  it('rows per year grow by 1 + g; hour shares keep their pattern; the same whatever the chunk size', async () => {
    const { db } = await generate(spec([TREND]), { workers: 1 });
    const years = await db.rows('SELECT year(occurred_at) AS y, count(*) AS n FROM events GROUP BY 1 ORDER BY 1');
    expect(years.map((r) => r.y)).toEqual([2021, 2022, 2023]);
    // Expected shares of the three years ∝ ∫ 1.5^t over each year: 1 : 1.5 : 2.25.
    const total = years.reduce((a, r) => a + r.n, 0);
    [1, 1.5, 2.25].forEach((w, i) => {
      const p = w / 4.75;
      expect(Math.abs(years[i]!.n / total - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / total));
    });
    const day = await db.value('SELECT avg((hour(occurred_at) BETWEEN 9 AND 17)::INT) FROM events');
    expect(Math.abs(day - 18 / 33)).toBeLessThan(0.01);
    const sum = await db.checksum('events');
    db.close();
    const other = await generate(spec([TREND]), { workers: 1, chunkRows: 4099 });
    expect(await other.db.checksum('events')).toBe(sum);
    other.db.close();
  });

  it('validate: time_trend and hour_pattern pass; time_trend fails when a year loses rows', async () => {
    const doc = spec([TREND]);
    const file = await generateFile(doc);
    const checks = await runChecks(doc, file, DISTRIBUTION_CHECKS);
    const tt = pick(checks, 'time_trend', 'events', 'occurred_at');
    expect(tt.length).toBe(1);
    expect(tt[0]!.specPath).toBe('/nodes/0/columns/1/modifiers/0');
    expect((tt[0]!.expected as number[]).length).toBe(36);
    expect(notPassing(checks)).toBe('');
    expect(pick(checks, 'hour_pattern', 'events', 'occurred_at')[0]!.status).toBe('pass');
    const bad = await corruptCopy(file, ['UPDATE events SET occurred_at = occurred_at - INTERVAL 1 YEAR WHERE year(occurred_at) = 2023 AND id % 4 = 0']);
    expect(pick(await runChecks(doc, bad, DISTRIBUTION_CHECKS), 'time_trend', 'events', 'occurred_at')[0]!.status).toBe('fail');
  });

  it('fitTime measures the growth back and writes the trend modifier', async () => {
    const { db } = await generate(spec([TREND]), { workers: 1 });
    const rows = await db.rows('SELECT epoch_ms(occurred_at) AS t FROM events');
    db.close();
    const f = fitTime(Float64Array.from(rows, (r) => Number(r.t)), { start: '2021-01-01T00:00:00Z', end: '2023-12-31T23:00:00Z' });
    const g = (f.modifiers?.[0]?.args as { growth_rate: number } | undefined)?.growth_rate;
    expect(g).toBeDefined();
    expect(Math.abs(g! - 0.5)).toBeLessThan(0.05);
    const ds = f.generator.datetime_series as { freq: string; pattern: { dimension: string; weights: number[] } };
    expect(ds.freq).toBe('H');
    expect(ds.pattern.dimension).toBe('hour');
    // The spec fitTime writes compiles.
    const twin = spec(f.modifiers!);
    twin.nodes[0].columns[1].generator = f.generator;
    expect(compile(twin).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
