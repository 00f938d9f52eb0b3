import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, generate } from '../support/run-spec.ts';

/* Panel facts (`grain`, DSL §5.9): one row per parent (or per series) per active period. */

const DOW = [1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5];
const spec = {
  version: '1.0', metadata: { name: 'panel' }, constraints: {}, seed: 21,
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-06-30T23:59:59Z', freq: 'H' },
  nodes: [
    {
      id: 'account', kind: 'entity', pk: 'account_id', rows: 4000,
      segment_behavior: { segment_column: 'tier', segments: { a: { base_probability: 0.5 }, b: { base_probability: 0.5 } }, behaviors: { a: { fanout_multiplier: 1.5 }, b: { fanout_multiplier: 0.75 } } },
      columns: [
        { name: 'account_id', type: 'int', generator: { sequence: {} } },
        { name: 'created_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
        { name: 'churned_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } }, null_rate: 0.4 },
      ],
    },
    {
      id: 'alive', kind: 'fact', pk: 'alive_id', parents: ['account'], grain: { every: 'week', lifetime_from: 'created_at', lifetime_to: 'churned_at' },
      columns: [
        { name: 'alive_id', type: 'int', generator: { sequence: {} } },
        { name: 'account_id', type: 'int', generator: { lookup: { from: 'account.account_id' } } },
        { name: 'week', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } },
      ],
    },
    {
      id: 'usage', kind: 'fact', pk: 'usage_id', parents: ['account'], grain: { every: 'day', active_probability: 0.5, lifetime_from: 'created_at' },
      columns: [
        { name: 'usage_id', type: 'int', generator: { sequence: {} } },
        { name: 'account_id', type: 'int', generator: { lookup: { from: 'account.account_id' } } },
        { name: 'day', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D', pattern: { dimension: 'dow', weights: DOW } } } },
        { name: 'events', type: 'int', generator: { distribution: { type: 'negative_binomial', params: { mean: 20, dispersion_k: 3 } } } },
      ],
    },
    {
      // grain.trend and a seasonality modifier on the period column scale the active probability
      // lifetime_from null: every account over the whole window (the default would start at its created_at, its lifetime).
      id: 'trended', kind: 'fact', pk: 'trended_id', parents: ['account'], grain: { every: 'day', active_probability: 0.3, trend: { type: 'linear', growth_rate: 0.6 }, lifetime_from: null },
      columns: [
        { name: 'trended_id', type: 'int', generator: { sequence: {} } },
        { name: 'day', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D' } }, modifiers: [{ transform: 'seasonality', args: { dimension: 'dow', weights: DOW } }] },
      ],
    },
    {
      id: 'weekly', kind: 'fact', pk: 'week_id', parents: ['account'], grain: { every: 'week' },
      columns: [{ name: 'week_id', type: 'int', generator: { sequence: {} } }, { name: 'account_id', type: 'int', generator: { lookup: { from: 'account.account_id' } } }],
    },
    {
      id: 'hourly', kind: 'fact', pk: 'h', grain: { every: 'hour' },
      columns: [
        { name: 'h', type: 'int', generator: { sequence: {} } },
        { name: 'hour_start', type: 'datetime', generator: { datetime_series: { within: 'timeframe' } } },
        { name: 'app_opens', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 500 } } } },
        { name: 'menu_opens', type: 'int', generator: { distribution: { type: 'binomial', params: { n: 'app_opens', p: 0.63 } } } },
        { name: 'orders', type: 'int', generator: { distribution: { type: 'binomial', params: { n: 'menu_opens', p: 0.29 } } } },
      ],
    },
    {
      id: 'monthly', kind: 'fact', pk: 'm', grain: { every: 'month', active_probability: 1 },
      columns: [{ name: 'm', type: 'int', generator: { sequence: {} } }],
    },
  ],
};

