import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, generate } from '../support/run-spec.ts';

/*
 * Issue 22 §8(a): monthly state changes without the month-end pile-up. Relationships start on every day of a
 * year; their monthly changes must spread evenly over the days of the month (calendar months clamped to the
 * month's end showed February 28 at ×4 and the 30th at ×2).
 */
const spec = {
  version: '1.0', metadata: { name: 'anniversaries' }, constraints: {}, seed: 21,
  timeframe: { start: '2021-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'D' },
  nodes: [
    {
      id: 'account', kind: 'entity', pk: 'account_id', rows: 30000,
      columns: [
        { name: 'account_id', type: 'int', generator: { sequence: {} } },
        { name: 'signup_at', type: 'datetime', generator: { datetime_series: { within: { start: '2021-01-01T00:00:00Z', end: '2021-12-31T00:00:00Z' }, freq: 'D' } } },
      ],
    },
    {
      id: 'subscription', kind: 'fact', pk: 'episode_id', parents: ['account'],
      state_transition_model: {
        initial_state: 'active', period_unit: 'month', emit: 'episodes',
        states: {
          active: { transition_prob_per_period: 0.2, next_states: { paused: 0.8, churned: 0.2 } },
          paused: { transition_prob_per_period: 0.5, next_states: { active: 1 } },
          churned: { terminal: true },
        },
      },
      columns: [{ name: 'episode_id', type: 'int', generator: { sequence: {} } }, { name: 'account_id', type: 'int', generator: { lookup: { from: 'account.account_id' } } }],
    },
  ],
};

const ratio = (counts: number[]) => {
  const s = [...counts].sort((a, b) => a - b);
  return s[s.length - 1] / s[Math.floor(s.length / 2)];
};

describe('monthly anniversaries (issue 22 §8a)', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  // Changes from 2022 on (every start day of 2021 has reached its anniversaries), per calendar occurrence of the day.
  const changes = `SELECT valid_from AS t FROM subscription WHERE episode_index > 0 AND valid_from >= TIMESTAMP '2022-01-01'`;

  it('state changes spread evenly over the days of the month (max/median ≤ 1.15)', async () => {
    const rows = await db.rows(`
      WITH c AS (${changes}),
      days AS (SELECT day(d) AS dom, count(*) AS occurrences FROM range(DATE '2022-01-01', DATE '2025-01-01', INTERVAL 1 DAY) r(d) GROUP BY 1)
      SELECT dom, count(c.t) / any_value(occurrences) AS per_day FROM days LEFT JOIN c ON day(c.t) = dom GROUP BY dom ORDER BY dom`);
    expect(rows).toHaveLength(31);
    const total = Number(await db.value(`SELECT count(*) FROM (${changes})`));
    expect(total).toBeGreaterThan(100_000);
    expect(ratio(rows.map((r) => Number(r.per_day)))).toBeLessThanOrEqual(1.15);
    // No day is starved either (the last days of the month get their share).
    const s = rows.map((r) => Number(r.per_day)).sort((a, b) => a - b);
    expect(s[0] / s[15]).toBeGreaterThanOrEqual(0.87);
  });

  it('within February and within 30-day months there is no month-end spike (max/median ≤ 1.25)', async () => {
    for (const months of [[2], [4, 6, 9, 11]]) {
      const rows = await db.rows(`WITH c AS (${changes}) SELECT day(t) AS dom, count(*) AS n FROM c WHERE month(t) IN (${months.join(', ')}) AND day(t) <= 28 GROUP BY 1 ORDER BY 1`);
      expect(rows).toHaveLength(28);
      expect(ratio(rows.map((r) => Number(r.n))), `months ${months}`).toBeLessThanOrEqual(1.25);
    }
  });

  it('a relationship keeps its time of day and its changes stay within three days of the calendar anniversary', async () => {
    const r = (await db.rows(`
      SELECT count(*) FILTER (WHERE abs(datediff('day', a.signup_at + to_months(CAST(round(datediff('day', a.signup_at, s.valid_from) / 30.436875) AS INTEGER)), s.valid_from)) > 3) AS far,
             count(*) FILTER (WHERE strftime(s.valid_from, '%H:%M:%S') <> strftime(a.signup_at, '%H:%M:%S')) AS off_clock, count(*) AS n
      FROM subscription s JOIN account a USING (account_id)`))[0];
    expect(Number(r.n)).toBeGreaterThan(100_000);
    expect(Number(r.far)).toBe(0);
    expect(Number(r.off_clock)).toBe(0);
  });
});
