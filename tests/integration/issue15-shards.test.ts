/*
 * Hidden columns, keyed draws in expressions, categorical and per-segment fanout, schedules and allocations under
 * `--shard i/n` (docs/scale-out.md): the union of 3 Parquet shards (one of them with worker threads) equals the
 * single DuckDB run, table by table and row by row, and holds no hidden column.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/run.ts';
import { writtenColumns } from '../../src/ir/written.ts';
import { quoteIdent as q } from '../../src/sinks/sql.ts';
import { compileOrThrow, readJson, tempFile } from '../support/run-spec.ts';

const FIXTURES = ['randomness/hidden-rand.json', 'fanout/personas.json', 'schedules/payroll.json', 'allocation/chats.json'];

let db: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});

async function value(sql: string): Promise<string> {
  return String((await conn.runAndReadAll(sql)).getRowsJS()[0]?.[0]);
}

describe.each(FIXTURES)('%s under --shard', (fixture) => {
  it('the union of 3 shards equals the single run', async () => {
    const plan = compileOrThrow(readJson(new URL(`../fixtures/${fixture}`, import.meta.url)));
    const ref = tempFile('ref.duckdb');
    await runPlan(plan, { out: ref, workers: 1 });
    const alias = `ref_${FIXTURES.indexOf(fixture)}`;
    await conn.run(`ATTACH '${ref}' AS ${alias} (READ_ONLY)`);
    const dir = tempFile('out');
    for (let i = 0; i < 3; i++) await runPlan(plan, { out: dir, format: 'parquet', shard: { index: i, count: 3 }, workers: i === 1 ? 3 : 1, workerMinRows: 0, chunkRows: 700, workerTaskRows: 700 });
    for (const t of plan.tables) {
      const cols = writtenColumns(t).map((c) => c.name);
      const files = `read_parquet('${join(dir, t.id)}/*/*.parquet', hive_partitioning = true, filename = true, file_row_number = true)`;
      const names = (await conn.runAndReadAll(`DESCRIBE SELECT * EXCLUDE (shard, filename, file_row_number) FROM ${files}`)).getRowObjectsJS().map((r) => r.column_name);
      expect(names, t.id).toEqual(cols);
      const row = `md5(CAST(ROW(${cols.map(q).join(', ')}) AS VARCHAR))`;
      const sharded = await value(`SELECT md5(string_agg(${row}, '' ORDER BY shard::INT, filename, file_row_number)) || ':' || count(*) FROM ${files}`);
      const single = await value(`SELECT md5(string_agg(${row}, '' ORDER BY rowid)) || ':' || count(*) FROM ${alias}.${q(t.id)}`);
      expect(sharded, t.id).toBe(single);
    }
  });
});
