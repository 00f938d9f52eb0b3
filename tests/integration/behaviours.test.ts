import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, generate } from '../support/run-spec.ts';

/* DSL §5.1–5.3 on generated data: the contracts of issue 4, with the tolerances it states. */

const MONTH_S = (365.25 / 12) * 86400;
const TF = { start: '2023-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'H' };
const seq = (name: string, start = 1) => ({ name, type: 'int', generator: { sequence: { start } } });
const fk = (name: string, from: string) => ({ name, type: 'int', generator: { lookup: { from } } });
const within = (freq: string, pattern?: unknown) => ({ datetime_series: { within: 'timeframe', freq, ...(pattern ? { pattern } : {}) } });

describe('segments: fanout and value multipliers through primary and non-primary parents', () => {
  const mult = { vip: { f: 3, v: 2 }, std: { f: 1, v: 1 }, casual: { f: 0.5, v: 0.7 } };
  const spec = {
    version: '1.0', metadata: { name: 'segments' }, timeframe: TF, constraints: {}, seed: 3,
    nodes: [
      {
        id: 'customer', kind: 'entity', pk: 'customer_id', rows: 3000,
        segment_behavior: {
          segment_column: 'segment',
          behaviors: Object.fromEntries(Object.entries(mult).map(([k, m]) => [k, { fanout_multiplier: m.f, value_multiplier: m.v }])),
          applies_to_columns: ['amount'],
        },
        columns: [seq('customer_id'), { name: 'segment', type: 'string', generator: { choice: { choices: ['vip', 'std', 'casual'], weights: [0.2, 0.5, 0.3] } } }],
      },
      { id: 'shop', kind: 'entity', pk: 'shop_id', rows: 100, columns: [seq('shop_id')] },
      {
        id: 'orders', kind: 'fact', pk: 'order_id', parents: ['customer'], fanout: { distribution: 'poisson', lambda: 4 },
        columns: [seq('order_id'), fk('customer_id', 'customer.customer_id'), { name: 'amount', type: 'float', generator: { distribution: { type: 'lognormal', params: { mean: 3, sigma: 0.5 } } } }],
      },
      {
        // customer is a non-primary parent here: rows are picked ∝ fanout_multiplier, values scaled by the picked row's segment.
        id: 'visit', kind: 'fact', pk: 'visit_id', parents: ['shop', 'customer'], fanout: { distribution: 'poisson', lambda: 150 },
        columns: [seq('visit_id'), fk('shop_id', 'shop.shop_id'), fk('customer_id', 'customer.customer_id'), { name: 'amount', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 40 } } } }],
      },
    ],
  };
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  for (const table of ['orders', 'visit']) {
    it(`${table}: children per parent and mean value per segment stand in the configured ratios (±10%)`, async () => {
      const rows = await db.rows(`
        SELECT c.segment, count(DISTINCT c.customer_id) AS parents, count(t.customer_id) / count(DISTINCT c.customer_id) AS per_parent, avg(t.amount) AS mean_value
        FROM customer c LEFT JOIN ${table} t USING (customer_id) GROUP BY 1`);
      const by = Object.fromEntries(rows.map((r) => [r.segment, r]));
      for (const s of ['vip', 'casual'] as const) {
        expect(by[s].parents).toBeGreaterThanOrEqual(200);
        expect(by[s].per_parent / by.std.per_parent / mult[s].f).toBeGreaterThan(0.9);
        expect(by[s].per_parent / by.std.per_parent / mult[s].f).toBeLessThan(1.1);
        expect(by[s].mean_value / by.std.mean_value / mult[s].v).toBeGreaterThan(0.9);
        expect(by[s].mean_value / by.std.mean_value / mult[s].v).toBeLessThan(1.1);
      }
    });
  }

  it('keys and counts keep their types (the value multiplier of an int column rounds to BIGINT)', async () => {
    const types = await db.rows(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'visit' ORDER BY ordinal_position`);
    expect(types.map((t) => t.data_type)).toEqual(['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT']);
  });
});

describe('segments form: base_probability defines a missing segment column', () => {
  const spec = {
    version: '1.0', metadata: { name: 'segment shares' }, timeframe: TF, constraints: {},
    nodes: [{
      id: 'user', kind: 'entity', pk: 'user_id', rows: 20000,
      segment_behavior: { segment_column: 'intent', segments: { high: { base_probability: 0.15 }, medium: { base_probability: 0.55 }, low: { base_probability: 0.3 } } },
      // the defined column is a column like any other: expressions and lookups read it
      columns: [seq('user_id'), { name: 'is_high', type: 'bool', generator: { expression: { code: 'intent == "high"' } } }],
    }, {
      id: 'visit', kind: 'fact', pk: 'visit_id', parents: ['user'], fanout: { distribution: 'poisson', lambda: 1 },
      columns: [seq('visit_id'), { name: 'user_id', type: 'int', generator: { lookup: { from: 'user.user_id' } } }, { name: 'user_intent', type: 'string', generator: { lookup: { from: 'user.intent' } } }],
    }],
  };
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('adds the column with the declared shares (±5 SE)', async () => {
    const rows = await db.rows(`SELECT intent, count(*) / 20000 AS share FROM "user" GROUP BY 1`);
    const want: Record<string, number> = { high: 0.15, medium: 0.55, low: 0.3 };
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(Math.abs(r.share - want[r.intent])).toBeLessThan(5 * Math.sqrt((want[r.intent] * (1 - want[r.intent])) / 20000));
  });

  it('expressions and lookups read the column the segments define', async () => {
    expect(await db.rows(`SELECT count(*) AS n FROM "user" WHERE is_high <> (intent = 'high')`)).toEqual([{ n: 0 }]);
    expect(await db.rows(`SELECT count(*) AS n FROM visit v JOIN "user" u ON u.user_id = v.user_id WHERE v.user_intent <> u.intent`)).toEqual([{ n: 0 }]);
  });
});

describe('vintage: cohort activity follows the curve; values scale with age; decay_rate speeds a segment up', () => {
  const curve = [1.0, 0.7, 0.5, 0.4, 0.35, 0.3];
  const spec = {
    version: '1.0', metadata: { name: 'vintage' }, timeframe: TF, constraints: {}, seed: 9,
    nodes: [
      {
        id: 'customer', kind: 'entity', pk: 'customer_id', rows: 8000,
        segment_behavior: { segment_column: 'speed', behaviors: { slow: { decay_rate: 1 }, fast: { decay_rate: 2 } } },
        vintage_behavior: {
          created_at_column: 'created_at',
          age_based_multipliers: {
            activity: { curve, time_unit: 'month', applies_to: 'fanout' },
            growth: { curve: { curve_type: 'logarithmic', params: { a: 0.5, b: 1 } }, time_unit: 'month', applies_to: ['amount'] },
          },
        },
        columns: [
          seq('customer_id'),
          { name: 'speed', type: 'string', generator: { choice: { choices: ['slow', 'fast'], weights: [0.5, 0.5] } } },
          { name: 'created_at', type: 'datetime', generator: within('D') },
        ],
      },
      {
        id: 'purchase', kind: 'fact', pk: 'purchase_id', parents: ['customer'], fanout: { distribution: 'poisson', lambda: 24 },
        columns: [
          seq('purchase_id'), fk('customer_id', 'customer.customer_id'),
          { name: 'purchase_at', type: 'datetime', generator: within('H', { dimension: 'hour', weights: [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 3, 2, 2, 1, 1] }) },
          { name: 'amount', type: 'float', generator: { distribution: { type: 'lognormal', params: { mean: 3, sigma: 0.5 } } } },
        ],
      },
    ],
  };
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  /** Children per parent by age bucket k, over parents observable for the whole bucket (created ≤ end − (k+1) months). */
  async function cohort(speed: string): Promise<{ k: number; n: number; per_parent: number; mean_amount: number }[]> {
    return (await db.rows(`
      WITH c AS (SELECT customer_id, created_at FROM customer WHERE speed = '${speed}'),
      ks AS (SELECT range AS k FROM range(0, 10)),
      obs AS (SELECT k, (SELECT count(*) FROM c WHERE epoch(created_at) <= epoch(TIMESTAMP '2024-12-31 23:59:59') - (k + 1) * ${MONTH_S}) AS parents FROM ks),
      p AS (SELECT floor((epoch(p.purchase_at) - epoch(c.created_at)) / ${MONTH_S})::INT AS k, amount, c.created_at
            FROM purchase p JOIN c USING (customer_id))
      SELECT k, count(*) AS n, count(*) / any_value(parents) AS per_parent, avg(amount) AS mean_amount
      FROM p JOIN obs USING (k) WHERE epoch(created_at) <= epoch(TIMESTAMP '2024-12-31 23:59:59') - (k + 1) * ${MONTH_S}
      GROUP BY k ORDER BY k`)) as any;
  }

  it('no child happens before its parent was created', async () => {
    expect(await db.value('SELECT count(*) FROM purchase p JOIN customer c USING (customer_id) WHERE p.purchase_at < c.created_at')).toBe(0);
  });

  it('cohort table: activity at age k relative to age 0 follows the curve (±10%, buckets ≥ 500 children)', async () => {
    const rows = await cohort('slow');
    const checked = rows.filter((r) => r.n >= 500 && r.k < curve.length);
    expect(checked.length).toBeGreaterThanOrEqual(5);
    for (const r of checked) {
      const ratio = r.per_parent / rows[0].per_parent / curve[r.k];
      expect(ratio).toBeGreaterThan(0.9);
      expect(ratio).toBeLessThan(1.1);
    }
  });

  it('the value curve scales child values by the parent age at the child time (±10%)', async () => {
    const rows = await cohort('slow');
    for (const r of rows.filter((x) => x.n >= 500)) {
      const ratio = r.mean_amount / rows[0].mean_amount / (1 + 0.5 * Math.log(1 + r.k));
      expect(ratio).toBeGreaterThan(0.9);
      expect(ratio).toBeLessThan(1.1);
    }
  });

  it('decay_rate 2 runs the curve twice as fast: age bucket k holds curve buckets 2k and 2k+1', async () => {
    const rows = await cohort('fast');
    const at = (j: number) => curve[Math.min(curve.length - 1, j)];
    for (const r of rows.filter((x) => x.n >= 500 && x.k > 0)) {
      const want = (at(2 * r.k) + at(2 * r.k + 1)) / (at(0) + at(1));
      const ratio = r.per_parent / rows[0].per_parent / want;
      expect(ratio).toBeGreaterThan(0.9);
      expect(ratio).toBeLessThan(1.1);
    }
  });

  it('numeric keys keep their types', async () => {
    const types = await db.rows(`SELECT data_type FROM information_schema.columns WHERE table_name = 'purchase' ORDER BY ordinal_position`);
    expect(types.map((t) => t.data_type)).toEqual(['BIGINT', 'BIGINT', 'TIMESTAMP', 'DOUBLE']);
  });
});

describe('stage funnels: conversion by stage and segment, ordered timestamps, censoring', () => {
  const rates = [1, 0.8, 0.5, 0.6, 0.9];
  const mult: Record<string, number> = { high: 1.4, low: 0.65 };
  const spec = {
    version: '1.0', metadata: { name: 'funnel' }, timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'H' }, constraints: {}, seed: 5,
    nodes: [
      {
        id: 'user', kind: 'entity', pk: 'user_id', rows: 12000,
        segment_behavior: { segment_column: 'intent', segments: { high: { base_probability: 0.4 }, low: { base_probability: 0.6 } } },
        columns: [seq('user_id'), { name: 'signup_at', type: 'datetime', generator: within('H') }],
      },
      {
        id: 'journey', kind: 'fact', pk: 'event_id', parents: ['user'],
        stage_config: {
          stages: ['visit', 'signup', 'cart', 'checkout', 'purchase'].map((s, k) => ({ stage_name: s, transition_rate: rates[k], ...(k === 3 ? { delay: '6h' } : {}) })),
          segment_variation: Object.fromEntries(Object.entries(mult).map(([k, m]) => [k, { transition_multiplier: m }])),
        },
        columns: [
          seq('event_id'), fk('user_id', 'user.user_id'),
          { name: 'stage_name', type: 'string', generator: { choice: { choices: ['visit'] } } },
          { name: 'stage_index', type: 'int', generator: { sequence: { start: 0 } } },
          { name: 'ts', type: 'datetime', generator: within('H') },
          { name: 'device', type: 'string', generator: { choice: { choices: ['web', 'app'] } } },
        ],
      },
      {
        // No timestamp on the parent: stage 0 is drawn in the timeframe; a date column gives whole-day stages.
        id: 'ticket', kind: 'entity', pk: 'ticket_id', rows: 3000, columns: [seq('ticket_id')],
      },
      {
        id: 'ticket_step', kind: 'fact', pk: 'step_id', parents: ['ticket'],
        stage_config: { stages: [{ stage_name: 'opened', transition_rate: 1 }, { stage_name: 'triaged', transition_rate: 0.9, delay: { distribution: 'exponential', params: { rate: 0.5 }, unit: 'day' } }, { stage_name: 'solved', transition_rate: 0.7 }] },
        columns: [seq('step_id'), fk('ticket_id', 'ticket.ticket_id'), { name: 'on_day', type: 'date', generator: within('D') }],
      },
    ],
  };
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('one row per reached stage: stage 0 for every parent, names and indexes agree, contiguous indexes', async () => {
    expect(await db.value(`SELECT count(*) FROM journey WHERE stage_index = 0`)).toBe(12000);
    expect(await db.value(`SELECT count(DISTINCT stage_name || stage_index) FROM journey`)).toBe(5);
    expect(await db.value(`SELECT count(*) FROM (SELECT user_id, max(stage_index) AS m, count(*) AS c FROM journey GROUP BY 1) WHERE c <> m + 1`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM journey WHERE stage_index = 1 AND stage_name <> 'signup'`)).toBe(0);
  });

  it('stage 0 happens at the parent timestamp; timestamps strictly increase and never pass the timeframe end', async () => {
    expect(await db.value(`SELECT count(*) FROM journey j JOIN "user" u USING (user_id) WHERE j.stage_index = 0 AND j.ts <> u.signup_at`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM (SELECT ts, lag(ts) OVER (PARTITION BY user_id ORDER BY stage_index) AS prev FROM journey) WHERE ts <= prev`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM journey WHERE ts > TIMESTAMP '2024-12-31 23:59:59'`)).toBe(0);
    // A fixed delay is exact (rounded to the second).
    expect(await db.value(`SELECT count(*) FROM (SELECT stage_index, ts - lag(ts) OVER (PARTITION BY user_id ORDER BY stage_index) AS d FROM journey) WHERE stage_index = 3 AND d <> INTERVAL 6 HOUR`)).toBe(0);
  });

  it('stage-to-stage conversion equals min(1, rate × multiplier) ±3 points per segment (≥ 2000 parents, censoring excluded)', async () => {
    // Parents that signed up more than 60 days before the end are never censored at these delays.
    const rows = await db.rows(`
      SELECT u.intent, j.stage_index AS k, count(*) AS n FROM journey j JOIN "user" u USING (user_id)
      WHERE u.signup_at < TIMESTAMP '2024-11-01' GROUP BY 1, 2 ORDER BY 1, 2`);
    for (const seg of Object.keys(mult)) {
      const n = rows.filter((r) => r.intent === seg).map((r) => r.n);
      expect(n[0]).toBeGreaterThanOrEqual(2000);
      for (let k = 1; k < rates.length; k++) {
        const want = Math.min(1, rates[k] * mult[seg]);
        expect(Math.abs(n[k] / n[k - 1] - want)).toBeLessThan(0.03);
      }
    }
  });

  it('censoring: a stage that would fall after the end is not reached (late parents convert less)', async () => {
    const late = await db.value(`SELECT count(*) FILTER (WHERE j.stage_index = 1) / count(*) FILTER (WHERE j.stage_index = 0) FROM journey j JOIN "user" u USING (user_id) WHERE u.signup_at > TIMESTAMP '2024-12-31 20:00:00'`);
    expect(late).toBeLessThan(0.5 * 0.8);
  });

  it('date columns: whole-day stages, strictly increasing; a parent without a timestamp starts inside the timeframe', async () => {
    const types = await db.rows(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'ticket_step' ORDER BY ordinal_position`);
    expect(types.map((t) => `${t.column_name}:${t.data_type}`)).toEqual(['step_id:BIGINT', 'ticket_id:BIGINT', 'on_day:DATE', 'stage_name:ENUM(\'opened\', \'triaged\', \'solved\')', 'stage_index:BIGINT']);
    expect(await db.value(`SELECT count(*) FROM ticket_step WHERE stage_index = 0`)).toBe(3000);
    expect(await db.value(`SELECT count(*) FROM (SELECT on_day, lag(on_day) OVER (PARTITION BY ticket_id ORDER BY stage_index) AS prev FROM ticket_step) WHERE on_day <= prev`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM ticket_step WHERE on_day < DATE '2024-01-01' OR on_day > DATE '2024-12-31'`)).toBe(0);
  });
});

