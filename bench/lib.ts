/** Shared between bench/run.ts (the parent) and bench/one-case.ts (one child per case variant). */
import type { BenchCase, VariantRun } from './cases/types.ts';

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
  /** Per run, when the variant reports it (VariantRun.cpuSeconds). */
  cpuSeconds?: number[];
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

/** What equivalenceErrors reads of a variant's result. */
export interface VariantChecks {
  variant: string;
  role: 'datagen' | 'baseline' | 'extra';
  checks?: Record<string, number | null>;
  error?: string;
}

/**
 * Equivalence: every variant's checks against the datagen variant's (BenchCase.checks' `same`). A variant that
 * produced other data gets an error (the case fails): its speed is not comparable.
 */
export function equivalenceErrors(c: Pick<BenchCase, 'checks'>, variants: VariantChecks[]): Map<string, string> {
  const errors = new Map<string, string>();
  const ref = variants.find((v) => v.role === 'datagen' && v.checks);
  if (!c.checks || !ref) return errors;
  for (const v of variants) {
    if (v === ref || v.error) continue;
    if (!v.checks) {
      errors.set(v.variant, 'no checks computed');
      continue;
    }
    const bad: string[] = [];
    for (const [name, { same }] of Object.entries(c.checks)) {
      if (same === 'show') continue;
      const a = ref.checks![name];
      const b = v.checks[name];
      const ok = a === null || b === null || a === undefined || b === undefined
        ? a === b
        : same === 'exact' ? a === b : 'abs' in same ? Math.abs(a - b) <= same.abs : Math.abs(a - b) <= same.rel * Math.abs(a);
      if (!ok) bad.push(`${name} ${b} vs ${ref.variant} ${a} (${same === 'exact' ? 'must be equal' : 'abs' in same ? `tolerance ±${same.abs}` : `tolerance ±${same.rel * 100}%`})`);
    }
    if (bad.length) errors.set(v.variant, `NOT EQUIVALENT to ${ref.variant}: ${bad.join('; ')}`);
  }
  return errors;
}
