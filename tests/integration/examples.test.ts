import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, EXAMPLES_DIR, generate, readJson } from '../support/run-spec.ts';
import { clampedNormalMean, normalCdf, normalise, shareSE } from '../support/stats.ts';

/* Each example is generated once and its declared behaviour is checked with tolerances derived from
 * the sample size (usually 5 standard errors, so a correct generator fails with p < 1e-6). */

describe('examples/quickstart.json', () => {
  const spec = readJson(new URL('quickstart.json', EXAMPLES_DIR));
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('users: row count, clamped normal age, country weights', async () => {
    const n = await db.value('SELECT count(*) FROM users');
    expect(n).toBe(20000);
    const age = await db.value('SELECT avg(age) FROM users');
    expect(Math.abs(age - clampedNormalMean(36, 11, 18, 90))).toBeLessThan((5 * 11) / Math.sqrt(n));
    const shares = await db.rows('SELECT country, count(*) / 20000 AS s FROM users GROUP BY 1');
    const want: Record<string, number> = { US: 0.4, UK: 0.2, DE: 0.2, FR: 0.1, ES: 0.1 };
    for (const r of shares) expect(Math.abs(r.s - want[r.country])).toBeLessThan(5 * shareSE(want[r.country], n));
  });

  /**
   * Lifetimes (docs/behaviours/lifetimes.md): a user's events fall after signed_up_at, on the hourly grid with
   * weight w(t) = dow weight × hour weight, and their expected number is 12 × the user's exposure
   * Σ_{t ≥ signup} w(t) / Σ_t w(t). Computed here from the grid and the users' signup times alone.
   */
  async function exposureModel() {
    const ev = spec.nodes[1].columns[2];
    const dowW: number[] = ev.generator.datetime_series.pattern.weights;
    const hourW: number[] = ev.modifiers[0].args.weights;
    const grid: { t: number; w: number; dow: number; hour: number }[] = [];
    for (let t = Date.UTC(2025, 0, 1); t <= Date.UTC(2025, 5, 30, 23, 59, 59); t += 3_600_000) {
      const d = new Date(t);
      const dow = (d.getUTCDay() + 6) % 7;
      grid.push({ t, w: dowW[dow] * hourW[d.getUTCHours()], dow, hour: d.getUTCHours() });
    }
    const signups = (await db.rows('SELECT epoch_ms(signed_up_at) AS s FROM users ORDER BY 1')).map((r) => Number(r.s));
    const total = grid.reduce((a, g) => a + g.w, 0);
    // alive(t): users signed up at or before t (signups sorted, grid ascending).
    let k = 0;
    let exposure = 0;
    const dow = new Array(7).fill(0);
    const hour = new Array(24).fill(0);
    for (const g of grid) {
      while (k < signups.length && signups[k] <= g.t) k++;
      exposure += (g.w * k) / total;
      dow[g.dow] += g.w * k;
      hour[g.hour] += g.w * k;
    }
    return { expected: 12 * exposure, dow: normalise(dow), hour: normalise(hour) };
  }

  it('events: Poisson(12) per user over the whole window, scaled by each user\'s exposure after signing up; FK integrity', async () => {
    const n = await db.value('SELECT count(*) FROM events');
    const m = await exposureModel();
    expect(m.expected).toBeLessThan(0.7 * 12 * 20000); // the lifetimes really shorten the exposure
    expect(Math.abs(n - m.expected)).toBeLessThan(5 * Math.sqrt(m.expected));
    expect(await db.value('SELECT count(*) FROM events e JOIN users u USING (user_id) WHERE e.occurred_at < u.signed_up_at')).toBe(0);
    expect(await db.value('SELECT count(*) FROM events e ANTI JOIN users u USING (user_id)')).toBe(0);
    expect(await db.value('SELECT count(*) FROM events e JOIN users u USING (user_id) WHERE e.user_plan <> u.plan')).toBe(0);
  });

  it('events: dow pattern and hour seasonality (blurred by the 20-minute time_jitter) hold, weighted by the users alive', async () => {
    const n = await db.value('SELECT count(*) FROM events');
    const m = await exposureModel();
    // Jitter across midnight is < 0.3% of mass at these night weights.
    const dow = await db.rows('SELECT isodow(occurred_at) - 1 AS d, count(*) AS c FROM events GROUP BY 1');
    for (const r of dow) expect(Math.abs(r.c / n - m.dow[r.d])).toBeLessThan(5 * shareSE(m.dow[r.d], n) + 0.002);
    // Grid points sit on the hour; a N(0, 20 min) shift lands k hours later with P(k·60 ≤ s < (k+1)·60).
    const p = (k: number) => normalCdf(((k + 1) * 60) / 20) - normalCdf((k * 60) / 20);
    const w = m.hour;
    const hourExp = w.map((_, h) => [-2, -1, 0, 1].reduce((a, k) => a + w[(h - k + 24) % 24] * p(k), 0));
    const hours = await db.rows('SELECT hour(occurred_at) AS h, count(*) AS c FROM events GROUP BY 1');
    for (const r of hours) expect(Math.abs(r.c / n - hourExp[r.h])).toBeLessThan(5 * shareSE(hourExp[r.h], n) + 0.002);
  });

  it('events: lognormal duration has the declared log-mean and log-sd', async () => {
    const r = (await db.rows('SELECT avg(ln(duration_s)) AS m, stddev_samp(ln(duration_s)) AS s, count(*) AS n FROM events WHERE duration_s > 1 AND duration_s < 3600'))[0];
    expect(Math.abs(r.m - 3.2)).toBeLessThan((5 * 0.9) / Math.sqrt(r.n) + 0.005);
    expect(Math.abs(r.s - 0.9)).toBeLessThan(0.02);
  });
});

