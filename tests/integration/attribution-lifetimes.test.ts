/**
 * Attribution journeys and lifetimes (issue 22, docs/behaviours/attribution.md): journeys end inside their
 * parent's [birth, end] and their number follows the exposure; touches before the observation window start or
 * the birth are censored (no pile-up on the first days); a parent's journeys do not overlap unless
 * `overlap: true`; the same output for any chunk size; validate's attribution checks pass on clean data and
 * catch touches outside the lifetime and overlapping journeys. Expectations come from the spec and the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/run.ts';
import type { Plan } from '../../src/ir/types.ts';
import { MACHINE_CHECKS } from '../../src/validate/behaviour/machines.ts';
import { type Db, generate, tempFile } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, runChecks } from '../support/validate.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const T1 = Date.UTC(2024, 5, 30, 23); // the last hourly grid point
const POINTS = (T1 - T0) / HOUR + 1;
const JOURNEYS = 3;
const CHAIN = {
  touchpoint_types: ['search', 'social', 'email', 'display'], touchpoint_weights: [4, 3, 2, 1], first_touch_weights: [1, 3, 1, 4], last_touch_weights: [5, 1, 3, 1],
  touchpoints_per_conversion: { distribution: 'poisson', lambda: 4, min: 1, max: 12 },
  attribution_window_days: 14, conversion_probability: { base: 0.06, multiplier_per_touch: 1.3, saturation_at: 6 },
};
const id = (name: string) => ({ name, type: 'int', generator: { sequence: {} } });
const ref = (t: string, c: string) => ({ name: c, type: 'int', generator: { lookup: { from: `${t}.${c}` } } });
const hourly = (name: string) => ({ name, type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } });
const fact = (idName: string, parent: string, key: string, chain: object, time = 'touch_at') => ({
  id: idName, kind: 'fact', pk: `${idName}_id`, parents: [parent], fanout: { distribution: 'poisson', lambda: JOURNEYS }, attribution_chain: chain,
  columns: [id(`${idName}_id`), ref(parent, key), hourly(time)],
});

/** Visitors without a lifetime (the whole window): touches, and the same chain with overlapping journeys. */
const WINDOW_SPEC = {
  version: '1.0', metadata: { name: 'attribution window' }, constraints: {}, seed: 21,
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-06-30T23:59:59Z', freq: 'H' },
  nodes: [
    { id: 'visitor', kind: 'entity', pk: 'visitor_id', rows: 6000, columns: [id('visitor_id')] },
    fact('touch', 'visitor', 'visitor_id', CHAIN),
    fact('touch_ov', 'visitor', 'visitor_id', { ...CHAIN, overlap: true }),
  ],
};

