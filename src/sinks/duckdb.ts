/**
 * Writing DuckDB databases (with read.ts, the only modules that talk to DuckDB: STYLE.md habit 9), through the
 * bare C-API bindings (@duckdb/node-bindings; @duckdb/node-api's value layer is not needed to write, and loading
 * it costs ~150 ms per thread). Rows arrive as whole columns of a chunk and are copied into one reused native
 * data chunk per table (memcpy from typed arrays and string records; each vector's long strings in one call),
 * then appended. Output is atomic: everything
 * goes to a temporary file renamed on success.
 */
import duckdb from '@duckdb/node-bindings';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ColumnData } from '../model/column-data.ts';
import type { LabelRow } from '../engine/table.ts';
import type { EventRow } from '../scenarios/events.ts';
import type { ColumnPlan, TablePlan } from '../ir/types.ts';
import { ChunkEncoder, type EncodedChunk, type EncodedColumn, TWO32 } from './encode.ts';
import type { ManifestRow, Output } from './output-types.ts';
import { quoteIdent, quoteString } from './sql.ts';

const VECTOR = duckdb.vector_size();

const TYPE_IDS: Record<string, duckdb.Type> = {
  BIGINT: duckdb.Type.BIGINT, DOUBLE: duckdb.Type.DOUBLE, VARCHAR: duckdb.Type.VARCHAR, BOOLEAN: duckdb.Type.BOOLEAN,
  TIMESTAMP: duckdb.Type.TIMESTAMP, DATE: duckdb.Type.DATE,
};


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
export function removeTemp(tmp: string): void {
  if (!tmp) return;
  rmSync(tmp, { force: true, recursive: true, maxRetries: 20, retryDelay: 5 });
}

const TEMP_DB = 'data.duckdb';

/**
 * DuckDB's memory_limit for a database file a run writes (`--memory-limit`). A run only appends: what DuckDB
 * holds beyond the rows being appended is its cache of blocks already written, and a bigger cache made appending
 * slower at scale (reference fact at 100 M rows: 22 s with 64–128MB, 28.5 s with 256MB, 32.5 s and 1.44 GB RSS
 * with 1GB; no difference at 10 M rows). Temporary data beyond the limit spills into the run's temporary directory.
 */
export const DEFAULT_FILE_MEMORY_LIMIT = '128MB';

/** Register a temporary output (file or directory) removed by `removeUnfinishedOutputs`; returns the unregister function. */
export function trackUnfinished(tmp: string): () => void {
  unfinished.add(tmp);
  return () => void unfinished.delete(tmp);
}

export class DuckDBFileSink implements Output {
  private constructor(private readonly db: duckdb.Database, private readonly connection: duckdb.Connection, readonly tmpPath: string, readonly finalPath: string) {}

  private static async create(path: string, options: Record<string, string>, tmpPath: string, finalPath: string): Promise<DuckDBFileSink> {
    const config = duckdb.create_config();
    for (const [k, v] of Object.entries(options)) duckdb.set_config(config, k, v);
    const db = await duckdb.open(path, config);
    return new DuckDBFileSink(db, await duckdb.connect(db), tmpPath, finalPath);
  }

  /** Run a statement (its result, if any, is dropped). */
  async run(sql: string): Promise<void> {
    await duckdb.query(this.connection, sql);
  }

  /** The temporary directory a run writing `path` works in (beside it, so the final rename stays on one file system). */
  static tempPath(path: string): string {
    return `${path}.tmp-${process.pid}-${Date.now()}`;
  }

  /** Open a temporary database (in `tmp`, beside `path`); nothing touches `path` until `commit`. */
  static async open(path: string, memoryLimit = DEFAULT_FILE_MEMORY_LIMIT, tmp = DuckDBFileSink.tempPath(path)): Promise<DuckDBFileSink> {
    unfinished.add(tmp);
    try {
      mkdirSync(tmp);
      // One DuckDB thread: every statement of a run is serial (appends, then small tables), and the cores are for
      // generation.
      return await DuckDBFileSink.create(join(tmp, TEMP_DB), { memory_limit: memoryLimit, threads: '1' }, tmp, path);
    } catch (e) {
      unfinished.delete(tmp);
      removeTemp(tmp);
      throw e;
    }
  }

  /** An in-memory database (spilling to `tempDirectory`) used as a staging area; `abort` closes it, `commit` is not for it. */
  static async memory(memoryLimit: string, tempDirectory: string): Promise<DuckDBFileSink> {
    return DuckDBFileSink.create(':memory:', { memory_limit: memoryLimit, temp_directory: tempDirectory }, '', '');
  }