describe('examples/shop_promotions.json', () => {
  const spec = readJson(new URL('shop_promotions.json', EXAMPLES_DIR));
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());
  const inPromo = 'EXISTS (SELECT 1 FROM promotions p WHERE o.ordered_at BETWEEN p.starts_at AND p.ends_at)';

  it('table-level effect: order volume per hour inside each promotion window ≈ its volume_lift × the baseline', async () => {
    const base = await db.value(`SELECT count(*) / (SELECT 731 * 24 - sum(epoch(ends_at - starts_at)) / 3600 FROM promotions) FROM orders o WHERE NOT ${inPromo}`);
    const rows = await db.rows('SELECT p.name, p.volume_lift AS lift, count(*) / (epoch(p.ends_at - p.starts_at) / 3600) AS per_hour FROM promotions p JOIN orders o ON o.ordered_at BETWEEN p.starts_at AND p.ends_at GROUP BY p.name, p.volume_lift, p.starts_at, p.ends_at');
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(Math.abs(r.per_hour / base / r.lift - 1)).toBeLessThan(0.1);
  });

  it('fanout mean = NB mean × time-average of the effect', async () => {
    const avgLift = await db.value('SELECT 1 + sum((volume_lift - 1) * epoch(ends_at - starts_at)) / (731 * 86400) FROM promotions');
    const mean = await db.value('SELECT count(*) / 5000 FROM orders');
    expect(Math.abs(mean - 10 * avgLift)).toBeLessThan(5 * Math.sqrt((10 + 100 / 3) / 5000) * avgLift);
  });

  it('trend: log(amount / month weight) grows by ln(1.25) a year outside promotions', async () => {
    const mw: number[] = spec.nodes[2].columns[4].modifiers[1].args.weights;
    const slope = await db.value(`SELECT regr_slope(ln(amount / ([${mw.join(',')}])[month(ordered_at)]), epoch(ordered_at - TIMESTAMP '2024-01-01') / (365.25 * 86400))
      FROM orders o WHERE NOT ${inPromo} AND order_id NOT IN (SELECT row_key::BIGINT FROM _labels)`);
    expect(Math.abs(slope - Math.log(1.25))).toBeLessThan(0.02);
  });

  it('column effect: amounts inside a window are scaled by its price_factor', async () => {
    const rows = await db.rows(`SELECT p.price_factor AS f, avg(o.amount / power(1.25, epoch(o.ordered_at - TIMESTAMP '2024-01-01') / (365.25 * 86400))) AS m
      FROM promotions p JOIN orders o ON o.ordered_at BETWEEN p.starts_at AND p.ends_at WHERE o.order_id NOT IN (SELECT row_key::BIGINT FROM _labels) GROUP BY ALL`);
    // gamma(4, 15) has mean 60 and cv 0.5; month weights of the windows are 1.0 except Nov/Dec (1.2–1.4) and Jan (0.9)
    for (const r of rows) expect(r.m / r.f).toBeGreaterThan(50), expect(r.m / r.f).toBeLessThan(90);
    const spring = await db.value(`SELECT avg(o.amount / power(1.25, epoch(o.ordered_at - TIMESTAMP '2024-01-01') / (365.25 * 86400))) FROM orders o JOIN promotions p ON p.name = 'Spring Sale' AND o.ordered_at BETWEEN p.starts_at AND p.ends_at WHERE o.order_id NOT IN (SELECT row_key::BIGINT FROM _labels)`);
    expect(Math.abs(spring / (60 * 0.85) - 1)).toBeLessThan(0.06);
  });

  it('outliers: about 0.2% of orders, each labelled with its true before/after values', async () => {
    const n = await db.value('SELECT count(*) FROM orders');
    const labels = await db.rows(`SELECT l.*, o.amount FROM _labels l JOIN orders o ON o.order_id = l.row_key::BIGINT WHERE l."table" = 'orders' AND l."column" = 'amount'`);
    // shipping = if(amount > 100, 0, 4.99) follows a changed amount: those cells are labelled too, with the same decision
    const follow = await db.rows(`SELECT l.*, o.shipping FROM _labels l JOIN orders o ON o.order_id = l.row_key::BIGINT WHERE l."table" = 'orders' AND l."column" <> 'amount'`);
    expect(follow.length).toBeGreaterThan(0);
    for (const f of follow) expect([f.column, f.kind, f.observed, f.expected, f.description.endsWith('(follows amount)')]).toEqual(['shipping', 'outlier_spike', f.shipping, 4.99, true]);
    expect(Math.abs(labels.length - 0.002 * n)).toBeLessThan(5 * Math.sqrt(0.002 * n));
    for (const l of labels) {
      expect(l.kind).toBe('outlier_spike');
      expect(l.magnitude).toBeGreaterThanOrEqual(5);
      expect(l.magnitude).toBeLessThanOrEqual(10);
      expect(l.observed).toBeCloseTo(l.expected * (1 + l.magnitude), 6);
      expect(l.amount).toBeCloseTo(l.observed, 6);
    }
  });

  it('dow seasonality on the datetime column weights the draw', async () => {
    const r = await db.rows(`SELECT isodow(ordered_at) AS d, count(*) AS c FROM orders o WHERE NOT ${inPromo} GROUP BY 1 ORDER BY 1`);
    // 2024-01-01 … 2025-12-31 has 105 Mondays and 104 Saturdays
    expect(Math.abs(r[5].c / r[0].c / ((1.3 * 104) / (0.9 * 105)) - 1)).toBeLessThan(5 * Math.sqrt(1 / r[5].c + 1 / r[0].c));
  });
});

