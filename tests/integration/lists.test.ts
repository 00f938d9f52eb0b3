/*
 * List columns end to end (docs/behaviours/relations.md, "Lists and vectors"): dirichlet, vector and sample columns
 * reach DuckDB as LIST columns with the declared statistics, are identical whatever the chunk size and worker
 * count, and Parquet keeps them as lists.
 */
import { describe, expect, it } from 'vitest';
import { col, compileDoc, entity, fact, idCol, spec } from '../support/harness.ts';
import { generate } from '../support/run-spec.ts';
import { inclusionProbabilities } from '../../src/model/lists.ts';

const ALPHA = [4, 2, 1, 1, 0.5, 0.5];
const TAGS = ['wifi', 'parking', 'terrace', 'pets', 'a very long amenity name', 'late night'];
const TAG_W = [5, 3, 2, 1, 1, 0.5];

function doc(rows: number) {
  return spec([
    entity('user', rows, [
      idCol('user_id'),
      col('taste', 'list<float>', { dirichlet: { alpha: ALPHA } }),
      col('flat', 'list<float>', { distribution: { type: 'dirichlet', params: { alpha: 0.5, k: 20 } } }),
      col('embedding', 'list<float>', { vector: { type: 'normal', params: { mean: 1, std: 2 }, length: 8 } }),
      col('counts', 'list<int>', { vector: { type: 'poisson', params: { lambda: 3 }, length: 4 } }),
      col('tags', 'list<string>', { sample: { choices: TAGS, weights: TAG_W, k: 2 } }, [], { nullable: true, null_rate: 0.1 }),
      col('amenities', 'list<string>', { sample: { choices: TAGS, k: { min: 0, max: 3 } } }),
    ]),
  ], { seed: 7 });
}

describe('list columns', () => {
  it('have the declared types, lengths and statistics', async () => {
    const n = 20_000;
    const { db } = await generate(doc(n));
    try {
      const types = await db.rows(`SELECT column_name AS c, column_type AS t FROM (DESCRIBE "user")`);
      expect(Object.fromEntries(types.map((r) => [r.c, r.t]))).toMatchObject({ taste: 'DOUBLE[]', flat: 'DOUBLE[]', embedding: 'DOUBLE[]', counts: 'BIGINT[]', tags: 'VARCHAR[]', amenities: 'VARCHAR[]' });
      // Exact properties: lengths, sums to 1, distinct tags, k in range.
      expect(await db.value(`SELECT count(*) FROM "user" WHERE len(taste) <> ${ALPHA.length} OR abs(list_sum(taste) - 1) > 1e-9 OR list_min(taste) <= 0`)).toBe(0);
      expect(await db.value(`SELECT count(*) FROM "user" WHERE len(flat) <> 20 OR abs(list_sum(flat) - 1) > 1e-9`)).toBe(0);
      expect(await db.value(`SELECT count(*) FROM "user" WHERE len(embedding) <> 8 OR len(counts) <> 4`)).toBe(0);
      expect(await db.value(`SELECT count(*) FROM "user" WHERE tags IS NOT NULL AND (len(tags) <> 2 OR len(list_distinct(tags)) <> 2)`)).toBe(0);
      expect(await db.value(`SELECT count(*) FROM "user" WHERE len(amenities) > 3 OR len(list_distinct(amenities)) <> len(amenities)`)).toBe(0);
      // Dirichlet means α_j / Σα (sd of a mean over n rows: sqrt(m(1−m)/(A+1)/n) with A = Σα).
      const A = ALPHA.reduce((a, b) => a + b, 0);
      const means = await db.rows(`SELECT j, avg(taste[j]) AS m FROM "user", range(1, ${ALPHA.length + 1}) r(j) GROUP BY j ORDER BY j`);
      for (const { j, m } of means) {
        const want = ALPHA[j - 1] / A;
        expect(Math.abs(m - want)).toBeLessThan(5 * Math.sqrt((want * (1 - want)) / (A + 1) / n));
      }
      // Component variance m(1−m)/(A+1).
      const v = await db.value(`SELECT var_samp(taste[1]) FROM "user"`);
      const m1 = ALPHA[0] / A;
      expect(v / ((m1 * (1 - m1)) / (A + 1))).toBeGreaterThan(0.93);
      expect(v / ((m1 * (1 - m1)) / (A + 1))).toBeLessThan(1.07);
      // Vector components: normal(1, 2) each, independent.
      const e = await db.rows(`SELECT avg(x) AS m, stddev_samp(x) AS s FROM (SELECT unnest(embedding) AS x FROM "user")`);
      expect(Math.abs(e[0].m - 1)).toBeLessThan(5 * 2 / Math.sqrt(8 * n));
      expect(Math.abs(e[0].s - 2)).toBeLessThan(0.05);
      expect(Math.abs(await db.value(`SELECT corr(embedding[1], embedding[2]) FROM "user"`))).toBeLessThan(5 / Math.sqrt(n));
      expect(Math.abs((await db.value(`SELECT avg(x) FROM (SELECT unnest(counts) AS x FROM "user")`)) - 3)).toBeLessThan(5 * Math.sqrt(3 / (4 * n)));
      // Tags: inclusion probabilities of successive weighted sampling without replacement; nulls at the null rate.
      const rows = await db.value(`SELECT count(*) FROM "user" WHERE tags IS NOT NULL`);
      expect(Math.abs(rows / n - 0.9)).toBeLessThan(5 * Math.sqrt(0.09 / n));
      const incl = inclusionProbabilities(TAG_W, 2);
      const got = await db.rows(`SELECT t, count(*) AS c FROM (SELECT unnest(tags) AS t FROM "user") GROUP BY t`);
      for (const { t, c } of got) {
        const p = incl[TAGS.indexOf(t)];
        expect(Math.abs(c / rows - p), t).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / rows));
      }
      // The first tag drawn follows the weights.
      const first = await db.value(`SELECT count(*) FROM "user" WHERE tags[1] = 'wifi'`);
      const p1 = TAG_W[0] / TAG_W.reduce((a, b) => a + b, 0);
      expect(Math.abs(first / rows - p1)).toBeLessThan(5 * Math.sqrt((p1 * (1 - p1)) / rows));
      // k from {min: 0, max: 3}: each length equally likely.
      for (const { k, c } of await db.rows(`SELECT len(amenities) AS k, count(*) AS c FROM "user" GROUP BY k`)) {
        expect(Math.abs(c / n - 0.25), `k=${k}`).toBeLessThan(5 * Math.sqrt(0.1875 / n));
      }
    } finally {
      db.close();
    }
  }, 60_000);

  it('are the same whatever the chunk size and worker count, and Parquet keeps them as lists', async () => {
    const d = doc(3000);
    const a = await generate(d, { chunkRows: 65_536, workers: 1 });
    const b = await generate(d, { chunkRows: 777, workers: 3, workerMinRows: 100 });
    const { plan } = a;
    try {
      expect(await b.db.checksum('user')).toBe(await a.db.checksum('user'));
    } finally {
      a.db.close();
      b.db.close();
    }
    const { tempFile } = await import('../support/run-spec.ts');
    const { runPlan } = await import('../../src/run/run.ts');
    const dir = tempFile('lists-parquet');
    await runPlan(plan, { out: dir, format: 'parquet' });
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    try {
      const r = await conn.runAndReadAll(`SELECT typeof(taste) AS t1, typeof(tags) AS t2, typeof(counts) AS t3, len(taste) AS k FROM read_parquet('${dir}/user/*/*.parquet') LIMIT 1`);
      expect(r.getRowObjectsJS()[0]).toEqual({ t1: 'DOUBLE[]', t2: 'VARCHAR[]', t3: 'BIGINT[]', k: BigInt(ALPHA.length) });
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  }, 60_000);
});

