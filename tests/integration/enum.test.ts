import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, generate } from '../support/run-spec.ts';

/* Categorical string columns are stored as DuckDB ENUMs (1-byte codes up to 255 values, 2-byte beyond). */
const many = Array.from({ length: 300 }, (_, i) => `sku-${i}`);
const spec = {
  version: '1.0',
  metadata: { name: 'enums' },
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-01-31T00:00:00Z', freq: 'D' },
  nodes: [
    { id: 'p', kind: 'entity', pk: 'id', rows: 5000, columns: [
      { name: 'id', type: 'int', generator: { sequence: {} } },
      { name: 'tier', type: 'string', nullable: true, null_rate: 0.1, generator: { choice: { choices: ['a', 'b', 'c'], weights: [0.5, 0.3, 0.2] } } },
      { name: 'label', type: 'string', generator: { choice: { choices: ['A', 'B'] } }, modifiers: [{ transform: 'map_values', args: { mapping: { A: 'Alpha' } } }] },
      { name: 'sku', type: 'string', generator: { choice: { choices: many } } },
      { name: 'free', type: 'string', generator: { faker: { method: 'word' } } },
    ] },
    { id: 'c', kind: 'fact', pk: 'id', parents: ['p'], fanout: { distribution: 'fixed', value: 2 }, columns: [
      { name: 'id', type: 'int', generator: { sequence: {} } },
      { name: 'p_id', type: 'int', generator: { lookup: { from: 'p.id' } } },
      { name: 'tier', type: 'string', generator: { lookup: { from: 'p.tier' } } },
    ] },
  ],
  constraints: {},
};

describe('ENUM columns', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('choice / map_values / lookup columns are ENUMs with their dictionaries; free text stays VARCHAR', async () => {
    const types = Object.fromEntries((await db.rows(`SELECT table_name || '.' || column_name AS k, data_type AS t FROM information_schema.columns WHERE table_name IN ('p', 'c')`)).map((r) => [r.k, r.t]));
    expect(types['p.tier']).toBe(`ENUM('a', 'b', 'c')`);
    expect(types['p.label']).toBe(`ENUM('Alpha', 'B')`);
    expect(types['c.tier']).toBe(`ENUM('a', 'b', 'c')`);
    expect(types['p.sku']).toMatch(/^ENUM\('sku-0', /);
    expect(types['p.free']).toBe('VARCHAR');
  });

  it('values, nulls and 2-byte codes round-trip', async () => {
    const r = (await db.rows(`SELECT count(*) FILTER (WHERE tier IS NULL) / count(*) AS nulls, count(DISTINCT sku) AS skus, min(sku::VARCHAR) AS lo FROM p`))[0];
    expect(Math.abs(r.nulls - 0.1)).toBeLessThan(5 * Math.sqrt(0.09 / 5000));
    expect(r.skus).toBeGreaterThan(290);
    expect(await db.value(`SELECT count(*) FROM p WHERE sku::VARCHAR NOT LIKE 'sku-%'`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM c JOIN p ON c.p_id = p.id WHERE c.tier IS DISTINCT FROM p.tier`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM p WHERE label = 'Alpha'`)).toBeGreaterThan(2000);
  });
});