describe('examples/catalog_sales.json', () => {
  const spec = readJson(new URL('catalog_sales.json', EXAMPLES_DIR));
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('vocab node has exactly its enum_list rows; products draw categories from it and look margins up by key', async () => {
    expect(await db.value('SELECT count(*) FROM categories')).toBe(5);
    expect(await db.value('SELECT count(*) FROM products p ANTI JOIN categories c USING (category)')).toBe(0);
    expect(await db.value('SELECT count(*) FROM products p JOIN categories c USING (category) WHERE p.margin <> c.margin')).toBe(0);
  });

  it('lookups from one non-primary table share one picked row per sale', async () => {
    expect(await db.value('SELECT count(*) FROM sales s JOIN products p USING (product_id) WHERE s.unit_price <> p.base_price OR s.margin <> p.margin')).toBe(0);
  });

  it('weights_by: sales per product follow popularity', async () => {
    const n = await db.value('SELECT count(*) FROM sales');
    const top = await db.rows(`WITH r AS (SELECT product_id, popularity, ntile(10) OVER (ORDER BY popularity DESC) AS decile FROM products)
      SELECT sum(popularity) FILTER (WHERE decile = 1) / sum(popularity) AS want, (SELECT count(*) FROM sales s JOIN r USING (product_id) WHERE r.decile = 1) / ${n} AS got FROM r`);
    expect(Math.abs(top[0].got - top[0].want)).toBeLessThan(5 * shareSE(top[0].want, n));
  });

  it('expressions compute money columns, booleans from date parts and parent values', async () => {
    expect(await db.value('SELECT max(abs(revenue - round(quantity * unit_price * (1 - discount), 2))) FROM sales')).toBeLessThan(1e-9);
    expect(await db.value('SELECT max(abs(cost - round(quantity * unit_price * (1 - margin), 2))) FROM sales')).toBeLessThan(1e-9);
    expect(await db.value('SELECT count(*) FROM sales WHERE is_weekend <> (isodow(sold_at) >= 6)')).toBe(0);
    expect(await db.value(`SELECT count(*) FROM sales s JOIN stores t USING (store_id) WHERE s.size_bonus <> CASE WHEN t.size = 'large' THEN 1.1 ELSE 1.0 END`)).toBe(0);
  });

  it('month pattern and Poisson(1500) fanout per store', async () => {
    const n = await db.value('SELECT count(*) FROM sales');
    expect(Math.abs(n / 60 - 1500)).toBeLessThan(5 * Math.sqrt(1500 / 60));
    const r = await db.rows('SELECT month(sold_at) AS m, count(*) AS c FROM sales GROUP BY 1 ORDER BY 1');
    const ratio = r[11].c / r[3].c / ((1.6 * 31) / (1.0 * 30));
    expect(Math.abs(ratio - 1)).toBeLessThan(5 * Math.sqrt(1 / r[11].c + 1 / r[3].c));
  });
});

