/**
 * examples/usage_costs.json at 100 k accounts (scale 100/3: ~310 k chats, ~9 M active chat-days): a panel
 * (`grain` every day with tier and chat-age activity), negative-binomial counts, capped lognormal costs, cost
 * expressions and four labelled scenarios (cost and volume spikes on `random_k` accounts by key, a cap_violation
 * adding chat-days; the columns they read are evaluated once without scenarios, and reused). The same plan is run
 * again with `--without-scenarios`
 * (`withoutScenarios(plan)`). Ratio = rows/s with scenarios ÷ rows/s without: the cost of labelled
 * injection; target ≤ 20 % overhead ⇔ ratio ≥ 1/1.2 ≈ 0.83.
 */
import { formatDiagnostics } from '../../src/diagnostics/format.ts';
import { runPlan } from '../../src/run/run.ts';
import { compile } from '../../src/plan/compile.ts';
import { withoutScenarios } from '../../src/scenarios/strip.ts';
import { readSpec } from './datagen.ts';
import type { BenchCase, VariantRun } from './types.ts';

const SPEC = new URL('../../examples/usage_costs.json', import.meta.url);
/** The example has 3 000 accounts; the case runs 100 000 (× `--size`). */
const SCALE = 100_000 / 3_000;

async function runUsageCosts(scale: number, out: string, scenarios: boolean): Promise<VariantRun> {
  const { plan, diagnostics } = compile(readSpec(SPEC), { scale });
  if (!plan) throw new Error(`spec does not compile:\n${formatDiagnostics(diagnostics)}`);
  const r = await runPlan(scenarios ? plan : withoutScenarios(plan), { out });
  return {
    rows: r.rows,
    tables: r.tables.map((t) => ({ table: t.table, rows: t.rows, seconds: t.seconds })),
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
  };
}

export const usageCosts: BenchCase = {
  name: 'usage-costs',
  title: 'usage_costs at 100 k accounts, scenarios vs --without-scenarios',
  targetRatio: 1 / 1.2,
  ratioLabel: 'rows/s with the 4 labelled scenarios ÷ rows/s with --without-scenarios (≤ 20 % overhead ⇔ ≥ 0.83)',
  variants: [
    {
      name: 'scenarios',
      role: 'datagen',
      label: 'examples/usage_costs.json at --scale 33.3 (100 k accounts, ~9 M chat-days) with its 4 scenarios and _labels',
      run: (out, ctx) => runUsageCosts(SCALE * ctx.size, out, true),
    },
    {
      name: 'without-scenarios',
      role: 'baseline',
      label: 'the same plan with --without-scenarios (withoutScenarios(plan): identical data minus the scenarios)',
      run: (out, ctx) => runUsageCosts(SCALE * ctx.size, out, false),
    },
  ],
  // The scenarios change values and add rows on purpose: only the entity table must be the same.
  checks: {
    accounts: { sql: 'SELECT count(*) FROM account', same: 'exact' },
    chat_days: { sql: 'SELECT count(*) FROM chat_day', same: 'show' },
    chat_days_per_account: { sql: 'SELECT (SELECT count(*) FROM chat_day) / (SELECT count(*) FROM account)', same: 'show' },
    mean_total_cost: { sql: 'SELECT avg(total_cost) FROM chat_day', same: 'show' },
    labels: { sql: 'SELECT count(*) FROM _labels', same: 'show' },
  },
};
