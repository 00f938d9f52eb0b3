/**
 * What a run writes into: a DuckDB file or a Parquet folder, in this thread (duckdb.ts, parquet.ts) or on the
 * output thread (output-thread.ts). Tables are created, filled and closed one after another, in plan order.
 */
import type { ColumnData } from '../model/column-data.ts';
import type { LabelRow } from '../engine/labels.ts';
import type { TablePlan } from '../ir/types.ts';
import { DuckDBFileSink } from './duckdb.ts';
import type { EncodedChunk } from './encode.ts';
import { ParquetSink } from './parquet.ts';

export interface ManifestRow { table: string; rows: number; seconds: number }

export type OutputFormat = 'duckdb' | 'parquet';

export interface TableOutput {
  append(columns: ColumnData[], n: number): void;
  appendEncoded(chunk: EncodedChunk): void;
  /** Called after every chunk: write out what is staged (Parquet parts) or wait while too much is queued. */
  flushIfFull?(): Promise<void>;
  close(): void | Promise<void>;
}

export interface Output {
  createTable(t: TablePlan): Promise<TableOutput>;
  writeLabels(labels: LabelRow[]): Promise<void>;
  writeManifest(meta: Record<string, string | number>, rows: ManifestRow[]): Promise<void>;
  /** Make the output visible (atomically: until then an existing output is untouched). */
  commit(): Promise<void>;
  /** Remove everything written so far; an existing output stays as it was. */
  abort(): void | Promise<void>;
  /** DuckDB's memory by tag (DATAGEN_PROFILE). */
  memoryReport?(): Promise<string>;
}

/** Where an output is written until it is committed (a run's temporary directory, removed on failure). */
export interface OutputOpenOptions {
  format: OutputFormat;
  /** The DuckDB file or the Parquet folder. */
  path: string;
  memoryLimit?: string;
  shard: number;
  shards: number;
  parquetPartRows?: number;
}

/** The temporary directory an output works in until commit (the run's own: pid and time in its name). */
export function outputTempPath(o: OutputOpenOptions): string {
  return o.format === 'parquet' ? ParquetSink.tempPath(o.path, o.shard) : DuckDBFileSink.tempPath(o.path);
}

/** Open an output in this thread, working in `tmp` (default: a new temporary directory). */
export async function openOutput(o: OutputOpenOptions, tmp = outputTempPath(o)): Promise<Output> {
  return o.format === 'parquet'
    ? ParquetSink.open(o.path, { shard: o.shard, shards: o.shards, memoryLimit: o.memoryLimit, partRows: o.parquetPartRows, tmp })
    : DuckDBFileSink.open(o.path, o.memoryLimit, tmp);
}
