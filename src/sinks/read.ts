/**
 * Reading generated files (`datagen query`, `datagen validate`, the library's queryFile) through
 * @duckdb/node-api, which converts results to JS values. The write side (duckdb.ts) uses the bare
 * bindings only: the output thread then loads in ~20 ms instead of ~150 ms.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { quoteString } from './sql.ts';

/** Run read-only SQL on a database file and return column names and rows as JS values. */
export async function queryFile(path: string, sql: string): Promise<{ columns: string[]; types: string[]; rows: unknown[][] }> {
  if (!existsSync(path)) throw new Error(`database file "${path}" does not exist`);
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    return { columns: reader.columnNames(), types: reader.columnTypes().map((t) => t.toString()), rows: reader.getRowsJS() as unknown[][] };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
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
  if (!existsSync(path)) throw new Error(`database file "${path}" does not exist`);
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY', ...(threads ? { threads: String(threads) } : {}) });
  const conn = await instance.connect();
  const all = async (sql: string) => {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((r) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) o[k] = plainValue(v);
      return o;
    });
  };
  return {
    all,
    describe: async (table) => (await all(`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ${quoteString(table)} ORDER BY ordinal_position`)) as { name: string; type: string }[],
    tables: async () => (await all(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`)).map((r) => String(r.t)),
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v) && 'toDouble' in v && typeof (v as { toDouble: unknown }).toDouble === 'function') return (v as { toDouble(): number }).toDouble();
  return v;
}
