/** Messages between the studio server (jobs.ts) and its job processes (child.ts). */
import type { Spec, TableProfile } from '../index.ts';

type ColumnProfile = TableProfile['columns'][number];

/** The preset and parameter values the page chose (docs/authoring.md): passed to compile, run and validate. */
export interface Author { preset?: string; set?: Record<string, unknown> }
export interface PreviewJob { type: 'preview'; id: number; doc: Spec; author: Author; dir: string }
export interface GenerateJob { type: 'generate'; id: number; doc: Spec; author: Author; out: string; specName: string }
export interface ParquetJob { type: 'parquet'; id: number; doc: Spec; author: Author; out: string }
export type JobRequest = PreviewJob | GenerateJob | ParquetJob;

export interface TablePreview {
  table: string;
  rows: number;
  columns: string[];
  types: string[];
  firstRows: unknown[][];
  /** Per column: the validate report's profile and its Vega-Lite chart (null: nothing to draw). */
  profiles: (ColumnProfile & { chart: unknown })[];
}
export interface PreviewResult { kind: 'preview'; ok: boolean; message?: string; scale?: number; seconds: number; tables: TablePreview[] }
export interface GenerateResult {
  kind: 'generate'; ok: true; rows: number; seconds: number; tables: { table: string; rows: number; seconds: number }[];
  score: number; verdict: boolean; reportHtml: string; labels: number; bytes: number;
}
export interface ParquetResult { kind: 'parquet'; ok: true; rows: number }
export type JobResult = PreviewResult | GenerateResult | ParquetResult;

export interface JobError { code: string; message: string; hint: string }
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; id: number; table: string; rows: number; total: number; seconds: number; phase?: 'validate' }
  | { type: 'result'; id: number; result: JobResult }
  | { type: 'error'; id: number; error: JobError };
