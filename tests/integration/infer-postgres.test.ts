/*
 * `datagen infer` from PostgreSQL (issue 21): the same data loaded into a real PostgreSQL server (started by the
 * test in a temporary folder) and into a DuckDB file gives the same spec — an example of the project (quickstart,
 * generated) and real data (a slice of vega-datasets' flights with the airports) — with keys found from the data,
 * and with declared primary/foreign keys read from the catalog.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, inferSpec, run } from '../../src/index.ts';
import { startPostgres, type PgServer } from '../support/postgres.ts';

const DATA = resolve('node_modules/vega-datasets/data');
let dir: string;
let server: PgServer | null = null;

function pgType(duck: string): string {
  if (/^DECIMAL/.test(duck)) return duck.replace('DECIMAL', 'numeric');
  return ({ BIGINT: 'int8', INTEGER: 'int4', SMALLINT: 'int2', DOUBLE: 'float8', FLOAT: 'float4', BOOLEAN: 'bool', DATE: 'date', TIMESTAMP: 'timestamp' } as Record<string, string>)[duck] ?? 'text';
}

/** Copy every table of a DuckDB connection's `src` database into PostgreSQL schema `schema` (values as text). */
async function loadIntoPostgres(conn: DuckDBConnection, client: pg.Client, schema: string, tables: string[]): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  for (const t of tables) {
    const cols = (await conn.runAndReadAll(`DESCRIBE src."${t}"`)).getRowObjectsJS() as { column_name: string; column_type: string }[];
    await client.query(`CREATE TABLE "${schema}"."${t}" (${cols.map((c) => `"${c.column_name}" ${pgType(c.column_type)}`).join(', ')})`);
    const rows = (await conn.runAndReadAll(`SELECT ${cols.map((c) => `"${c.column_name}"::VARCHAR`).join(', ')} FROM src."${t}"`)).getRows() as (string | null)[][];
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      const params: (string | null)[] = [];
      const values = batch.map((r) => `(${r.map((v) => { params.push(v); return `$${params.length}`; }).join(', ')})`);
      await client.query(`INSERT INTO "${schema}"."${t}" VALUES ${values.join(', ')}`, params);
    }
  }
}

/** The spec without its description (which names the source). */
function comparable(spec: Record<string, unknown>): unknown {
  const s = structuredClone(spec) as { metadata: Record<string, unknown> };
  delete s.metadata.description;
  return s;
}

let duckFile: string;
let declaredFile: string;

