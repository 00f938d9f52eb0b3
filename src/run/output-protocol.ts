/** Messages between the main thread (output-thread.ts) and the output thread (output-worker.ts). */
import type { LabelRow } from '../engine/labels.ts';
import type { EventRow } from '../scenarios/events.ts';
import type { TablePlan } from '../ir/types.ts';
import type { EncodedChunk } from '../sinks/encode.ts';
import type { ManifestRow, OutputOpenOptions } from '../sinks/output.ts';

/** A request: the output thread answers each with a `reply` of the same `seq`, in order. */
export type OutputRequest =
  | { type: 'open'; options: OutputOpenOptions; tmp: string }
  | { type: 'create'; table: TablePlan }
  | { type: 'close'; table: string }
  | { type: 'labels'; labels: LabelRow[]; events: EventRow[] }
  | { type: 'manifest'; meta: Record<string, string | number>; rows: ManifestRow[] }
  | { type: 'commit' }
  | { type: 'abort' }
  | { type: 'memory' };

export type ToOutput =
  | (OutputRequest & { seq: number })
  /** Rows of the table being filled (its buffers transferred); answered by `consumed` once appended. */
  | { type: 'chunk'; table: string; chunk: EncodedChunk; bytes: number };

export type FromOutput =
  | { type: 'reply'; seq: number; value?: unknown; error?: string }
  | { type: 'consumed'; bytes: number }
  /** Appending a chunk failed: every later request fails with this error. */
  | { type: 'failed'; error: string };
