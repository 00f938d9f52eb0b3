/*
 * Calendars and schedules (issue 15 §10, docs/behaviours/schedules.md): a fact's rows per parent on a calendar —
 * every N weeks from a per-row anchor on a weekday (biweekly payroll on Fridays), fixed days of the month (1st and
 * 15th; the last business day) — with jitter and skips; validate checks the calendar and the skip share.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { runPlan } from '../../src/run/run.ts';
import { validate } from '../../src/validate/validate.ts';
import { compileOrThrow, Db, generate, readJson, tempFile } from '../support/run-spec.ts';

const SPEC = readJson(new URL('../fixtures/schedules/payroll.json', import.meta.url));
const TABLES = ['employees', 'biweekly_pay', 'semimonthly_pay', 'month_end_pay'];

describe('schedules', () => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await generate(SPEC, { chunkRows: 4000 }));
  });
  afterAll(() => db.close());

  it('pays biweekly on Fridays at 9:00, from each employee\'s own anchor, numbering the pays', async () => {
    // DuckDB dayofweek: 0 = Sunday … 5 = Friday.
    expect(await db.rows(`SELECT DISTINCT dayofweek(paid_at) AS d, hour(paid_at) AS h FROM biweekly_pay`)).toEqual([{ d: 5, h: 9 }]);
    // Consecutive pays of an employee are exactly 14 days apart; pay_no counts 0, 1, … in time order.
    expect(await db.value(`SELECT count(*) FROM (SELECT paid_at - lag(paid_at) OVER w AS gap, pay_no - lag(pay_no) OVER w AS step FROM biweekly_pay WINDOW w AS (PARTITION BY employee_id ORDER BY paid_at)) WHERE gap IS NOT NULL AND (gap <> INTERVAL 14 DAY OR step <> 1)`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM (SELECT employee_id, min(pay_no) AS m FROM biweekly_pay GROUP BY 1) WHERE m <> 0`)).toBe(0);
    // Rows start on or after the hire date, at the anchor's first Friday on or after it (within 14 + 6 days).
    expect(await db.value(`SELECT count(*) FROM (SELECT e.hired_at, min(p.paid_at) AS first FROM employees e JOIN biweekly_pay p USING (employee_id) GROUP BY ALL) WHERE first < hired_at OR first > hired_at + INTERVAL 20 DAY`)).toBe(0);
    // The phase differs between employees (the hidden anchor is per row): both Friday parities occur.
    expect(await db.value(`SELECT count(DISTINCT parity) FROM (SELECT employee_id, ((epoch(min(paid_at))::BIGINT / 86400 + 3) / 7) % 2 AS parity FROM biweekly_pay GROUP BY 1)`)).toBe(2);
  });

  it('pays on the 1st and 15th, weekends moved to the Friday before, and skips about 10 %', async () => {
    expect(await db.value(`SELECT count(*) FROM semimonthly_pay WHERE dayofweek(paid_on) IN (0, 6)`)).toBe(0);
    // Every date is the 1st/15th, or the Friday before one that falls on a weekend.
    expect(await db.value(`SELECT count(*) FROM semimonthly_pay WHERE day(paid_on) NOT IN (1, 15) AND NOT (dayofweek(paid_on) = 5 AND (day(paid_on + INTERVAL 1 DAY) IN (1, 15) OR day(paid_on + INTERVAL 2 DAY) IN (1, 15)))`)).toBe(0);
  });

  it('pays on the last business day ± 1 day (jitter)', async () => {
    const offsets = await db.rows(`SELECT o, count(*) AS c FROM (SELECT paid_on - (SELECT max(d) FROM (SELECT unnest(generate_series(last_day(paid_on - INTERVAL 2 DAY) - INTERVAL 3 DAY, last_day(paid_on + INTERVAL 2 DAY), INTERVAL 1 DAY))::DATE AS d) WHERE dayofweek(d) BETWEEN 1 AND 5 AND d <= paid_on + INTERVAL 1 DAY AND d = last_day(d) - INTERVAL (CASE dayofweek(last_day(d)) WHEN 6 THEN 1 WHEN 0 THEN 2 ELSE 0 END) DAY) AS o FROM month_end_pay) GROUP BY o ORDER BY o`);
    expect(offsets.map((r) => r.o)).toEqual([-1, 0, 1]);
    for (const r of offsets) expect(r.c / offsets.reduce((a, x) => a + x.c, 0)).toBeGreaterThan(0.25);
  });

  it('gives the same tables whatever the chunk size and workers', async () => {
    const base = await Promise.all(TABLES.map((t) => db.checksum(t)));
    for (const opts of [{ chunkRows: 5 }, { chunkRows: 1000, workers: 3, workerMinRows: 1, workerTaskRows: 2000 }]) {
      const out = tempFile('again.duckdb');
      await runPlan(compileOrThrow(SPEC), { ...opts, out });
      const d = await Db.open(out);
      try {
        expect(await Promise.all(TABLES.map((t) => d.checksum(t))), JSON.stringify(opts)).toEqual(base);
      } finally {
        d.close();
      }
    }
  });

  it('validate checks the calendar and the skip share', async () => {
    const report = await validate(SPEC, db.file);
    const cal = report.checks.filter((c) => c.check === 'schedule_calendar');
    expect(cal.map((c) => `${c.table} ${c.status}`).sort()).toEqual(['biweekly_pay pass', 'month_end_pay pass', 'semimonthly_pay pass']);
    const skips = report.checks.filter((c) => c.check === 'schedule_skips');
    expect(skips.map((c) => `${c.table} ${c.status} ${c.expected}`).sort()).toEqual(['biweekly_pay pass 1', 'semimonthly_pay pass 0.9']);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
  });

  it('validate fails rows off the calendar or with another skip share', async () => {
    const other = structuredClone(SPEC);
    other.nodes[1].schedule.weekday = 'thursday';
    other.nodes[2].schedule.skip_probability = 0.3;
    const report = await validate(other, db.file);
    expect(report.checks.find((c) => c.check === 'schedule_calendar' && c.table === 'biweekly_pay')!.status).toBe('fail');
    expect(report.checks.find((c) => c.check === 'schedule_skips' && c.table === 'semimonthly_pay')!.status).toBe('fail');
  });
});

describe('diagnostics', () => {
  const diags = (doc: unknown) => compile(doc, {}).diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`);
  const base = () => structuredClone(SPEC);

  it('refuses malformed schedules', () => {
    const both = base();
    both.nodes[1].schedule.days_of_month = [1];
    expect(diags(both)).toContain('error DG_BAD_SCHEDULE /nodes/1/schedule');
    const odd = base();
    odd.nodes[1].schedule.every = '10 days';
    expect(diags(odd)).toEqual(['error DG_BAD_SCHEDULE /nodes/1/schedule/weekday']);
    const anchor = base();
    anchor.nodes[1].schedule.anchor = 'first_payday';
    expect(diags(anchor)).toEqual(['error DG_UNKNOWN_COLUMN /nodes/1/schedule/anchor']);
    const jitter = base();
    jitter.nodes[1].schedule.jitter_days = 7;
    expect(diags(jitter)).toEqual(['error DG_OUT_OF_RANGE /nodes/1/schedule/jitter_days']);
    const entity = base();
    entity.nodes[0].schedule = { every: 'week' };
    expect(diags(entity)).toContain('error DG_BAD_SCHEDULE /nodes/0/schedule');
  });

  it('says that segments and effects do not scale a calendar, and refuses a segment fanout for it', () => {
    const seg = base();
    seg.nodes[0].columns.push({ name: 'tier', type: 'string', generator: { choice: { choices: ['a', 'b'] } } });
    seg.nodes[0].segment_behavior = { segment_column: 'tier', behaviors: { b: { fanout_multiplier: 2 } } };
    expect(diags(seg)).toContain('warning DG_IGNORED_OPTION /nodes/0/segment_behavior/behaviors');
    seg.nodes[0].segment_behavior.behaviors.b = { tables: { biweekly_pay: { fanout: { distribution: 'fixed', value: 1 } } } };
    expect(diags(seg)).toContain('error DG_BAD_PARAM /nodes/0/segment_behavior/behaviors/b/tables/biweekly_pay/fanout');
  });
});
