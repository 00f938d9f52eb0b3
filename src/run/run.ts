import { statfsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { canonicalJson, sha256 } from '../plan/canonical.ts';
import { type EventRow, markOverlaps } from '../scenarios/events.ts';
import { checkEstimatedRows, checkLaidOutRows, rowCeiling, TooManyRowsError } from '../plan/estimate.ts';
import type { Plan, TablePlan } from '../ir/types.ts';
import { writtenTable, writtenValues } from '../ir/written.ts';
import { type ManifestRow, openOutput, type Output, type OutputFormat, type TableOutput } from '../sinks/output.ts';
import { OutputThread } from './output-thread.ts';
import { MAX_PER_PARENT } from '../engine/fanout.ts';
import { Store } from '../model/store.ts';
import { ChunkSizer, chunkRanges, layoutKey, type LabelRow, type RowRange, type TableLayout, tableLayout, wholeRange } from '../engine/table.ts';
import { WorkerPool, type PoolTask } from './workers/pool.ts';
import './runtime.ts';
import { loadLocales } from '../model/faker/lib.ts';
import { planLocales } from '../model/faker.ts';
import { finishTable, generateOnThread, type LoopTimes, Retained, scenarioRows, type TableJob, tableSegments } from './table-run.ts';
import { sharedHistory } from '../scenarios/history.ts';
import { calibrations } from '../scenarios/calibrate.ts';

const DEFAULT_CHUNK_ROWS = 65_536;
/** Tables generating fewer rows than this run on the main thread even with workers (starting a worker costs ~0.3 s). */
const DEFAULT_WORKER_MIN_ROWS = 200_000;
/** A table of at least this many times the minimum waits for the workers to load; smaller ones use them if loaded. */
const POOL_WAIT_FACTOR = 10;
/** With more than one thread, plans of at least this many rows write on the output thread (starting it costs ~0.2 s of CPU). */
const OUTPUT_THREAD_MIN_ROWS = 250_000;

export type { OutputFormat } from '../sinks/output.ts';

/** Shard `index` of `count` (0 ≤ index < count). */
interface ShardSpec {
  index: number;
  count: number;
}

export interface RunOptions {
  /** Output: a DuckDB file (default `<slug>.duckdb`) or, for Parquet, a folder (default `<slug>-parquet`). */
  out?: string;
  format?: OutputFormat;
  /** Generate only this shard (Parquet only): entity rows by ordinal range, children with their primary parent. */
  shard?: ShardSpec;
  chunkRows?: number;
  /**
   * Refuse the run (TooManyRowsError, DG_TOO_MANY_ROWS) before anything is generated when the plan estimates
   * more rows than this (a shard: its share), and stop it when a table's rows as laid out take it past this.
   * Default: 2 billion (DEFAULT_MAX_ROWS), or fewer when the free disk where the output goes cannot hold them
   * at 1 byte per row; a value given here replaces both.
   */
  maxRows?: number;
  memoryLimit?: string;
  /** Parquet: rows per part file (default about 256 MB of estimated row bytes). */
  parquetPartRows?: number;
  /**
   * Threads (default: the number of cores). 1: the main thread generates and writes; 2: the main thread generates
   * and the output thread writes; N > 2: N − 1 worker threads generate the big tables, the output thread writes.
   */
  workers?: number;
  /** Append into DuckDB on a thread of its own (default: with workers > 1, for plans of OUTPUT_THREAD_MIN_ROWS rows or more, or any plan the generation workers take part in). */
  outputThread?: boolean;
  /** Tables generating fewer rows run on the main thread (default 200,000; tests use 0). */
  workerMinRows?: number;
  /** Rows per worker task, at least chunkRows (default 65,536; tests use small tasks to have many). */
  workerTaskRows?: number;
  onTableStart?: (table: string, estimatedRows: number) => void;
  onProgress?: (table: string, rows: number, total: number) => void;
  onTableDone?: (table: string, rows: number, seconds: number) => void;
}

export interface RunResult {
  file: string;
  format: OutputFormat;
  shard: ShardSpec;
  tables: ManifestRow[];
  rows: number;
  seconds: number;
  labels: number;
  /** Worker threads actually started (0: everything ran on the main thread). */
  workers: number;
  /** Whether DuckDB appended on the output thread (false: on the main thread). */
  outputThread: boolean;
}

export function defaultOutput(plan: Plan, format: OutputFormat = 'duckdb'): string {
  return format === 'parquet' ? `${plan.slug}-parquet` : `${plan.slug}.duckdb`;
}

/**
 * Execute a plan into a DuckDB file or a Parquet folder, atomically (a failed run leaves any existing
 * output untouched). The output is identical whatever the chunk size and the number of workers, and
 * the union of the shards of a sharded Parquet run equals the unsharded run.
 */
export async function runPlan(plan: Plan, opts: RunOptions = {}): Promise<RunResult> {
  const format = opts.format ?? 'duckdb';
  const shard = opts.shard ?? { index: 0, count: 1 };
  if (!Number.isSafeInteger(shard.count) || shard.count < 1 || !Number.isSafeInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new Error(`invalid shard ${shard.index}/${shard.count}: expected i/n with 0 ≤ i < n`);
  }
  if (shard.count > 1 && format !== 'parquet') throw new Error('sharded runs write Parquet: add --format parquet (a DuckDB file cannot be split and merged)');
  const file = opts.out ?? defaultOutput(plan, format);
  const ceiling = rowCeiling(opts.maxRows, opts.maxRows === undefined ? freeBytes(file) : null);
  checkEstimatedRows(plan.tables, ceiling, shard.count);
  const chunkRows = Math.max(1, Math.floor(opts.chunkRows ?? DEFAULT_CHUNK_ROWS));
  const workers = Math.max(1, Math.floor(opts.workers ?? availableParallelism()));
  const minRows = opts.workerMinRows ?? DEFAULT_WORKER_MIN_ROWS;
  // The faker-js locales the plan uses, before anything is opened (src/model/faker/lib.ts).
  await loadLocales(planLocales(plan.tables));
  const t0 = performance.now();
  // The threads: DuckDB's appending is about half the CPU of a run, so with two threads the main thread generates
  // and the output thread writes; with more, N − 1 generation workers feed the output thread (a pool of one would
  // only do what the main thread does, at the cost of loading a worker). Workers load in the background (~0.3 s
  // of CPU each) while the first tables are generated on the main thread; they are started only when the tables
  // big enough for them add up to what a table waits for them for.
  const generators = workers - 1;
  const poolRows = plan.tables.reduce((a, t) => a + (t.estimatedRows >= minRows ? t.estimatedRows : 0), 0);
  const startPool = generators > 1 && poolRows > 0 && poolRows >= POOL_WAIT_FACTOR * minRows;
  const planRows = plan.tables.reduce((a, t) => a + t.estimatedRows, 0);
  const threaded = opts.outputThread ?? (workers > 1 && (startPool || planRows >= OUTPUT_THREAD_MIN_ROWS));
  const outputOptions = { format, path: file, memoryLimit: opts.memoryLimit, shard: shard.index, shards: shard.count, parquetPartRows: opts.parquetPartRows };
  const sink: Output = threaded ? new OutputThread(outputOptions) : await openOutput(outputOptions);
  if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] output open ${(performance.now() - t0).toFixed(0)} ms\n`);
  let pool: WorkerPool | null = startPool ? WorkerPool.start(plan, generators) : null;
  let used = 0;
  try {
    const store = new Store();
    const memo = new Map<object, unknown>();
    const manifest: ManifestRow[] = [];
    const labels: LabelRow[] = [];
    const events: EventRow[] = [];
    /** Rows of each table that this shard writes. */
    const written = new Map<string, RowRange>();
    let runRows = 0;
    for (const [ti, table] of plan.tables.entries()) {
      const started = performance.now();
      opts.onTableStart?.(table.id, shard.count > 1 ? Math.round(table.estimatedRows / shard.count) : table.estimatedRows);
      const layout = tableLayout(plan, table, store);
      memo.set(layoutKey(table.id), layout); // the scenarios' history reuses it
      const tLayout = performance.now();
      const write = shardRange(table, layout, written, shard);
      written.set(table.id, write);
      // Estimates can be far off (effects, behaviour models): the rows as laid out are checked before generating.
      runRows += write.rowEnd - write.rowStart;
      checkLaidOutRows(table, write.rowEnd - write.rowStart, runRows, ceiling);
      if (table.retain.length && layout.total > MAX_PER_PARENT) {
        // Columns later tables read are kept whole (typed arrays, JS arrays), one entry per row.
        throw new TooManyRowsError(table.id, layout.total, `table "${table.id}" has ${layout.total.toLocaleString('en-US')} rows and later tables read its columns (${table.retain.join(', ')}), which are kept in memory for at most ${MAX_PER_PARENT.toLocaleString('en-US')} rows; nothing was written`, `lower its rows or --scale, or split it: a table nobody reads has no such limit`);
      }
      // Tables that later tables read are generated whole (lookups pick rows anywhere); only `write` is written.
      const segments = tableSegments(table, layout, write);
      const total = segments.reduce((a, s) => a + s.range.rowEnd - s.range.rowStart, 0);
      // A table goes to the workers when it is big enough; a big one waits for them to finish loading.
      let usePool = pool !== null && total > 0 && total >= minRows && (pool.loaded || total >= POOL_WAIT_FACTOR * minRows);
      if (usePool && pool) {
        await pool.ready;
        if (pool.failure) {
          // Workers that cannot even load (an unusual install) must not fail the run: the main thread does it all.
          process.emitWarning(`datagen: worker threads failed to start (${pool.failure.message}); generating on the main thread`);
          await pool.close();
          pool = null;
          usePool = false;
        }
      }
      const w: TableOutput = await sink.createTable(writtenTable(table));
      const retained = new Retained(table, layout.total, pool !== null);
      const tableLabels: LabelRow[] = [];
      const job: TableJob = { plan, table, store, memo, layout, segments, retained, labels: tableLabels };
      let done = 0;
      if (usePool && pool) {
        used = pool.size;
        layout.counts = pool.layout(ti, layout); // the shared copy: the original can go
        // The scenarios' history of the table is evaluated once, here, and shared with the workers.
        const history = sharedHistory(plan, table, store, memo, layout.total, calibrations);
        if (history) pool.publish(history.id, history.entry);
        // Tasks of at least DEFAULT_CHUNK_ROWS rows (a worker splits them into chunks of chunkRows): small chunks
        // would make the messages cost more than the rows.
        const taskRows = Math.max(chunkRows, opts.workerTaskRows ?? DEFAULT_CHUNK_ROWS);
        const tasks: PoolTask[] = segments.flatMap((s) => [...chunkRanges(layout, s.range, taskRows)].map((range) => ({ table: ti, range, chunkRows, encode: s.write, retain: table.retain })));
        let appendMs = 0;
        const tp = performance.now();
        await pool.run(tasks, async (r, task) => {
          const ta = performance.now();
          for (const c of r.chunks) w.appendEncoded(c);
          appendMs += performance.now() - ta;
          if (task.encode) await w.flushIfFull?.();
          retained.add(r.retained, r.rows);
          for (const l of r.labels) tableLabels.push(l);
          done += r.rows;
          opts.onProgress?.(table.id, done, total);
        });
        if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] ${table.id}: pool ${(performance.now() - tp).toFixed(0)} ms, main appending ${appendMs.toFixed(0)} ms, ${tasks.length} tasks\n`);
      } else {
        const times: LoopTimes = { genMs: 0, appendMs: 0 };
        const sizer = new ChunkSizer(chunkRows, opts.chunkRows === undefined);
        for (const c of generateOnThread(job, sizer, w, times)) {
          if (c.written) await w.flushIfFull?.();
          done += c.rows;
          opts.onProgress?.(table.id, done, total);
        }
        const { genMs, appendMs } = times;
        if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] ${table.id}: main thread generating ${genMs.toFixed(0)} ms, encoding + appending ${appendMs.toFixed(0)} ms\n`);
      }
      // Rows scenarios add come after the table's own rows (those whose template this run writes).
      const added = scenarioRows(job, write);
      if (added?.n) w.append(writtenValues(table, added.columns), added.n);
      const tClose = performance.now();
      await w.close();
      if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] ${table.id}: layout ${(tLayout - started).toFixed(0)} ms, close ${(performance.now() - tClose).toFixed(0)} ms\n`);
      // Window labels summarise the whole table: the first shard writes them.
      const finished = finishTable(job, write, added, shard.index === 0);
      pool?.publish(table.id, finished.entry);
      for (const l of finished.labels) labels.push(l);
      for (const e of finished.events) events.push(e);
      const rows = write.rowEnd - write.rowStart + (added?.n ?? 0);
      const seconds = (performance.now() - started) / 1000;
      manifest.push({ table: table.id, rows, seconds });
      opts.onTableDone?.(table.id, rows, seconds);
    }
    if (pool) await pool.close();
    pool = null;
    if (process.env.DATAGEN_PROFILE && sink.memoryReport) process.stderr.write(`[profile] DuckDB memory by tag: ${await sink.memoryReport()}; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);
    markOverlaps(events);
    const tLabels = performance.now();
    await sink.writeLabels(labels, events);
    await sink.writeManifest({ specHash: plan.specHash, seed: plan.seed, scale: plan.scale, datagenVersion: plan.datagenVersion, algorithmVersion: plan.algorithmVersion, planHash: sha256(canonicalJson(plan)), preset: plan.preset ?? '' }, manifest);
    const tCommit = performance.now();
    if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] labels and manifest ${(tCommit - tLabels).toFixed(0)} ms\n`);
    await sink.commit();
    if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] commit ${(performance.now() - tCommit).toFixed(0)} ms (run ${(performance.now() - t0).toFixed(0)} ms)\n`);
    return { file, format, shard, tables: manifest, rows: manifest.reduce((a, m) => a + m.rows, 0), seconds: (performance.now() - t0) / 1000, labels: labels.length, workers: used, outputThread: threaded };
  } catch (e) {
    await pool?.close();
    pool = null;
    await sink.abort();
    throw e;
  } finally {
    if (pool) await pool.close();
  }
}

/** Bytes available to this user on the filesystem that will hold `file` (null when it cannot be told). */
function freeBytes(file: string): number | null {
  let dir = dirname(resolve(file));
  for (;;) {
    try {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    } catch {
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  }
}

/**
 * The rows of `table` in shard `index` of `count`: a parentless table's row r of N is in shard
 * floor(r · count / N) (contiguous ranges); a child row is in its primary parent's shard, so a fact's
 * range is the children of its parent's range (and so on down).
 */
function shardRange(table: TablePlan, layout: TableLayout, written: Map<string, RowRange>, shard: ShardSpec): RowRange {
  if (shard.count === 1) return wholeRange(layout);
  const counts = layout.counts;
  if (!counts) {
    const n = layout.total;
    const at = (i: number) => Math.ceil((i * n) / shard.count);
    return { rowStart: at(shard.index), rowEnd: at(shard.index + 1), parentStart: 0, parentEnd: 0 };
  }
  const parent = written.get((table.rows as { parent: string }).parent);
  if (!parent) throw new Error(`internal: the parent of "${table.id}" was not generated first`);
  let rowStart = 0;
  for (let p = 0; p < parent.rowStart; p++) rowStart += counts[p];
  let rowEnd = rowStart;
  for (let p = parent.rowStart; p < parent.rowEnd; p++) rowEnd += counts[p];
  return { rowStart, rowEnd, parentStart: parent.rowStart, parentEnd: parent.rowEnd };
}
