/**
 * Issue 6's speed case: SaaS subscriptions at 1 M accounts × 24 months — a 4-state `state_transition_model`
 * written as one row per account-month with MRR (~11 M rows). datagen only: rows, seconds, rows/s, peak RSS.
 */
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

const SPEC = new URL('../specs/saas-subscriptions.json', import.meta.url);

export const saasSubscriptions: BenchCase = {
  name: 'saas-subscriptions',
  title: 'SaaS subscriptions, 1 M accounts × 24 months',
  variants: [
    {
      name: 'datagen',
      role: 'datagen',
      label: 'bench/specs/saas-subscriptions.json: account-months of a trial/basic/pro/churned machine with MRR',
      run: (out, ctx) => runSpec(readSpec(SPEC), ctx.size, out),
    },
  ],
  checks: {
    account_months: { sql: 'SELECT count(*) FROM account_month', same: 'show' },
    mrr_per_paying_month: { sql: "SELECT sum(mrr) / count(*) FILTER (WHERE state IN ('basic', 'pro')) FROM account_month", same: 'show' },
  },
};
