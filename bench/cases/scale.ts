/**
 * Case 3 (issue 3), opt-in (`--case scale`, a few minutes): the reference fact at 10× its size — 10 M accounts +
 * ~100 M transactions — against the 1× run in the same bench run. Ratio = rows/s at 100 M ÷ rows/s at 10 M:
 * time linear in rows within 15% means ratio ≥ 1/1.15 ≈ 0.87. Peak RSS (the variant's own process) must stay
 * ≤ 1 GB; both variants run with datagen's defaults (DuckDB memory_limit 128MB for a file: a bigger cache of
 * written blocks made the 100 M run slower and bigger, see DEFAULT_FILE_MEMORY_LIMIT in src/sinks/duckdb.ts).
 * Rows stream in chunks; only the accounts' retained key column (8 bytes per account) and the per-account child
 * counts (4 bytes) stay in JS memory.
 */
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

const SPEC = new URL('../specs/reference-fact.json', import.meta.url);

export const scale: BenchCase = {
  name: 'scale',
  title: 'reference fact at 100 M rows vs 10 M',
  targetRatio: 1 / 1.15,
  ratioLabel: 'rows/s at 10× ÷ rows/s at 1× (linear: ≥ 0.87)',
  defaultRuns: 1,
  optIn: true,
  variants: [
    {
      name: '100m',
      role: 'datagen',
      label: 'bench/specs/reference-fact.json at --scale 10 (10 M accounts, ~100 M transactions)',
      run: (out, ctx) => runSpec(readSpec(SPEC), 10 * ctx.size, out),
    },
    {
      name: '10m',
      role: 'baseline',
      label: 'the same at --scale 1 (1 M accounts, ~10 M transactions)',
      run: (out, ctx) => runSpec(readSpec(SPEC), ctx.size, out),
    },
  ],
  checks: {
    transactions: { sql: 'SELECT count(*) FROM transactions', same: 'show' },
    mean_fanout: { sql: 'SELECT (SELECT count(*) FROM transactions) / (SELECT count(*) FROM accounts)', same: { abs: 0.02 } },
    key_max_minus_count: { sql: 'SELECT max(txn_id) - count(*) FROM transactions', same: 'exact' },
  },
};
