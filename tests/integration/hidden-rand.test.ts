/*
 * Hidden helper columns and keyed randomness in expressions (issue 15 §6, docs/authoring.md): hidden columns are
 * computed and read by later columns and other tables but never written; rand(), bernoulli(p) and normal(mu, sd)
 * draw from one stream per call site, so a conditional draw needs no stored column and values do not depend on
 * chunk size or workers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printPlan } from '../../src/plan/print.ts';
import { compile } from '../../src/plan/compile.ts';
import type { Plan } from '../../src/ir/types.ts';
import { compileOrThrow, Db, generate, readJson, tempFile } from '../support/run-spec.ts';
import { runPlan } from '../../src/run/run.ts';
import { validate } from '../../src/validate/validate.ts';

const SPEC = readJson(new URL('../fixtures/randomness/hidden-rand.json', import.meta.url));

describe('hidden columns and keyed draws', () => {
  let plan: Plan;
  let db: Db;
  beforeAll(async () => {
    ({ plan, db } = await generate(SPEC, { chunkRows: 4096 }));
  });
  afterAll(() => db.close());

  it('marks hidden columns in the plan and the printout', () => {
    const users = plan.tables.find((t) => t.id === 'users')!;
    expect(users.columns.filter((c) => c.hidden).map((c) => c.name)).toEqual(['u', 'is_heavy']);
    const text = printPlan(plan);
    expect(text).toMatch(/ u +DOUBLE .*\(hidden: read by other columns, not written\)/);
    expect(text).toMatch(/ plan +VARCHAR +expression\(if\(is_heavy, "pro", "basic"\)\)\n/);
  });

  it('writes every column but the hidden ones, in order', async () => {
    const cols = async (t: string) => (await db.rows(`SELECT column_name FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`)).map((r) => r.column_name);
    expect(await cols('users')).toEqual(['user_id', 'plan', 'risk', 'spend', 'band', 'twin']);
    expect(await cols('orders')).toEqual(['order_id', 'user_id', 'heavy', 'amount']);
  });

  it('later columns and child tables read the hidden values', async () => {
    // plan is derived from the hidden bernoulli(0.3): its share of "pro" is that probability.
    const pro = await db.value(`SELECT avg((plan = 'pro')::INT) FROM users`);
    expect(pro).toBeGreaterThan(0.3 - 0.015);
    expect(pro).toBeLessThan(0.3 + 0.015);
    // A child's lookup of the hidden column agrees with the visible column derived from it.
    expect(await db.value(`SELECT count(*) FROM orders o JOIN users u USING (user_id) WHERE o.heavy <> (u.plan = 'pro')`)).toBe(0);
    // band = floor(4 u) with u = rand() hidden: four equal quarters.
    for (const r of await db.rows(`SELECT band, count(*)::DOUBLE / 20000 AS s FROM users GROUP BY band ORDER BY band`)) {
      expect(r.s).toBeGreaterThan(0.25 - 0.015);
      expect(r.s).toBeLessThan(0.25 + 0.015);
    }
    // amount = spend × share, share = rand() hidden: 0 ≤ amount ≤ spend, mean ratio 1/2.
    const r = (await db.rows(`SELECT min(o.amount / u.spend) AS lo, max(o.amount / u.spend) AS hi, avg(o.amount / u.spend) AS m FROM orders o JOIN users u USING (user_id) WHERE u.spend > 1`))[0];
    expect(r.lo).toBeGreaterThanOrEqual(0);
    expect(r.hi).toBeLessThanOrEqual(1.01);
    expect(r.m).toBeGreaterThan(0.49);
    expect(r.m).toBeLessThan(0.51);
  });

  it('draws with the declared moments, each call site from its own stream', async () => {
    const risk = (await db.rows(`SELECT avg(risk) AS m, stddev_samp(risk) AS s FROM users`))[0];
    expect(Math.abs(risk.m - 50)).toBeLessThan(0.25); // se 10/√20000 = 0.07
    expect(Math.abs(risk.s - 10)).toBeLessThan(0.2);
    // The two branches of if(is_heavy, normal(100, 15), normal(20, 5)) draw independently of the condition.
    const by = new Map((await db.rows(`SELECT plan, avg(spend) AS m, stddev_samp(spend) AS s FROM users GROUP BY plan`)).map((x) => [x.plan, x]));
    expect(Math.abs(by.get('pro')!.m - 100)).toBeLessThan(0.7);
    expect(Math.abs(by.get('pro')!.s - 15)).toBeLessThan(0.5);
    expect(Math.abs(by.get('basic')!.m - 20)).toBeLessThan(0.15);
    expect(Math.abs(by.get('basic')!.s - 5)).toBeLessThan(0.15);
    // rand() + rand(): two independent uniforms (variance 2/12), not one drawn twice (variance 4/12).
    const twin = (await db.rows(`SELECT avg(twin) AS m, var_samp(twin) AS v FROM users`))[0];
    expect(Math.abs(twin.m - 1)).toBeLessThan(0.01);
    expect(Math.abs(twin.v - 1 / 6)).toBeLessThan(0.01);
    // Different columns' streams are independent.
    expect(Math.abs(await db.value(`SELECT corr(risk, twin) FROM users`))).toBeLessThan(0.03);
    expect(Math.abs(await db.value(`SELECT corr(risk, spend) FROM users WHERE plan = 'basic'`))).toBeLessThan(0.03);
  });

  it('gives the same tables whatever the chunk size and workers', async () => {
    const digest = async (d: Db) => [await d.checksum('users'), await d.checksum('orders')];
    const base = await digest(db);
    for (const opts of [{ chunkRows: 7 }, { chunkRows: 65_536 }, { chunkRows: 1000, workers: 3, workerMinRows: 1, workerTaskRows: 3000 }]) {
      const other = compileOrThrow(SPEC);
      const out = tempFile('again.duckdb');
      await runPlan(other, { ...opts, out });
      const d = await Db.open(out);
      try {
        expect(await digest(d), JSON.stringify(opts)).toEqual(base);
      } finally {
        d.close();
      }
    }
  });

  it('draws differently with another seed, and a column added never changes the others', async () => {
    const seeded = await generate(SPEC, { seed: 8 });
    try {
      expect(await seeded.db.checksum('users')).not.toEqual(await db.checksum('users'));
    } finally {
      seeded.db.close();
    }
    const more = structuredClone(SPEC);
    more.nodes[0].columns.splice(2, 0, { name: 'extra', type: 'float', generator: { expression: { code: 'rand() * 2' } } });
    const added = await generate(more);
    try {
      const cols = 'user_id, plan, risk, spend, band, twin';
      const sum = async (d: Db) => d.value(`SELECT md5(string_agg(md5((${cols})::VARCHAR), '' ORDER BY user_id)) FROM users`);
      expect(await sum(added.db)).toEqual(await sum(db));
    } finally {
      added.db.close();
    }
  });

  it('validate scores the file: the written columns are those of the spec', async () => {
    const report = await validate(SPEC, db.file);
    const schema = report.checks.filter((c) => c.check === 'table_schema');
    expect(schema.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    // A lone keyed draw is judged against its distribution: normal(50, 10) (u and is_heavy are hidden: not judged).
    const draws = report.checks.filter((c) => c.check === 'expression_draw');
    expect(draws.map((c) => `${c.table}.${c.column} ${c.status}`)).toEqual(['users.risk pass']);
    expect(draws[0].expected).toEqual({ mean: 50, sd: 10 });
    const shifted = structuredClone(SPEC);
    shifted.nodes[0].columns[4].generator.expression.code = 'normal(51, 10)';
    const bad = (await validate(shifted, db.file)).checks.find((c) => c.check === 'expression_draw')!;
    expect(bad.status).toBe('fail');
  });
});

describe('a hidden key of a keyed lookup', () => {
  it('generates, and validate skips what the file cannot show', async () => {
    const doc = {
      version: '1.0', metadata: { name: 'hidden keys' }, timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-01-31T00:00:00Z', freq: 'D' }, seed: 1,
      nodes: [
        { id: 'merchants', kind: 'entity', pk: 'merchant_id', rows: 40, columns: [
          { name: 'merchant_id', type: 'int', generator: { sequence: {} } },
          { name: 'category', type: 'string', hidden: true, generator: { choice: { choices: ['food', 'fuel'] } } },
        ] },
        { id: 'payments', kind: 'entity', pk: 'payment_id', rows: 500, columns: [
          { name: 'payment_id', type: 'int', generator: { sequence: {} } },
          { name: 'category', type: 'string', hidden: true, generator: { choice: { choices: ['food', 'fuel'] } } },
          { name: 'merchant_id', type: 'int', generator: { lookup: { from: 'merchants.merchant_id', on: { category: 'category' } } } },
          { name: 'is_food', type: 'bool', generator: { expression: { code: 'category == "food"' } } },
        ] },
      ],
    };
    const { db } = await generate(doc);
    try {
      expect(await db.value(`SELECT count(*) FROM payments WHERE merchant_id IS NULL`)).toBe(0);
      const report = await validate(doc, db.file);
      expect(report.checks.filter((c) => c.status === 'fail').map((c) => `${c.check} ${c.message}`)).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe('diagnostics', () => {
  const codes = (doc: unknown) => compile(doc, {}).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path}`);
  const base = () => structuredClone(SPEC);

  it('refuses a hidden key and a table with every column hidden', () => {
    const doc = base();
    doc.nodes[0].columns[0].hidden = true;
    expect(codes(doc)).toEqual(['DG_HIDDEN_COLUMN /nodes/0/columns/0/hidden']);
    const all = base();
    for (const c of all.nodes[1].columns) c.hidden = true;
    expect(codes(all)).toEqual(['DG_HIDDEN_COLUMN /nodes/1/columns/0/hidden']);
  });

  it('refuses labels on a hidden column: labelled modifiers and scenarios', () => {
    const mod = base();
    mod.nodes[0].columns[1].modifiers = [{ transform: 'outliers', args: { rate: 0.01 } }];
    expect(codes(mod)).toEqual(['DG_HIDDEN_COLUMN /nodes/0/columns/1/hidden']);
    const sc = base();
    sc.scenarios = [{ id: 'shift', type: 'level_shift', target: 'orders.share', window: { start: '2024-02-01', end: '2024-03-01' }, params: { magnitude: 1.5 } }];
    expect(codes(sc)).toEqual(['DG_HIDDEN_COLUMN /scenarios/0/target']);
  });

  it('checks the random functions\' arguments, and keeps them out of distribution parameters and where selections', () => {
    const doc = base();
    doc.nodes[0].columns[4].generator.expression.code = 'normal(50)';
    expect(codes(doc)).toEqual(['DG_BAD_EXPRESSION /nodes/0/columns/4/generator/expression/code']);
    expect(compile(doc, {}).diagnostics[0].message).toMatch(/normal takes 2 arguments, got 1/);
    const dist = base();
    dist.nodes[0].columns[4].generator = { distribution: { type: 'poisson', params: { lambda: '2 + rand()' } } };
    dist.nodes[0].columns[4].type = 'int';
    expect(codes(dist)).toEqual(['DG_BAD_EXPRESSION /nodes/0/columns/4/generator/distribution/params/lambda']);
  });
});
