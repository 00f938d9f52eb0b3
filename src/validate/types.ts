/**
 * Validation results (issue 7): every check `datagen validate` runs yields one `CheckResult`, computed by
 * SQL in DuckDB from what the spec promises (no table is pulled into JS).
 */
import type { ReadOnlyDb } from '../sinks/read.ts';
import type { Plan, TablePlan } from '../ir/types.ts';

export type CheckStatus = 'pass' | 'warn' | 'fail';
export type Category = 'structural' | 'value' | 'behavioural' | 'targets';
export const CATEGORIES: Category[] = ['structural', 'value', 'behavioural', 'targets'];

export interface CheckResult {
  /** Stable check name, e.g. `pk_unique`, `foreign_key`, `fanout_mean`, `dow_pattern`, `funnel_conversion`. */
  check: string;
  category: Category;
  table: string;
  column?: string;
  status: CheckStatus;
  /** A failing hard check fails `validate` whatever the score; a soft one only lowers the score. */
  hard: boolean;
  expected: unknown;
  observed: unknown;
  /** The accepted deviation (a number in the unit of expected/observed), or a description of the rule. */
  tolerance: unknown;
  /** At most five offending keys (or values) when the check is about rows. */
  examples: unknown[];
  /** One line for people: what was compared and what came out. */
  message: string;
  /** JSON pointer of the spec part that makes the promise, when there is one. */
  specPath?: string;
  /** Expected vs observed series for the HTML report. */
  chart?: ChartData;
}

export type ChartData =
  /** Categories side by side (weekday/hour/month shares, choice weights, funnel stages, segment ratios). */
  | { kind: 'bars'; title: string; labels: string[]; expected: number[]; observed: number[]; unit?: string }
  /** A curve over x (trend by month, adoption cumulative share, cohort activity by age, conversion by touches). */
  | { kind: 'line'; title: string; x: (number | string)[]; expected: number[]; observed: number[]; xLabel?: string; unit?: string }
  /** A matrix (cohort heatmap: cohort × age; transition matrix: from × to); `expected` when the spec gives one. */
  | { kind: 'heatmap'; title: string; rows: string[]; cols: string[]; observed: number[][]; expected?: number[][]; unit?: string };

/** What every check module receives. */
export interface ValidateContext {
  plan: Plan;
  /** The spec document (constraints, targets and the raw behaviour blocks). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  doc: any;
  db: ReadOnlyDb;
  /** Tables present in the file (node tables, `_labels`, `_datagen_manifest`). */
  present: Set<string>;
  /** Rows per node table in the file. */
  rows: Map<string, number>;
  /** True when the file has a `_labels` table. */
  hasLabels: boolean;
  table(id: string): TablePlan | undefined;
}

/** A check module: all checks of one kind for the whole dataset. */
export type CheckModule = (ctx: ValidateContext) => Promise<CheckResult[]>;

export interface ColumnProfile {
  name: string;
  type: string;
  nulls: number;
  distinct: number;
  /** True when `distinct` is an estimate (large tables). */
  distinctApprox?: boolean;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  /** Numeric/datetime columns: equal-width bins. */
  histogram?: { from: number | string; to: number | string; count: number }[];
  /** Categorical columns: the most frequent values. */
  top?: { value: string; count: number }[];
}

export interface TableProfile { table: string; rows: number; columns: ColumnProfile[] }

export interface ValidationReport {
  spec: string;
  database: string;
  datagenVersion: string;
  name: string;
  seed: number;
  scale: number;
  generatedAt?: string;
  score: number;
  threshold: number;
  /** Per category: checks run, passed, warned, failed and the category score (null when it has no checks). */
  categories: Record<Category, { checks: number; pass: number; warn: number; fail: number; score: number | null }>;
  hardFailures: number;
  /** Failed checks that are not hard: they fail the file unless soft failures are allowed (then only the score counts). */
  softFailures: number;
  /** Whether soft failures were judged by the score (`--allow-soft-failures` or a `--threshold`) instead of failing the file. */
  softFailuresAllowed: boolean;
  ok: boolean;
  checks: CheckResult[];
  tables: { table: string; rows: number; dependsOn: string[]; level: number; kind: string }[];
  profiles?: TableProfile[];
  seconds: number;
}
