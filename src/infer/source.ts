/**
 * A data source that `datagen infer` and `datagen compare` read: a DuckDB file, a Parquet or CSV file, a folder of
 * them (a sub-folder of Parquet files is one table: datagen's `--format parquet` output), or a PostgreSQL URL.
 * Every source is seen through one in-memory DuckDB connection where each source table is a view (or, for
 * PostgreSQL, a table copied in) named by the table, so the rest of infer/compare is plain DuckDB SQL.
 *
 * The source is the user's own data on their own machine, so this connection can read files (read_parquet,
 * read_csv, ATTACH … READ_ONLY); it never writes to the source and opens a DuckDB file read-only.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { isReservedTable } from '../plan/spec-checks.ts';
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { quoteIdent, quoteString } from '../sinks/sql.ts';
import { makeSource, scratchConnection, type Source, SourceError, type SourceKind, type SourceTable } from './source-types.ts';

export { maskUrl, type Source, SourceError, type SourceTable } from './source-types.ts';

export interface OpenSourceOptions {
  /** Keep only these tables (by name); an unknown name is an error. */
  tables?: string[];
}

const DATA_EXT = new Set(['.parquet', '.csv', '.tsv']);

/** Open `location` (a path or a postgres:// URL) as a Source. */
export async function openSource(location: string, options: OpenSourceOptions = {}): Promise<Source> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    const { openPostgres } = await import('./source-postgres.ts');
    return filterTables(await openPostgres(location), options);
  }
  const path = resolve(location);
  if (!existsSync(path)) {
    throw new SourceError(`source "${location}" does not exist`, 'DG_SOURCE_MISSING', 'give a DuckDB file, a Parquet/CSV file or folder, or a postgresql:// URL');
  }
  const { conn, close } = await scratchConnection();
  try {
    const st = statSync(path);
    let kind: SourceKind;
    let tables: SourceTable[];
    if (st.isDirectory()) {
      kind = 'folder';
      tables = await folderTables(conn, path);
    } else if (isDuckDbFile(path)) {
      kind = 'duckdb';
      tables = await duckdbTables(conn, path);
    } else {
      const ext = extname(path).toLowerCase();
      if (!DATA_EXT.has(ext)) {
        throw new SourceError(`source "${location}" is neither a DuckDB file nor a .parquet/.csv/.tsv file`, 'DG_SOURCE_FORMAT', 'give a DuckDB file, a Parquet/CSV file or a folder of them');
      }
      kind = ext === '.parquet' ? 'parquet' : 'csv';
      tables = [await fileTable(conn, path, tableName(basename(path, extname(path))))];
    }
    if (!tables.length) throw new SourceError(`source "${location}" has no tables`, 'DG_SOURCE_EMPTY', 'give a DuckDB file with tables, or a folder holding .parquet/.csv files');
    return filterTables(makeSource(kind, location, conn, tables, close), options);
  } catch (e) {
    close();
    if (e instanceof SourceError) throw e;
    throw new SourceError(`cannot read source "${location}": ${(e as Error).message.split('\n')[0]}`, 'DG_SOURCE_UNREADABLE', 'check that the file is a readable DuckDB, Parquet or CSV file');
  }
}

function filterTables(source: Source, options: OpenSourceOptions): Source {
  if (!options.tables?.length) return source;
  const known = new Set(source.tables.map((t) => t.name));
  const unknown = options.tables.filter((t) => !known.has(t));
  if (unknown.length) {
    source.close();
    // datagen's own tables (labels, manifest) are never inferred or compared: not offered in the hint.
    throw new SourceError(`--tables names ${unknown.map((t) => `"${t}"`).join(', ')}, which the source does not have`, 'DG_SOURCE_TABLE',
      `the source's tables: ${[...known].filter((t) => !isReservedTable(t)).join(', ')}`);
  }
  const keep = new Set(options.tables);
  source.tables = source.tables.filter((t) => keep.has(t.name));
  return source;
}