/** Customers with a lifetime [signed_up_at, closed_at] (half of them still open): touches, and every journey as a conversion (base 1). */
const LIFETIME_SPEC = {
  version: '1.0', metadata: { name: 'attribution lifetimes' }, constraints: {}, seed: 22,
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-06-30T23:59:59Z', freq: 'H' },
  nodes: [
    { id: 'customer', kind: 'entity', pk: 'customer_id', rows: 6000, lifetime: { from: 'signed_up_at', to: 'closed_at' }, columns: [
      id('customer_id'),
      { name: 'signed_up_at', type: 'datetime', generator: { datetime_series: { within: { start: '2023-10-01T00:00:00Z', end: '2024-06-30T23:59:59Z' }, freq: 'H' } } },
      { name: 'closed_at', type: 'datetime', null_rate: 0.5, generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
    ] },
    fact('ctouch', 'customer', 'customer_id', CHAIN),
    fact('cjourney', 'customer', 'customer_id', { ...CHAIN, emit: 'conversions', conversion_probability: { base: 1 } }, 'converted_at'),
  ],
};

/** Touches per day over [from, to) (days since Jan 1). */
async function perDay(db: Db, table: string, from: number, to: number): Promise<number> {
  const n = await db.value(`SELECT count(*) FROM ${table} WHERE touch_at >= TIMESTAMP '2024-01-01' + INTERVAL ${from} DAY AND touch_at < TIMESTAMP '2024-01-01' + INTERVAL ${to} DAY`);
  return Number(n) / (to - from);
}

/** Journeys of one parent that begin before the previous one (by journey id) ended: last touch or conversion. */
const OVERLAPS = (table: string, key: string) => `
  WITH j AS (SELECT ${key} AS e, journey_id, min(touch_at) AS first_at, greatest(max(touch_at), coalesce(max(converted_at), max(touch_at))) AS last_at FROM ${table} GROUP BY ALL)
  SELECT count(*) FROM (SELECT first_at < lag(last_at) OVER (PARTITION BY e ORDER BY journey_id) AS bad FROM j) WHERE bad`;

describe('attribution journeys without a lifetime: the observation window', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate(WINDOW_SPEC)));
  afterAll(() => db?.close());

  it('no pile-up of touches on the first days: censored journeys keep only their in-window touches', async () => {
    for (const t of ['touch', 'touch_ov']) {
      // The middle of the window (after one attribution window, before the last window where journeys ending
      // after the window are missing) is the steady state.
      const middle = await perDay(db, t, 30, 150);
      expect(middle, t).toBeGreaterThan(300);
      const first = await perDay(db, t, 0, 1);
      const week = await perDay(db, t, 0, 7);
      const window = await perDay(db, t, 0, 14);
      expect(Math.abs(first / middle - 1), `${t} Jan 1: ${first} vs ${middle}`).toBeLessThan(0.3);
      expect(Math.abs(week / middle - 1), `${t} Jan 1–7: ${week} vs ${middle}`).toBeLessThan(0.1);
      expect(Math.abs(window / middle - 1), `${t} first 14 days: ${window} vs ${middle}`).toBeLessThan(0.06);
    }
  });

  it('censored journeys have fewer written touches, only within one window of the start, and still convert by their full count', async () => {
    // Journeys ending well inside the window keep all their touches (min 1); journeys that lost touches end early.
    const late = await db.value(`SELECT count(*) FROM (SELECT journey_id, max(touch_at) AS last_at FROM touch GROUP BY 1) WHERE last_at < TIMESTAMP '2024-01-15'`);
    expect(late).toBeGreaterThan(0);
    const rows = await db.rows(`SELECT converted_at < TIMESTAMP '2024-01-15' AS early, avg(n) AS n FROM (SELECT journey_id, count(*) AS n, any_value(converted_at) AS converted_at FROM touch WHERE converted GROUP BY 1) GROUP BY 1 ORDER BY 1`);
    const [later, early] = rows;
    expect(early.early).toBe(true);
    expect(early.n).toBeLessThan(later.n - 0.3);
  });

  it("a visitor's journeys do not overlap in time (ids in the order of their ends); with overlap: true they may", async () => {
    expect(await db.value(OVERLAPS('touch', 'visitor_id'))).toBe(0);
    expect(await db.value(OVERLAPS('touch_ov', 'visitor_id'))).toBeGreaterThan(100);
    // Later journeys are shortened by the previous end: the lead time of non-first journeys is shorter.
    const lead = await db.rows(`WITH g AS (SELECT visitor_id, journey_id, bool_or(converted) AS c, any_value(converted_at) AS converted_at, min(touch_at) AS first_at FROM touch GROUP BY 1, 2),
      j AS (SELECT *, row_number() OVER (PARTITION BY visitor_id ORDER BY journey_id) AS k FROM g)
      SELECT k = 1 AS first_journey, avg(epoch(converted_at) - epoch(first_at)) / 86400 AS days FROM j WHERE c AND converted_at > TIMESTAMP '2024-01-29' GROUP BY 1 ORDER BY 1`);
    expect(lead[1].days).toBeGreaterThan(lead[0].days);
  });

  it('is identical for any chunk size', async () => {
    const small = await generate(WINDOW_SPEC, { chunkRows: 7 });
    try {
      for (const t of ['touch', 'touch_ov']) expect(await small.db.checksum(t), t).toBe(await db.checksum(t));
    } finally {
      small.db.close();
    }
  });
});

