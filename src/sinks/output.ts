/**
 * What a run writes into: a DuckDB file or a Parquet folder, in this thread (duckdb.ts, parquet.ts) or on the
 * output thread (output-thread.ts). Tables are created, filled and closed one after another, in plan order.
 */
import { DuckDBFileSink } from './duckdb.ts';
import { ParquetSink } from './parquet.ts';

export type { ManifestRow, Output, OutputFormat, TableOutput } from './output-types.ts';
import type { OutputFormat, Output } from './output-types.ts';

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