function isDuckDbFile(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(12);
    const n = readSync(fd, buf, 0, 12, 0);
    closeSync(fd);
    return n === 12 && buf.toString('latin1', 8, 12) === 'DUCK';
  } catch {
    return false;
  }
}

/** A table name from a file name: letters, digits and underscores. */
function tableName(stem: string): string {
  const name = stem.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'table';
  return /^[0-9]/.test(name) ? `t_${name}` : name;
}

function reader(path: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet') return `read_parquet(${quoteString(path)})`;
  return `read_csv(${quoteString(path)}, auto_detect = true${ext === '.tsv' ? ", delim = '\\t'" : ''})`;
}

async function fileTable(conn: DuckDBConnection, path: string, name: string): Promise<SourceTable> {
  await conn.run(`CREATE VIEW ${quoteIdent(name)} AS SELECT * FROM ${reader(path)}`);
  return { name, sql: quoteIdent(name), declaredPk: [], declaredFks: [] };
}

async function folderTables(conn: DuckDBConnection, dir: string): Promise<SourceTable[]> {
  const tables: SourceTable[] = [];
  const seen = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    // Symbolic links count as what they point at (a folder of links to the data files is a source too).
    const st = entry.isSymbolicLink() ? statSync(full, { throwIfNoEntry: false }) : entry;
    if (!st) continue;
    if (st.isDirectory()) {
      // its Parquet files, also in sub-folders: datagen's `--format parquet` writes <table>/shard=<i>/part-*.parquet
      const parts = (readdirSync(full, { recursive: true }) as string[]).filter((f) => f.toLowerCase().endsWith('.parquet'));
      if (!parts.length) continue;
      const name = tableName(entry.name);
      if (seen.has(name)) continue;
      seen.add(name);
      await conn.run(`CREATE VIEW ${quoteIdent(name)} AS SELECT * FROM read_parquet(${quoteString(join(full, '**', '*.parquet'))}, hive_partitioning = false)`);
      tables.push({ name, sql: quoteIdent(name), declaredPk: [], declaredFks: [] });
    } else if (st.isFile() && DATA_EXT.has(extname(entry.name).toLowerCase())) {
      const name = tableName(basename(entry.name, extname(entry.name)));
      if (seen.has(name)) continue;
      seen.add(name);
      tables.push(await fileTable(conn, full, name));
    }
  }
  return tables;
}

async function duckdbTables(conn: DuckDBConnection, path: string): Promise<SourceTable[]> {
  await conn.run(`ATTACH ${quoteString(path)} AS src (READ_ONLY)`);
  const rows = (await conn.runAndReadAll(
    `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'src' ORDER BY schema_name <> 'main', schema_name, table_name`,
  )).getRowObjectsJS() as { schema_name: string; table_name: string }[];
  const cons = (await conn.runAndReadAll(
    `SELECT schema_name, table_name, constraint_type, constraint_column_names AS cols, referenced_table, referenced_column_names AS refcols
       FROM duckdb_constraints() WHERE database_name = 'src' AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')`,
  )).getRowObjectsJS() as { schema_name: string; table_name: string; constraint_type: string; cols: string[]; referenced_table: string | null; refcols: string[] | null }[];
  const tables: SourceTable[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const name = r.schema_name === 'main' ? r.table_name : `${r.schema_name}_${r.table_name}`;
    if (seen.has(name)) continue;
    seen.add(name);
    await conn.run(`CREATE VIEW ${quoteIdent(name)} AS SELECT * FROM src.${quoteIdent(r.schema_name)}.${quoteIdent(r.table_name)}`);
    const mine = cons.filter((c) => c.schema_name === r.schema_name && c.table_name === r.table_name);
    tables.push({
      name,
      sql: quoteIdent(name),
      declaredPk: mine.find((c) => c.constraint_type === 'PRIMARY KEY')?.cols ?? [],
      declaredFks: mine.filter((c) => c.constraint_type === 'FOREIGN KEY' && c.referenced_table)
        .map((c) => ({ columns: c.cols, refTable: c.referenced_table!, refColumns: c.refcols ?? [] })),
    });
  }
  return tables;
}
