/**
 * The only module that talks to DuckDB (STYLE.md habit 9). Rows arrive as whole columns of a chunk
 * and are copied into one reused native data chunk per table (memcpy from typed arrays; strings per
 * row), then appended. Output is atomic: everything goes to a temporary file renamed on success.
 */
import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, renameSync, rmSync } from 'node:fs';
import type { ColumnData } from '../engine/column-data.ts';
import type { LabelRow, TableSink } from '../engine/table.ts';
import type { ColumnPlan, TablePlan } from '../plan/types.ts';
import { quoteIdent, quoteString } from './sql.ts';

const VECTOR = duckdb.vector_size();
const DAY = 86_400_000;
const TWO32 = 4294967296;

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

function removeTemp(tmp: string): void {
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.wal`, { force: true });
}

export class DuckDBFileSink {
  private constructor(private readonly instance: DuckDBInstance, readonly connection: DuckDBConnection, readonly tmpPath: string, readonly finalPath: string) {}

  /** Open a temporary database next to `path`; nothing touches `path` until `commit`. */
  static async open(path: string, memoryLimit = '1GB'): Promise<DuckDBFileSink> {
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    unfinished.add(tmp);
    try {
      const instance = await DuckDBInstance.create(tmp, { memory_limit: memoryLimit });
      return new DuckDBFileSink(instance, await instance.connect(), tmp, path);
    } catch (e) {
      unfinished.delete(tmp);
      removeTemp(tmp);
      throw e;
    }
  }

  async createTable(t: TablePlan): Promise<TableWriter> {
    const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${sqlTypeText(c)}`);
    await this.connection.run(`CREATE TABLE ${quoteIdent(t.id)} (${cols.join(', ')})`);
    const appender = await this.connection.createAppender(t.id);
    return new TableWriter(appender, t.columns);
  }

  async writeLabels(labels: LabelRow[]): Promise<void> {
    await this.connection.run(`CREATE TABLE _labels (label_id BIGINT, scenario VARCHAR, kind VARCHAR, "table" VARCHAR, "column" VARCHAR, row_key VARCHAR, "start" TIMESTAMP, "end" TIMESTAMP, expected DOUBLE, observed DOUBLE, magnitude DOUBLE)`);
    const a = await this.connection.createAppender('_labels');
    labels.forEach((l, i) => {
      a.appendBigInt(BigInt(i + 1));
      a.appendNull();
      a.appendVarchar(l.kind);
      a.appendVarchar(l.table);
      a.appendVarchar(l.column);
      if (l.rowKey === null) a.appendNull();
      else a.appendVarchar(l.rowKey);
      a.appendNull();
      a.appendNull();
      a.appendDouble(l.expected);
      a.appendDouble(l.observed);
      a.appendDouble(l.magnitude);
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
    renameSync(this.tmpPath, this.finalPath);
    unfinished.delete(this.tmpPath);
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

/** Copies chunk columns into one reused native data chunk and appends it, VECTOR rows at a time. */
export class TableWriter implements TableSink {
  private readonly chunk: DuckDBDataChunk;
  private readonly scratch = new ArrayBuffer(VECTOR * 8);
  private readonly u32 = new Uint32Array(this.scratch);
  private readonly i32 = new Int32Array(this.scratch);
  private readonly u8 = new Uint8Array(this.scratch);

  constructor(private readonly appender: DuckDBAppender, private readonly columns: ColumnPlan[]) {
    const types = columns.map((c) =>
      c.enumValues ? duckdb.create_enum_type(c.enumValues)
      : c.sqlType.startsWith('DECIMAL') ? duckdb.create_decimal_type(18, 4)
      : duckdb.create_logical_type(TYPE_IDS[c.sqlType] ?? duckdb.Type.VARCHAR));
    this.chunk = new DuckDBDataChunk(duckdb.create_data_chunk(types));
    this.codes = columns.map((c) => (c.enumValues ? new Map(c.enumValues.map((v, i) => [v, i])) : null));
  }

  /** ENUM columns: value → code. */
  private readonly codes: (Map<string, number> | null)[];
  private readonly u16 = new Uint16Array(this.scratch);

  append(data: ColumnData[], n: number): void {
    for (let off = 0; off < n; off += VECTOR) {
      const m = Math.min(VECTOR, n - off);
      duckdb.data_chunk_reset(this.chunk.chunk);
      for (let c = 0; c < this.columns.length; c++) this.writeColumn(c, data[c], off, m);
      duckdb.data_chunk_set_size(this.chunk.chunk, m);
      this.appender.appendDataChunk(this.chunk);
    }
  }

  close(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }

  private writeColumn(c: number, data: ColumnData, off: number, m: number): void {
    const vector = duckdb.data_chunk_get_vector(this.chunk.chunk, c);
    const sql = this.columns[c].sqlType;
    let nulls = false;
    const codes = this.codes[c];
    if (codes && data.str) {
      nulls = this.writeCodes(vector, codes, data.str, off, m);
    } else if (data.str) {
      nulls = this.writeStrings(vector, data.str, off, m);
    } else {
      const v = data.num!;
      if (sql === 'DOUBLE') {
        for (let i = 0; i < m; i++) if (Number.isNaN(v[off + i])) nulls = true;
        duckdb.copy_data_to_vector(vector, 0, v.buffer as ArrayBuffer, v.byteOffset + off * 8, m * 8);
      } else {
        nulls = this.encode(sql, v, off, m);
        const width = sql === 'BOOLEAN' ? 1 : sql === 'DATE' ? 4 : 8;
        duckdb.copy_data_to_vector(vector, 0, this.scratch, 0, m * width);
      }
    }
    if (nulls) this.markNulls(vector, data, off, m);
  }

  /**
   * Strings of ≤ 12 UTF-8 bytes are written as inline duckdb_string_t records (uint32 length + 12 bytes)
   * into the scratch buffer and copied with the rest; longer ones go through the string-heap call.
   */
  private writeStrings(vector: duckdb.Vector, str: (string | null)[], off: number, m: number): boolean {
    const rec = this.records;
    rec.fill(0, 0, m * 16);
    let nulls = false;
    const long: number[] = [];
    for (let i = 0; i < m; i++) {
      const s = str[off + i];
      if (s === null) {
        nulls = true;
        continue;
      }
      const base = i * 16;
      if (s.length <= 12 && isAscii(s)) {
        this.recLen[i * 4] = s.length;
        for (let k = 0; k < s.length; k++) rec[base + 4 + k] = s.charCodeAt(k);
        continue;
      }
      if (s.length > 12) {
        long.push(i); // UTF-8 is never shorter than the UTF-16 length
        continue;
      }
      const bytes = this.encoder.encode(s);
      if (bytes.length <= 12) {
        this.recLen[i * 4] = bytes.length;
        rec.set(bytes, base + 4);
      } else long.push(i);
    }
    duckdb.copy_data_to_vector(vector, 0, rec.buffer as ArrayBuffer, 0, m * 16);
    for (const i of long) duckdb.vector_assign_string_element(vector, i, str[off + i]!);
    return nulls;
  }

  /** ENUM codes: 1 byte for up to 255 values, else 2 (DuckDB's own width rule). */
  private writeCodes(vector: duckdb.Vector, codes: Map<string, number>, str: (string | null)[], off: number, m: number): boolean {
    const wide = codes.size > 255;
    let nulls = false;
    for (let i = 0; i < m; i++) {
      const s = str[off + i];
      const code = s === null ? undefined : codes.get(s);
      if (code === undefined) {
        if (s !== null) throw new Error(`internal: "${s}" is not in the ENUM of this column`);
        nulls = true;
      }
      if (wide) this.u16[i] = code ?? 0;
      else this.u8[i] = code ?? 0;
    }
    duckdb.copy_data_to_vector(vector, 0, this.scratch, 0, m * (wide ? 2 : 1));
    return nulls;
  }

  private readonly records = new Uint8Array(VECTOR * 16);
  private readonly recLen = new Uint32Array(this.records.buffer);
  private readonly encoder = new TextEncoder();

  /** Typed values into the scratch buffer; int64 as (lo, hi) uint32 pairs, no BigInt. Returns whether any is null. */
  private encode(sql: string, v: Float64Array, off: number, m: number): boolean {
    let nulls = false;
    const scale = sql === 'TIMESTAMP' ? 1000 : sql.startsWith('DECIMAL') ? 10000 : 1;
    for (let i = 0; i < m; i++) {
      let x = v[off + i];
      if (Number.isNaN(x)) {
        nulls = true;
        x = 0;
      }
      if (sql === 'BOOLEAN') this.u8[i] = x ? 1 : 0;
      else if (sql === 'DATE') this.i32[i] = Math.floor(x / DAY);
      else {
        const y = Math.round(x * scale);
        const hi = Math.floor(y / TWO32);
        this.u32[2 * i] = (y - hi * TWO32) >>> 0;
        this.u32[2 * i + 1] = hi >>> 0;
      }
    }
    return nulls;
  }

  /** Build the validity bitmask (bit set = valid) in JS and copy it into the vector in one call. */
  private markNulls(vector: duckdb.Vector, data: ColumnData, off: number, m: number): void {
    duckdb.vector_ensure_validity_writable(vector);
    const mask = this.validity;
    mask.fill(0xffffffff);
    for (let i = 0; i < m; i++) {
      const isNull = data.str ? data.str[off + i] === null : Number.isNaN(data.num![off + i]);
      if (isNull) mask[i >>> 5] &= ~(1 << (i & 31));
    }
    duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer as ArrayBuffer, 0, Math.ceil(m / 64) * 8);
  }

  private readonly validity = new Uint32Array(Math.ceil(VECTOR / 64) * 2);
}

function sqlTypeText(c: ColumnPlan): string {
  return c.enumValues ? `ENUM(${c.enumValues.map(quoteString).join(', ')})` : c.sqlType;
}

function isAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 127) return false;
  return true;
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
