import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/run.ts';
import type { Plan } from '../../src/ir/types.ts';
import { type Db, generate, tempFile } from '../support/run-spec.ts';

/* Adoption (adoption_model, DSL §5.6) and multi-touch attribution (attribution_chain, DSL §5.8) — the contracts of issue 6. */

const DAY = 86_400;
const LAUNCH = '2024-01-01T00:00:00Z';
const ROGERS = { innovators: [0.025, 7], early_adopters: [0.135, 30], early_majority: [0.34, 90], late_majority: [0.34, 180], laggards: [0.16, 365] };
const BASS = { p: 0.002, q: 0.04, market_size: 24_000 };
const TIERS = { heavy: { pct: 0.2, events_per_week: 6 }, light: { pct: 0.5, events_per_week: 1 } };
const lookup = (t: string, c: string) => ({ name: c, type: 'int', generator: { lookup: { from: `${t}.${c}` } } });

const adoptionSpec = {
  version: '1.0', metadata: { name: 'adoption' }, constraints: {}, seed: 11,
  timeframe: { start: LAUNCH, end: '2024-12-31T23:59:59Z', freq: 'D' },
  nodes: [
    { id: 'person', kind: 'entity', pk: 'person_id', rows: 30_000, columns: [{ name: 'person_id', type: 'int', generator: { sequence: {} } }] },
    {
      id: 'household', kind: 'entity', pk: 'household_id', rows: 4000,
      segment_behavior: { segment_column: 'plan', segments: { basic: { base_probability: 0.5 }, plus: { base_probability: 0.5 } }, behaviors: { plus: { fanout_multiplier: 2 } } },
      columns: [{ name: 'household_id', type: 'int', generator: { sequence: {} } }],
    },
    {
      // Rogers' groups (laggards' pct from the default): the S-curve and its milestones.
      id: 'diffusion', kind: 'fact', parents: ['person'],
      adoption_model: { innovation_diffusion: Object.fromEntries(Object.entries(ROGERS).map(([g, [pct, days]]) => [g, g === 'laggards' ? { time_to_adopt_days: days } : { pct, time_to_adopt_days: days }])) },
      columns: [lookup('person', 'person_id')],
    },
    { id: 'bass_adoption', kind: 'fact', parents: ['person'], adoption_model: { curve_type: 'bass', bass: BASS }, columns: [lookup('person', 'person_id'), { name: 'adopted_on', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } }] },
    {
      // 80 % ever adopt; adopters engage by tier (30 % of them not at all); plus households twice as often.
      id: 'usage', kind: 'fact', parents: ['household'],
      adoption_model: { innovation_diffusion: { early: { pct: 0.3, time_to_adopt_days: 60 }, late: { pct: 0.5, time_to_adopt_days: 240 } }, engagement_frequency: TIERS },
      columns: [{ name: 'usage_id', type: 'int', generator: { sequence: {} } }, lookup('household', 'household_id')],
    },
  ],
};

