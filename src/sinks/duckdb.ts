/**
 * The only module that talks to DuckDB (STYLE.md habit 9). Rows arrive as whole columns of a chunk
 * and are copied into one reused native data chunk per table (memcpy from typed arrays; strings per
 * row), then appended. Output is atomic: everything goes to a temporary file renamed on success.
 */
import duckdb from '@duckdb/node-bindings';
import { BIGINT, BOOLEAN, DATE, DECIMAL, DOUBLE, DuckDBDataChunk, DuckDBInstance, DuckDBTableFunction, DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection, type DuckDBType, ENUM, TIMESTAMP, VARCHAR } from '@duckdb/node-api';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnData } from '../engine/column-data.ts';
import type { LabelRow, TableSink } from '../engine/table.ts';
import type { ColumnPlan, TablePlan } from '../plan/types.ts';
import { ChunkEncoder, type EncodedChunk } from './encode.ts';
import { quoteIdent, quoteString } from './sql.ts';

const VECTOR = duckdb.vector_size();

const TYPE_IDS: Record<string, duckdb.Type> = {
  BIGINT: duckdb.Type.BIGINT, DOUBLE: duckdb.Type.DOUBLE, VARCHAR: duckdb.Type.VARCHAR, BOOLEAN: duckdb.Type.BOOLEAN,
  TIMESTAMP: duckdb.Type.TIMESTAMP, DATE: duckdb.Type.DATE,
};

export interface ManifestRow { table: string; rows: number; seconds: number }

/** Temporary files of runs in progress (from before the database is created until commit/abort). */
const unfinished = new Set<string>();

/**
 * Remove the temporary files of unfinished runs, synchronously: the CLI calls it on SIGINT/SIGTERM and
 * then ends the process at once (closing DuckDB from a signal handler can block on its worker threads).
 */
export function removeUnfinishedOutputs(): void {
  for (const tmp of unfinished) removeTemp(tmp);
  unfinished.clear();
}

/**
 * A run's temporary files live in one directory (`<out>.tmp-<pid>-<time>/`: the database, its WAL and DuckDB's
 * spill directory). Removing the directory is what makes an interruption clean: DuckDB's threads may still
 * be writing when a signal arrives, and once the directory is gone they cannot create a file beside the
 * output any more (a retry covers a file created while the directory was being emptied).
 */
function removeTemp(tmp: string): void {
  if (!tmp) return;
  rmSync(tmp, { force: true, recursive: true, maxRetries: 20, retryDelay: 5 });
}

const TEMP_DB = 'data.duckdb';

/** Register a temporary output (file or directory) removed by `removeUnfinishedOutputs`; returns the unregister function. */
export function trackUnfinished(tmp: string): () => void {
  unfinished.add(tmp);
  return () => void unfinished.delete(tmp);
}

export class DuckDBFileSink {
  private constructor(private readonly instance: DuckDBInstance, readonly connection: DuckDBConnection, readonly tmpPath: string, readonly finalPath: string) {}

  /** Open a temporary database next to `path`; nothing touches `path` until `commit`. */
  static async open(path: string, memoryLimit = '1GB'): Promise<DuckDBFileSink> {
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    unfinished.add(tmp);
    try {
      mkdirSync(tmp);
      // One DuckDB thread: every statement of a run is serial (appends, one-source inserts, small tables), and a
      // second thread only spins while an insert waits for the JS callback of its table function (~1 s of CPU
      // per 5 M rows taken from the generation workers on a 2-core machine).
      const instance = await DuckDBInstance.create(join(tmp, TEMP_DB), { memory_limit: memoryLimit, threads: '1' });
      return new DuckDBFileSink(instance, await instance.connect(), tmp, path);
    } catch (e) {
      unfinished.delete(tmp);
      removeTemp(tmp);
      throw e;
    }
  }

  /** An in-memory database (spilling to `tempDirectory`) used as a staging area; `abort` closes it, `commit` is not for it. */
  static async memory(memoryLimit: string, tempDirectory: string): Promise<DuckDBFileSink> {
    const instance = await DuckDBInstance.create(':memory:', { memory_limit: memoryLimit, temp_directory: tempDirectory });
    return new DuckDBFileSink(instance, await instance.connect(), '', '');
  }