describe('examples/saas_onboarding.json', () => {
  const spec = readJson(new URL('saas_onboarding.json', EXAMPLES_DIR));
  const account = spec.nodes[0];
  const shares: Record<string, number> = Object.fromEntries(Object.entries<any>(account.segment_behavior.segments).map(([k, v]) => [k, v.base_probability]));
  const beh: Record<string, any> = account.segment_behavior.behaviors;
  const stages: any[] = spec.nodes[1].stage_config.stages;
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('tier is defined by the segments block (added column, declared shares ±5 SE)', async () => {
    const rows = await db.rows('SELECT tier, count(*) / 20000 AS s FROM account GROUP BY 1');
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(Math.abs(r.s - shares[r.tier])).toBeLessThan(5 * shareSE(shares[r.tier], 20000));
  });

  it('usage per account and seats per usage row stand in the tier multipliers (±10%)', async () => {
    const rows = await db.rows('SELECT a.tier, count(u.usage_id) / count(DISTINCT a.account_id) AS per, avg(u.seats_used) AS seats FROM account a LEFT JOIN usage_day u USING (account_id) GROUP BY 1');
    const by = Object.fromEntries(rows.map((r) => [r.tier, r]));
    for (const t of ['team', 'enterprise']) {
      expect(Math.abs(by[t].per / by.free.per / (beh[t].fanout_multiplier / beh.free.fanout_multiplier) - 1)).toBeLessThan(0.1);
      expect(Math.abs(by[t].seats / by.free.seats / (beh[t].value_multiplier / beh.free.value_multiplier) - 1)).toBeLessThan(0.1);
    }
  });

  it('onboarding: stage conversion per tier = min(1, rate × multiplier) ±3 points (accounts that signed up before November)', async () => {
    const mult: Record<string, number> = { free: beh.free.transition_multiplier, team: beh.team.transition_multiplier, enterprise: spec.nodes[1].stage_config.segment_variation.enterprise.transition_multiplier };
    const rows = await db.rows(`SELECT a.tier, o.stage_index AS k, count(*) AS n FROM onboarding_step o JOIN account a USING (account_id) WHERE a.signed_up_at < TIMESTAMP '2024-11-01' GROUP BY 1, 2 ORDER BY 1, 2`);
    for (const tier of Object.keys(mult)) {
      const n = rows.filter((r) => r.tier === tier).map((r) => r.n);
      for (let k = 1; k < stages.length; k++) {
        // Stage 3's gamma delay (mean 3 days) is censored for late sign-ups only; the window above excludes them.
        if (n[k - 1] < 500) continue;
        expect(Math.abs(n[k] / n[k - 1] - Math.min(1, stages[k].transition_rate * mult[tier]))).toBeLessThan(0.03);
      }
    }
  });

  it('usage never precedes the signup and follows the signup-cohort decay', async () => {
    expect(await db.value('SELECT count(*) FROM usage_day u JOIN account a USING (account_id) WHERE u.used_at < a.signed_up_at')).toBe(0);
    const curve: number[] = account.vintage_behavior.age_based_multipliers.usage_decay.curve;
    const rows = await db.rows(`
      WITH p AS (SELECT floor((epoch(u.used_at) - epoch(a.signed_up_at)) / 2629800)::INT AS k, a.signed_up_at FROM usage_day u JOIN account a USING (account_id))
      SELECT k, count(*) AS n, count(*) / any_value((SELECT count(*) FROM account WHERE epoch(signed_up_at) <= epoch(TIMESTAMP '2024-12-31 23:59:59') - (k + 1) * 2629800)) AS per
      FROM p WHERE epoch(signed_up_at) <= epoch(TIMESTAMP '2024-12-31 23:59:59') - (k + 1) * 2629800 AND k < 8 GROUP BY k ORDER BY k`);
    for (const r of rows.filter((x) => x.n >= 500)) expect(Math.abs(r.per / rows[0].per / curve[r.k] - 1)).toBeLessThan(0.1);
  });
});

