/**
 * The Source contract of src/infer/source.ts (types, the error, the wrapper of a connection), in a module of its
 * own so that the PostgreSQL reader, which source.ts loads on demand, imports it without a cycle.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** A declared key of the source (PostgreSQL or DuckDB constraints), trusted before anything found in the data. */
export interface DeclaredForeignKey {
  columns: string[];
  refTable: string;
  refColumns: string[];
}

export interface SourceTable {
  /** The table's name in the source and the view's name in the connection. */
  name: string;
  /** The relation to use in SQL (`FROM ${t.sql}`): the quoted view name. */
  sql: string;
  /** Declared primary key columns (empty when none is declared). */
  declaredPk: string[];
  declaredFks: DeclaredForeignKey[];
}

export type SourceKind = 'duckdb' | 'parquet' | 'csv' | 'folder' | 'postgres';

export interface Source {
  kind: SourceKind;
  /** As the user wrote it (a URL's password is masked). */
  location: string;
  conn: DuckDBConnection;
  tables: SourceTable[];
  /** Rows of a query as JS values (BIGINT as bigint, timestamps as DuckDB value objects: cast in SQL when needed). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** A source that cannot be opened: missing, unknown format, unreachable server. */
export class SourceError extends Error {
  constructor(message: string, readonly code: string, readonly hint: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** Mask the password of a URL for messages. */
export function maskUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

export function makeSource(kind: SourceKind, location: string, conn: DuckDBConnection, tables: SourceTable[], close: () => void): Source {
  return {
    kind,
    location,
    conn,
    tables,
    async query(sql: string) {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
    close,
  };
}


/** The in-memory DuckDB connection a source's tables are seen through, and how to close it. */
export async function scratchConnection(): Promise<{ conn: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  return {
    conn,
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