describe('panel facts (grain)', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('lifetime_from … lifetime_to: every week from the one containing created_at to the one containing churned_at (null: to the end)', async () => {
    const bad = await db.rows(`
      WITH want AS (
        SELECT account_id, date_trunc('week', created_at) AS first, date_trunc('week', coalesce(churned_at, TIMESTAMP '2024-06-30 23:59:59')) AS last FROM account),
      got AS (SELECT account_id, count(*) AS n, min(week) AS lo, max(week) AS hi FROM alive GROUP BY 1)
      SELECT * FROM want w LEFT JOIN got g USING (account_id)
      WHERE coalesce(g.n, 0) <> greatest(0, datediff('week', w.first, w.last) + 1)
         OR (g.n > 0 AND (g.lo <> w.first OR g.hi <> w.last))`);
    expect(bad, JSON.stringify(bad[0])).toEqual([]);
    const [r] = await db.rows(`SELECT count(*) FILTER (WHERE churned_at IS NULL) AS open, count(*) FILTER (WHERE churned_at < date_trunc('week', created_at)) AS never FROM account`);
    expect(r.open).toBeGreaterThan(1000);
    expect(r.never).toBeGreaterThan(500); // churned before the week it was created in: no rows
  });

  it('grain.trend: the fitted growth of active rows is growth_rate (±10 %); seasonality on the period column scales the weekdays', async () => {
    const days = await db.rows(`SELECT datediff('day', DATE '2024-01-01', day) AS d, isodow(day) AS dow, count(*) AS n FROM trended GROUP BY ALL ORDER BY 1`);
    // detrend the weekday factor, fit n = a + b·years: b / a is the growth per year
    const x = days.map((r) => r.d / 365.25);
    const y = days.map((r) => r.n / DOW[r.dow - 1]);
    const mx = x.reduce((a, b) => a + b, 0) / x.length;
    const my = y.reduce((a, b) => a + b, 0) / y.length;
    const b = x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0) / x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const a = my - b * mx;
    expect(Math.abs(b / a / 0.6 - 1)).toBeLessThan(0.1);
    // weekend ÷ weekday activity = 0.5 / 1.2 (after the trend: mean of n / (a + b·t))
    const level = (pred: (dow: number) => boolean) => {
      const r = days.filter((v) => pred(v.dow)).map((v) => v.n / (a + b * (v.d / 365.25)));
      return r.reduce((s, v) => s + v, 0) / r.length;
    };
    expect(Math.abs(level((d) => d >= 6) / level((d) => d <= 5) / (0.5 / 1.2) - 1)).toBeLessThan(0.05);
    // the mean active share is active_probability (weights normalised to mean 1) × the mean tier multiplier (1.5 + 0.75) / 2
    const [r] = await db.rows(`SELECT count(*) / (4000 * 182) AS share FROM trended`);
    expect(Math.abs(r.share - 0.3 * 1.125)).toBeLessThan(0.005);
  });

  it('a parentless panel has exactly one row per period of the timeframe, in order', async () => {
    const r = (await db.rows(`SELECT count(*) AS n, count(DISTINCT hour_start) AS d, min(hour_start) AS lo, max(hour_start) AS hi FROM hourly`))[0];
    expect(r.n).toBe(182 * 24);
    expect(r.d).toBe(r.n);
    expect(await db.value(`SELECT count(*) FROM (SELECT h, hour_start, lag(hour_start) OVER (ORDER BY h) AS prev FROM hourly) WHERE hour_start - prev <> INTERVAL 1 HOUR`)).toBe(0);
    // A period column is added when the fact has none: one row per calendar month.
    expect(await db.rows(`SELECT month(period_start) AS mo, day(period_start) AS d FROM monthly ORDER BY m`)).toEqual([1, 2, 3, 4, 5, 6].map((mo) => ({ mo, d: 1 })));
  });

  it('funnel counts drawn with binomial(n = earlier count) never increase down the funnel', async () => {
    expect(await db.value(`SELECT count(*) FROM hourly WHERE menu_opens > app_opens OR orders > menu_opens`)).toBe(0);
    const r = (await db.rows(`SELECT sum(menu_opens) / sum(app_opens) AS a, sum(orders) / sum(menu_opens) AS b FROM hourly`))[0];
    expect(Math.abs(r.a - 0.63)).toBeLessThan(0.005);
    expect(Math.abs(r.b - 0.29)).toBeLessThan(0.005);
  });

  it('one row per parent per active period, none before the period of its lifetime start', async () => {
    expect(await db.value(`SELECT count(*) FROM (SELECT account_id, day FROM usage GROUP BY ALL HAVING count(*) > 1)`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM usage u JOIN account a USING (account_id) WHERE u.day < CAST(a.created_at AS DATE)`)).toBe(0);
    // Without lifetime_from a panel runs over its parent's lifetime (docs/behaviours/lifetimes.md): from the Monday-week
    // containing created_at (the account's first datetime column) to the window's last week, with no end column.
    const weeks = await db.value(`SELECT count(*) FROM account a, range(TIMESTAMP '2024-01-01', TIMESTAMP '2024-07-01', INTERVAL 7 DAY) t(p) WHERE p + INTERVAL 7 DAY > a.created_at`);
    expect(await db.rows(`SELECT count(*) AS n, count(DISTINCT account_id) AS a FROM weekly`)).toEqual([{ n: weeks, a: 4000 }]);
    expect(weeks).toBeLessThan(0.7 * 26 * 4000);
    expect(await db.value(`SELECT count(*) FROM weekly WHERE isodow(period_start) <> 1 OR hour(period_start) <> 0`)).toBe(0);
  });

  it('active share per day = active_probability × normalised dow weight × segment multiplier (±5 SE)', async () => {
    const mean = DOW.reduce((a, b) => a + b, 0) / 7;
    const rows = await db.rows(`
      WITH days AS (SELECT a.account_id, a.tier, CAST(d AS DATE) AS day FROM account a, range(DATE '2024-01-01', DATE '2024-07-01', INTERVAL 1 DAY) t(d)
                    WHERE CAST(d AS DATE) >= CAST(a.created_at AS DATE))
      SELECT d.tier, isodow(d.day) - 1 AS dow, count(*) AS possible, count(u.usage_id) AS active
      FROM days d LEFT JOIN usage u ON u.account_id = d.account_id AND u.day = d.day GROUP BY 1, 2`);
    expect(rows).toHaveLength(14);
    for (const r of rows) {
      const p = Math.min(1, 0.5 * (DOW[r.dow] / mean) * (r.tier === 'a' ? 1.5 : 0.75));
      expect(Math.abs(r.active / r.possible - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / r.possible) + 1e-9);
    }
  });

  it('is identical for any chunk size', async () => {
    const small = await generate(spec, { chunkRows: 7 });
    try {
      for (const t of ['usage', 'weekly', 'hourly', 'monthly']) expect(await small.db.checksum(t), t).toBe(await db.checksum(t));
    } finally {
      small.db.close();
    }
  });
});

describe('count models with per-row parameters (expressions over earlier columns)', () => {
  const doc = {
    version: '1.0', metadata: { name: 'count models' }, constraints: {}, seed: 4,
    timeframe: { start: '2025-01-06T00:00:00Z', end: '2025-07-06T23:59:59Z', freq: 'H' },
    nodes: [{
      id: 'funnel', kind: 'fact', pk: 'id', grain: { every: 'hour' },
      columns: [
        { name: 'id', type: 'int', generator: { sequence: {} } },
        { name: 'ts', type: 'datetime', generator: { datetime_series: { within: 'timeframe' } } },
        { name: 'day', type: 'int', generator: { expression: { code: 'days_between(1736121600000, ts)' } } },
        // base × hour weight × weekday factor × 0.25 %/day trend, as one expression
        { name: 'expected', type: 'float', generator: { expression: { code: `200 * (hour(ts) >= 8 and hour(ts) < 20 ? 1.5 : 0.4) * (dow(ts) == 5 ? 0.7 : dow(ts) == 6 ? 0.6 : dow(ts) <= 1 ? 1.1 : 1.0) * (1.0025 ^ day)` } } },
        { name: 'opens', type: 'int', generator: { distribution: { type: 'negative_binomial', params: { mean: 'expected', dispersion_k: 20 } } } },
        { name: 'menus', type: 'int', generator: { distribution: { type: 'binomial', params: { n: 'opens', p: '0.6 + 0.05 * (dow(ts) >= 5 ? 1 : 0)' } } } },
        { name: 'orders', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 'menus * 0.3' } } } },
      ],
    }],
  };
  let db: Db;
  beforeAll(async () => ({ db } = await generate(doc)));
  afterAll(() => db?.close());

  it('negative_binomial mean from an expression: per-hour (±5 SE) and per-weekday (±3%) means follow the weights, variance mean + mean²/k', async () => {
    // Per hour of day: Σ opens / Σ expected = 1 within 5 SE (SE from the NB variance m + m²/k of each row).
    const byHour = await db.rows(`SELECT hour(ts) AS h, sum(opens) / sum(expected) AS ratio, sqrt(sum(expected + expected * expected / 20)) / sum(expected) AS se FROM funnel GROUP BY 1`);
    expect(byHour).toHaveLength(24);
    for (const r of byHour) expect(Math.abs(r.ratio - 1)).toBeLessThan(5 * r.se);
    const byDow = await db.rows(`SELECT isodow(ts) - 1 AS d, sum(opens) / sum(expected) AS ratio FROM funnel GROUP BY 1`);
    expect(byDow).toHaveLength(7);
    for (const r of byDow) expect(Math.abs(r.ratio - 1)).toBeLessThan(0.03);
    // Standardised residuals (x − m)² / (m + m²/k) average to 1.
    const v = await db.value(`SELECT avg(power(opens - expected, 2) / (expected + expected * expected / 20)) FROM funnel`);
    expect(Math.abs(v - 1)).toBeLessThan(0.1);
  });

  it('binomial p from an expression and n from the step before: counts never increase down the funnel', async () => {
    expect(await db.value(`SELECT count(*) FROM funnel WHERE menus > opens`)).toBe(0);
    const r = await db.rows(`SELECT isodow(ts) >= 6 AS weekend, sum(menus) / sum(opens) AS rate FROM funnel GROUP BY 1 ORDER BY 1`);
    expect(Math.abs(r[0].rate - 0.6)).toBeLessThan(0.005);
    expect(Math.abs(r[1].rate - 0.65)).toBeLessThan(0.005);
    const o = await db.value(`SELECT sum(orders) / sum(menus) FROM funnel`);
    expect(Math.abs(o - 0.3)).toBeLessThan(0.005);
  });

  it('the fitted growth rate recovers the 0.25 %/day trend (±10%, weekly sums over complete weeks)', async () => {
    const slope = await db.value(`
      SELECT regr_slope(ln(o), w) FROM (SELECT (epoch(date_trunc('week', ts)) - epoch(TIMESTAMP '2025-01-06')) / (7 * 86400) AS w, sum(opens) AS o
                                       FROM funnel GROUP BY 1 HAVING count(*) = 168)`);
    expect(Math.abs(slope / 7 / Math.log(1.0025) - 1)).toBeLessThan(0.1);
  });
});