beforeAll(async () => {
  server = await startPostgres();
  if (!server) throw new Error('PostgreSQL is not installed (initdb/pg_ctl not found): .ci/run installs it');
  dir = mkdtempSync(join(tmpdir(), 'datagen-infer-pg-'));
  const example = join(dir, 'quickstart.duckdb');
  const doc = JSON.parse(readFileSync('examples/quickstart.json', 'utf8'));
  await run(doc, { out: example, scale: 0.02 });
  duckFile = join(dir, 'source.duckdb');
  declaredFile = join(dir, 'declared.duckdb');
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await conn.run(`ATTACH '${duckFile}' AS src; ATTACH '${example}' AS q (READ_ONLY);
      CREATE TABLE src.users AS SELECT * FROM q.users; CREATE TABLE src.events AS SELECT * FROM q.events;
      CREATE TABLE src.airports AS SELECT * FROM read_csv('${join(DATA, 'airports.csv')}');
      CREATE TABLE src.flights AS SELECT * FROM read_parquet('${join(DATA, 'flights-3m.parquet')}') ORDER BY date, origin, destination, delay, distance LIMIT 30000;`);
    await loadIntoPostgres(conn, client, 'public', ['users', 'events', 'airports', 'flights']);
    // the same users and events with declared keys, in a DuckDB file and a PostgreSQL schema
    await conn.run(`DETACH src; ATTACH '${declaredFile}' AS d;
      USE d;
      CREATE TABLE customers (id BIGINT PRIMARY KEY, plan VARCHAR, age BIGINT);
      CREATE TABLE orders (oid BIGINT PRIMARY KEY, buyer BIGINT REFERENCES customers(id), amount DOUBLE);
      INSERT INTO customers SELECT user_id, plan::VARCHAR, age FROM q.users;
      INSERT INTO orders SELECT event_id, user_id, duration_s FROM q.events;
      USE memory; DETACH d; ATTACH '${declaredFile}' AS src (READ_ONLY);`);
    await client.query(`CREATE SCHEMA declared;
      CREATE TABLE declared.customers (id int8 PRIMARY KEY, plan text, age int8);
      CREATE TABLE declared.orders (oid int8 PRIMARY KEY, buyer int8 REFERENCES declared.customers(id), amount float8);`);
    for (const t of ['customers', 'orders']) {
      const rows = (await conn.runAndReadAll(`SELECT * FROM src.${t}`)).getRows();
      for (let i = 0; i < rows.length; i += 1000) {
        const batch = rows.slice(i, i + 1000);
        const params: unknown[] = [];
        const values = batch.map((r) => `(${r.map((v) => { params.push(typeof v === 'bigint' ? String(v) : v); return `$${params.length}`; }).join(', ')})`);
        await client.query(`INSERT INTO declared.${t} VALUES ${values.join(', ')}`, params);
      }
    }
  } finally {
    await client.end();
    conn.closeSync();
    inst.closeSync();
  }
});
afterAll(() => {
  server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('datagen infer from PostgreSQL', () => {
  it('gives the same spec as the DuckDB file of the same data (keys found from the data)', async () => {
    const fromPg = await inferSpec(server!.url, { name: 'twin' });
    const fromDuck = await inferSpec(duckFile, { name: 'twin' });
    expect(fromPg.evidence.source.kind).toBe('postgres');
    expect(fromDuck.evidence.source.kind).toBe('duckdb');
    expect(comparable(fromPg.spec)).toEqual(comparable(fromDuck.spec));
    expect(fromPg.evidence.keys.foreignKeys.map((f) => `${f.table}.${f.column}->${f.refTable}.${f.refColumn}`).sort())
      .toEqual(['events.user_id->users.user_id', 'flights.destination->airports.iata', 'flights.origin->airports.iata']);
    expect(fromPg.evidence.specDiagnostics).toEqual([]);
    expect(compile(fromPg.spec).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // the quickstart's events are a fact of users with a fitted fanout
    const events = (fromPg.spec.nodes as { id: string; kind: string; parents?: string[]; fanout?: unknown }[]).find((n) => n.id === 'events')!;
    expect(events).toMatchObject({ kind: 'fact', parents: ['users'] });
    expect(events.fanout).toBeDefined();
    // the quickstart's users are people: their `name` is a person's name (faker)
    const users = (fromPg.spec.nodes as { id: string; columns: { name: string; generator: unknown }[] }[]).find((n) => n.id === 'users')!;
    expect(users.columns.find((c) => c.name === 'name')!.generator).toEqual({ faker: { method: 'name' } });
  });

  it('reads declared primary and foreign keys from the catalog, like those of a DuckDB file', async () => {
    const fromPg = await inferSpec(`${server!.url}?schema=declared`, { name: 'twin' });
    const fromDuck = await inferSpec(declaredFile, { name: 'twin' });
    expect(comparable(fromPg.spec)).toEqual(comparable(fromDuck.spec));
    expect(fromPg.evidence.keys.primaryKeys.map((k) => [k.table, k.column, k.declared])).toEqual([['customers', 'id', true], ['orders', 'oid', true]]);
    // `buyer` has no name in common with customers.id: only the declaration makes it a foreign key
    expect(fromPg.evidence.keys.foreignKeys.map((f) => [f.table, f.column, f.refTable, f.refColumn, f.declared])).toEqual([['orders', 'buyer', 'customers', 'id', true]]);
  });

  it('a server that does not answer is DG_SOURCE_UNREACHABLE, with the password masked', async () => {
    const port = new URL(server!.url).port;
    const url = `postgresql://someone:secret@127.0.0.1:${Number(port) === 1 ? 2 : 1}/db`;
    await expect(inferSpec(url)).rejects.toMatchObject({ code: 'DG_SOURCE_UNREACHABLE' });
    await expect(inferSpec(url)).rejects.toThrow(/someone:\*\*\*@/);
    await expect(inferSpec(`${server!.url}?schema=nothing_here`)).rejects.toMatchObject({ code: 'DG_SOURCE_EMPTY' });
  });
});
