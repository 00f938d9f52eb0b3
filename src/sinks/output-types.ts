/** The shapes of an output (output.ts opens one; duckdb.ts, parquet.ts and src/run/output-thread.ts implement them). */
import type { ColumnData } from '../model/column-data.ts';
import type { LabelRow } from '../engine/labels.ts';
import type { EventRow } from '../scenarios/events.ts';
import type { TablePlan } from '../ir/types.ts';
import type { EncodedChunk } from './encode.ts';

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
  /** `_labels` and `_label_events` (src/scenarios/events.ts). */
  writeLabels(labels: LabelRow[], events?: EventRow[]): Promise<void>;
  writeManifest(meta: Record<string, string | number>, rows: ManifestRow[]): Promise<void>;
  /** Make the output visible (atomically: until then an existing output is untouched). */
  commit(): Promise<void>;
  /** Remove everything written so far; an existing output stays as it was. */
  abort(): void | Promise<void>;
  /** DuckDB's memory by tag (DATAGEN_PROFILE). */
  memoryReport?(): Promise<string>;
}