/** Users with a taste over 4 categories, items with a category; interactions read both through lists and picks. */
function relations(users: number) {
  return spec([
    entity('item', 50, [
      idCol('item_id'),
      col('category', 'int', { distribution: { type: 'uniform', params: { low: 1, high: 4.999 } } }, [], {}),
      col('features', 'list<float>', { vector: { type: 'uniform', params: { low: 0, high: 1 }, length: 4 } }),
    ]),
    entity('user', users, [
      idCol('user_id'),
      col('taste', 'list<float>', { dirichlet: { alpha: 0.7, k: 4 } }),
      col('tags', 'list<string>', { sample: { choices: ['a', 'b', 'c', 'd'], k: { min: 1, max: 3 } } }),
      col('favourite', 'int', { expression: { code: 'argmax(taste)' } }),
    ]),
    fact('interaction', ['user'], [
      idCol('interaction_id'),
      col('user_id', 'int', { lookup: { from: 'user.user_id' } }),
      col('user_taste', 'list<float>', { lookup: { from: 'user.taste' } }),
      col('item_id', 'int', { lookup: { from: 'item.item_id' } }),
      col('item_features', 'list<float>', { lookup: { from: 'item.features' } }),
      col('score', 'float', { expression: { code: 'dot(parent.taste, item.features)' } }),
      col('top_share', 'float', { expression: { code: 'parent.taste[argmax(parent.taste)]' } }),
      col('n_tags', 'int', { expression: { code: 'len(parent.tags)' } }),
      col('has_a', 'bool', { expression: { code: 'contains(parent.tags, "a")' } }),
      col('total', 'float', { expression: { code: 'sum(user_taste) + sum(item_features) - sum(item.features)' } }),
      col('last', 'float', { expression: { code: 'user_taste[-1]' } }),
    ], { fanout: { distribution: 'poisson', lambda: 3 } }),
  ], { seed: 11 });
}

