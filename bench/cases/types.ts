/** What a bench case is: one or more variants (datagen and, for comparisons, a hand-written baseline). */

export interface CaseContext {
  /** Size factor: 1 for the full case, 0.1 with `--quick`. */
  size: number;
  /** `--rows`: override of a case's target fact rows (quickstart only). */
  rows?: number;
}

export interface TableCount {
  table: string;
  rows: number;
  seconds?: number;
}

export interface VariantRun {
  rows: number;
  tables: TableCount[];
  /** Compile warnings (datagen variants). */
  warnings?: number;
  /** CPU seconds (user + system) of the child processes the run waited for (start-up: robust to a shared machine's load). */
  cpuSeconds?: number;
  /** The variant's own measure of its timed region, when the call does more than it (studio-preview: the edit until
   *  the redraw, not closing the browser afterwards); replaces the call's wall time. */
  seconds?: number;
}

export interface Variant {
  /** `datagen` or the baseline's short name (`sql`, `faker-loop`). */
  name: string;
  /** `extra`: shown beside the comparison, not part of the ratio. */
  role: 'datagen' | 'baseline' | 'extra';
  /** One line: what this variant does. */
  label: string;
  /** Once per process before the timed runs, in the run's temporary directory (e.g. the file a validate case reads). */
  prepare?(dir: string, ctx: CaseContext): Promise<void>;
  /** Generate into a new DuckDB file `out`; the timed region is exactly this call. */
  run(out: string, ctx: CaseContext): Promise<VariantRun>;
}

/**
 * A summary statistic of a generated file (one SQL query returning one number) and how every other variant's
 * value must compare with the datagen variant's (role 'datagen') for the two to count as producing the same data:
 * `exact` (counts, keys, identical output), `abs`/`rel` (statistics of different random streams: a tolerance
 * of several standard errors at the quick size), or `show` (printed, not compared: e.g. what a variant changes
 * on purpose). A variant outside its tolerance fails the case: its speed would not be comparable.
 */
export interface Check {
  sql: string;
  same: 'exact' | 'show' | { abs: number } | { rel: number };
}

export interface BenchCase {
  name: string;
  title: string;
  variants: Variant[];
  /** Issue 3's target for datagen rows/s ÷ baseline rows/s, when the case is a comparison. */
  targetRatio?: number;
  /** Summary statistics of a generated file (after each variant's last run, outside the timed region), asserted
   *  equal (within their tolerance) across variants: see Check. */
  checks?: Record<string, Check>;
  /** Once in the parent (bench/run.ts) before the case's variants, e.g. building dist/ for the start-up case. */
  setup?(): void;
  /** Instead of rows/s and one ratio: lines assessing the variants' median seconds against targets (start-up). */
  assess?(medianSeconds: Record<string, number>, medianCpuSeconds: Record<string, number>): string[];
  /** Runs per variant when `--runs` is not given (default 3). */
  defaultRuns?: number;
  /** Left out of `npm run bench` unless named with `--case` (cases that take minutes). */
  optIn?: boolean;
  /** What `ratio` means when it is not datagen ÷ a hand-written baseline (shown in the output). */
  ratioLabel?: string;
}