  async createTable(t: TablePlan): Promise<TableWriter> {
    const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${sqlTypeText(c)}`);
    await this.connection.run(`CREATE TABLE ${quoteIdent(t.id)} (${cols.join(', ')})`);
    const appender = await this.connection.createAppender(t.id);
    return new TableWriter(appender, t.columns);
  }

  /**
   * A table filled by `INSERT INTO t SELECT * FROM <table function>` statements over batches of chunks encoded
   * by workers: DuckDB inserts (and compresses) on its own thread, and the JS main thread only copies each
   * vector's bytes in the table function's callback, so it stays free to receive the workers' results.
   */
  async createBatchTable(t: TablePlan): Promise<BatchInsertWriter> {
    const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${sqlTypeText(c)}`);
    await this.connection.run(`CREATE TABLE ${quoteIdent(t.id)} (${cols.join(', ')})`);
    // One transaction for all the table's batches (as the appender does): full row groups are written out
    // as they fill, nothing goes through the WAL, and a failed run rolls the table back.
    await this.connection.run('BEGIN TRANSACTION');
    return new BatchInsertWriter(this.connection, t, `__datagen_rows_${++this.functions}`);
  }

  private functions = 0;

  /** DuckDB's own memory accounting (duckdb_memory()), for DATAGEN_PROFILE. */
  async memoryReport(): Promise<string> {
    const r = await this.connection.runAndReadAll('SELECT tag, memory_usage_bytes // 1048576 AS mb FROM duckdb_memory() WHERE memory_usage_bytes > 1048576');
    return r.getRowsJS().map(([tag, mb]) => `${String(tag)} ${String(mb)} MB`).join(', ') || 'none';
  }

  /** `_labels`: one row per labelled change, ids in the engine's order (table order, then row, then column). */
  async writeLabels(labels: LabelRow[]): Promise<void> {
    await this.connection.run(`CREATE TABLE _labels (label_id BIGINT, scenario VARCHAR, kind VARCHAR, level VARCHAR, "table" VARCHAR, "column" VARCHAR, entity_key VARCHAR, row_key VARCHAR, "start" TIMESTAMP, "end" TIMESTAMP, expected DOUBLE, observed DOUBLE, delta DOUBLE, magnitude DOUBLE, severity VARCHAR, description VARCHAR)`);
    const a = await this.connection.createAppender('_labels');
    const text = (s: string | null) => (s === null ? a.appendNull() : a.appendVarchar(s));
    const double = (x: number | null) => (x === null || Number.isNaN(x) ? a.appendNull() : a.appendDouble(x));
    const time = (ms: number | null) => (ms === null ? a.appendNull() : a.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(ms)) * 1000n)));
    labels.forEach((l, i) => {
      a.appendBigInt(BigInt(i + 1));
      text(l.scenario);
      text(l.kind);
      text(l.level);
      text(l.table);
      text(l.column);
      text(l.entityKey);
      text(l.rowKey);
      time(l.start);
      time(l.end);
      double(l.expected);
      double(l.observed);
      double(l.delta);
      double(l.magnitude);
      text(l.severity);
      text(l.description);
      a.endRow();
    });
    a.closeSync();
  }

  async writeManifest(meta: Record<string, string | number>, rows: ManifestRow[]): Promise<void> {
    await this.connection.run(`CREATE TABLE _datagen_manifest (table_name VARCHAR, "rows" BIGINT, seconds DOUBLE, spec_hash VARCHAR, seed BIGINT, scale DOUBLE, datagen_version VARCHAR, algorithm_version INTEGER, plan_hash VARCHAR)`);
    const values = rows.map((r) => `(${quoteString(r.table)}, ${r.rows}, ${r.seconds.toFixed(6)}, ${quoteString(String(meta.specHash))}, ${meta.seed}, ${meta.scale}, ${quoteString(String(meta.datagenVersion))}, ${meta.algorithmVersion}, ${quoteString(String(meta.planHash))})`);
    if (values.length) await this.connection.run(`INSERT INTO _datagen_manifest VALUES ${values.join(', ')}`);
  }

  /** Checkpoint, close and atomically move the file into place. */
  async commit(): Promise<void> {
    await this.connection.run('CHECKPOINT');
    this.close();
    rmSync(`${this.finalPath}.wal`, { force: true });
    renameSync(join(this.tmpPath, TEMP_DB), this.finalPath);
    unfinished.delete(this.tmpPath);
    removeTemp(this.tmpPath);
  }

  /** Drop the temporary file; an existing output stays exactly as it was. */
  abort(): void {
    unfinished.delete(this.tmpPath);
    try {
      this.close();
    } catch {
      // already closed or mid-statement: the files are removed all the same
    } finally {
      removeTemp(this.tmpPath);
    }
  }

  private close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Copies encoded chunk columns (src/sinks/encode.ts) into one reused native data chunk and appends it,
 * VECTOR rows at a time: per vector and column one memcpy, long strings through the string heap.
 */
