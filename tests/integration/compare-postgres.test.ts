/*
 * datagen compare with PostgreSQL (a real server the test starts: tests/support/postgres.ts): the same rows in
 * PostgreSQL (declared primary and foreign keys) and in a DuckDB file score 1 everywhere either way round — the
 * source's keys read from PostgreSQL's catalog, a PostgreSQL twin copied into the comparison — and a broken key
 * in the PostgreSQL twin lowers integrity by its share.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compareSources } from '../../src/compare/compare.ts';
import { runCli } from '../support/cli.ts';
import { type PgServer, startPostgres } from '../support/postgres.ts';

let server: PgServer | null = null;
let duck: string;
const dirs: string[] = [];

// 40 customers, 3 orders each but none for the last 10 (90 orders), amounts and times that vary
const ROWS = {
  customers: Array.from({ length: 40 }, (_, i) => [i + 1, ['north', 'south', 'east'][i % 3]]),
  orders: Array.from({ length: 90 }, (_, i) => [i + 1, (i % 30) + 1, (i * 7.25) % 100, `2025-0${(i % 6) + 1}-1${i % 10} ${String(i % 24).padStart(2, '0')}:00:00`]),
};

beforeAll(async () => {
  server = await startPostgres();
  if (!server) throw new Error('PostgreSQL is not installed (initdb/pg_ctl not found): .ci/run installs it');
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    for (const schema of ['public', 'twin']) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE ${schema}.customers (customer_id int4 PRIMARY KEY, region text)`);
      await client.query(`CREATE TABLE ${schema}.orders (order_id int4 PRIMARY KEY, customer_id int4 ${schema === 'public' ? 'REFERENCES public.customers (customer_id)' : ''}, amount float8, placed_at timestamp)`);
      for (const [id, region] of ROWS.customers) await client.query(`INSERT INTO ${schema}.customers VALUES ($1, $2)`, [id, region]);
      // the twin: orders 1–9 name customer 100 + i, who does not exist
      for (const [id, customer, amount, at] of ROWS.orders) await client.query(`INSERT INTO ${schema}.orders VALUES ($1, $2, $3, $4)`, [id, schema === 'twin' && Number(id) < 10 ? 100 + Number(id) : customer, amount, at]);
    }
  } finally {
    await client.end();
  }
  dirs.push(mkdtempSync(join(tmpdir(), 'datagen-compare-pg-')));
  duck = join(dirs[0], 'same.duckdb');
  const instance = await DuckDBInstance.create(duck);
  const conn = await instance.connect();
  await conn.run('CREATE TABLE customers (customer_id INTEGER, region VARCHAR); CREATE TABLE orders (order_id INTEGER, customer_id INTEGER, amount DOUBLE, placed_at TIMESTAMP)');
  for (const [id, region] of ROWS.customers) await conn.run(`INSERT INTO customers VALUES (${id}, '${region}')`);
  for (const [id, customer, amount, at] of ROWS.orders) await conn.run(`INSERT INTO orders VALUES (${id}, ${customer}, ${amount}, TIMESTAMP '${at}')`);
  conn.closeSync();
  instance.closeSync();
});
afterAll(() => {
  server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it('a PostgreSQL source against the DuckDB file of its rows, and back: 1 everywhere, keys from the catalog', async () => {
  const r = await compareSources(server!.url, duck);
  expect(r.foreignKeys).toEqual([{ table: 'orders', column: 'customer_id', refTable: 'customers', refColumn: 'customer_id', origin: 'declared' }]);
  expect(r.overall).toBe(1);
  for (const v of Object.values(r.categories)) expect(v).toBe(1);
  expect(r.cardinality[0]).toMatchObject({ sourceMean: 90 / 40, sourceZeroShare: 0.25 });
  const back = await compareSources(duck, server!.url);
  expect(back.overall).toBe(1);
  expect(back.privacy.every((p) => p.identicalShare === 1)).toBe(true);
});

it('a PostgreSQL twin with 9 of 90 orders naming unknown customers: integrity 0.9', async () => {
  const url = new URL(server!.url);
  url.searchParams.set('schema', 'twin');
  const r = await compareSources(server!.url, url.toString());
  expect(r.integrity[0]).toMatchObject({ twinValues: 90, twinFound: 81, sourceShare: 1 });
  expect(r.integrity[0].score).toBeCloseTo(0.9, 12);
});

it('the CLI never prints or writes a URL\'s password', async () => {
  // the test server trusts local connections: the password is ignored by it, and must be by the reports too
  const url = server!.url.replace('datagen@', 'datagen:s3cret@');
  const cwd = mkdtempSync(join(tmpdir(), 'datagen-compare-pg-cli-'));
  dirs.push(cwd);
  const res = await runCli(cwd, 'compare', url, duck, '--json', 'r.json', '--report', 'r.html');
  expect(res.code).toBe(0);
  for (const text of [res.stdout, res.stderr, readFileSync(join(cwd, 'r.json'), 'utf8'), readFileSync(join(cwd, 'r.html'), 'utf8')]) {
    expect(text).not.toContain('s3cret');
  }
  expect(res.stdout).toContain('datagen:***@127.0.0.1');
});
