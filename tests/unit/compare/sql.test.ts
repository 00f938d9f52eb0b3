/* compare's SQL scores against figures computed by hand (docs/compare.md): KS both ways (grouped, sorted over ties),
 * TVD with null as a value, contingency TVD and Cramér's V. */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contingencySql, ksSql, tvdSql } from '../../../src/compare/sql.ts';

let instance: DuckDBInstance;
let conn: Awaited<ReturnType<DuckDBInstance['connect']>>;
const one = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS()[0] as Record<string, unknown>;
const values = (xs: (number | string | null)[]) => `SELECT * FROM (VALUES ${xs.map((x) => `(${x === null ? 'NULL' : typeof x === 'string' ? `'${x}'` : x})`).join(', ')}) t(v)`;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

describe('ksSql', () => {
  // a: 1 1 2 3 3 3 (ECDF 2/6, 3/6, 1, 1 at 1, 2, 3, 4); b: 1 2 2 2 4 and a null (1/5, 4/5, 4/5, 1): the largest gap is |3/6 − 4/5| = 0.3 at 2
  const a = values([1, 1, 2, 3, 3, 3]);
  const b = values([1, 2, 2, 2, 4, null]);
  for (const sorted of [false, true]) {
    it(`ties and nulls (${sorted ? 'sorted over ties' : 'grouped by value'}): 0.3`, async () => {
      const r = await one(ksSql(a, b, sorted));
      expect(Number(r.na)).toBe(6);
      expect(Number(r.nb)).toBe(5);
      expect(Number(r.ks)).toBeCloseTo(0.3, 12);
    });
  }
  it('identical samples: 0; disjoint ones: 1', async () => {
    for (const sorted of [false, true]) {
      expect(Number((await one(ksSql(a, a, sorted))).ks)).toBe(0);
      expect(Number((await one(ksSql(a, values([7, 8]), sorted))).ks)).toBe(1);
    }
  });
});

describe('tvdSql', () => {
  it('½ Σ |p − q| with null as a value', async () => {
    // a: x ½, y ¼, null ¼; b: x ½, y ½ → ½ (0 + ¼ + ¼) = ¼
    const r = await one(tvdSql(values(['x', 'x', 'y', null]), values(['x', 'y'])));
    expect(Number(r.tvd)).toBeCloseTo(0.25, 12);
  });
});

describe('contingencySql', () => {
  const pairs = (xs: [string, string][]) => `SELECT * FROM (VALUES ${xs.map(([x, y]) => `('${x}', '${y}')`).join(', ')}) t(x, y)`;
  it('y a function of x: V 1; x and y independent: V 0; the joint TVD', async () => {
    const determined = pairs([['a', 'p'], ['a', 'p'], ['b', 'q'], ['c', 'r']]);
    const independent = pairs([['a', 'p'], ['a', 'q'], ['b', 'p'], ['b', 'q']]);
    const r = await one(contingencySql(determined, independent));
    expect(Number(r.va)).toBeCloseTo(1, 12);
    expect(Number(r.vb)).toBeCloseTo(0, 12);
    // shares: a·p ½, b·q ¼, c·r ¼ against a·p, a·q, b·p, b·q ¼ each → ½ (¼ + ¼ + ¼ + 0 + ¼) = ½
    expect(Number(r.tvd)).toBeCloseTo(0.5, 12);
    expect([Number(r.na), Number(r.nb)]).toEqual([4, 4]);
  });
  it('a column with one value has no V', async () => {
    const r = await one(contingencySql(pairs([['a', 'p'], ['a', 'q']]), pairs([['a', 'p']])));
    expect(r.va).toBe(null);
  });
});
