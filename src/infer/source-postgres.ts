/**
 * PostgreSQL sources (issue 21): `postgresql://user:pass@host:port/db?schema=name` (schema default `public`).
 * Through the `pg` client, each base table of the schema is copied into a table of the in-memory DuckDB
 * connection (values read as PostgreSQL's text form, in batches through a cursor, then cast to the DuckDB type
 * of the column), with its declared primary and foreign keys from the catalog — so the rest of infer/compare
 * reads it exactly like a DuckDB file of the same data. Read-only: one READ ONLY transaction, nothing written.
 */
import pg from 'pg';
import { quoteIdent } from '../sinks/sql.ts';
import { type DeclaredForeignKey, makeSource, maskUrl, scratchConnection, type Source, SourceError, type SourceTable } from './source-types.ts';

/** Rows fetched per round trip. */
const BATCH = 10_000;

/** DuckDB's type for a PostgreSQL column (information_schema data_type / udt_name, numeric precision and scale). */
function duckType(udt: string, precision: number | null, scale: number | null): string {
  switch (udt) {
    case 'int2': return 'SMALLINT';
    case 'int4': return 'INTEGER';
    case 'int8': return 'BIGINT';
    case 'float4': return 'FLOAT';
    case 'float8': return 'DOUBLE';
    case 'bool': return 'BOOLEAN';
    case 'date': return 'DATE';
    case 'timestamp': return 'TIMESTAMP';
    case 'timestamptz': return 'TIMESTAMPTZ';
    case 'uuid': return 'UUID';
    case 'numeric':
      if (precision !== null && precision <= 38) return `DECIMAL(${precision},${scale ?? 0})`;
      return 'DOUBLE';
    case 'text': case 'varchar': case 'bpchar': case 'name': case 'citext': case 'json': case 'jsonb':
      return 'VARCHAR';
    case 'interval': return 'INTERVAL';
    case 'time': return 'TIME';
    case 'bytea': return 'BLOB';
    default:
      // Anything else (arrays, enums, geometric types, …) keeps PostgreSQL's text form.
      return 'VARCHAR';
  }
}

interface PgColumn { table_name: string; column_name: string; data_type: string; udt_name: string; numeric_precision: number | null; numeric_scale: number | null }
interface PgConstraint { table_name: string; contype: 'p' | 'f'; cols: string[]; ref_table: string | null; refcols: string[] | null }

export async function openPostgres(url: string): Promise<Source> {
  const masked = maskUrl(url);
  let schema = 'public';
  let connectionString = url;
  try {
    const u = new URL(url);
    schema = u.searchParams.get('schema') ?? 'public';
    u.searchParams.delete('schema');
    connectionString = u.toString();
  } catch {
    throw new SourceError(`"${masked}" is not a valid PostgreSQL URL`, 'DG_SOURCE_FORMAT', 'write it as postgresql://user:password@host:port/database[?schema=name]');
  }
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (e) {
    throw new SourceError(`cannot connect to PostgreSQL at ${masked}: ${(e as Error).message}`, 'DG_SOURCE_UNREACHABLE', 'check that the server runs, and the host, port, database, user and password of the URL');
  }
  const { conn, close } = await scratchConnection();
  try {
    await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const names = (await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`, [schema])).rows.map((r) => r.table_name);
    if (!names.length) throw new SourceError(`schema "${schema}" of ${masked} has no tables`, 'DG_SOURCE_EMPTY', 'name another schema with ?schema=<name> at the end of the URL');
    const columns = (await client.query<PgColumn>(
      `SELECT table_name, column_name, data_type, udt_name, numeric_precision, numeric_scale FROM information_schema.columns
        WHERE table_schema = $1 ORDER BY table_name, ordinal_position`, [schema])).rows;
    const constraints = (await client.query<PgConstraint>(
      `SELECT rel.relname AS table_name, c.contype,
              array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
              frel.relname AS ref_table,
              array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS refcols
         FROM pg_constraint c JOIN pg_class rel ON rel.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace
         LEFT JOIN pg_class frel ON frel.oid = c.confrelid
        WHERE ns.nspname = $1 AND c.contype IN ('p', 'f') ORDER BY rel.relname, c.conname`, [schema])).rows;
    const tables: SourceTable[] = [];
    for (const name of names) {
      const cols = columns.filter((c) => c.table_name === name);
      await copyTable(client, conn, schema, name, cols);
      const mine = constraints.filter((c) => c.table_name === name);
      const fks: DeclaredForeignKey[] = mine.filter((c) => c.contype === 'f' && c.ref_table && names.includes(c.ref_table))
        .map((c) => ({ columns: c.cols, refTable: c.ref_table!, refColumns: c.refcols ?? [] }));
      tables.push({ name, sql: quoteIdent(name), declaredPk: mine.find((c) => c.contype === 'p')?.cols ?? [], declaredFks: fks });
    }
    await client.query('COMMIT');
    return makeSource('postgres', masked, conn, tables, close);
  } catch (e) {
    close();
    if (e instanceof SourceError) throw e;
    throw new SourceError(`cannot read PostgreSQL source ${masked}: ${(e as Error).message.split('\n')[0]}`, 'DG_SOURCE_UNREADABLE', 'check that the user may read the schema\'s tables');
  } finally {
    await client.end().catch(() => {});
  }
}

/** Copy one table: a VARCHAR staging table filled through a cursor, then cast into the typed table. */
async function copyTable(client: pg.Client, conn: import('@duckdb/node-api').DuckDBConnection, schema: string, name: string, cols: PgColumn[]): Promise<void> {
  const stage = `__pg_stage_${name}`;
  await conn.run(`CREATE TEMP TABLE ${quoteIdent(stage)} (${cols.map((c) => `${quoteIdent(c.column_name)} VARCHAR`).join(', ')})`);
  const appender = await conn.createAppender(stage);
  const pgq = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const cursor = `datagen_copy`;
  await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${cols.map((c) => `${pgq(c.column_name)}::text`).join(', ')} FROM ${pgq(schema)}.${pgq(name)}`);
  for (;;) {
    const batch = await client.query({ text: `FETCH ${BATCH} FROM ${cursor}`, rowMode: 'array' });
    for (const row of batch.rows as (string | null)[][]) {
      for (const v of row) {
        if (v === null) appender.appendNull();
        else appender.appendVarchar(v);
      }
      appender.endRow();
    }
    if (batch.rows.length < BATCH) break;
  }
  appender.closeSync();
  await client.query(`CLOSE ${cursor}`);
  const select = cols.map((c) => {
    const t = duckType(c.udt_name, c.numeric_precision, c.numeric_scale);
    const q = quoteIdent(c.column_name);
    return t === 'VARCHAR' ? q : `CAST(${q} AS ${t}) AS ${q}`;
  });
  await conn.run(`CREATE TABLE ${quoteIdent(name)} AS SELECT ${select.join(', ')} FROM ${quoteIdent(stage)}`);
  await conn.run(`DROP TABLE ${quoteIdent(stage)}`);
}
