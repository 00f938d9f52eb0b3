/*
 * examples/funnel_metrics.json (issue 5, seed dataset 2): four weeks of hourly funnel counts. Statistics
 * are checked on the run without scenarios (hour and weekday patterns, trend, step conversion rates, each
 * within 5 standard errors estimated from the data), the scenarios against it (exact diff = labels), and
 * the funnel's monotonicity on the run with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/run.ts';
import { withoutScenarios } from '../../src/scenarios/strip.ts';
import { compileOrThrow, Db, EXAMPLES_DIR, readJson, tempFile } from '../support/run-spec.ts';

const STEPS = ['app_opens', 'menu_opens', 'product_added_to_cart', 'orders_placed', 'payment_successful'];
const RATES = [0.63, 0.29, 0.44, 0.91];
const doc = readJson(new URL('funnel_metrics.json', EXAMPLES_DIR));
const hourWeights: number[] = doc.nodes[0].columns[2].modifiers[0].args.weights;
const dowWeights: number[] = doc.nodes[0].columns[2].modifiers[1].args.weights;

let db: Db;
let base: Db;

beforeAll(async () => {
  const plan = compileOrThrow(doc);
  const [a, b] = [tempFile('funnel.duckdb'), tempFile('funnel-base.duckdb')];
  await runPlan(plan, { out: a });
  await runPlan(withoutScenarios(plan), { out: b });
  [db, base] = [await Db.open(a), await Db.open(b)];
});
afterAll(() => {
  db?.close();
  base?.close();
});

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x: number[]) => Math.sqrt(x.reduce((a, v) => a + (v - mean(x)) ** 2, 0) / (x.length - 1));

describe('examples/funnel_metrics.json', () => {
  it('one row per hour of the four weeks', async () => {
    expect(await db.rows(`SELECT count(*) AS n, count(DISTINCT hour_start) AS h, min(hour_start) AS lo, max(hour_start) AS hi FROM funnel_hourly`)).toEqual([
      { n: 672, h: 672, lo: new Date('2025-03-03T00:00:00Z'), hi: new Date('2025-03-30T23:00:00Z') },
    ]);
  });

  it('hour-of-day shares of app opens follow the hour weights (per-day shares, 5 SE; and within ±1 point)', async () => {
    const r = await base.rows(`SELECT hour(hour_start) AS h, app_opens / sum(app_opens) OVER (PARTITION BY hour_start::DATE) AS share FROM funnel_hourly`);
    const total = hourWeights.reduce((a, b) => a + b, 0);
    for (let h = 0; h < 24; h++) {
      const s = r.filter((x) => x.h === h).map((x) => x.share);
      const expected = hourWeights[h] / total;
      expect(Math.abs(mean(s) - expected), `hour ${h}`).toBeLessThan(Math.min(0.01, 5 * sd(s) / Math.sqrt(s.length)));
    }
  });

  it('weekday levels follow the dow weights and the level grows +0.25 %/day (linear trend)', async () => {
    const days = await base.rows(`SELECT datediff('day', DATE '2025-03-03', hour_start::DATE) AS d, sum(app_opens) AS opens FROM funnel_hourly GROUP BY 1 ORDER BY 1`);
    // detrend by the configured weekday factor; fit opens/dow = a + b·d
    const y = days.map((x) => x.opens / dowWeights[x.d % 7]);
    const x = days.map((v) => v.d);
    const mx = mean(x);
    const my = mean(y);
    const b = x.reduce((a, v, i) => a + (v - mx) * (y[i] - my), 0) / x.reduce((a, v) => a + (v - mx) ** 2, 0);
    const a = my - b * mx;
    const resid = y.map((v, i) => v - a - b * x[i]);
    const seB = Math.sqrt(resid.reduce((s, e) => s + e * e, 0) / (x.length - 2) / x.reduce((s, v) => s + (v - mx) ** 2, 0));
    expect(Math.abs(b / a - 0.0025)).toBeLessThan(Math.max(0.1 * 0.0025, 5 * seB / a));
    expect(Math.abs(a / 18000 - 1)).toBeLessThan(0.02); // 750 an hour × mean hour weight 1
    // weekday ratios to Monday after removing the fitted trend: within 5 SE of the residual spread
    const level = days.map((v) => v.opens / (a + b * v.d));
    const se = sd(resid.map((e, i) => e / (a + b * x[i]))) / Math.sqrt(4);
    for (let d = 1; d < 7; d++) {
      const ratio = mean(level.filter((_, i) => i % 7 === d)) / mean(level.filter((_, i) => i % 7 === 0));
      expect(Math.abs(ratio - dowWeights[d] / dowWeights[0]), `dow ${d}`).toBeLessThan(5 * se * Math.SQRT2); // a ratio of two means
    }
  });

  it('step conversion rates are the binomial p of each step (5 binomial SE)', async () => {
    const [s] = await base.rows(`SELECT ${STEPS.map((c) => `sum(${c})::DOUBLE AS ${c}`).join(', ')} FROM funnel_hourly`);
    RATES.forEach((p, k) => {
      const n = s[STEPS[k]];
      expect(Math.abs(s[STEPS[k + 1]] / n - p), STEPS[k + 1]).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    });
  });

  it('the scenarios change exactly the labelled cells; funnel counts only increase down the funnel where a data_quality label says so', async () => {
    const labels = await db.rows(`SELECT row_key, "column", expected, observed, scenario, kind FROM _labels WHERE level = 'cell'`);
    const byCell = new Map(labels.map((l) => [`${l.row_key}/${l.column}`, l]));
    const [mine, theirs] = [await db.rows(`SELECT * FROM funnel_hourly ORDER BY hour_id`), await base.rows(`SELECT * FROM funnel_hourly ORDER BY hour_id`)];
    let changed = 0;
    for (let i = 0; i < mine.length; i++) {
      for (const c of ['hour_id', 'hour_start', ...STEPS]) {
        const l = byCell.get(`${mine[i].hour_id}/${c}`);
        if (String(mine[i][c]) === String(theirs[i][c])) {
          expect(l, `unchanged but labelled: ${i}/${c}`).toBeUndefined();
          continue;
        }
        changed++;
        expect(l, `changed but not labelled: ${i}/${c}`).toBeDefined();
        expect([l!.expected, l!.observed]).toEqual([theirs[i][c], mine[i][c]]);
      }
    }
    expect(changed).toBe(labels.length);
    expect(new Set(labels.map((l) => l.scenario)).size).toBe(7 + 6); // the hand-written scenarios and the campaign's events
    const broken = await db.rows(`SELECT hour_id::VARCHAR AS k FROM funnel_hourly WHERE ${STEPS.slice(1).map((c, k) => `${c} > ${STEPS[k]}`).join(' OR ')} ORDER BY 1`);
    expect(broken).toEqual(await db.rows(`SELECT row_key AS k FROM _labels WHERE kind = 'data_quality' ORDER BY 1`));
    expect(broken).toHaveLength(4);
  });

  it('rate scenarios: the day\'s conversion is the target rate their labels state (up to hourly rounding)', async () => {
    for (const [id, num, den, day] of [['cart_to_order_drop', 'orders_placed', 'product_added_to_cart', '2025-03-11'], ['menu_rate_spike', 'menu_opens', 'app_opens', '2025-03-13']]) {
      const [l] = await db.rows(`SELECT description FROM _labels WHERE scenario = '${id}' AND level = 'cell' LIMIT 1`);
      const target = Number(/to ([\d.]+)/.exec(l.description)![1]);
      const [r] = await db.rows(`SELECT sum(${num}) / sum(${den}) AS rate, sum(${den}) AS d FROM funnel_hourly WHERE hour_start::DATE = DATE '${day}'`);
      expect(Math.abs(r.rate - target), id).toBeLessThan(1e-4 + 12 / r.d);
    }
  });

  it('rate scenarios write one window label per day: the day\'s ratio with and without the scenario, as SQL computes it', async () => {
    for (const [id, num, den] of [['cart_to_order_drop', 'orders_placed', 'product_added_to_cart'], ['menu_rate_spike', 'menu_opens', 'app_opens']]) {
      const windows = await db.rows(`SELECT "start", "end", expected, observed, delta, severity, row_key, "column", description FROM _labels WHERE scenario = '${id}' AND level = 'window' ORDER BY "start"`);
      expect(windows.length, id).toBeGreaterThanOrEqual(1);
      for (const w of windows) {
        const day = `hour_start >= TIMESTAMP '${new Date(Number(w.start)).toISOString().slice(0, 19)}' AND hour_start < TIMESTAMP '${new Date(Number(w.end)).toISOString().slice(0, 19)}'`;
        const [now] = await db.rows(`SELECT sum(${num})::DOUBLE / sum(${den}) AS r FROM funnel_hourly WHERE ${day}`);
        const [before] = await base.rows(`SELECT sum(${num})::DOUBLE / sum(${den}) AS r FROM funnel_hourly WHERE ${day}`);
        expect(w.observed).toBeCloseTo(now.r, 12);
        expect(w.expected).toBeCloseTo(before.r, 12);
        expect(w.delta).toBeCloseTo(w.observed - w.expected, 12);
        expect([w.row_key, w.column]).toEqual([null, num]);
        expect(w.description.length).toBeGreaterThan(10); // the scenario's description_template
      }
    }
  });

  it('_label_events: the 13 events, and the rate scenarios measurably visible (min_shift), not drowned in the daily spread', async () => {
    const ev = await db.rows(`SELECT event_id, campaign, detectability, measured_difficulty, overlapping_events FROM _label_events ORDER BY event_id`);
    expect(ev).toHaveLength(13);
    expect(ev.filter((e) => e.campaign === 'auto')).toHaveLength(6);
    for (const id of ['cart_to_order_drop', 'menu_rate_spike']) {
      const e = ev.find((x) => x.event_id === id)!;
      expect(e.detectability, id).toBeGreaterThanOrEqual(6);
      expect(e.measured_difficulty, id).toBe('easy');
    }
    // the campaign keeps clear of the hand-written windows: no campaign event overlaps another event
    for (const e of ev.filter((x) => x.campaign === 'auto')) expect(e.overlapping_events, e.event_id).toEqual([]);
  });

  it('the README daily rollup runs', async () => {
    const r = await db.rows(`SELECT hour_start::DATE AS day, sum(app_opens) AS app_opens, sum(orders_placed) / sum(product_added_to_cart) AS cart_to_order
      FROM funnel_hourly GROUP BY 1 ORDER BY 1`);
    expect(r).toHaveLength(28);
  });
});