  async createTable(t: TablePlan): Promise<TableWriter> {
    const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${sqlTypeText(c)}`);
    await this.run(`CREATE TABLE ${quoteIdent(t.id)} (${cols.join(', ')})`);
    return new TableWriter(duckdb.appender_create(this.connection, null, t.id), t.columns);
  }

  /** DuckDB's own memory accounting (duckdb_memory()), for DATAGEN_PROFILE. */
  async memoryReport(): Promise<string> {
    const r = await duckdb.query(this.connection, "SELECT string_agg(tag || ' ' || (memory_usage_bytes // 1048576) || ' MB', ', ') FROM duckdb_memory() WHERE memory_usage_bytes > 1048576");
    const chunk = await duckdb.fetch_chunk(r);
    const text = chunk && duckdb.data_chunk_get_size(chunk) > 0 ? readVarchar(duckdb.data_chunk_get_vector(chunk, 0)) : null;
    return text ?? 'none';
  }

  /**
   * `_labels`: one row per labelled change, ids in the engine's order (table order, then row, then column); and
   * `_label_events`: one row per anomaly event (src/scenarios/events.ts), which `_labels.event_id` names.
   */
  async writeLabels(labels: LabelRow[], events: EventRow[] = []): Promise<void> {
    await this.writeEvents(events);
    const text = (f: (l: LabelRow) => string | null) => ColumnData.strings(labels.map(f));
    const number = (f: (l: LabelRow) => number | null) => ColumnData.numbers(Float64Array.from(labels, (l) => f(l) ?? NaN));
    const time = (f: (l: LabelRow) => number | null) => number((l) => { const ms = f(l); return ms === null ? null : Math.round(ms); });
    const columns: [string, string, ColumnData][] = [
      ['label_id', 'BIGINT', ColumnData.numbers(Float64Array.from(labels, (_, i) => i + 1))],
      ['scenario', 'VARCHAR', text((l) => l.scenario)],
      ['kind', 'VARCHAR', text((l) => l.kind)],
      ['level', 'VARCHAR', text((l) => l.level)],
      ['table', 'VARCHAR', text((l) => l.table)],
      ['column', 'VARCHAR', text((l) => l.column)],
      ['entity_key', 'VARCHAR', text((l) => l.entityKey)],
      ['row_key', 'VARCHAR', text((l) => l.rowKey)],
      ['start', 'TIMESTAMP', time((l) => l.start)],
      ['end', 'TIMESTAMP', time((l) => l.end)],
      ['expected', 'DOUBLE', number((l) => l.expected)],
      ['observed', 'DOUBLE', number((l) => l.observed)],
      ['delta', 'DOUBLE', number((l) => l.delta)],
      ['magnitude', 'DOUBLE', number((l) => l.magnitude)],
      ['severity', 'VARCHAR', text((l) => l.severity)],
      ['description', 'VARCHAR', text((l) => l.description)],
      // the event of a scenario's label is the scenario (hand-written or drawn by a campaign); modifiers' labels have none
      ['event_id', 'VARCHAR', text((l) => l.scenario)],
    ];
    const w = await this.createTable({ id: '_labels', columns: columns.map(([name, sqlType]) => ({ name, sqlType })) as ColumnPlan[] } as TablePlan);
    if (labels.length) w.append(columns.map((c) => c[2]), labels.length);
    w.close();
  }

  /** `_label_events` (lists staged as JSON text, then typed VARCHAR[]). */
  private async writeEvents(events: EventRow[]): Promise<void> {
    const text = (f: (e: EventRow) => string | null) => ColumnData.strings(events.map(f));
    const number = (f: (e: EventRow) => number | null) => ColumnData.numbers(Float64Array.from(events, (e) => f(e) ?? NaN));
    const columns: [string, string, ColumnData][] = [
      ['event_id', 'VARCHAR', text((e) => e.eventId)],
      ['scenario', 'VARCHAR', text((e) => e.scenario)],
      ['campaign', 'VARCHAR', text((e) => e.campaign)],
      ['family', 'VARCHAR', text((e) => e.family)],
      ['difficulty', 'VARCHAR', text((e) => e.difficulty)],
      ['table', 'VARCHAR', text((e) => e.table)],
      ['target_column', 'VARCHAR', text((e) => e.targetColumn)],
      ['affected_columns', 'VARCHAR', text((e) => JSON.stringify(e.columns))],
      ['entities', 'VARCHAR', text((e) => JSON.stringify(e.entities))],
      ['n_entities', 'BIGINT', number((e) => e.entities.length)],
      ['start', 'TIMESTAMP', number((e) => e.start)],
      ['end', 'TIMESTAMP', number((e) => e.end)],
      ['magnitude', 'DOUBLE', number((e) => e.magnitude)],
      ['cells', 'BIGINT', number((e) => e.cells)],
      ['expected', 'DOUBLE', number((e) => e.expected)],
      ['observed', 'DOUBLE', number((e) => e.observed)],
      ['severity', 'VARCHAR', text((e) => e.severity)],
      ['detectability', 'DOUBLE', number((e) => e.detectability)],
      ['measured_difficulty', 'VARCHAR', text((e) => e.measuredDifficulty)],
      ['overlapping_events', 'VARCHAR', text((e) => JSON.stringify(e.overlaps))],
      ['time_column', 'VARCHAR', text((e) => e.timeColumn)],
      ['entity_column', 'VARCHAR', text((e) => e.entityColumn)],
    ];
    const w = await this.createTable({ id: '_label_events_staged', columns: columns.map(([name, sqlType]) => ({ name, sqlType })) as ColumnPlan[] } as TablePlan);
    if (events.length) w.append(columns.map((c) => c[2]), events.length);
    w.close();
    const lists = new Set(['affected_columns', 'entities', 'overlapping_events']);
    const select = columns.map(([name]) => (lists.has(name) ? `from_json(${quoteIdent(name)}, '["VARCHAR"]') AS ${quoteIdent(name)}` : quoteIdent(name)));
    await this.run(`CREATE TABLE _label_events AS SELECT ${select.join(', ')} FROM _label_events_staged ORDER BY "table", "start", event_id`);
    await this.run('DROP TABLE _label_events_staged');
  }

  async writeManifest(meta: Record<string, string | number>, rows: ManifestRow[]): Promise<void> {
    // preset: the spec's preset the plan was compiled with (docs/authoring.md), NULL without one.
    await this.run(`CREATE TABLE _datagen_manifest (table_name VARCHAR, "rows" BIGINT, seconds DOUBLE, spec_hash VARCHAR, seed BIGINT, scale DOUBLE, datagen_version VARCHAR, algorithm_version INTEGER, plan_hash VARCHAR, preset VARCHAR)`);
    const preset = meta.preset === undefined || meta.preset === '' ? 'NULL' : quoteString(String(meta.preset));
    const values = rows.map((r) => `(${quoteString(r.table)}, ${r.rows}, ${r.seconds.toFixed(6)}, ${quoteString(String(meta.specHash))}, ${meta.seed}, ${meta.scale}, ${quoteString(String(meta.datagenVersion))}, ${meta.algorithmVersion}, ${quoteString(String(meta.planHash))}, ${preset})`);
    if (values.length) await this.run(`INSERT INTO _datagen_manifest VALUES ${values.join(', ')}`);
  }

  /** Checkpoint, close and atomically move the file into place. */
  async commit(): Promise<void> {
    await this.run('CHECKPOINT');
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
    duckdb.disconnect_sync(this.connection);
    duckdb.close_sync(this.db);
  }
}

/**
 * Copies encoded chunk columns (src/sinks/encode.ts) into one reused native data chunk and appends it,
 * VECTOR rows at a time: per vector and column one memcpy, long strings through the string heap.
 */
/** Where a table's chunks go, in row order (the writer below; the tests' in-memory sink). */
export interface TableSink {
  append(columns: ColumnData[], n: number): void;
}

export class TableWriter implements TableSink {
  private readonly chunk: duckdb.DataChunk;
  private readonly encoder: ChunkEncoder;

  constructor(private readonly appender: duckdb.Appender, columns: ColumnPlan[]) {
    const types = columns.map((c) =>
      c.enumValues ? duckdb.create_enum_type(c.enumValues)
      : c.sqlType.startsWith('DECIMAL') ? duckdb.create_decimal_type(18, 4)
      : c.sqlType.endsWith('[]') ? duckdb.create_list_type(duckdb.create_logical_type(TYPE_IDS[c.sqlType.slice(0, -2)] ?? duckdb.Type.VARCHAR))
      : duckdb.create_logical_type(TYPE_IDS[c.sqlType] ?? duckdb.Type.VARCHAR));
    this.chunk = duckdb.create_data_chunk(types);
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
      duckdb.data_chunk_reset(this.chunk);
      for (let c = 0; c < cols.length; c++) {
        const e = cols[c];
        const vector = duckdb.data_chunk_get_vector(this.chunk, c);
        if (e.list) this.appendLists(vector, e, off, m, longAt, c);
        else if (e.longRows) longAt[c] = copyLongStrings(vector, e, off, m, longAt[c]);
        if (!e.list) duckdb.copy_data_to_vector(vector, 0, e.buf, e.offset + off * e.width, m * e.width);
        if (e.validity && blockHasNull(e.validity, off, m)) {
          duckdb.vector_ensure_validity_writable(vector);
          const words = e.validity;
          duckdb.copy_data_to_vector_validity(vector, 0, words.buffer as ArrayBuffer, words.byteOffset + off / 8, Math.ceil(m / 64) * 8);
        }
      }
      duckdb.data_chunk_set_size(this.chunk, m);
      duckdb.append_data_chunk(this.appender, this.chunk);
    }
  }

  private entries = new Uint32Array(VECTOR * 4);
  private itemMask = new Uint32Array(2);

  /**
   * Rows [off, off + m) of a LIST column: their entries (uint64 offset and length, offsets from the vector's first
   * item) and, in the list's child vector, their items — one memcpy, long strings as for a VARCHAR column, the
   * items' validity shifted to start at the vector's first item. `longAt[c]` tracks the child's long strings.
   */
  private appendLists(vector: duckdb.Vector, e: EncodedColumn, off: number, m: number, longAt: Int32Array, c: number): void {
    const { offsets, child } = e.list!;
    const a = offsets[off];
    const count = offsets[off + m] - a;
    const ent = this.entries;
    for (let i = 0; i < m; i++) {
      const o = offsets[off + i];
      ent[4 * i] = o - a;
      ent[4 * i + 1] = 0;
      ent[4 * i + 2] = offsets[off + i + 1] - o;
      ent[4 * i + 3] = 0;
    }
    duckdb.copy_data_to_vector(vector, 0, ent.buffer as ArrayBuffer, 0, m * 16);
    duckdb.list_vector_reserve(vector, count);
    duckdb.list_vector_set_size(vector, count);
    if (count === 0) return;
    const items = duckdb.list_vector_get_child(vector);
    if (child.longRows) longAt[c] = copyLongStrings(items, child, a, count, longAt[c]);
    duckdb.copy_data_to_vector(items, 0, child.buf, child.offset + a * child.width, count * child.width);
    if (child.validity) {
      const words = Math.ceil(count / 64) * 2;
      if (this.itemMask.length < words) this.itemMask = new Uint32Array(words);
      const mask = this.itemMask.fill(0xffffffff, 0, words);
      let nulls = false;
      for (let k = 0; k < count; k++) {
        const j = a + k;
        if (!((child.validity[j >>> 5] >>> (j & 31)) & 1)) {
          mask[k >>> 5] &= ~(1 << (k & 31));
          nulls = true;
        }
      }
      if (nulls) {
        duckdb.vector_ensure_validity_writable(items);
        duckdb.copy_data_to_vector_validity(items, 0, mask.buffer as ArrayBuffer, 0, words * 4);
      }
    }
  }

  close(): void {
    duckdb.appender_flush_sync(this.appender);
    duckdb.appender_close_sync(this.appender);
  }
}


/**
 * The long strings of rows [off, off + m) of a VARCHAR column (before its records are copied into the vector):
 * their bytes go into DuckDB's string heap in one call — as the string of the first long row — and each long
 * row's record gets the address of its own bytes in that copy (the C API's `duckdb_string_t`: length, prefix,
 * pointer). One call per vector instead of one per string. Returns the position in `e.longRows` after the vector.
 */
function copyLongStrings(vector: duckdb.Vector, e: EncodedColumn, off: number, m: number, from: number): number {
  const rows = e.longRows!;
  let k = from;
  while (k < rows.length && rows[k] < off + m) k++;
  if (k === from) return k;
  const rec = new Uint32Array(e.buf, e.offset, (off + m) * 4);
  const first = rows[from];
  const last = rows[k - 1];
  const start = rec[first * 4 + 2];
  duckdb.vector_assign_string_element_len(vector, first - off, e.heap!.subarray(start, rec[last * 4 + 2] + rec[last * 4]));
  const data = duckdb.vector_get_data(vector, (first - off + 1) * 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const lo = view.getUint32((first - off) * 16 + 8, true);
  const hi = view.getUint32((first - off) * 16 + 12, true);
  for (let j = from; j < k; j++) {
    const r = rows[j] * 4;
    const a = lo + (rec[r + 2] - start);
    rec[r + 2] = a >>> 0;
    rec[r + 3] = a >= TWO32 ? hi + 1 : hi;
  }
  return k;
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

/** Row 0 of a VARCHAR vector (null when it is null). */
function readVarchar(vector: duckdb.Vector): string | null {
  const validity = duckdb.vector_get_validity(vector, 1);
  if (validity && !(validity[0] & 1)) return null;
  const rec = duckdb.vector_get_data(vector, 16);
  const len = new DataView(rec.buffer, rec.byteOffset, 16).getUint32(0, true);
  // duckdb_string_t: uint32 length, then 12 bytes inline, or a 4-byte prefix and a pointer to the bytes
  const bytes = len <= 12 ? rec.subarray(4, 4 + len) : duckdb.get_data_from_pointer(rec.buffer as ArrayBuffer, rec.byteOffset + 8, len);
  return new TextDecoder().decode(bytes);
}
