/**
 * Reading generated files (`datagen query`, `datagen validate`, `datagen labels`, the library's queryFile) through
 * @duckdb/node-api, which converts results to JS values. The write side (duckdb.ts) uses the bare
 * bindings only: the output thread then loads in ~20 ms instead of ~150 ms.
 *
 * Every connection here is sandboxed (docs/security.md, "Query sandbox"): the database is opened read-only with
 * DuckDB's `enable_external_access = false` (no file other than the database itself: no COPY … TO, EXPORT
 * DATABASE, read_text/read_csv/glob, ATTACH, INSTALL/LOAD), no automatic install or load of extensions, and the
 * configuration locked so that SQL cannot undo any of it (`SET enable_external_access = true` fails).
 */
import { DuckDBInstance, type DuckDBResult, JSDuckDBValueConverter } from '@duckdb/node-api';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { quoteString } from './sql.ts';

/** The DuckDB configuration of every read connection (before `lock_configuration`, which must come last). */
export const SANDBOX_CONFIG: Record<string, string> = {
  access_mode: 'READ_ONLY',
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
  lock_configuration: 'true',
};

/** A database file that cannot be read: missing, not DuckDB, damaged, or SQL the sandbox refuses. */
export class ReadError extends Error {
  constructor(message: string, readonly code: string, readonly hint: string) {
    super(message);
    this.name = 'ReadError';
  }
}

/** Check that `path` is a regular file that starts like a DuckDB database ("DUCK" at byte 8). */
export function checkDatabaseFile(path: string, shown = path): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ReadError(`database file "${shown}" does not exist`, 'DG_DB_MISSING', 'check the path (datagen run writes <name>.duckdb, or the file given with -o)');
  }
  if (!st.isFile()) throw new ReadError(`"${shown}" is not a regular file`, 'DG_DB_NOT_DUCKDB', 'give the DuckDB file written by datagen run');
  const magic = Buffer.alloc(12);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, magic, 0, 12, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 12 || magic.toString('latin1', 8, 12) !== 'DUCK') {
    throw new ReadError(`"${shown}" is not a DuckDB database${st.size === 0 ? ' (it is empty)' : ''}`, 'DG_DB_NOT_DUCKDB', 'give the DuckDB file written by datagen run (Parquet folders are read with DuckDB itself)');
  }
}

/** Open a sandboxed read-only instance on a database file. */
async function openInstance(path: string, threads?: number): Promise<DuckDBInstance> {
  checkDatabaseFile(path);
  const { lock_configuration: _lock, ...rest } = SANDBOX_CONFIG;
  try {
    // lock_configuration last: DuckDB applies the options in order.
    return await DuckDBInstance.create(path, { ...rest, ...(threads ? { threads: String(threads) } : {}), lock_configuration: 'true' });
  } catch (e) {
    throw readError(e, path);
  }
}

const DAMAGED = /Could not read enough bytes|not a valid DuckDB database|Corrupt database|checksum|Serialization Error|INTERNAL Error/i;

/** A DuckDB error as a ReadError: the sandbox's refusals and a damaged file get their own codes and hints. */
export function readError(e: unknown, path: string): Error {
  if (e instanceof ReadError) return e;
  const msg = (e instanceof Error ? e.message : String(e)).trim();
  const first = msg.split('\n')[0];
  if (DAMAGED.test(msg)) {
    return new ReadError(`"${path}" is damaged (truncated or corrupt): ${first}`, 'DG_DB_DAMAGED', 'generate it again with datagen run (an interrupted run never leaves a partial file: this one was cut or changed afterwards)');
  }
  if (/^Permission Error/.test(msg) || /configuration has been locked/.test(msg) || /extension/i.test(first) && /disabled|not in the catalog|autoload|install/i.test(msg)) {
    return new ReadError(`the sandbox refused the SQL: ${first.replace(/^(Permission Error|Invalid Input Error|Catalog Error): /, '')}`, 'DG_QUERY_REFUSED',
      'datagen query reads only the database file: no other files (COPY … TO, EXPORT DATABASE, read_text, read_csv, ATTACH), no extensions (INSTALL, LOAD), no settings; open the file with DuckDB itself for that');
  }
  if (/read-only mode/.test(msg)) {
    return new ReadError(`the database is opened read-only: ${first.replace(/^[A-Za-z ]+Error: /, '')}`, 'DG_QUERY_REFUSED', 'datagen query opens the database read-only: SELECT, DESCRIBE, SUMMARIZE, EXPLAIN … work; to change data, copy the file and use DuckDB itself');
  }
  return new ReadError(msg.replace(/\n\s*\n/g, '\n'), 'DG_QUERY_FAILED', 'check the SQL (DuckDB dialect; tables are the spec\'s node ids)');
}

