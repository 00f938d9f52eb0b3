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
    accounts: { sql: 'SELECT count(*) FROM accounts', same: 'exact' },
    transactions: { sql: 'SELECT count(*) FROM transactions', same: { rel: 0.005 } },
    mean_fanout: { sql: 'SELECT (SELECT count(*) FROM transactions) / (SELECT count(*) FROM accounts)', same: { abs: 0.05 } },
    key_max_minus_count: { sql: 'SELECT max(txn_id) - count(*) FROM transactions', same: 'exact' },
    fk_outside: { sql: 'SELECT count(*) FILTER (WHERE account_id NOT BETWEEN 1 AND (SELECT count(*) FROM accounts)) FROM transactions', same: 'exact' },
    mean_ln_amount: { sql: 'SELECT avg(ln(amount)) FROM transactions', same: { abs: 0.01 } },
    sd_ln_amount: { sql: 'SELECT stddev(ln(amount)) FROM transactions', same: { abs: 0.01 } },
    share_web: { sql: "SELECT avg((channel = 'web')::INT) FROM transactions", same: { abs: 0.005 } },
    share_partner: { sql: "SELECT avg((channel = 'partner')::INT) FROM transactions", same: { abs: 0.005 } },
    share_hour_9_17: { sql: 'SELECT avg((hour(occurred_at) BETWEEN 9 AND 17)::INT) FROM transactions', same: { abs: 0.005 } },
    share_hour_0_4: { sql: 'SELECT avg((hour(occurred_at) BETWEEN 0 AND 4)::INT) FROM transactions', same: { abs: 0.005 } },
    share_minute_0: { sql: 'SELECT avg((minute(occurred_at) = 0 AND second(occurred_at) = 0)::INT) FROM transactions', same: { abs: 0.005 } },
    first_day: { sql: "SELECT min(occurred_at)::DATE - DATE '2025-01-01' FROM transactions", same: 'exact' },
    last_day: { sql: "SELECT max(occurred_at)::DATE - DATE '2025-01-01' FROM transactions", same: 'exact' },
  },
};