describe('examples/subscription_box_cohorts.json', () => {
  const spec = readJson(new URL('subscription_box_cohorts.json', EXAMPLES_DIR));
  const beh: Record<string, any> = spec.nodes[0].segment_behavior.behaviors;
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('gift recipients (a non-primary parent) are picked ∝ fanout_multiplier; their basket value scaled by value_multiplier (±10%)', async () => {
    const rows = await db.rows(`SELECT c.spend_segment AS s, count(g.gift_id) / count(DISTINCT c.customer_id) AS per, avg(g.basket_value) AS v FROM customer c LEFT JOIN gift_order g ON g.recipient_id = c.customer_id GROUP BY 1`);
    const by = Object.fromEntries(rows.map((r) => [r.s, r]));
    for (const s of ['premium', 'bargain']) {
      expect(Math.abs(by[s].per / by.regular.per / beh[s].fanout_multiplier - 1)).toBeLessThan(0.1);
      expect(Math.abs(by[s].v / by.regular.v / beh[s].value_multiplier - 1)).toBeLessThan(0.1);
    }
  });

  it('basket values stay inside the declared range although segments and age scale them', async () => {
    const r = (await db.rows('SELECT min(basket_value) AS lo, max(basket_value) AS hi FROM box_order'))[0];
    expect(r.lo).toBeGreaterThanOrEqual(1);
    expect(r.hi).toBeLessThanOrEqual(2000);
  });

  it('orders never precede the customer joining; bargain hunters decay faster than premium customers', async () => {
    expect(await db.value('SELECT count(*) FROM box_order o JOIN customer c USING (customer_id) WHERE o.ordered_at < c.joined_at')).toBe(0);
    // Share of a customer's orders in months 3–5 of age relative to month 0, among customers observable that long.
    const rows = await db.rows(`
      WITH c AS (SELECT customer_id, spend_segment, joined_at FROM customer WHERE joined_at < TIMESTAMP '2024-06-01'),
      p AS (SELECT c.spend_segment AS s, floor((epoch(o.ordered_at) - epoch(c.joined_at)) / 2629800)::INT AS k FROM box_order o JOIN c USING (customer_id))
      SELECT s, count(*) FILTER (WHERE k BETWEEN 3 AND 5) / count(*) FILTER (WHERE k = 0) AS late FROM p GROUP BY 1`);
    const late = Object.fromEntries(rows.map((r) => [r.s, r.late]));
    expect(late.bargain).toBeLessThan(late.regular);
    expect(late.regular).toBeLessThan(late.premium);
  });
});

