/**
 * Case 5 (issue 3): the reference fact (1 M accounts + ~10 M transactions) with `--workers 2` (two threads: the
 * main thread generates, the output thread appends into DuckDB) against `--workers 1` (one thread does both).
 * Ratio = rows/s with 2 ÷ rows/s with 1; target 1.6×. `workers-3` (two generation workers feeding the output
 * thread) is shown beside them: on 2 cores it has three busy threads for two cores.
 */
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

const SPEC = new URL('../specs/reference-fact.json', import.meta.url);

export const workers: BenchCase = {
  name: 'workers',
  title: 'reference fact, 2 threads vs 1',
  targetRatio: 1.6,
  ratioLabel: '2 workers ÷ 1 worker',
  variants: [
    {
      name: 'workers-2',
      role: 'datagen',
      label: 'bench/specs/reference-fact.json with --workers 2 (the main thread generates, the output thread appends)',
      run: (out, ctx) => runSpec(readSpec(SPEC), ctx.size, out, { workers: 2 }),
    },
    {
      name: 'workers-3',
      role: 'extra',
      label: 'the same with --workers 3 (two generation worker threads feed the output thread)',
      run: (out, ctx) => runSpec(readSpec(SPEC), ctx.size, out, { workers: 3 }),
    },
    {
      name: 'workers-1',
      role: 'baseline',
      label: 'the same with --workers 1 (generation and appends on the main thread)',
      run: (out, ctx) => runSpec(readSpec(SPEC), ctx.size, out, { workers: 1 }),
    },
  ],
  checks: {
    transactions: { sql: 'SELECT count(*) FROM transactions', same: 'exact' },
    key_max_minus_count: { sql: 'SELECT max(txn_id) - count(*) FROM transactions', same: 'exact' },
    mean_ln_amount: { sql: 'SELECT avg(ln(amount)) FROM transactions', same: { abs: 1e-9 } }, // DuckDB's parallel avg: last bits may vary
    // identical output: an order-sensitive checksum of the fact (the same number for both variants)
    checksum: { sql: 'SELECT sum((hash(rowid, txn_id, account_id, occurred_at, amount, channel) % 1000003)::DOUBLE) FROM transactions', same: 'exact' },
  },
};