describe('lists across tables and in expressions', () => {
  it('lookups copy lists; dot, argmax, len, contains, sum and indexing agree with DuckDB on the written lists', async () => {
    const d = relations(3000);
    const { db } = await generate(d);
    try {
      expect(await db.value(`SELECT count(*) FROM interaction`)).toBeGreaterThan(8000);
      // The looked-up lists are the parent's and the picked item's.
      expect(await db.value(`SELECT count(*) FROM interaction i JOIN "user" u USING (user_id) WHERE i.user_taste IS DISTINCT FROM u.taste`)).toBe(0);
      expect(await db.value(`SELECT count(*) FROM interaction i JOIN item t USING (item_id) WHERE i.item_features IS DISTINCT FROM t.features`)).toBe(0);
      // Expression functions = DuckDB's list functions on the same rows (1-based positions).
      expect(await db.value(`SELECT count(*) FROM "user" WHERE favourite <> list_position(taste, list_max(taste))`)).toBe(0);
      expect(await db.value(`SELECT count(*) FROM interaction i JOIN "user" u USING (user_id) JOIN item t USING (item_id)
        WHERE abs(i.score - list_dot_product(u.taste, t.features)) > 1e-12 OR abs(i.top_share - list_max(u.taste)) > 0
           OR i.n_tags <> len(u.tags) OR i.has_a <> list_contains(u.tags, 'a') OR abs(i.total - list_sum(u.taste)) > 1e-12
           OR i."last" <> u.taste[-1]`)).toBe(0);
      // Statistics: a symmetric Dirichlet's favourite is uniform over the 4 categories.
      for (const { f, c } of await db.rows(`SELECT favourite AS f, count(*) AS c FROM "user" GROUP BY f`)) {
        expect(Math.abs(c / 3000 - 0.25), `favourite ${f}`).toBeLessThan(5 * Math.sqrt(0.1875 / 3000));
      }
    } finally {
      db.close();
    }
  }, 60_000);

  it('give the same tables with generation workers and small chunks (lists retained and shared with workers)', async () => {
    const d = relations(4000);
    const a = await generate(d, { workers: 1 });
    const b = await generate(d, { workers: 3, workerMinRows: 100, chunkRows: 500 });
    try {
      for (const t of ['item', 'user', 'interaction']) expect(await b.db.checksum(t), t).toBe(await a.db.checksum(t));
    } finally {
      a.db.close();
      b.db.close();
    }
  }, 60_000);

  it('refuse list types without list generators, list generators in scalar columns, lists used as numbers, modifiers on lists', () => {
    const errs = (columns: unknown[]) => compileDoc(spec([entity('t', 10, [idCol(), ...columns])])).diagnostics.filter((x) => x.severity === 'error').map((x) => `${x.code} ${x.path} ${x.message}`);
    const taste = col('taste', 'list<float>', { dirichlet: { alpha: [1, 2, 3] } });
    expect(errs([col('x', 'list<float>', { distribution: { type: 'normal', params: { mean: 0, std: 1 } } })])[0]).toMatch(/^DG_TYPE_MISMATCH \/nodes\/0\/columns\/1\/generator\/distribution .*list<float> column "x"/);
    expect(errs([col('x', 'float', { dirichlet: { alpha: [1, 2] } })])[0]).toMatch(/^DG_TYPE_MISMATCH \/nodes\/0\/columns\/1\/type dirichlet makes a list/);
    expect(errs([col('x', 'list<int>', { dirichlet: { alpha: [1, 2] } })])[0]).toMatch(/DG_TYPE_MISMATCH/);
    expect(errs([taste, col('y', 'float', { expression: { code: 'taste + 1' } })])[0]).toMatch(/^DG_BAD_EXPRESSION \/nodes\/0\/columns\/2\/generator\/expression\/code taste is a list/);
    expect(errs([taste, col('y', 'float', { expression: { code: 'taste' } })])[0]).toMatch(/DG_TYPE_MISMATCH .*yields a list/);
    expect(errs([taste, col('y', 'float', { expression: { code: 'len(3)' } })])[0]).toMatch(/needs a list/);
    expect(errs([taste, col('y', 'bool', { expression: { code: 'taste == 1' } })])[0]).toMatch(/lists cannot be compared/);
    expect(errs([col('x', 'list<float>', { dirichlet: { alpha: [1, 2] } }, [['multiply', { factor: 2 }]])])[0]).toMatch(/^DG_TYPE_MISMATCH \/nodes\/0\/columns\/1\/modifiers\/0/);
    expect(errs([col('x', 'list<bool>', { sample: { choices: [1, 2], k: 1 } })])[0]).toMatch(/^DG_NOT_SUPPORTED .*list<bool>/);
    expect(errs([col('x', 'list<float>', { dirichlet: { alpha: 2 } })])[0]).toMatch(/^DG_BAD_PARAM .*needs "k"/);
    expect(errs([col('x', 'list<string>', { sample: { choices: ['a', 'b', 'a'], k: 1 } })])[0]).toMatch(/^DG_BAD_PARAM \/nodes\/0\/columns\/1\/generator\/sample\/choices\/2 .*twice/);
    expect(errs([col('x', 'list<string>', { sample: { choices: ['a', 'b'], weights: [1, 0], k: 2 } })])[0]).toMatch(/^DG_OUT_OF_RANGE .*only 1 choice has a positive weight/);
    expect(errs([col('x', 'list<float>', { vector: { type: 'normal', params: { mean: 0, std: 1 } } })])[0]).toMatch(/^DG_MISSING_PARAM .*length/);
  });
});
