/*
 * Categorical fanout and per-child segment effects (issue 15 §8–9, docs/behaviours/segments.md "Per child table"):
 * `fanout: {"distribution": "categorical", "values", "weights"}` draws each count with its weight; a segment's
 * `behaviors.<seg>.tables.<child>` sets its fanout_multiplier for one child only, or gives that child a fanout of
 * its own for the segment's parents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { runPlan } from '../../src/run/run.ts';
import { validate } from '../../src/validate/validate.ts';
import { compileOrThrow, Db, generate, readJson, tempFile } from '../support/run-spec.ts';

const SPEC = readJson(new URL('../fixtures/fanout/personas.json', import.meta.url));
const N = 20_000;

/** Share of parents (of `where`) with each count of `child` rows. */
async function countShares(db: Db, child: string, where = 'true'): Promise<Map<number, number>> {
  const rows = await db.rows(`SELECT k, count(*)::DOUBLE / sum(count(*)) OVER () AS s FROM (SELECT u.user_id, count(c.user_id) AS k FROM users u LEFT JOIN ${child} c USING (user_id) WHERE ${where} GROUP BY u.user_id) GROUP BY k ORDER BY k`);
  return new Map(rows.map((r) => [r.k, r.s]));
}

/** Shares within `tol` of `expected` and no other count. */
function expectShares(observed: Map<number, number>, expected: Record<number, number>, tol: number): void {
  expect([...observed.keys()].sort((a, b) => a - b)).toEqual(Object.keys(expected).map(Number).sort((a, b) => a - b));
  for (const [k, p] of Object.entries(expected)) {
    const o = observed.get(Number(k))!;
    expect(Math.abs(o - p), `count ${k}: ${o} vs ${p}`).toBeLessThan(tol);
  }
}

describe('categorical and per-child segment fanout', () => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await generate(SPEC, { chunkRows: 5000 }));
  });
  afterAll(() => db.close());

  it('draws each categorical count with its weight, and no other', async () => {
    // 20,000 parents: the SE of a 0.5 share is 0.0035.
    expectShares(await countShares(db, 'accounts'), { 2: 0.25, 3: 0.5, 4: 0.25 }, 0.015);
  });

  it('a per-child fanout_multiplier replaces the segment\'s multiplier for that child only', async () => {
    // accounts: heavy ×1 there (the per-child entry), so both personas keep the declared distribution…
    expectShares(await countShares(db, 'accounts', `persona = 'heavy'`), { 2: 0.25, 3: 0.5, 4: 0.25 }, 0.025);
    // …while txns (no entry) get the segment's ×2: poisson means 6 and 3.
    const m = new Map((await db.rows(`SELECT persona, avg(k) AS m FROM (SELECT u.user_id, u.persona, count(t.user_id) AS k FROM users u LEFT JOIN txns t USING (user_id) GROUP BY ALL) GROUP BY persona`)).map((r) => [r.persona, r.m]));
    expect(Math.abs(m.get('heavy')! - 6)).toBeLessThan(0.1); // se √6/√6000 = 0.03
    expect(Math.abs(m.get('light')! - 3)).toBeLessThan(0.06);
  });

  it('a per-segment fanout replaces the child\'s fanout for that segment\'s parents', async () => {
    expectShares(await countShares(db, 'subscriptions', `persona = 'light'`), { 0: 0.6, 1: 0.4 }, 0.02);
    expectShares(await countShares(db, 'subscriptions', `persona = 'heavy'`), { 3: 0.25, 4: 0.25, 5: 0.25, 6: 0.25 }, 0.025);
  });

  it('estimates rows from the segment shares', () => {
    const plan = compileOrThrow(SPEC);
    const est = new Map(plan.tables.map((t) => [t.id, t.estimatedRows]));
    expect(est.get('accounts')).toBe(3 * N);
    expect(est.get('subscriptions')).toBe(Math.round(N * (0.7 * 0.4 + 0.3 * 4.5)));
  });

  it('gives the same tables whatever the chunk size and workers', async () => {
    const tables = ['users', 'accounts', 'subscriptions', 'txns'];
    const base = await Promise.all(tables.map((t) => db.checksum(t)));
    for (const opts of [{ chunkRows: 3 }, { chunkRows: 1000, workers: 3, workerMinRows: 1, workerTaskRows: 2000 }]) {
      const out = tempFile('again.duckdb');
      await runPlan(compileOrThrow(SPEC), { ...opts, out });
      const d = await Db.open(out);
      try {
        expect(await Promise.all(tables.map((t) => d.checksum(t))), JSON.stringify(opts)).toEqual(base);
      } finally {
        d.close();
      }
    }
  });

  it('validate judges the counts per segment against the declared weights', async () => {
    const report = await validate(SPEC, db.file);
    const shares = report.checks.filter((c) => c.check === 'fanout_shares');
    expect(shares.map((c) => `${c.table} ${c.status}`).sort()).toEqual(['accounts pass', 'subscriptions pass', 'subscriptions pass']);
    const heavy = shares.find((c) => c.table === 'subscriptions' && /heavy/.test(c.message))!;
    expect(heavy.expected).toEqual({ 3: 0.25, 4: 0.25, 5: 0.25, 6: 0.25 });
    expect(heavy.specPath).toBe('/nodes/0/segment_behavior/behaviors/heavy/tables/subscriptions/fanout');
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.score).toBe(100);
  });

  it('validate fails counts that do not follow the weights', async () => {
    // The file generated with weights [0.25, 0.5, 0.25], judged against a spec that says [0.5, 0.25, 0.25].
    const other = structuredClone(SPEC);
    other.nodes[1].fanout.weights = [0.5, 0.25, 0.25];
    const report = await validate(other, db.file);
    const accounts = report.checks.find((c) => c.check === 'fanout_shares' && c.table === 'accounts')!;
    expect(accounts.status).toBe('fail');
  });
});

describe('diagnostics', () => {
  const diags = (doc: unknown) => compile(doc, {}).diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`);
  const base = () => structuredClone(SPEC);

  it('checks values and weights', () => {
    const doc = base();
    doc.nodes[1].fanout.values = [2, -1];
    expect(diags(doc)).toContain('error DG_BAD_PARAM /nodes/1/fanout/values');
    const len = base();
    len.nodes[1].fanout.weights = [0.5, 0.5];
    expect(diags(len)).toEqual(['error DG_WEIGHTS_LENGTH /nodes/1/fanout/weights']);
    const sum = base();
    sum.nodes[1].fanout.weights = [0.25, 0.5, 0.2];
    expect(diags(sum)).toEqual(['warning DG_SHARES_SUM /nodes/1/fanout/weights']);
    const bounds = base();
    bounds.nodes[1].fanout.max = 3;
    expect(diags(bounds)).toEqual(['warning DG_IGNORED_OPTION /nodes/1/fanout/max']);
  });

  it('checks the child tables a segment names', () => {
    const doc = base();
    doc.nodes[0].segment_behavior.behaviors.heavy.tables.subscriptionz = { fanout_multiplier: 3 };
    expect(diags(doc)).toEqual(['error DG_UNKNOWN_TABLE /nodes/0/segment_behavior/behaviors/heavy/tables/subscriptionz']);
    const bad = base();
    bad.nodes[0].segment_behavior.behaviors.heavy.tables.subscriptions.fanout.values = [];
    expect(diags(bad)).toContain('error DG_BAD_PARAM /nodes/0/segment_behavior/behaviors/heavy/tables/subscriptions/fanout/values');
  });
});
