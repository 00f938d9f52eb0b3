import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, generate } from '../support/run-spec.ts';

/* Recurring relationships (state_transition_model, DSL §5.4) — the contracts of issue 6. */

const STATES = {
  trial: { transition_prob_per_period: 0.9, next_states: { active: 0.7, churned: 0.3 } },
  active: { transition_prob_per_period: 0.1, next_states: { upgraded: 0.4, churned: 0.6 } },
  upgraded: { transition_prob_per_period: 0.05, next_states: { active: 0.5, churned: 0.5 } },
  churned: { terminal: true },
};
const CHURN: Record<string, number> = { basic: 1.5, pro: 0.5 };
const model = (emit: string) => ({
  initial_state: 'trial', period_unit: 'month', emit, states: STATES,
  amount: { column: emit === 'periods' ? 'mrr' : 'amount', distribution: { type: 'uniform', params: { low: 20, high: 20 } }, state_multipliers: { trial: 0, upgraded: 2.5, churned: 0 } },
});
const spec = {
  version: '1.0', metadata: { name: 'subscriptions' }, constraints: {}, seed: 8,
  timeframe: { start: '2021-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'D' },
  nodes: [
    {
      id: 'account', kind: 'entity', pk: 'account_id', rows: 8000,
      segment_behavior: { segment_column: 'tier', segments: { basic: { base_probability: 0.5 }, pro: { base_probability: 0.5 } }, behaviors: Object.fromEntries(Object.entries(CHURN).map(([k, m]) => [k, { churn_multiplier: m }])) },
      columns: [
        { name: 'account_id', type: 'int', generator: { sequence: {} } },
        { name: 'signup_at', type: 'datetime', generator: { datetime_series: { within: { start: '2021-01-01T00:00:00Z', end: '2021-12-31T00:00:00Z' }, freq: 'D' } } },
      ],
    },
    {
      id: 'subscription', kind: 'fact', pk: 'episode_id', parents: ['account'], state_transition_model: model('episodes'),
      columns: [{ name: 'episode_id', type: 'int', generator: { sequence: {} } }, { name: 'account_id', type: 'int', generator: { lookup: { from: 'account.account_id' } } }],
    },
    {
      id: 'subscription_month', kind: 'fact', pk: 'row_id', parents: ['account'], state_transition_model: model('periods'),
      columns: [{ name: 'row_id', type: 'int', generator: { sequence: {} } }, { name: 'account_id', type: 'int', generator: { lookup: { from: 'account.account_id' } } }],
    },
    {
      // One non-terminal state: tenure until churn is geometric with hazard 0.08 (× churn multiplier).
      id: 'membership', kind: 'fact', pk: 'm_id', parents: ['account'],
      state_transition_model: { initial_state: 'member', period_unit: 'week', states: { member: { transition_prob_per_period: 0.08, next_states: { gone: 1 } }, gone: { terminal: true } } },
      columns: [{ name: 'm_id', type: 'int', generator: { sequence: {} } }, { name: 'account_id', type: 'int', generator: { lookup: { from: 'account.account_id' } } }],
    },
  ],
};

/** Expected one-period transition probabilities from each state for a churn multiplier c (the model's rule). */
function matrix(c: number): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [s, st] of Object.entries<any>(STATES)) {
    if (st.terminal) continue;
    const total = Object.values<number>(st.next_states).reduce((a, b) => a + b, 0);
    const term = (st.next_states.churned ?? 0) / total;
    const pTerm = Math.min(1, st.transition_prob_per_period * term * c);
    const pOther = Math.min(1 - pTerm, st.transition_prob_per_period * (1 - term));
    out[s] = { [s]: 1 - pTerm - pOther };
    for (const [t, w] of Object.entries<number>(st.next_states)) out[s][t] = (out[s][t] ?? 0) + (t === 'churned' ? pTerm : (pOther * w) / total / (1 - term));
  }
  return out;
}