describe('examples/saas_subscriptions.json', () => {
  const spec = readJson(new URL('saas_subscriptions.json', EXAMPLES_DIR));
  const churn: Record<string, number> = Object.fromEntries(Object.entries<any>(spec.nodes[0].segment_behavior.behaviors).map(([k, v]) => [k, v.churn_multiplier]));
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('episodes and account-months describe the same subscriptions; MRR = basic 29 + pro 99 per live month', async () => {
    const r = (await db.rows(`SELECT count(*) FILTER (WHERE state = 'basic') AS basic, count(*) FILTER (WHERE state = 'pro') AS pro, sum(mrr) AS mrr FROM account_month`))[0];
    expect(r.mrr).toBeCloseTo(29 * r.basic + 99 * r.pro, 6);
    const mismatch = await db.value(`
      WITH runs AS (SELECT account_id, state, period_start, state IS DISTINCT FROM lag(state) OVER (PARTITION BY account_id ORDER BY period_index) AS new_run FROM account_month)
      SELECT count(*) FROM (SELECT account_id, state, period_start FROM runs WHERE new_run EXCEPT SELECT account_id, state, valid_from FROM subscription)`);
    expect(mismatch).toBe(0);
  });

  it('monthly churn hazard of paying accounts stands in the tier churn multipliers (±10%)', async () => {
    const rows = await db.rows(`
      WITH p AS (SELECT a.tier, m.state AS s, lead(m.state) OVER (PARTITION BY m.account_id ORDER BY m.period_index) AS t FROM account_month m JOIN account a USING (account_id))
      SELECT tier, count(*) FILTER (WHERE t = 'churned') / count(*) AS hazard, count(*) AS n FROM p WHERE s = 'basic' AND t IS NOT NULL GROUP BY 1`);
    const by = Object.fromEntries(rows.map((r) => [r.tier, r.hazard]));
    // basic: leaves with 0.08, to churned with share 0.65 → hazard 0.052 × multiplier
    for (const t of Object.keys(churn)) expect(Math.abs(by[t] / (0.08 * 0.65 * churn[t]) - 1)).toBeLessThan(0.1);
  });
});

