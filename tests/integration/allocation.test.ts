/*
 * Allocation among siblings (issue 15 §11, docs/behaviours/allocation.md): among the rows a parent has in one
 * period exactly k are chosen, ∝ a weight — a flag, or a value the chosen row carries (the day's services on one
 * chat per account-day) — instead of an independent draw per row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { runPlan } from '../../src/run/run.ts';
import { validate } from '../../src/validate/validate.ts';
import { compileOrThrow, Db, generate, readJson, tempFile } from '../support/run-spec.ts';

const SPEC = readJson(new URL('../fixtures/allocation/chats.json', import.meta.url));

describe('allocate', () => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await generate(SPEC, { chunkRows: 3000 }));
  });
  afterAll(() => db.close());

  it('chooses exactly one chat per account and day, and two per account and week (or all of fewer)', async () => {
    const days = await db.rows(`SELECT count(*) FILTER (WHERE is_primary) AS chosen, count(*) AS n FROM chats GROUP BY account_id, date_trunc('day', chat_at)`);
    expect(days.length).toBeGreaterThan(5000);
    expect(days.every((g) => g.chosen === 1)).toBe(true);
    const weeks = await db.rows(`SELECT count(*) FILTER (WHERE reviewed) AS chosen, count(*) AS n FROM chats GROUP BY account_id, date_trunc('week', chat_at)`);
    expect(weeks.every((g) => g.chosen === Math.min(2, g.n))).toBe(true);
    expect(weeks.some((g) => g.n === 1)).toBe(true);
  });

  it('carries the value on the chosen row only: the same row as the flag with the same weights', async () => {
    expect(await db.value(`SELECT count(*) FROM chats WHERE (services IS NOT NULL) <> is_primary`)).toBe(0);
    const mean = await db.value(`SELECT avg(services) FROM chats`);
    expect(Math.abs(mean - 3)).toBeLessThan(0.1); // poisson(3) on ~6,000 chosen rows: se 0.02
  });

  it('chooses ∝ weights_by: in two-chat days the longer chat wins with probability w_max / (w1 + w2)', async () => {
    const r = (await db.rows(`SELECT avg(CASE WHEN is_primary AND minutes = mx THEN 1.0 ELSE 0.0 END) * 2 AS obs, avg(mx / total) AS exp, count(*) / 2 AS groups FROM (
      SELECT *, max(minutes) OVER g AS mx, sum(minutes) OVER g AS total, count(*) OVER g AS n FROM chats WINDOW g AS (PARTITION BY account_id, date_trunc('day', chat_at))) WHERE n = 2`))[0];
    expect(r.groups).toBeGreaterThan(1000);
    const se = Math.sqrt((r.exp * (1 - r.exp)) / r.groups);
    expect(Math.abs(r.obs - r.exp)).toBeLessThan(4 * se);
    // Uniform weights would give 0.5: the weighting is visible.
    expect(r.exp).toBeGreaterThan(0.65);
  });

  it('gives the same tables whatever the chunk size and workers', async () => {
    const base = [await db.checksum('accounts'), await db.checksum('chats')];
    for (const opts of [{ chunkRows: 7 }, { chunkRows: 1000, workers: 3, workerMinRows: 1, workerTaskRows: 2000 }]) {
      const out = tempFile('again.duckdb');
      await runPlan(compileOrThrow(SPEC), { ...opts, out });
      const d = await Db.open(out);
      try {
        expect([await d.checksum('accounts'), await d.checksum('chats')], JSON.stringify(opts)).toEqual(base);
      } finally {
        d.close();
      }
    }
  });

  it('validate counts the chosen rows of every group', async () => {
    const report = await validate(SPEC, db.file);
    const checks = report.checks.filter((c) => c.check === 'allocation_count');
    // services reads a hidden column (not in the file): only the flags are judged.
    expect(checks.map((c) => `${c.column} ${c.status}`)).toEqual(['is_primary pass', 'reviewed pass']);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    const other = structuredClone(SPEC);
    other.nodes[1].columns[7].generator.allocate.k = 3;
    const bad = (await validate(other, db.file)).checks.find((c) => c.check === 'allocation_count' && c.column === 'reviewed')!;
    expect(bad.status).toBe('fail');
  });
});

describe('diagnostics', () => {
  const diags = (doc: unknown) => compile(doc, {}).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path}`);
  const base = () => structuredClone(SPEC);

  it('refuses allocations it cannot make', () => {
    const noTime = base();
    delete noTime.nodes[1].columns[5].generator.allocate.time_column;
    expect(diags(noTime)).toEqual(['DG_BAD_ALLOCATION /nodes/1/columns/5/generator/allocate']);
    const entity = base();
    entity.nodes[0].columns.push({ name: 'flag', type: 'bool', generator: { allocate: {} } });
    expect(diags(entity)).toEqual(['DG_BAD_ALLOCATION /nodes/0/columns/2/generator/allocate']);
    const k = base();
    k.nodes[1].columns[7].generator.allocate.k = 0;
    expect(diags(k)).toContain('DG_BAD_ALLOCATION /nodes/1/columns/7/generator/allocate/k');
    const text = base();
    text.nodes[1].columns[5].type = 'string';
    expect(diags(text)).toEqual(['DG_TYPE_MISMATCH /nodes/1/columns/5/generator/allocate']);
  });
});