describe('adoption_model', () => {
  let db: Db;
  let plan: Plan;
  beforeAll(async () => ({ db, plan } = await generate(adoptionSpec)));
  afterAll(() => db?.close());

  it('hits the configured milestones (±5 points) along an S-shaped cumulative curve', async () => {
    const n = 30_000;
    let cum = 0;
    for (const [group, [pct, days]] of Object.entries(ROGERS)) {
      cum += pct;
      const share = (await db.value(`SELECT count(*) FROM diffusion WHERE event_type = 'adoption' AND event_at <= TIMESTAMP '2024-01-01' + to_days(${days})`)) / n;
      expect(Math.abs(share - cum), `by day ${days} (${group})`).toBeLessThan(0.05);
      expect(Math.abs(share - cum), `by day ${days} (${group}), tight`).toBeLessThan(0.01);
    }
    // S-shape: weekly adoptions (5-week moving average) rise to one interior peak, then fall — a convex, then
    // concave cumulative curve; the first week and the tail are well below the peak.
    const weeks = (await db.rows(`SELECT floor((epoch(event_at) - epoch(TIMESTAMP '2024-01-01')) / (7 * 86400))::INT AS w, count(*) AS n FROM diffusion GROUP BY 1 ORDER BY 1`)).map((r) => r.n);
    const ma = weeks.map((_, k) => mean(weeks.slice(Math.max(0, k - 2), k + 3)));
    const peak = ma.indexOf(Math.max(...ma));
    expect(peak).toBeGreaterThan(2);
    expect(peak).toBeLessThan(weeks.length - 10);
    for (let k = 1; k <= peak; k++) expect(ma[k], `week ${k} rises`).toBeGreaterThan(ma[k - 1] * 0.97);
    for (let k = peak + 1; k < ma.length; k++) expect(ma[k], `week ${k} falls`).toBeLessThan(ma[k - 1] * 1.03);
    expect(weeks[0]).toBeLessThan(ma[peak] * 0.75);
    expect(mean(weeks.slice(-4))).toBeLessThan(ma[peak] * 0.1);
  });

  it('places each member in its diffusion group between the milestones', async () => {
    const rows = await db.rows(`SELECT adoption_group AS g, count(*) AS n, min(epoch(event_at)) AS lo, max(epoch(event_at)) AS hi FROM diffusion GROUP BY 1`);
    const t0 = Date.parse(LAUNCH) / 1000;
    let prev = 0;
    for (const [g, [pct, days]] of Object.entries(ROGERS)) {
      const r = rows.find((x) => x.g === g)!;
      expect(Math.abs(r.n / 30_000 - pct), g).toBeLessThan(0.01);
      expect(r.lo).toBeGreaterThanOrEqual(t0 + prev * DAY);
      expect(r.hi).toBeLessThanOrEqual(t0 + days * DAY);
      prev = days;
    }
  });

  it('a Bass fit of the generated curve recovers p and q (±20%) and the market share', async () => {
    // Daily adoptions n_t against adopters before the day N_t: regress the hazard n_t / (m − N_t) on N_t / m
    // (h = p + q·F), and fit the discrete Bass equation n_t = a + b·N_t + c·N_t² (m, p, q unknown) by OLS.
    const rows = await db.rows(`
      WITH d AS (SELECT floor((epoch(adopted_on) - epoch(TIMESTAMP '2024-01-01')) / 86400)::INT AS day, count(*) AS n FROM bass_adoption GROUP BY 1),
      g AS (SELECT range AS day FROM range(0, 366))
      SELECT g.day, coalesce(d.n, 0) AS n, coalesce(sum(d.n) OVER (ORDER BY g.day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
      FROM g LEFT JOIN d USING (day) ORDER BY g.day`);
    const m = BASS.market_size;
    const total = rows.reduce((a, r) => a + r.n, 0);
    expect(Math.abs(total / m - 1)).toBeLessThan(0.03);
    // Weighted by the adopters at risk (the hazard's variance is ∝ 1 / (m − N_t)).
    const hazard = ols(rows.filter((r) => m - r.before > 100).map((r) => [[1, r.before / m], r.n / (m - r.before), m - r.before]));
    expect(Math.abs(hazard[0] / BASS.p - 1), `p = ${hazard[0]}`).toBeLessThan(0.2);
    expect(Math.abs(hazard[1] / BASS.q - 1), `q = ${hazard[1]}`).toBeLessThan(0.2);
    const s = 1e4;
    const [a, b1, c1] = ols(rows.filter((r) => r.day < 250).map((r) => [[1, r.before / s, (r.before / s) ** 2], r.n]));
    const b = b1 / s;
    const c = c1 / (s * s);
    const mHat = (-b - Math.sqrt(b * b - 4 * a * c)) / (2 * c);
    expect(Math.abs(mHat / m - 1), `m = ${mHat}`).toBeLessThan(0.1);
    expect(Math.abs(a / mHat / BASS.p - 1), `p = ${a / mHat}`).toBeLessThan(0.2);
    expect(Math.abs((-c * mHat) / BASS.q - 1), `q = ${-c * mHat}`).toBeLessThan(0.2);
    // Innovators come from the p term: their share is largest at the start.
    const early = await db.value(`SELECT avg((adoption_group = 'innovator')::INT) FROM bass_adoption WHERE adopted_on < TIMESTAMP '2024-01-15'`);
    const late = await db.value(`SELECT avg((adoption_group = 'innovator')::INT) FROM bass_adoption WHERE adopted_on > TIMESTAMP '2024-04-01'`);
    expect(early).toBeGreaterThan(0.5);
    expect(late).toBeLessThan(0.1);
  });

  it('the adoption date per entity is derivable by SQL (one adoption row first, none for never-adopters)', async () => {
    expect(await db.value(`SELECT count(*) FROM (SELECT household_id, count(*) FILTER (WHERE event_type = 'adoption') AS a, min(event_at) AS first, min(event_at) FILTER (WHERE event_type = 'adoption') AS adopted FROM usage GROUP BY 1) WHERE a <> 1 OR first <> adopted`)).toBe(0);
    const never = await db.value(`SELECT avg((u.household_id IS NULL)::INT) FROM household h LEFT JOIN (SELECT household_id, event_at AS adopted_at FROM usage WHERE event_type = 'adoption') u USING (household_id)`);
    expect(Math.abs(never - 0.2)).toBeLessThan(0.025);
    const milestone = await db.value(`SELECT count(*) / 4000 FROM usage WHERE event_type = 'adoption' AND event_at <= TIMESTAMP '2024-01-01' + INTERVAL 60 DAY`);
    expect(Math.abs(milestone - 0.3)).toBeLessThan(0.05);
  });

  it('adopters engage at their tier\'s events_per_week after adoption, × the segment fanout multiplier', async () => {
    const rows = await db.rows(`
      WITH a AS (SELECT household_id, event_at AS adopted_at, engagement_tier AS tier FROM usage WHERE event_type = 'adoption'),
      e AS (SELECT household_id, count(*) AS n FROM usage WHERE event_type = 'engagement' GROUP BY 1)
      SELECT h.plan, coalesce(a.tier, 'none') AS tier, count(*) AS adopters, sum(coalesce(e.n, 0)) AS events,
             sum((epoch(TIMESTAMP '2024-12-31 23:59:59') - epoch(a.adopted_at)) / (7 * 86400)) AS weeks
      FROM a JOIN household h USING (household_id) LEFT JOIN e USING (household_id) GROUP BY 1, 2`);
    const adopters = rows.reduce((s, r) => s + r.adopters, 0);
    for (const [tier, t] of Object.entries({ ...TIERS, none: { pct: 0.3, events_per_week: 0 } })) {
      const share = rows.filter((r) => r.tier === tier).reduce((s, r) => s + r.adopters, 0) / adopters;
      expect(Math.abs(share - t.pct), `${tier} share`).toBeLessThan(0.03);
      for (const plan of ['basic', 'plus']) {
        const r = rows.find((x) => x.plan === plan && x.tier === tier)!;
        const want = t.events_per_week * (plan === 'plus' ? 2 : 1);
        if (want === 0) expect(r.events).toBe(0);
        else expect(Math.abs(r.events / r.weeks / want - 1), `${plan} ${tier}`).toBeLessThan(0.1);
      }
    }
    expect(await db.value(`SELECT count(*) FROM usage u JOIN (SELECT household_id, event_at AS adopted_at FROM usage WHERE event_type = 'adoption') a USING (household_id) WHERE u.event_at < a.adopted_at OR u.event_at > TIMESTAMP '2024-12-31 23:59:59'`)).toBe(0);
  });

  it('is identical for any chunk size', async () => {
    const small = await generate(adoptionSpec, { chunkRows: 7 });
    try {
      for (const t of ['diffusion', 'bass_adoption', 'usage']) expect(await small.db.checksum(t), t).toBe(await db.checksum(t));
    } finally {
      small.db.close();
    }
  });

  it('the union of Parquet shards (worker threads) equals the single run', async () => {
    expect(await shardDiff(db, plan, ['diffusion', 'usage'])).toEqual([0, 0]);
  });
});