describe('examples/marketing_attribution.json', () => {
  const spec = readJson(new URL('marketing_attribution.json', EXAMPLES_DIR));
  const chain = spec.nodes[2].attribution_chain;
  const curve = (n: number) => Math.min(1, chain.conversion_probability.base * chain.conversion_probability.multiplier_per_touch ** (Math.min(n, chain.conversion_probability.saturation_at) - 1));
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('touchpoints and conversions describe the same journeys; every touch lies in the 21 days before its conversion', async () => {
    expect(await db.value(`SELECT count(*) FROM touchpoint WHERE converted AND (touch_at > converted_at OR touch_at < converted_at - INTERVAL 21 DAY)`)).toBe(0);
    const mismatch = await db.value(`
      WITH t AS (SELECT journey_id, customer_id, converted_at, count(*) AS touch_count FROM touchpoint WHERE converted GROUP BY ALL)
      SELECT (SELECT count(*) FROM (SELECT * FROM t EXCEPT SELECT journey_id, customer_id, converted_at, touch_count FROM conversion))
           + (SELECT count(*) FROM (SELECT journey_id, customer_id, converted_at, touch_count FROM conversion WHERE touch_count > 0 EXCEPT SELECT * FROM t))`);
    expect(mismatch).toBe(0);
    // Conversions whose touches all fell before the observation window (censored) have none: only in its first 21 days.
    expect(await db.value(`SELECT count(*) FROM conversion WHERE touch_count = 0 AND converted_at >= TIMESTAMP '2024-01-22'`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM touchpoint t JOIN channel c ON c.channel = t.touchpoint_type WHERE t.cost <> c.cost_per_touch`)).toBe(0);
  });

  it('journeys per customer and conversion stand in the segment multipliers; prospects convert along the touch curve (±3 points)', async () => {
    const seg = await db.rows(`
      WITH j AS (SELECT journey_id, customer_id, count(*) AS n, any_value(converted) AS c FROM touchpoint GROUP BY 1, 2)
      SELECT lifecycle, count(*) / any_value(k.customers) AS journeys, avg(c::INT) AS rate FROM j JOIN customer USING (customer_id)
      JOIN (SELECT lifecycle, count(*) AS customers FROM customer GROUP BY 1) k USING (lifecycle) GROUP BY 1`);
    const by = Object.fromEntries(seg.map((r) => [r.lifecycle, r]));
    expect(Math.abs(by.returning.journeys / by.prospect.journeys / 1.5 - 1)).toBeLessThan(0.1);
    expect(Math.abs(by.returning.rate / by.prospect.rate / 1.4 - 1)).toBeLessThan(0.15);
    const rows = await db.rows(`
      WITH j AS (SELECT journey_id, customer_id, count(*) AS n, any_value(converted) AS c FROM touchpoint GROUP BY 1, 2)
      SELECT n, count(*) AS journeys, avg(c::INT) AS rate FROM j JOIN customer USING (customer_id) WHERE lifecycle = 'prospect' GROUP BY 1`);
    for (const r of rows.filter((x) => x.journeys >= 1500)) expect(Math.abs(r.rate - curve(r.n)), `${r.n} touches`).toBeLessThan(0.03);
  });

  it('first touches follow first_touch_weights and last touches (journeys of ≥ 2) last_touch_weights', async () => {
    const rows = await db.rows(`
      WITH c AS (SELECT touchpoint_type, touch_index, count(*) OVER (PARTITION BY journey_id) AS n FROM touchpoint WHERE converted)
      SELECT touchpoint_type AS t, count(*) FILTER (WHERE touch_index = 0) / (SELECT count(*) FROM conversion) AS first_share,
             count(*) FILTER (WHERE n >= 2 AND touch_index = n - 1) / (SELECT count(*) FROM conversion WHERE touch_count >= 2) AS last_share
      FROM c GROUP BY 1`);
    const first = normalise(chain.first_touch_weights);
    const last = normalise(chain.last_touch_weights);
    const n = await db.value(`SELECT count(*) FROM conversion`);
    for (const r of rows) {
      const i = chain.touchpoint_types.indexOf(r.t);
      expect(Math.abs(r.first_share - first[i]), `${r.t} first`).toBeLessThan(5 * shareSE(first[i], n));
      expect(Math.abs(r.last_share - last[i]), `${r.t} last`).toBeLessThan(5 * shareSE(last[i], n * 0.9));
    }
  });
});