describe('attribution journeys inside the parent lifetime', () => {
  let db: Db;
  let plan: Plan;
  beforeAll(async () => ({ db, plan } = await generate(LIFETIME_SPEC)));
  afterAll(() => db?.close());

  it('no touch before the birth or after the end; conversions inside the lifetime', async () => {
    const outside = (t: string, col: string) => db.value(`SELECT count(*) FROM ${t} x JOIN customer c USING (customer_id) WHERE x.${col} < c.signed_up_at OR x.${col} > c.closed_at`);
    expect(await outside('ctouch', 'touch_at')).toBe(0);
    expect(await outside('ctouch', 'converted_at')).toBe(0);
    expect(await outside('cjourney', 'converted_at')).toBe(0);
    // Customers closed before they signed up (an empty lifetime) have no journeys.
    expect(await db.value(`SELECT count(*) FROM cjourney JOIN customer c USING (customer_id) WHERE c.closed_at < c.signed_up_at`)).toBe(0);
    // Touches do come close to the birth (censored there, not moved away from it).
    expect(await db.value(`SELECT count(*) FROM ctouch x JOIN customer c USING (customer_id) WHERE c.signed_up_at > TIMESTAMP '2024-02-01' AND x.touch_at < c.signed_up_at + INTERVAL 1 DAY`)).toBeGreaterThan(20);
  });

  it('journeys per customer follow the exposure: 3 × the share of the hourly grid inside [signed_up_at, closed_at]', async () => {
    const customers = await db.rows(`SELECT epoch_ms(signed_up_at) AS b, epoch_ms(closed_at) AS e, (SELECT count(*) FROM cjourney j WHERE j.customer_id = c.customer_id) AS n FROM customer c`);
    const exposure = (b: number, e: number | null) => {
      const first = Math.max(0, Math.ceil((b - T0) / HOUR));
      const last = e === null ? POINTS - 1 : Math.min(POINTS - 1, Math.floor((e - T0) / HOUR));
      return Math.max(0, last - first + 1) / POINTS;
    };
    const bins = [0, 0.25, 0.5, 0.75, 1.0001].slice(1).map((hi, i, all) => ({ lo: i ? all[i - 1] : 0, hi, expected: 0, observed: 0 }));
    let expected = 0;
    let observed = 0;
    for (const c of customers) {
      const x = exposure(Number(c.b), c.e === null ? null : Number(c.e));
      expected += JOURNEYS * x;
      observed += c.n;
      const bin = bins.find((b) => (x === 0 ? b.lo === 0 : x > b.lo && x <= b.hi))!;
      bin.expected += JOURNEYS * x;
      bin.observed += c.n;
    }
    expect(Math.abs(observed - expected)).toBeLessThan(5 * Math.sqrt(expected));
    for (const b of bins) if (b.expected > 500) expect(Math.abs(b.observed / b.expected - 1), `exposure (${b.lo}, ${b.hi}]`).toBeLessThan(0.08);
    // Full-window customers have ~3 journeys, ones alive a quarter of it well under 1.
    expect(bins[3].observed / bins[3].expected).toBeGreaterThan(0.9);
  });

  it('is identical for any chunk size', async () => {
    const small = await generate(LIFETIME_SPEC, { chunkRows: 5 });
    try {
      for (const t of ['ctouch', 'cjourney']) expect(await small.db.checksum(t), t).toBe(await db.checksum(t));
    } finally {
      small.db.close();
    }
  });

  it('the union of Parquet shards (worker threads) equals the single run', async () => {
    const dir = tempFile('attribution-shards');
    for (let i = 0; i < 3; i++) await runPlan(plan, { out: dir, format: 'parquet', shard: { index: i, count: 3 }, workers: 2, workerMinRows: 0, chunkRows: 700 });
    for (const t of ['ctouch', 'cjourney']) {
      const shards = `(SELECT * EXCLUDE (shard) FROM read_parquet('${dir}/${t}/*/*.parquet', hive_partitioning = true))`;
      const diff = await db.value(`SELECT (SELECT count(*) FROM (SELECT * FROM ${shards} EXCEPT ALL SELECT * FROM ${t})) + (SELECT count(*) FROM (SELECT * FROM ${t} EXCEPT ALL SELECT * FROM ${shards}))`);
      expect(diff, t).toBe(0);
    }
  });
});

