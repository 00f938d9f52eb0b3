/** Shared between bench/run.ts (the parent) and bench/one-case.ts (one child per case variant). */
import type { VariantRun } from './cases/types.ts';

/** The child's result line on stdout starts with this. */
export const RESULT_PREFIX = '@@result ';

export interface OneCaseResult {
  case: string;
  variant: string;
  role: 'datagen' | 'baseline' | 'extra';
  label: string;
  runs: number;
  size: number;
  rows: number;
  tables: VariantRun['tables'];
  warnings?: number;
  /** Wall time of each run (open the database → generate → checkpoint → close). */
  seconds: number[];
  /** Size of the last run's DuckDB file. */
  fileMB: number;
  /** Summary statistics of the last run's file (see BenchCase.checks). */
  checks?: Record<string, number | null>;
  /** Peak resident set of the child process over all its runs. */
  maxRssMB: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
