/**
 * Case 1 (issue 3): the reference fact — 1 M accounts, ~10 M transactions (Poisson(10) fanout) with 5 columns
 * (BIGINT key, BIGINT FK, TIMESTAMP with an hour pattern, lognormal DOUBLE, categorical from 5 values) into
 * a DuckDB file, through datagen and through hand-written DuckDB SQL.
 */
import { paramsFromSpec, runReferenceFactSql } from '../baselines/reference-fact-sql.ts';
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

const SPEC = new URL('../specs/reference-fact.json', import.meta.url);

export const referenceFact: BenchCase = {
  name: 'reference-fact',
  title: 'reference fact',
  targetRatio: 1.0,
  variants: [
    {
      name: 'datagen',
      role: 'datagen',
      label: 'bench/specs/reference-fact.json through compile + runPlan',
      run: (out, ctx) => runSpec(readSpec(SPEC), ctx.size, out),
    },
    {
      name: 'sql',
      role: 'baseline',
      label: 'hand-written DuckDB SQL: CREATE TABLE AS SELECT … FROM range(), hash uniforms, CASE inverse CDFs, Box–Muller',
      run: (out, ctx) => runReferenceFactSql(out, paramsFromSpec(readSpec(SPEC), ctx.size)),
    },
  ],
  checks: {
    accounts: 'SELECT count(*) FROM accounts',
    transactions: 'SELECT count(*) FROM transactions',
    mean_fanout: 'SELECT (SELECT count(*) FROM transactions) / (SELECT count(*) FROM accounts)',
    key_max_minus_count: 'SELECT max(txn_id) - count(*) FROM transactions',
    fk_outside: 'SELECT count(*) FILTER (WHERE account_id NOT BETWEEN 1 AND (SELECT count(*) FROM accounts)) FROM transactions',
    mean_ln_amount: 'SELECT avg(ln(amount)) FROM transactions',
    sd_ln_amount: 'SELECT stddev(ln(amount)) FROM transactions',
    share_web: "SELECT avg((channel = 'web')::INT) FROM transactions",
    share_partner: "SELECT avg((channel = 'partner')::INT) FROM transactions",
    share_hour_9_17: 'SELECT avg((hour(occurred_at) BETWEEN 9 AND 17)::INT) FROM transactions',
    share_hour_0_4: 'SELECT avg((hour(occurred_at) BETWEEN 0 AND 4)::INT) FROM transactions',
    share_minute_0: 'SELECT avg((minute(occurred_at) = 0 AND second(occurred_at) = 0)::INT) FROM transactions',
    first_day: "SELECT min(occurred_at)::DATE - DATE '2025-01-01' FROM transactions",
    last_day: "SELECT max(occurred_at)::DATE - DATE '2025-01-01' FROM transactions",
  },
};
