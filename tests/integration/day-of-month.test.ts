/*
 * The day_of_month pattern dimension (issue 15 §10, docs/behaviours/schedules.md): datetime_series weights per day
 * of the month (31, day 1 first) — spending around paydays — drawn over the grid with the right shares, and judged
 * by validate's day_of_month_pattern check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { validate } from '../../src/validate/validate.ts';
import { Db, generate } from '../support/run-spec.ts';

// Days 1 and 15 weigh 6, days 2 and 16 weigh 3, the others 1.
const WEIGHTS = Array.from({ length: 31 }, (_, i) => (i === 0 || i === 14 ? 6 : i === 1 || i === 15 ? 3 : 1));
const SPEC = {
  version: '1.0',
  metadata: { name: 'Payday spending' },
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'D' },
  seed: 9,
  nodes: [
    {
      id: 'spend', kind: 'entity', pk: 'id', rows: 60_000,
      columns: [
        { name: 'id', type: 'int', generator: { sequence: {} } },
        { name: 'spent_on', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D', pattern: { dimension: 'day_of_month', weights: WEIGHTS } } } },
      ],
    },
  ],
};

/** Expected share of each day of month: weight × the number of grid days with that day, normalised. */
function expectedShares(): number[] {
  const days = new Array(31).fill(0);
  for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2024, 11, 31); t += 86_400_000) days[new Date(t).getUTCDate() - 1] += 1;
  const mass = days.map((n, i) => n * WEIGHTS[i]);
  const total = mass.reduce((a, b) => a + b, 0);
  return mass.map((m) => m / total);
}

describe('day_of_month pattern', () => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await generate(SPEC));
  });
  afterAll(() => db.close());

  it('draws each day of the month in proportion to its weight × its days in the window', async () => {
    const exp = expectedShares();
    const rows = await db.rows(`SELECT day(spent_on) AS d, count(*)::DOUBLE / 60000 AS s FROM spend GROUP BY 1 ORDER BY 1`);
    expect(rows.length).toBe(31);
    for (const r of rows) expect(Math.abs(r.s - exp[r.d - 1]), `day ${r.d}`).toBeLessThan(4 * Math.sqrt((exp[r.d - 1] * (1 - exp[r.d - 1])) / 60000) + 1e-4);
    // Day 31 exists in 7 months of 12: fewer rows than day 30 despite the same weight.
    expect(rows[30].s).toBeLessThan(rows[29].s);
  });

  it('validate judges the day-of-month shares', async () => {
    const report = await validate(SPEC, db.file);
    const c = report.checks.find((x) => x.check === 'day_of_month_pattern');
    expect(c?.status).toBe('pass');
    const flat = structuredClone(SPEC);
    flat.nodes[0].columns[1].generator.datetime_series!.pattern!.weights = new Array(31).fill(1);
    const bad = (await validate(flat, db.file)).checks.find((x) => x.check === 'day_of_month_pattern');
    expect(bad?.status).toBe('fail');
  });

  it('needs 31 weights', () => {
    const doc = structuredClone(SPEC);
    doc.nodes[0].columns[1].generator.datetime_series!.pattern!.weights = new Array(30).fill(1);
    expect(compile(doc, {}).diagnostics.map((d) => d.code)).toContain('DG_PATTERN_LENGTH');
  });
});
