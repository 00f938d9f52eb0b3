/**
 * Time flows down (issue 22 §5): a table without a datetime column reads its primary parent's time (recursively)
 * for time-based modifiers — the v1 pattern of a `seasonality` on `order_item.price` whose own table has no time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { printPlan } from '../../src/plan/print.ts';
import { type Db, generate } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

const MONTHS = [1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1]; // July ×3

function doc(): any {
  return {
    version: '1.0',
    metadata: { name: 'time flows down' },
    seed: 5,
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'H' },
    nodes: [
      { id: 'customer', kind: 'entity', pk: 'customer_id', rows: 4000, columns: [
        { name: 'customer_id', type: 'int', generator: { sequence: { start: 1 } } },
      ] },
      { id: 'order', kind: 'fact', pk: 'order_id', parents: ['customer'], fanout: { distribution: 'poisson', lambda: 6 }, columns: [
        { name: 'order_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'customer_id', type: 'int', generator: { lookup: { from: 'customer.customer_id' } } },
        { name: 'ordered_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
      ] },
      { id: 'order_item', kind: 'fact', pk: 'item_id', parents: ['order'], fanout: { distribution: 'fixed', lambda: 2 }, columns: [
        { name: 'item_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'order_id', type: 'int', generator: { lookup: { from: 'order.order_id' } } },
        { name: 'price', type: 'float', generator: { distribution: { type: 'uniform', params: { low: 10, high: 10 } } },
          modifiers: [{ transform: 'seasonality', args: { dimension: 'month', weights: MONTHS } }] },
        { name: 'amount', type: 'float', generator: { distribution: { type: 'uniform', params: { low: 5, high: 15 } } },
          modifiers: [{ transform: 'seasonality', args: { dimension: 'month', weights: MONTHS } }] },
      ] },
      { id: 'item_event', kind: 'fact', pk: 'event_id', parents: ['order_item'], fanout: { distribution: 'fixed', lambda: 1 }, columns: [
        { name: 'event_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'item_id', type: 'int', generator: { lookup: { from: 'order_item.item_id' } } },
        { name: 'weight', type: 'float', generator: { distribution: { type: 'uniform', params: { low: 1, high: 1 } } },
          modifiers: [{ transform: 'anomaly', args: { windows: [{ start: '2024-03-01', end: '2024-03-31', multiplier: 5 }] } }] },
      ] },
    ],
    constraints: {},
  };
}

describe('time flows down', () => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await generate(doc(), { chunkRows: 777 }));
  });
  afterAll(() => db?.close());

  it('compiles: a child without a datetime column inherits its parent time; the plan says so', () => {
    const r = compile(doc());
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const item = r.plan!.tables.find((t) => t.id === 'order_item')!;
    expect(item.inheritedTime).toEqual({ parent: 'order', column: 'ordered_at', source: { table: 'order', column: 'ordered_at' } });
    const ev = r.plan!.tables.find((t) => t.id === 'item_event')!;
    expect(ev.inheritedTime).toEqual({ parent: 'order_item', column: '__time__', source: { table: 'order', column: 'ordered_at' } });
    expect(r.plan!.tables.find((t) => t.id === 'order')!.retain).toContain('ordered_at');
    expect(item.retain).toContain('__time__');
    expect(printPlan(r.plan!)).toContain('time: inherited from order.ordered_at through order_item');
  });

  it("a seasonality on the child follows the parent's month, row by row", async () => {
    const wrong = await db.value(`SELECT count(*) FROM order_item i JOIN "order" o USING (order_id) WHERE abs(i.price - 10 * CASE WHEN month(o.ordered_at) = 7 THEN 3 ELSE 1 END) > 1e-9`);
    expect(wrong).toBe(0);
    expect(await db.value(`SELECT count(*) FROM order_item`)).toBeGreaterThan(40_000);
  });

  it("a grandchild's anomaly window follows the grandparent's time", async () => {
    const r = await db.rows(`SELECT (o.ordered_at >= TIMESTAMP '2024-03-01' AND o.ordered_at < TIMESTAMP '2024-04-01') AS inside, min(e.weight) AS lo, max(e.weight) AS hi, count(*) AS n
      FROM item_event e JOIN order_item i USING (item_id) JOIN "order" o USING (order_id) GROUP BY 1 ORDER BY 1`);
    expect(r).toHaveLength(2);
    expect(r[0]).toMatchObject({ inside: false, lo: 1, hi: 1 });
    expect(r[1]).toMatchObject({ inside: true, lo: 5, hi: 5 });
    expect(await db.value(`SELECT count(*) FROM _labels WHERE "table" = 'item_event'`)).toBe(r[1].n);
  });

  it('without a parent to inherit from it stays an error with a hint', () => {
    const d = doc();
    d.nodes[1].columns.pop(); // order loses ordered_at: nothing up the chain has a time
    const diag = compile(d).diagnostics.find((x) => x.code === 'DG_NO_TIME_REFERENCE');
    expect(diag?.path).toBe('/nodes/2/columns/2/modifiers/0/args');
    expect(diag?.hint).toContain('primary parent');
  });

  it('validate checks the inherited seasonality (passes on the data, fails when July loses its lift)', async () => {
    const file = await generateFile(doc());
    const ok = await validateFile(doc(), file);
    const season = pick(ok.checks, 'seasonality', 'order_item', 'amount');
    expect(season).toHaveLength(1);
    expect(season[0].status, notPassing(ok.checks)).toBe('pass');
    expect(ok.checks.filter((c) => c.status === 'fail'), notPassing(ok.checks)).toEqual([]);
    const flat = await corruptCopy(file, [`UPDATE order_item SET amount = amount / 3 WHERE order_id IN (SELECT order_id FROM "order" WHERE month(ordered_at) = 7)`]);
    const bad = pick((await validateFile(doc(), flat)).checks, 'seasonality', 'order_item', 'amount');
    expect(bad[0].status).toBe('fail');
  });

  it('is identical on the worker path and in one thread', async () => {
    const sums: string[][] = [];
    for (const workers of [1, 3]) {
      const { db: d } = await generate(doc(), { scale: 5, workers, chunkRows: workers === 1 ? 4096 : undefined });
      try {
        sums.push([await d.checksum('order_item'), await d.checksum('item_event'), await d.checksum('_labels')]);
      } finally {
        d.close();
      }
    }
    expect(sums[1]).toEqual(sums[0]);
  });
});
