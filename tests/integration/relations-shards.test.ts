/*
 * Relations under --shard (docs/scale-out.md): a hierarchy's rows split by ordinal range, an edge table's rows
 * with their drawing node's shard; the union of 3 Parquet shards equals the one-file run row for row, in order.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/run.ts';
import { quoteIdent as q } from '../../src/sinks/sql.ts';
import { compileOrThrow, EXAMPLES_DIR, readJson, tempFile } from '../support/run-spec.ts';

let db: DuckDBInstance;
let conn: Awaited<ReturnType<DuckDBInstance['connect']>>;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});

async function value(sql: string): Promise<unknown> {
  const v = (await conn.runAndReadAll(sql)).getRowsJS()[0]?.[0];
  return typeof v === 'bigint' ? Number(v) : v;
}

async function shardsEqualFile(doc: unknown, tables: Record<string, string[]>, alias: string): Promise<void> {
  const plan = compileOrThrow(doc);
  const ref = tempFile('ref.duckdb');
  await runPlan(plan, { out: ref, workers: 1 });
  await conn.run(`ATTACH '${ref}' AS ${alias} (READ_ONLY)`);
  const dir = mkdtempSync(join(tmpdir(), 'datagen-rel-shards-'));
  for (let i = 0; i < 3; i++) await runPlan(plan, { out: dir, format: 'parquet', shard: { index: i, count: 3 }, workers: 1, chunkRows: 700 });
  for (const [t, cols] of Object.entries(tables)) {
    const row = `md5(CAST(ROW(${cols.map(q).join(', ')}) AS VARCHAR))`;
    const parts = await value(`SELECT count(DISTINCT shard) FROM read_parquet('${join(dir, t)}/*/*.parquet', hive_partitioning = true)`);
    const sharded = await value(`SELECT md5(string_agg(${row}, '' ORDER BY shard::INT, filename, file_row_number)) || ':' || count(*) FROM read_parquet('${join(dir, t)}/*/*.parquet', hive_partitioning = true, filename = true, file_row_number = true)`);
    const whole = await value(`SELECT md5(string_agg(${row}, '' ORDER BY rowid)) || ':' || count(*) FROM ${alias}.${q(t)}`);
    expect(sharded, t).toBe(whole);
    expect(parts, t).toBe(3);
  }
}

describe('relations under --shard', () => {
  it('a hierarchy: the 3 shards of the employee table equal the whole run', async () => {
    const doc = readJson(new URL('org_chart.json', EXAMPLES_DIR));
    doc.nodes = [doc.nodes[0]]; // nobody reads employee: its rows are split by ordinal range
    doc.nodes[0].rows = 3000;
    await shardsEqualFile(doc, { employee: ['employee_id', 'manager_id', 'level', 'reporting_path', 'title'] }, 'org');
  });

  it('edge tables: the 3 shards of friendship and follow equal the whole run', async () => {
    const doc = readJson(new URL('social_graph.json', EXAMPLES_DIR));
    doc.nodes[0].rows = 3000;
    await shardsEqualFile(doc, { friendship: ['user_a', 'user_b', 'same_city', 'since'], follow: ['follower_id', 'followee_id', 'followed_at'] }, 'soc');
  });
});
