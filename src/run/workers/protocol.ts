/** Messages between the run's main thread and its generation workers (worker_threads). */
import type { EncodedChunk } from '../../sinks/encode.ts';
import type { LabelRow, RowRange } from '../../engine/table.ts';
import type { ListData } from '../../model/column-data.ts';

/** A column of a finished table that later tables read: numbers in a SharedArrayBuffer-backed array, or strings (copied). */
export interface SharedColumn {
  name: string;
  num: Float64Array | null;
  str: (string | null)[] | null;
  /** A list column's flat values (structured-cloned). */
  list?: ListData | null;
}

export type ToWorker =
  | { type: 'table'; id: string; rows: number; columns: SharedColumn[] }
  | { type: 'layout'; table: number; counts: Int32Array | null; total: number; split: boolean }
  | { type: 'task'; seq: number; table: number; range: RowRange; chunkRows: number; encode: boolean; retain: string[] };

export interface TaskResult {
  seq: number;
  /** Encoded chunks in row order (empty when the task's rows are not written). */
  chunks: EncodedChunk[];
  /** The task's rows of each retained column. */
  retained: SharedColumn[];
  labels: LabelRow[];
  rows: number;
}

export type FromWorker =
  | { type: 'ready' }
  | ({ type: 'done' } & TaskResult)
  | { type: 'error'; seq: number; message: string; stack?: string };
