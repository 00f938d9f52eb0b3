import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/run.ts';
import { compile } from '../../src/plan/compile.ts';
import { compileOrThrow, Db, generate, tempFile } from '../support/run-spec.ts';

/*
 * Issue 22 §8(b): `sequence: {order_by: <datetime column>}` numbers a fact's rows in time order across the whole
 * table (ids grow with time, as in real systems), unique, and identical for any chunk size, workers or shards.
 */
const spec = (orderBy: string | null) => ({
  version: '1.0', metadata: { name: 'ids' }, constraints: {}, seed: 4,
  timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-03-31T23:59:59Z', freq: 'H' },
  nodes: [
    { id: 'users', kind: 'entity', pk: 'user_id', rows: 3000, columns: [
      { name: 'user_id', type: 'int', generator: { sequence: {} } },
    ] },
    { id: 'events', kind: 'fact', pk: 'event_id', parents: ['users'], fanout: { distribution: 'poisson', lambda: 10 }, columns: [
      { name: 'event_id', type: 'int', generator: { sequence: orderBy ? { start: 1000, order_by: orderBy } : { start: 1000 } } },
      { name: 'user_id', type: 'int', generator: { lookup: { from: 'users.user_id' } } },
      { name: 'occurred_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } }, modifiers: [{ transform: 'time_jitter', args: { std_minutes: 20 } }] },
    ] },
    // A child of the fact reads its key: it follows the time-ordered ids.
    { id: 'clicks', kind: 'fact', pk: 'click_id', parents: ['events'], fanout: { distribution: 'fixed', value: 1 }, columns: [
      { name: 'click_id', type: 'int', generator: { sequence: {} } },
      { name: 'event_id', type: 'int', generator: { lookup: { from: 'events.event_id' } } },
    ] },
  ],
});

describe('time-ordered ids (issue 22 §8b)', () => {
  let db: Db;
  let plain: Db;
  beforeAll(async () => {
    ({ db } = await generate(spec('occurred_at')));
    ({ db: plain } = await generate(spec(null)));
  });
  afterAll(() => {
    db?.close();
    plain?.close();
  });

  it('ids are unique and grow with time over the whole table (no inversion), starting at start', async () => {
    const r = (await db.rows(`
      WITH o AS (SELECT event_id, occurred_at, lag(occurred_at) OVER (ORDER BY event_id) AS prev FROM events)
      SELECT count(*) AS n, count(DISTINCT event_id) AS d, count(*) FILTER (WHERE prev > occurred_at) AS inversions, min(event_id) AS lo FROM o`))[0];
    expect(Number(r.n)).toBeGreaterThan(25_000);
    expect(Number(r.d)).toBe(Number(r.n));
    expect(Number(r.inversions)).toBe(0);
    expect(Number(r.lo)).toBeGreaterThanOrEqual(1000);
    // Without order_by the ids follow the parents, not time: many inversions.
    const p = await plain.value(`SELECT count(*) FROM (SELECT occurred_at < lag(occurred_at) OVER (ORDER BY event_id) AS inv FROM events) WHERE inv`);
    expect(Number(p)).toBeGreaterThan(10_000);
  });

  it('the rest of the table is unchanged, and children read the new keys', async () => {
    const q = `SELECT md5(string_agg(concat_ws('|', user_id, occurred_at), ';' ORDER BY user_id, occurred_at)) FROM events`;
    expect(await db.value(q)).toBe(await plain.value(q));
    expect(Number(await db.value(`SELECT count(*) FROM clicks c LEFT JOIN events e USING (event_id) WHERE e.event_id IS NULL`))).toBe(0);
  });

  it('identical for chunk size 7, 4 workers and 3 Parquet shards', async () => {
    const digest = `SELECT md5(string_agg(concat_ws('|', event_id, user_id, occurred_at), ';' ORDER BY event_id)) FROM events`;
    const want = await db.value(digest);
    const { db: small } = await generate(spec('occurred_at'), { chunkRows: 7, workers: 4, workerMinRows: 0 } as any);
    expect(await small.value(digest)).toBe(want);
    small.close();
    const dir = mkdtempSync(join(tmpdir(), 'dg-ids-'));
    const plan = compileOrThrow(spec('occurred_at'));
    for (let i = 0; i < 3; i++) await runPlan(plan, { out: dir, format: 'parquet', shard: { index: i, count: 3 }, workers: 1, chunkRows: 500 });
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    const r = await conn.runAndReadAll(digest.replace('FROM events', `FROM read_parquet('${join(dir, 'events')}/*/*.parquet')`));
    expect(r.getRowsJS()[0][0]).toBe(want);
    conn.closeSync();
  });

  it('an estimate far below the rows made (a behaviour it does not model) widens the key room from the layout instead of stopping', async () => {
    // The estimate reserves 2^b ≥ 2 × estimate + 1000 ordinals per time bucket; here the plan says 10 rows for
    // ~30,000: before, the run stopped at row 1,024 ("more than 1,024 rows"). Now the layout's real count decides.
    const plan = compileOrThrow(spec('occurred_at'));
    const events = plan.tables.find((t) => t.id === 'events')!;
    events.estimatedRows = 10;
    const out = tempFile('ids-underestimated.duckdb');
    await runPlan(plan, { out, workers: 1, chunkRows: 1000 });
    const under = await Db.open(out);
    const r = (await under.rows(`
      WITH o AS (SELECT event_id, occurred_at, lag(occurred_at) OVER (ORDER BY event_id) AS prev FROM events)
      SELECT count(*) AS n, count(DISTINCT event_id) AS d, count(*) FILTER (WHERE prev > occurred_at) AS inversions FROM o`))[0];
    expect(Number(r.n)).toBeGreaterThan(25_000);
    expect(Number(r.d)).toBe(Number(r.n));
    expect(Number(r.inversions)).toBe(0);
    // The same rows as the run whose estimate fitted, only other (still time-ordered) key values.
    const q = `SELECT md5(string_agg(concat_ws('|', user_id, occurred_at), ';' ORDER BY event_id)) FROM events`;
    expect(await under.value(q)).toBe(await db.value(q));
    under.close();
  });

  it('order_by must name a datetime or date column of the table', () => {
    const bad = (orderBy: string) => compile(spec(orderBy)).diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.path, d.hint]);
    expect(bad('occured_at')).toEqual([['DG_UNKNOWN_COLUMN', '/nodes/1/columns/0/generator/sequence/order_by', 'did you mean "occurred_at"?']]);
    expect(bad('user_id')[0].slice(0, 2)).toEqual(['DG_TYPE_MISMATCH', '/nodes/1/columns/0/generator/sequence/order_by']);
  });
});