/** Run read-only SQL on a database file and return column names and rows as JS values. */
export async function queryFile(path: string, sql: string): Promise<{ columns: string[]; types: string[]; rows: unknown[][] }> {
  const instance = await openInstance(path);
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    return { columns: reader.columnNames(), types: reader.columnTypes().map((t) => t.toString()), rows: reader.getRowsJS() as unknown[][] };
  } catch (e) {
    throw readError(e, path);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A query's result, read chunk by chunk (DuckDB's vectors of up to 2,048 rows). */
export interface QueryStream {
  columns: string[];
  types: string[];
  /** The next rows as JS values, or null at the end. */
  next(): Promise<unknown[][] | null>;
  /** The number of rows in the next chunk without converting them (0 at the end). */
  skip(): Promise<number>;
  close(): void;
}

/** Run read-only SQL on a database file and stream its result (flat memory however many rows it has). */
export async function streamQuery(path: string, sql: string): Promise<QueryStream> {
  const instance = await openInstance(path);
  const conn = await instance.connect();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    conn.closeSync();
    instance.closeSync();
  };
  let result: DuckDBResult;
  try {
    result = await conn.stream(sql);
  } catch (e) {
    close();
    throw readError(e, path);
  }
  const fetch = async () => {
    try {
      const chunk = await result.fetchChunk();
      return chunk && chunk.rowCount > 0 ? chunk : null;
    } catch (e) {
      throw readError(e, path);
    }
  };
  return {
    columns: result.columnNames(),
    types: result.columnTypes().map((t) => t.toString()),
    next: async () => {
      const chunk = await fetch();
      return chunk ? (chunk.convertRows(JSDuckDBValueConverter) as unknown[][]) : null;
    },
    skip: async () => (await fetch())?.rowCount ?? 0,
    close,
  };
}

/** A read-only connection to a generated file, kept open for many queries (validate runs all its checks through one). */
export interface ReadOnlyDb {
  /** Rows as plain objects: BIGINT/HUGEINT as numbers (strings beyond 2^53), TIMESTAMP/DATE as Date, DECIMAL as numbers. */
  all(sql: string): Promise<Record<string, unknown>[]>;
  /** Column names and their DuckDB types of a table. */
  describe(table: string): Promise<{ name: string; type: string }[]>;
  tables(): Promise<string[]>;
  close(): void;
}

export async function openReadOnly(path: string, threads?: number): Promise<ReadOnlyDb> {
  const instance = await openInstance(path, threads);
  const conn = await instance.connect();
  const all = async (sql: string) => {
    let reader;
    try {
      reader = await conn.runAndReadAll(sql);
    } catch (e) {
      // A damaged file is the file's problem, not the query's: said as such (validate stops on it).
      const r = readError(e, path);
      throw r instanceof ReadError && r.code === 'DG_DB_DAMAGED' ? r : e;
    }
    return reader.getRowObjectsJS().map((r) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) o[k] = plainValue(v);
      return o;
    });
  };
  return {
    all,
    describe: async (table) => (await all(`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = ${quoteString(table)} ORDER BY ordinal_position`)) as { name: string; type: string }[],
    tables: async () => (await all(`SELECT table_name AS t FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY 1`)).map((r) => String(r.t)),
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * The shard counts (`shards` of the manifest) of the shards already in a Parquet output folder; empty when it
 * has none. Reads only `<dir>/_datagen_manifest/shard=*\/*.parquet`, in an in-memory database.
 */
export async function parquetShardCounts(dir: string): Promise<number[]> {
  const { lock_configuration: _l, access_mode: _a, enable_external_access: _e, ...rest } = SANDBOX_CONFIG;
  const instance = await DuckDBInstance.create(':memory:', { ...rest, threads: '1' });
  const conn = await instance.connect();
  try {
    const glob = `${dir.replace(/[*?[\]]/g, '\\$&')}/_datagen_manifest/shard=*/*.parquet`;
    const r = await conn.runAndReadAll(`SELECT DISTINCT shards FROM read_parquet(${quoteString(glob)}) ORDER BY 1`);
    return r.getRowsJS().map((row) => Number(row[0]));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/No files found/.test(msg)) return [];
    throw new ReadError(`cannot read the manifest of the Parquet folder "${dir}": ${msg.split('\n')[0]}`, 'DG_OUTPUT_NOT_OURS', 'choose a new folder for the Parquet output');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v) && 'toDouble' in v && typeof (v as { toDouble: unknown }).toDouble === 'function') return (v as { toDouble(): number }).toDouble();
  return v;
}