export class TableWriter implements TableSink {
  private readonly chunk: DuckDBDataChunk;
  private readonly encoder: ChunkEncoder;

  constructor(private readonly appender: DuckDBAppender, columns: ColumnPlan[]) {
    const types = columns.map((c) =>
      c.enumValues ? duckdb.create_enum_type(c.enumValues)
      : c.sqlType.startsWith('DECIMAL') ? duckdb.create_decimal_type(18, 4)
      : duckdb.create_logical_type(TYPE_IDS[c.sqlType] ?? duckdb.Type.VARCHAR));
    this.chunk = new DuckDBDataChunk(duckdb.create_data_chunk(types));
    this.encoder = new ChunkEncoder(columns, true);
  }

  append(data: ColumnData[], n: number): void {
    this.appendEncoded(this.encoder.encode(data, n));
  }

  /** Append a chunk encoded here or in a worker thread. */
  appendEncoded(enc: EncodedChunk): void {
    const n = enc.n;
    const cols = enc.columns;
    const longAt = new Int32Array(cols.length);
    for (let off = 0; off < n; off += VECTOR) {
      const m = Math.min(VECTOR, n - off);
      duckdb.data_chunk_reset(this.chunk.chunk);
      for (let c = 0; c < cols.length; c++) {
        const e = cols[c];
        const vector = duckdb.data_chunk_get_vector(this.chunk.chunk, c);
        duckdb.copy_data_to_vector(vector, 0, e.buf, e.offset + off * e.width, m * e.width);
        if (e.longRows) {
          const rows = e.longRows;
          let k = longAt[c];
          for (; k < rows.length && rows[k] < off + m; k++) duckdb.vector_assign_string_element(vector, rows[k] - off, e.longValues![k]);
          longAt[c] = k;
        }
        if (e.validity && blockHasNull(e.validity, off, m)) {
          duckdb.vector_ensure_validity_writable(vector);
          const words = e.validity;
          duckdb.copy_data_to_vector_validity(vector, 0, words.buffer as ArrayBuffer, words.byteOffset + off / 8, Math.ceil(m / 64) * 8);
        }
      }
      duckdb.data_chunk_set_size(this.chunk.chunk, m);
      this.appender.appendDataChunk(this.chunk);
    }
  }

  close(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }
}

/** Rows per INSERT statement of a BatchInsertWriter (two batches at most are held: one inserting, one filling). */
const BATCH_ROWS = 1 << 18;

export class BatchInsertWriter {
  private filling: EncodedChunk[] = [];
  private fillingRows = 0;
  private inserting: (EncodedChunk | undefined)[] = [];
  private running: Promise<unknown> | null = null;
  /** Time spent waiting for the previous insert to end before starting the next (DATAGEN_PROFILE). */
  private waitMs = 0;
  /** Read position of the table function in `inserting`: chunk and row offset. */
  private at = 0;
  private off = 0;

  constructor(private readonly connection: DuckDBConnection, private readonly table: TablePlan, private readonly fn: string) {
    const types = table.columns.map(duckdbType);
    const names = table.columns.map((c) => c.name);
    const f = DuckDBTableFunction.create({
      name: fn,
      bindFunction: (b) => names.forEach((n, i) => b.addResultColumn(n, types[i])),
      initFunction: (i) => i.setMaxThreads(1), // one source thread: rows arrive in order
      mainFunction: (_info, out) => this.fill(out),
    });
    connection.registerTableFunction(f);
  }