describe('state_transition_model', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('per-period transition frequencies match the matrix per segment (±2 points, ≥ 50 k periods)', async () => {
    const rows = await db.rows(`
      WITH p AS (SELECT m.account_id, a.tier, m.state AS s, lead(m.state) OVER (PARTITION BY m.account_id ORDER BY m.period_index) AS t
                 FROM subscription_month m JOIN account a USING (account_id))
      SELECT tier, s, t, count(*) AS n, sum(count(*)) OVER (PARTITION BY tier, s) AS from_s FROM p WHERE t IS NOT NULL GROUP BY 1, 2, 3`);
    expect(rows.reduce((a, r) => a + r.n, 0)).toBeGreaterThanOrEqual(50_000);
    for (const tier of Object.keys(CHURN)) {
      const want = matrix(CHURN[tier]);
      for (const [s, row] of Object.entries(want)) {
        const from = rows.find((r) => r.tier === tier && r.s === s)?.from_s ?? 0;
        if (from < 1000) continue;
        for (const [t, p] of Object.entries(row)) {
          const n = rows.find((r) => r.tier === tier && r.s === s && r.t === t)?.n ?? 0;
          expect(Math.abs(n / from - p), `${tier} ${s}→${t}`).toBeLessThan(0.02);
        }
      }
    }
  });

  it('survival by tenure is geometric with the configured hazard, and segment churn ratios hold (±10%)', async () => {
    // Weekly hazard at tenure k = churned at k / members at k, over accounts observable long enough.
    const rows = await db.rows(`
      WITH t AS (SELECT m.account_id, a.tier, max(m.episode_index) AS churned_flag, max(m.valid_from) FILTER (WHERE m.state = 'gone') AS gone_at, min(m.valid_from) AS start
                 FROM membership m JOIN account a USING (account_id) GROUP BY 1, 2)
      SELECT tier, count(*) AS n, count(gone_at) AS churned, avg(CASE WHEN gone_at IS NOT NULL THEN (epoch(gone_at) - epoch(start)) / (7 * 86400) END) AS mean_weeks FROM t GROUP BY 1`);
    for (const r of rows) {
      const h = Math.min(1, 0.08 * CHURN[r.tier]);
      // Over ≥ 3 years nearly everyone churns; tenure in whole weeks T ≥ 1 is geometric: E[T] = 1 / h.
      expect(r.churned / r.n).toBeGreaterThan(0.99);
      expect(Math.abs(r.mean_weeks * h - 1)).toBeLessThan(0.1);
    }
    const hazards = await db.rows(`
      WITH t AS (SELECT m.account_id, a.tier, (epoch(max(m.valid_from)) - epoch(min(m.valid_from))) / (7 * 86400) AS weeks
                 FROM membership m JOIN account a USING (account_id) GROUP BY 1, 2),
      k AS (SELECT range AS k FROM range(1, 6))
      SELECT tier, k, count(*) FILTER (WHERE weeks = k) / count(*) FILTER (WHERE weeks >= k) AS hazard FROM t, k GROUP BY 1, 2`);
    for (const r of hazards) expect(Math.abs(r.hazard / (0.08 * CHURN[r.tier]) - 1)).toBeLessThan(0.2);
    const basic = hazards.filter((r) => r.tier === 'basic').reduce((a, r) => a + r.hazard, 0);
    const pro = hazards.filter((r) => r.tier === 'pro').reduce((a, r) => a + r.hazard, 0);
    expect(Math.abs(basic / pro / (CHURN.basic / CHURN.pro) - 1)).toBeLessThan(0.1);
  });

  it('episodes of an entity tile its lifetime without gaps or overlaps; terminal and open episodes have no end', async () => {
    expect(await db.value(`SELECT count(*) FROM (SELECT account_id, count(*) FILTER (WHERE episode_index = 0) AS firsts FROM subscription GROUP BY 1) WHERE firsts <> 1`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM subscription s JOIN account a USING (account_id) WHERE s.episode_index = 0 AND (s.valid_from <> a.signup_at OR s.state <> 'trial')`)).toBe(0);
    expect(await db.value(`
      SELECT count(*) FROM (SELECT valid_to, lead(valid_from) OVER w AS next_from, lead(state) OVER w AS next_state, state FROM subscription WINDOW w AS (PARTITION BY account_id ORDER BY episode_index))
      WHERE (next_from IS NOT NULL AND (valid_to IS DISTINCT FROM next_from OR next_state = state)) OR (next_from IS NULL AND valid_to IS NOT NULL)`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM subscription WHERE valid_to <= valid_from`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM subscription WHERE state = 'churned' AND valid_to IS NOT NULL`)).toBe(0);
  });

  it('episodes and periods of the same model agree (periods collapse into the episodes)', async () => {
    const mismatch = await db.value(`
      WITH runs AS (SELECT account_id, state, period_start, CASE WHEN state IS DISTINCT FROM lag(state) OVER (PARTITION BY account_id ORDER BY period_index) THEN 1 ELSE 0 END AS new_run FROM subscription_month),
      starts AS (SELECT account_id, state, period_start AS valid_from FROM runs WHERE new_run = 1)
      SELECT count(*) FROM (SELECT account_id, state, valid_from FROM starts EXCEPT SELECT account_id, state, valid_from FROM subscription
                            UNION ALL SELECT account_id, state, valid_from FROM subscription EXCEPT SELECT account_id, state, valid_from FROM starts)`);
    expect(mismatch).toBe(0);
  });

  it('amounts follow the state multipliers, so MRR is derivable by SQL', async () => {
    const r = await db.rows(`SELECT state, min(mrr) AS lo, max(mrr) AS hi FROM subscription_month GROUP BY 1 ORDER BY 1`);
    const by = Object.fromEntries(r.map((x) => [x.state, x]));
    expect(by.trial).toMatchObject({ lo: 0, hi: 0 });
    expect(by.active).toMatchObject({ lo: 20, hi: 20 });
    expect(by.upgraded).toMatchObject({ lo: 50, hi: 50 });
    const mrr = await db.rows(`SELECT date_trunc('month', period_start) AS month, sum(mrr) AS mrr FROM subscription_month GROUP BY 1 ORDER BY 1`);
    expect(mrr.length).toBeGreaterThan(40);
    expect(mrr.some((m) => m.mrr > 0)).toBe(true);
  });

  it('is identical for any chunk size', async () => {
    const small = await generate(spec, { chunkRows: 5 });
    try {
      for (const t of ['subscription', 'subscription_month', 'membership']) expect(await small.db.checksum(t), t).toBe(await db.checksum(t));
    } finally {
      small.db.close();
    }
  });
});
