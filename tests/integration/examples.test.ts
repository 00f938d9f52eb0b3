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

  it('events: Poisson(12) fanout mean and FK integrity', async () => {
    const r = (await db.rows('SELECT count(*) AS n, count(DISTINCT user_id) AS u FROM events'))[0];
    expect(Math.abs(r.n / 20000 - 12)).toBeLessThan(5 * Math.sqrt(12 / 20000));
    expect(await db.value('SELECT count(*) FROM events e ANTI JOIN users u USING (user_id)')).toBe(0);
    expect(await db.value('SELECT count(*) FROM events e JOIN users u USING (user_id) WHERE e.user_plan <> u.plan')).toBe(0);
  });

  it('events: dow pattern and hour seasonality (blurred by the 20-minute time_jitter) hold', async () => {
    const ev = spec.nodes[1].columns[2];
    const dowW: number[] = ev.generator.datetime_series.pattern.weights;
    const hourW: number[] = ev.modifiers[0].args.weights;
    const n = await db.value('SELECT count(*) FROM events');
    // Expected dow shares: weight × number of such days in the window (jitter across midnight is < 0.3% of mass at these night weights).
    const days = new Array(7).fill(0);
    for (let t = Date.UTC(2025, 0, 1); t <= Date.UTC(2025, 5, 30); t += 86400000) days[(new Date(t).getUTCDay() + 6) % 7]++;
    const dowExp = normalise(dowW.map((w, d) => w * days[d]));
    const dow = await db.rows('SELECT isodow(occurred_at) - 1 AS d, count(*) AS c FROM events GROUP BY 1');
    for (const r of dow) expect(Math.abs(r.c / n - dowExp[r.d])).toBeLessThan(0.005);
    // Grid points sit on the hour; a N(0, 20 min) shift lands k hours later with P(k·60 ≤ s < (k+1)·60).
    const p = (k: number) => normalCdf(((k + 1) * 60) / 20) - normalCdf((k * 60) / 20);
    const w = normalise(hourW);
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
    const labels = await db.rows(`SELECT l.*, o.amount FROM _labels l JOIN orders o ON o.order_id = l.row_key::BIGINT WHERE l."table" = 'orders'`);
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
