/*
 * examples/spendsense.json (issue 15, "The seed as an example"): the persona-based transactions seed with its five
 * presets and the default mix. For each, the declared shares and per-persona behaviour are checked with SQL within
 * statistical tolerances (4.5 binomial SE), and `validate` with the preset scores 100.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/validate/validate.ts';
import { compile } from '../../src/plan/compile.ts';
import { Db, EXAMPLES_DIR, generate, readJson } from '../support/run-spec.ts';

const SPEC = readJson(new URL('spendsense.json', EXAMPLES_DIR));
const N = 1500;
const SET = { 'params.n_users': N, 'params.transactions_per_user': 10 };
const PERSONAS = ['high_utilization', 'variable_income', 'subscription_heavy', 'savings_builder', 'general'];

/** The parameters a preset gives (the spec's, patched). */
function paramsOf(preset: string | undefined): Record<string, any> {
  return { ...SPEC.params, ...(preset ? SPEC.presets[preset].params : {}), n_users: N, transactions_per_user: 10 };
}

/** |observed − expected| within 4.5 binomial SE of n trials. */
function near(observed: number, expected: number, n: number, what: string): void {
  const se = Math.sqrt((expected * (1 - expected)) / n);
  expect(Math.abs(observed - expected), `${what}: ${observed} vs ${expected} (n ${n})`).toBeLessThanOrEqual(4.5 * se + 1e-9);
}

