/**
 * One pick, one row (issue 22 §4): lookups and `<table>.<column>` expression references that go through the
 * same pick of another table read the same row; an ambiguous reference is a compile error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { type Db, generate } from '../support/run-spec.ts';
import { corruptCopy, generateFile, pick, runChecks } from '../support/validate.ts';
import { pickConsistency } from '../../src/validate/picks.ts';

const CATEGORIES = ['grocery', 'fuel', 'travel', 'electronics'];

function spec(txColumns: object[], extra: object = {}): any {
  return {
    version: '1.0',
    metadata: { name: 'pick consistency' },
    seed: 11,
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'H' },
    nodes: [
      { id: 'customer', kind: 'entity', pk: 'customer_id', rows: 3000, columns: [
        { name: 'customer_id', type: 'int', generator: { sequence: { start: 1 } } },
      ] },
      { id: 'merchant', kind: 'entity', pk: 'merchant_id', rows: 400, columns: [
        { name: 'merchant_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'name', type: 'string', generator: { faker: { method: 'company' } } },
        { name: 'category', type: 'string', generator: { choice: { choices: CATEGORIES, weights: [4, 3, 2, 1] } } },
        // Typical amounts differ by category by orders of magnitude: a wrong row shows at once in the means.
        { name: 'typical_amount', type: 'float', generator: { expression: { code: 'if(category == "grocery", 10, if(category == "fuel", 50, if(category == "travel", 500, 2000))) * (1 + merchant_id % 7 / 10)' } } },
        { name: 'popularity', type: 'float', generator: { expression: { code: 'if(merchant_id % 10 == 0, 20, 1)' } } },
      ] },
      { id: 'tx', kind: 'fact', pk: 'tx_id', parents: ['customer'], fanout: { distribution: 'poisson', lambda: 8 }, columns: [
        { name: 'tx_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'customer_id', type: 'int', generator: { lookup: { from: 'customer.customer_id' } } },
        { name: 'category', type: 'string', generator: { choice: { choices: CATEGORIES, weights: [1, 1, 1, 1] } } },
        ...txColumns,
      ] },
    ],
    constraints: {},
    ...extra,
  };
}

describe('one pick, one row', () => {
  let db: Db;
  beforeAll(async () => {
    const doc = spec([
      { name: 'merchant_name', type: 'string', generator: { lookup: { from: 'merchant.name', on: { category: 'category' } } } },
      { name: 'merchant_ref', type: 'int', generator: { lookup: { from: 'merchant.merchant_id', on: { category: 'category' } } } },
      { name: 'amount', type: 'float', generator: { expression: { code: 'merchant.typical_amount' } } },
      { name: 'weighted_id', type: 'int', generator: { lookup: { from: 'merchant.merchant_id', on: { category: 'category' }, weights_by: 'merchant.popularity' } } },
    ]);
    // The expression reads merchant: two keyed picks (with and without weights) make it ambiguous…
    expect(compile(doc).diagnostics.map((d) => d.code)).toContain('DG_AMBIGUOUS_PICK');
    // …so the weighted pick goes in a separate spec run below; here only the unweighted pick.
    doc.nodes[2].columns.pop();
    ({ db } = await generate(doc, { chunkRows: 1000 }));
  });
  afterAll(() => db?.close());

  it('lookups with the same keys read the same row', async () => {
    const bad = await db.value(`SELECT count(*) FROM tx JOIN merchant m ON m.merchant_id = tx.merchant_ref WHERE m.name <> tx.merchant_name OR m.category <> tx.category`);
    expect(bad).toBe(0);
  });

  it("an expression reads the row the keyed lookup picked (the merchant's own typical amount)", async () => {
    const bad = await db.value(`SELECT count(*) FROM tx JOIN merchant m ON m.merchant_id = tx.merchant_ref WHERE abs(m.typical_amount - tx.amount) > 1e-9`);
    expect(bad).toBe(0);
    // Per category, amounts average that category's merchants (not the global mean of ~400).
    const rows = await db.rows(`SELECT tx.category, avg(amount) AS a, (SELECT avg(typical_amount) FROM merchant m WHERE m.category = tx.category) AS expected, count(*) AS n FROM tx GROUP BY 1 ORDER BY 1`);
    for (const r of rows) expect(Math.abs(r.a - r.expected) / r.expected).toBeLessThan(0.05);
  });

  it('every category is matched and rows spread over the matching merchants', async () => {
    expect(await db.value(`SELECT count(*) FROM tx WHERE merchant_ref IS NULL`)).toBe(0);
    const used = await db.value(`SELECT count(DISTINCT merchant_ref) FROM tx`);
    expect(used).toBeGreaterThan(390);
  });
});

describe('keyed pick with weights_by', () => {
  it('picks among the matching rows in proportion to the weights', async () => {
    const { db } = await generate(spec([
      { name: 'merchant_id', type: 'int', generator: { lookup: { from: 'merchant.merchant_id', on: { category: 'category' }, weights_by: 'merchant.popularity' } } },
      { name: 'merchant_category', type: 'string', generator: { lookup: { from: 'merchant.category', on: { category: 'category' }, weights_by: 'merchant.popularity' } } },
      { name: 'amount', type: 'float', generator: { expression: { code: 'merchant.typical_amount' } } },
    ]));
    try {
      expect(await db.value(`SELECT count(*) FROM tx WHERE merchant_category <> category`)).toBe(0);
      expect(await db.value(`SELECT count(*) FROM tx JOIN merchant m USING (merchant_id) WHERE abs(m.typical_amount - tx.amount) > 1e-9`)).toBe(0);
      // Within each category, the share of rows going to popular merchants (weight 20 vs 1) is
      // 20·k / (20·k + (n − k)) where k of the category's n merchants are popular.
      const rows = await db.rows(`
        WITH m AS (SELECT category, count(*) AS n, count(*) FILTER (WHERE popularity = 20) AS k FROM merchant GROUP BY 1),
             t AS (SELECT tx.category, count(*) AS rows, count(*) FILTER (WHERE mm.popularity = 20) AS hot FROM tx JOIN merchant mm USING (merchant_id) GROUP BY 1)
        SELECT t.category, t.rows, t.hot, m.n, m.k FROM t JOIN m USING (category)`);
      for (const r of rows) {
        const p = (20 * r.k) / (20 * r.k + (r.n - r.k));
        const se = Math.sqrt((p * (1 - p)) / r.rows);
        expect(Math.abs(r.hot / r.rows - p)).toBeLessThan(5 * se);
      }
    } finally {
      db.close();
    }
  });
});

describe('diagnostics', () => {
  it('an expression reading its own table as another table is refused at compile', () => {
    const doc = spec([{ name: 'next_id', type: 'int', generator: { expression: { code: 'tx.tx_id + 1' } } }]);
    const d = compile(doc).diagnostics.find((x) => x.code === 'DG_SELF_REFERENCE');
    expect(d?.path).toBe('/nodes/2/columns/3/generator/expression/code');
    expect(d?.hint).toContain('"tx_id"');
  });

  it('a reference with a keyed and a plain pick of the same table is ambiguous, with both named', () => {
    const doc = spec([
      { name: 'merchant_name', type: 'string', generator: { lookup: { from: 'merchant.name', on: { category: 'category' } } } },
      { name: 'any_merchant', type: 'string', generator: { lookup: { from: 'merchant.name' } } },
      { name: 'amount', type: 'float', generator: { expression: { code: 'merchant.typical_amount * 2' } } },
    ]);
    const d = compile(doc).diagnostics.find((x) => x.code === 'DG_AMBIGUOUS_PICK');
    expect(d?.path).toBe('/nodes/2/columns/5/generator/expression/code');
    expect(d?.message).toContain('merchant_name');
    expect(d?.message).toContain('any_merchant');
  });

  it('the plan shows the shared pick', () => {
    const r = compile(spec([
      { name: 'merchant_name', type: 'string', generator: { lookup: { from: 'merchant.name', on: { category: 'category' } } } },
      { name: 'amount', type: 'float', generator: { expression: { code: 'merchant.typical_amount' } } },
    ]));
    const tx = r.plan!.tables.find((t) => t.id === 'tx')!;
    const name = tx.columns.find((c) => c.name === 'merchant_name')!.generator as any;
    const amount = tx.columns.find((c) => c.name === 'amount')!.generator as any;
    expect(amount.refs[0].pick).toEqual(name.pick);
    // The expression is evaluated after the key it goes through.
    expect(tx.evalOrder.indexOf('category')).toBeLessThan(tx.evalOrder.indexOf('amount'));
  });
});

describe('validate: pick_consistency', () => {
  const doc = spec([
    { name: 'merchant_id', type: 'int', generator: { lookup: { from: 'merchant.merchant_id', on: { category: 'category' } } } },
    { name: 'merchant_name', type: 'string', generator: { lookup: { from: 'merchant.name', on: { category: 'category' } } } },
    { name: 'amount', type: 'float', generator: { expression: { code: 'merchant.typical_amount' } } },
  ]);
  let file: string;
  beforeAll(async () => {
    file = await generateFile(doc);
  });

  it('passes on generated data', async () => {
    const checks = pick(await runChecks(doc, file, [{ name: 'pick_consistency', run: pickConsistency }]), 'pick_consistency', 'tx');
    expect(checks).toHaveLength(1);
    expect(checks[0].status, checks[0].message).toBe('pass');
    expect(checks[0].hard).toBe(true);
  });

  it("fails when a row's looked-up values come from two merchants, naming the rows", async () => {
    // Another merchant of the same category: the key still matches, the name belongs elsewhere.
    const bad = await corruptCopy(file, [`UPDATE tx SET merchant_name = (SELECT name FROM merchant m WHERE m.category = tx.category AND m.merchant_id <> tx.merchant_id AND m.name <> tx.merchant_name ORDER BY merchant_id LIMIT 1) WHERE tx_id IN (3, 5, 8)`]);
    const [c] = pick(await runChecks(doc, bad, [{ name: 'pick_consistency', run: pickConsistency }]), 'pick_consistency', 'tx');
    expect(c.status).toBe('fail');
    expect(c.observed).toBe(3);
    expect(c.examples).toEqual(['3', '5', '8']);
  });

  it('fails when the looked-up row does not have the key the row has', async () => {
    const bad = await corruptCopy(file, [`UPDATE tx SET category = (SELECT max(category) FROM merchant m WHERE m.category <> tx.category) WHERE tx_id = 10`]);
    const [c] = pick(await runChecks(doc, bad, [{ name: 'pick_consistency', run: pickConsistency }]), 'pick_consistency', 'tx');
    expect(c.status).toBe('fail');
    expect(c.examples).toEqual(['10']);
  });
});