describe('vintage: no child precedes its parent, even after time_jitter or a date cast', () => {
  const spec = {
    version: '1.0', metadata: { name: 'vintage floor' }, timeframe: TF, constraints: {}, seed: 2,
    nodes: [
      {
        id: 'device', kind: 'entity', pk: 'device_id', rows: 3000,
        vintage_behavior: { created_at_column: 'installed_at', age_based_multipliers: { wear: { curve: { curve_type: 'linear', params: { a: 1, b: 0.1 } }, time_unit: 'week', applies_to: 'all' } } },
        columns: [seq('device_id'), { name: 'installed_at', type: 'datetime', generator: within('H') }],
      },
      {
        id: 'reading', kind: 'fact', pk: 'reading_id', parents: ['device'], fanout: { distribution: 'poisson', lambda: 20 },
        columns: [
          seq('reading_id'), fk('device_id', 'device.device_id'),
          { name: 'read_at', type: 'datetime', generator: within('H'), modifiers: [{ transform: 'time_jitter', args: { std_minutes: 600 } }] },
          { name: 'temp', type: 'float', generator: { distribution: { type: 'normal', params: { mean: 40, std: 2 } } } },
        ],
      },
      {
        id: 'service', kind: 'fact', pk: 'service_id', parents: ['device'], fanout: { distribution: 'poisson', lambda: 3 },
        columns: [seq('service_id'), fk('device_id', 'device.device_id'), { name: 'on_day', type: 'date', generator: within('H') }],
      },
    ],
  };
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('jittered timestamps and dates stay at or after the creation time', async () => {
    expect(await db.value('SELECT count(*) FROM reading')).toBeGreaterThan(10000);
    expect(await db.value('SELECT count(*) FROM reading r JOIN device d USING (device_id) WHERE r.read_at < d.installed_at')).toBe(0);
    expect(await db.value('SELECT count(*) FROM service s JOIN device d USING (device_id) WHERE s.on_day < d.installed_at')).toBe(0);
  });

  it('applies_to "all": the linear wear curve scales the numeric measure by age in weeks (±10%)', async () => {
    const rows = await db.rows(`SELECT floor((epoch(r.read_at) - epoch(d.installed_at)) / (7 * 86400))::INT AS k, count(*) AS n, avg(temp) AS t FROM reading r JOIN device d USING (device_id) GROUP BY 1 HAVING n >= 500 ORDER BY 1`);
    expect(rows.length).toBeGreaterThan(10);
    // time_jitter moves rows across week boundaries a little; the curve is smooth, so the bucket mean stays within ±10%.
    for (const r of rows) expect(Math.abs(r.t / 40 / (1 + 0.1 * r.k) - 1)).toBeLessThan(0.1);
  });
});