describe('validate: attribution checks with lifetimes, censoring and non-overlapping journeys', () => {
  const NAMES = ['attribution_window', 'attribution_conversion', 'attribution_touches', 'attribution_types'];
  let windowFile: string;
  let lifetimeFile: string;
  beforeAll(async () => {
    windowFile = await generateFile(WINDOW_SPEC);
    lifetimeFile = await generateFile(LIFETIME_SPEC);
  });

  it('clean data passes every attribution check', async () => {
    for (const [doc, file] of [[WINDOW_SPEC, windowFile], [LIFETIME_SPEC, lifetimeFile]] as const) {
      const checks = (await runChecks(doc, file, MACHINE_CHECKS)).filter((c) => NAMES.includes(c.check));
      expect(notPassing(checks)).toBe('');
      for (const n of NAMES) expect(pick(checks, n).length, n).toBeGreaterThan(0);
    }
  });

  const windowChecks = (doc: object, file: string) => runChecks(doc, file, MACHINE_CHECKS.filter((m) => m.name === 'attribution_window'));
  const failing = (checks: Awaited<ReturnType<typeof windowChecks>>, table: string) => pick(checks, 'attribution_window', table).filter((c) => c.status === 'fail');

  it('fails a touch before its customer was born, and a touch after the end', async () => {
    const before = await corruptCopy(lifetimeFile, [`UPDATE ctouch SET touch_at = c.signed_up_at - INTERVAL 1 HOUR FROM customer c WHERE c.customer_id = ctouch.customer_id AND ctouch.touch_index = 0 AND NOT ctouch.converted AND ctouch.ctouch_id IN (SELECT ctouch_id FROM ctouch JOIN customer c USING (customer_id) WHERE touch_index = 0 AND NOT converted AND c.signed_up_at > TIMESTAMP '2024-02-01' AND touch_at < c.signed_up_at + INTERVAL 2 DAY LIMIT 3)`]);
    const hits = failing(await windowChecks(LIFETIME_SPEC, before), 'ctouch');
    expect(hits.length).toBe(1);
    expect(hits[0].message).toContain("before their customer's birth");
    const after = await corruptCopy(lifetimeFile, [`UPDATE cjourney SET converted_at = c.closed_at + INTERVAL 1 HOUR FROM customer c WHERE c.customer_id = cjourney.customer_id AND c.closed_at IS NOT NULL AND c.closed_at < TIMESTAMP '2024-06-01' AND cjourney.cjourney_id % 10 = 0`]);
    const late = failing(await windowChecks(LIFETIME_SPEC, after), 'cjourney');
    expect(late.length).toBe(1);
    expect(late[0].message).toContain("outside their customer's lifetime");
  });

  it('fails journeys of one visitor that overlap (overlap false), not when the chain allows them', async () => {
    // A visitor's second journey moved back so that it begins before the first one's last touch.
    const sql = (t: string) => `UPDATE ${t} SET touch_at = touch_at - INTERVAL 3 DAY WHERE touch_index = 0 AND journey_id IN (
      SELECT journey_id FROM (SELECT journey_id, row_number() OVER (PARTITION BY visitor_id ORDER BY journey_id) AS k FROM (SELECT DISTINCT visitor_id, journey_id FROM ${t})) WHERE k = 2 LIMIT 50)`;
    const file = await corruptCopy(windowFile, [sql('touch'), sql('touch_ov')]);
    const checks = await windowChecks(WINDOW_SPEC, file);
    const hits = failing(checks, 'touch');
    expect(hits.length).toBe(1);
    expect(hits[0].message).toContain('begin before the previous journey');
    expect(failing(checks, 'touch_ov').map((c) => c.message).join()).not.toContain('previous journey');
  });
});