  append(): void {
    throw new Error('internal: a batch-insert table takes encoded chunks only');
  }

  appendEncoded(chunk: EncodedChunk): void {
    if (chunk.n === 0) return;
    this.filling.push(chunk);
    this.fillingRows += chunk.n;
  }

  /** Start inserting the filled batch once it is big enough (waiting for the previous insert first). */
  async flushIfFull(): Promise<void> {
    if (this.fillingRows >= BATCH_ROWS) await this.startInsert();
  }

  async close(): Promise<void> {
    if (this.fillingRows > 0) await this.startInsert();
    await this.running;
    this.running = null;
    await this.connection.run('COMMIT');
    if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] ${this.table.id}: waiting for the previous insert ${this.waitMs.toFixed(0)} ms\n`);
  }

  /** Wait for an insert under way to end (successfully or not), e.g. before closing the database after a failure. */
  async settle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async startInsert(): Promise<void> {
    const tw = performance.now();
    await this.running;
    this.waitMs += performance.now() - tw;
    this.inserting = this.filling;
    this.at = 0;
    this.off = 0;
    this.filling = [];
    this.fillingRows = 0;
    this.running = this.connection.run(`INSERT INTO ${quoteIdent(this.table.id)} SELECT * FROM ${this.fn}()`);
    // A failure surfaces at the next await of `running` (flushIfFull / close); keep it from being unhandled meanwhile.
    this.running.catch(() => undefined);
  }

  /** The table function's callback: the next ≤ VECTOR rows of the batch being inserted, by memcpy. */
  private fill(out: DuckDBDataChunk): void {
    const chunk = this.inserting[this.at];
    if (!chunk) {
      duckdb.data_chunk_set_size(out.chunk, 0);
      return;
    }
    const off = this.off;
    const m = Math.min(VECTOR, chunk.n - off);
    for (let c = 0; c < chunk.columns.length; c++) {
      const e = chunk.columns[c];
      const vector = duckdb.data_chunk_get_vector(out.chunk, c);
      duckdb.copy_data_to_vector(vector, 0, e.buf, e.offset + off * e.width, m * e.width);
      if (e.longRows) {
        const rows = e.longRows;
        let k = e.longAt ?? 0; // vectors are visited in order
        for (; k < rows.length && rows[k] < off + m; k++) duckdb.vector_assign_string_element(vector, rows[k] - off, e.longValues![k]);
        e.longAt = k;
      }
      if (e.validity && blockHasNull(e.validity, off, m)) {
        duckdb.vector_ensure_validity_writable(vector);
        duckdb.copy_data_to_vector_validity(vector, 0, e.validity.buffer as ArrayBuffer, e.validity.byteOffset + off / 8, Math.ceil(m / 64) * 8);
      }
    }
    duckdb.data_chunk_set_size(out.chunk, m);
    this.off += m;
    if (this.off >= chunk.n) {
      this.off = 0;
      this.inserting[this.at++] = undefined; // release it
    }
  }
}

function duckdbType(c: ColumnPlan): DuckDBType {
  if (c.enumValues) return ENUM(c.enumValues);
  if (c.sqlType.startsWith('DECIMAL')) return DECIMAL(18, 4);
  switch (c.sqlType) {
    case 'BIGINT': return BIGINT;
    case 'DOUBLE': return DOUBLE;
    case 'BOOLEAN': return BOOLEAN;
    case 'TIMESTAMP': return TIMESTAMP;
    case 'DATE': return DATE;
    default: return VARCHAR;
  }
}

/** Whether any of rows [off, off + m) is null in a validity mask (off a multiple of 32). */
function blockHasNull(words: Uint32Array, off: number, m: number): boolean {
  const first = off >>> 5;
  const full = m >>> 5;
  for (let w = first; w < first + full; w++) if (words[w] !== 0xffffffff) return true;
  const rest = m & 31;
  const mask = (1 << rest) - 1;
  return rest > 0 && (words[first + full] & mask) !== mask;
}

/** The DuckDB type a column is created with (ENUM with its dictionary for categorical strings). */
export function sqlTypeText(c: ColumnPlan): string {
  return c.enumValues ? `ENUM(${c.enumValues.map(quoteString).join(', ')})` : c.sqlType;
}

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