describe('examples/spendsense.json', () => {
  it('lists its five presets, and the persona shares of every preset sum to 1', () => {
    expect(Object.keys(SPEC.presets)).toEqual(['high_utilization_focus', 'variable_income_focus', 'subscription_heavy_focus', 'savings_builder_focus', 'overlap_testing']);
    for (const preset of [undefined, ...Object.keys(SPEC.presets)]) {
      const p = paramsOf(preset);
      expect(PERSONAS.reduce((a, k) => a + p[`share_${k}`], 0), String(preset)).toBeCloseTo(1, 9);
      expect(compile(SPEC, { preset }).diagnostics, String(preset)).toEqual([]);
    }
  });

  for (const preset of [undefined, ...Object.keys(readJson(new URL('spendsense.json', EXAMPLES_DIR)).presets)]) {
    describe(preset ?? 'default mix', () => {
      const p = paramsOf(preset);
      let db: Db;
      let users: Map<string, number>;
      beforeAll(async () => {
        ({ db } = await generate(SPEC, { preset, set: SET }));
        users = new Map((await db.rows(`SELECT persona, count(*) AS n FROM users GROUP BY 1`)).map((r) => [r.persona, r.n]));
      });
      afterAll(() => db.close());

      it('draws the personas with the declared shares', () => {
        for (const k of PERSONAS) near((users.get(k) ?? 0) / N, p[`share_${k}`], N, k);
      });

      it('gives every user a checking and a savings account and 0–2 credit cards with the declared shares', async () => {
        expect(await db.rows(`SELECT DISTINCT list(account_type ORDER BY account_type) AS t FROM accounts GROUP BY user_id`)).toEqual([{ t: ['checking', 'savings'] }]);
        const cards = new Map((await db.rows(`SELECT k, count(*) AS n FROM (SELECT u.user_id, count(c.card_id) AS k FROM users u LEFT JOIN credit_cards c USING (user_id) GROUP BY 1) GROUP BY 1`)).map((r) => [r.k, r.n]));
        expect([...cards.keys()].every((k) => k >= 0 && k <= 2)).toBe(true);
        p.credit_card_count_weights.forEach((w: number, k: number) => near((cards.get(k) ?? 0) / N, w, N, `${k} cards`));
      });

      it('puts high-utilisation users\' cards in the high and critical buckets, the others\' by the declared shares', async () => {
        const by = await db.rows(`SELECT u.persona = 'high_utilization' AS strained, c.utilization_bucket AS b, count(*) AS n FROM credit_cards c JOIN users u USING (user_id) GROUP BY ALL`);
        const count = (strained: boolean, b: string) => by.find((r) => r.strained === strained && r.b === b)?.n ?? 0;
        const total = (strained: boolean) => by.filter((r) => r.strained === strained).reduce((a, r) => a + r.n, 0);
        if (total(true) > 0) {
          expect(count(true, 'low') + count(true, 'medium')).toBe(0);
          near(count(true, 'high') / total(true), p.high_utilization_shares[0], total(true), 'strained high');
        }
        if (total(false) > 0) ['low', 'medium', 'high', 'critical'].forEach((b, i) => near(count(false, b) / total(false), p.utilization_shares[i], total(false), `bucket ${b}`));
        // Utilisation agrees with its bucket; overdue only in high/critical, at the declared rate; minimum-payment-only at its own.
        expect(await db.value(`SELECT count(*) FROM credit_cards WHERE NOT CASE utilization_bucket WHEN 'low' THEN utilization <= 0.3 WHEN 'medium' THEN utilization BETWEEN 0.3 AND 0.5 WHEN 'high' THEN utilization BETWEEN 0.5 AND 0.8 ELSE utilization >= 0.8 END`)).toBe(0);
        const od = (await db.rows(`SELECT count(*) FILTER (WHERE is_overdue) AS o, count(*) AS n, count(*) FILTER (WHERE is_overdue AND utilization_bucket IN ('low', 'medium')) AS wrong FROM credit_cards WHERE true`))[0];
        expect(od.wrong).toBe(0);
        const risky = await db.value(`SELECT count(*) FROM credit_cards WHERE utilization_bucket IN ('high', 'critical')`);
        near(od.o / risky, p.overdue_probability, risky, 'overdue among high/critical');
        const mp = (await db.rows(`SELECT avg(min_payment_only::INT) AS s, count(*) AS n FROM credit_cards`))[0];
        near(mp.s, p.min_payment_only_probability, mp.n, 'minimum payment only');
      });

      it('gives subscription-heavy users 3–6 subscriptions and the others 0–2 by the declared weights', async () => {
        const rows = await db.rows(`SELECT u.persona = 'subscription_heavy' AS heavy, count(s.subscription_id) AS k FROM users u LEFT JOIN subscriptions s USING (user_id) GROUP BY u.user_id, heavy`);
        const heavy = rows.filter((r) => r.heavy);
        expect(heavy.every((r) => r.k >= 3 && r.k <= 6)).toBe(true);
        const light = rows.filter((r) => !r.heavy);
        expect(light.every((r) => r.k <= 2)).toBe(true);
        if (light.length) p.subscription_count_weights.forEach((w: number, k: number) => near(light.filter((r) => r.k === k).length / light.length, w, light.length, `${k} subscriptions`));
      });

      it('pays each user on their own schedule: weekly and biweekly Fridays, the last business day, or irregularly for variable income', async () => {
        const tables = { weekly: 'weekly_pay', biweekly: 'biweekly_pay', monthly: 'monthly_pay', irregular: 'irregular_pay' };
        for (const [pattern, table] of Object.entries(tables)) {
          // Only users of that pattern are paid there, and every one of them is.
          const r = (await db.rows(`SELECT count(*) FILTER (WHERE u.pay_pattern <> '${pattern}') AS wrong, count(DISTINCT p.user_id) AS paid FROM ${table} p JOIN users u USING (user_id)`))[0];
          expect(r.wrong, table).toBe(0);
          expect(r.paid, table).toBe(await db.value(`SELECT count(*) FROM users WHERE pay_pattern = '${pattern}'`));
        }
        expect(await db.value(`SELECT count(*) FROM users WHERE (pay_pattern = 'irregular') <> (persona = 'variable_income')`)).toBe(0);
        expect(await db.rows(`SELECT DISTINCT dayofweek(paid_at) AS d FROM (SELECT paid_at FROM weekly_pay UNION ALL SELECT paid_at FROM biweekly_pay)`)).toEqual([{ d: 5 }]);
        expect(await db.value(`SELECT count(*) FROM (SELECT paid_at - lag(paid_at) OVER (PARTITION BY user_id ORDER BY paid_at) AS g FROM biweekly_pay) WHERE g <> INTERVAL 14 DAY`)).toBe(0);
        // Monthly: the month's last weekday.
        expect(await db.value(`SELECT count(*) FROM monthly_pay WHERE CAST(paid_at AS DATE) <> last_day(paid_at) - INTERVAL (CASE dayofweek(last_day(paid_at)) WHEN 6 THEN 1 WHEN 0 THEN 2 ELSE 0 END) DAY`)).toBe(0);
        // Non-variable users split into weekly / biweekly / monthly by the declared shares.
        const fixed = N - (users.get('variable_income') ?? 0);
        if (fixed > 0) {
          for (const [i, pat] of ['weekly', 'biweekly', 'monthly'].entries()) near((await db.value(`SELECT count(*) FROM users WHERE pay_pattern = '${pat}'`)) / fixed, p.payroll_shares[i], fixed, pat);
        }
      });

      it('makes savings builders and a share of the others transfer monthly', async () => {
        expect(await db.value(`SELECT count(*) FROM users WHERE persona = 'savings_builder' AND NOT is_saver`)).toBe(0);
        const others = (await db.rows(`SELECT avg(is_saver::INT) AS s, count(*) AS n FROM users WHERE persona <> 'savings_builder'`))[0];
        if (others.n > 0) near(others.s, p.savings_adoption_rate, others.n, 'savings adoption');
        const r = (await db.rows(`SELECT count(*) FILTER (WHERE NOT u.is_saver) AS wrong, count(DISTINCT t.user_id) AS savers FROM savings_transfers t JOIN users u USING (user_id)`))[0];
        expect(r.wrong).toBe(0);
        expect(r.savers).toBe(await db.value(`SELECT count(*) FROM users WHERE is_saver`));
      });

      it('scores 100 in validate with the preset', async () => {
        const report = await validate(SPEC, db.file, { preset, set: SET });
        expect(report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.check} ${c.table} ${c.message}`)).toEqual([]);
        expect(report.score).toBe(100);
      });
    });
  }
});