const CHAIN = {
  touchpoint_types: ['paid_search', 'social', 'email', 'display'], touchpoint_weights: [4, 3, 2, 1], first_touch_weights: [1, 3, 2, 4], last_touch_weights: [5, 1, 3, 1],
  touchpoints_per_conversion: { distribution: 'poisson', lambda: 3, min: 1, max: 12 },
  attribution_window_days: 14, conversion_probability: { base: 0.05, multiplier_per_touch: 1.4, saturation_at: 6 },
};
const JOURNEYS = { distribution: 'poisson', lambda: 2 };
const hourly = (name: string) => ({ name, type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H', pattern: { dimension: 'hour', weights: [1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1] } } } });
const attributionSpec = {
  version: '1.0', metadata: { name: 'attribution' }, constraints: {}, seed: 5,
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-06-30T23:59:59Z', freq: 'H' },
  nodes: [
    { id: 'visitor', kind: 'entity', pk: 'visitor_id', rows: 15_000, columns: [{ name: 'visitor_id', type: 'int', generator: { sequence: {} } }] },
    {
      id: 'touch', kind: 'fact', pk: 'touch_id', parents: ['visitor'], fanout: JOURNEYS, attribution_chain: CHAIN,
      columns: [{ name: 'touch_id', type: 'int', generator: { sequence: {} } }, lookup('visitor', 'visitor_id'), hourly('touch_at')],
    },
    {
      id: 'conversion', kind: 'fact', pk: 'conversion_id', parents: ['visitor'], fanout: JOURNEYS, attribution_chain: { ...CHAIN, emit: 'conversions' },
      columns: [{ name: 'conversion_id', type: 'int', generator: { sequence: {} } }, lookup('visitor', 'visitor_id'), hourly('converted_at'),
        { name: 'revenue', type: 'float', generator: { distribution: { type: 'lognormal', params: { mean: 4, sigma: 0.5 } } } }],
    },
  ],
};

/** p(convert | n touches) of CHAIN. */
const curve = (n: number) => Math.min(1, 0.05 * 1.4 ** (Math.min(n, 6) - 1));

describe('attribution_chain', () => {
  let db: Db;
  let plan: Plan;
  beforeAll(async () => ({ db, plan } = await generate(attributionSpec)));
  afterAll(() => db?.close());

  it('every touch of a conversion lies inside its window before it', async () => {
    expect(await db.value(`SELECT count(*) FROM touch WHERE converted AND (touch_at > converted_at OR touch_at < converted_at - INTERVAL 14 DAY)`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM touch WHERE converted AND touch_at = converted_at`)).toBeLessThan(5);
    expect(await db.value(`SELECT count(*) FROM touch WHERE NOT converted AND converted_at IS NOT NULL`)).toBe(0);
    // Touches spread over the whole window: the mean lead time is about half of it — for a visitor's only journey
    // (later journeys start after the previous one ended, so they may be shorter), once no censoring can reach it.
    const lead = await db.value(`SELECT avg(epoch(converted_at) - epoch(touch_at)) / 86400 FROM touch WHERE converted AND converted_at > TIMESTAMP '2024-01-29'
      AND visitor_id IN (SELECT visitor_id FROM touch GROUP BY 1 HAVING count(DISTINCT journey_id) = 1)`);
    expect(Math.abs(lead - 7)).toBeLessThan(0.5);
    expect(await db.value(`SELECT count(*) FROM (SELECT journey_id FROM touch GROUP BY 1 HAVING count(DISTINCT visitor_id) > 1 OR count(DISTINCT converted) > 1 OR max(touch_index) <> count(*) - 1)`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM (SELECT touch_at < lag(touch_at) OVER (PARTITION BY journey_id ORDER BY touch_index) AS back FROM touch) WHERE back`)).toBe(0);
  });

  it('conversion rate by touch count follows the curve (±3 points, ≥ 20 k journeys); non-converting journeys keep their touches', async () => {
    const rows = await db.rows(`SELECT n, count(*) AS journeys, avg(c::INT) AS rate FROM (SELECT journey_id, count(*) AS n, any_value(converted) AS c FROM touch GROUP BY 1) GROUP BY 1 ORDER BY 1`);
    const journeys = rows.reduce((a, r) => a + r.journeys, 0);
    expect(journeys).toBeGreaterThanOrEqual(20_000);
    expect(Math.abs(journeys / 15_000 / 2 - 1)).toBeLessThan(0.03);
    let checked = 0;
    for (const r of rows) {
      if (r.journeys < 1000) continue;
      checked++;
      expect(Math.abs(r.rate - curve(r.n)), `${r.n} touches`).toBeLessThan(0.03);
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    // Saturation: every journey with ≥ 6 touches converts like one with 6.
    const sat = rows.filter((r) => r.n >= 6);
    const satJourneys = sat.reduce((a, r) => a + r.journeys, 0);
    expect(satJourneys).toBeGreaterThan(1000);
    expect(Math.abs(sat.reduce((a, r) => a + r.journeys * r.rate, 0) / satJourneys - curve(6))).toBeLessThan(0.03);
    const lost = rows.reduce((a, r) => a + r.journeys * (1 - r.rate), 0);
    expect(lost / journeys).toBeGreaterThan(0.8);
  });

  it('first- and last-touch shares are computable by SQL and follow the position weights', async () => {
    // Among conversions: the first touch follows first_touch_weights, the last touch of journeys with ≥ 2
    // touches last_touch_weights, the touches between touchpoint_weights; linear shares add up to 1.
    const rows = await db.rows(`
      WITH c AS (SELECT journey_id, touchpoint_type, touch_index, count(*) OVER (PARTITION BY journey_id) AS n FROM touch WHERE converted),
      k AS (SELECT count(DISTINCT journey_id) AS all_j, count(DISTINCT journey_id) FILTER (WHERE n >= 2) AS multi_j, count(*) FILTER (WHERE touch_index BETWEEN 1 AND n - 2) AS middle FROM c)
      SELECT touchpoint_type AS t, count(*) FILTER (WHERE touch_index = 0) / any_value(all_j) AS first_share,
             count(*) FILTER (WHERE n >= 2 AND touch_index = n - 1) / any_value(multi_j) AS last_share,
             count(*) FILTER (WHERE touch_index BETWEEN 1 AND n - 2) / any_value(middle) AS middle_share,
             sum(1 / n) / any_value(all_j) AS linear_share
      FROM c, k GROUP BY 1`);
    const norm = (w: number[]) => w.map((x) => x / w.reduce((a, b) => a + b, 0));
    const want = { first_share: norm(CHAIN.first_touch_weights), last_share: norm(CHAIN.last_touch_weights), middle_share: norm(CHAIN.touchpoint_weights) };
    for (const r of rows) {
      const i = CHAIN.touchpoint_types.indexOf(r.t);
      for (const [k, w] of Object.entries(want)) expect(Math.abs(r[k] - w[i]), `${r.t} ${k}`).toBeLessThan(0.03);
    }
    for (const k of ['first_share', 'last_share', 'middle_share', 'linear_share']) expect(rows.reduce((a, r) => a + r[k], 0)).toBeCloseTo(1, 9);
  });

  it('a touchpoints fact and a conversions fact of the same model describe the same journeys', async () => {
    const mismatch = await db.value(`
      WITH t AS (SELECT journey_id, visitor_id, converted_at, count(*) AS touch_count FROM touch WHERE converted GROUP BY ALL),
      c AS (SELECT journey_id, visitor_id, converted_at, touch_count FROM conversion WHERE touch_count > 0)
      SELECT (SELECT count(*) FROM (SELECT * FROM t EXCEPT SELECT * FROM c)) + (SELECT count(*) FROM (SELECT * FROM c EXCEPT SELECT * FROM t))`);
    expect(mismatch).toBe(0);
    // touch_count counts the touches inside the observation window: a conversion whose touches all fell before
    // the window start has none (and no rows in the touchpoints fact) — only within one window of the start.
    expect(await db.value(`SELECT count(*) FROM conversion WHERE touch_count = 0`)).toBeGreaterThan(0);
    expect(await db.value(`SELECT count(*) FROM conversion WHERE touch_count = 0 AND converted_at >= TIMESTAMP '2024-01-15'`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM conversion`)).toBeGreaterThan(2000);
    expect(await db.value(`SELECT count(*) FROM conversion WHERE converted_at NOT BETWEEN TIMESTAMP '2024-01-01' AND TIMESTAMP '2024-06-30 23:59:59'`)).toBe(0);
  });

  it('is identical for any chunk size', async () => {
    const small = await generate(attributionSpec, { chunkRows: 5 });
    try {
      for (const t of ['touch', 'conversion']) expect(await small.db.checksum(t), t).toBe(await db.checksum(t));
    } finally {
      small.db.close();
    }
  });

  it('the union of Parquet shards (worker threads) equals the single run', async () => {
    expect(await shardDiff(db, plan, ['touch', 'conversion'])).toEqual([0, 0]);
  });
});

/** Rows that differ (both ways) between the single run and the union of 3 Parquet shards made by 2 worker threads. */
async function shardDiff(db: Db, plan: Plan, tables: string[]): Promise<number[]> {
  const dir = tempFile('shards');
  for (let i = 0; i < 3; i++) await runPlan(plan, { out: dir, format: 'parquet', shard: { index: i, count: 3 }, workers: 3, workerMinRows: 0, chunkRows: 500 });
  const out: number[] = [];
  for (const t of tables) {
    const shards = `(SELECT * EXCLUDE (shard) FROM read_parquet('${dir}/${t}/*/*.parquet', hive_partitioning = true))`;
    out.push(await db.value(`SELECT (SELECT count(*) FROM (SELECT * FROM ${shards} EXCEPT ALL SELECT * FROM ${t})) + (SELECT count(*) FROM (SELECT * FROM ${t} EXCEPT ALL SELECT * FROM ${shards}))`));
  }
  return out;
}

function mean(x: number[]): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}

/** (Weighted) least squares of y on the rows of X (normal equations, Gaussian elimination). */
function ols(data: ([number[], number] | [number[], number, number])[]): number[] {
  const k = data[0][0].length;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (const [x, y, w = 1] of data) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i][j] += w * x[i] * x[j];
      a[i][k] += w * x[i] * y;
    }
  }
  for (let i = 0; i < k; i++) {
    const p = a[i][i];
    for (let j = i; j <= k; j++) a[i][j] /= p;
    for (let r = 0; r < k; r++) {
      if (r === i) continue;
      const f = a[r][i];
      for (let j = i; j <= k; j++) a[r][j] -= f * a[i][j];
    }
  }
  return a.map((row) => row[k]);
}
