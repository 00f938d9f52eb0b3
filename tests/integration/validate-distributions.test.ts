/*
 * Behavioural checks of `datagen validate`, distributions (issue 7): fanout_mean / fanout_dispersion,
 * choice_weights, dow/hour/month_pattern (grid-count correction, time_jitter, effects) and trend /
 * seasonality on numeric columns. Every example passes them (status pass, not warn) at its default scale for
 * several seeds, and with --without-scenarios; corrupted copies fail with the right check; two synthetic specs
 * of other domains (minute grid, geometric / uniform / fixed / bounded fanouts, dates, decimals, bools,
 * map_values, outliers) pass for several seeds and fail when corrupted.
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/run.ts';
import { withoutScenarios } from '../../src/scenarios/strip.ts';
import { DISTRIBUTION_CHECKS } from '../../src/validate/behaviour/distributions.ts';
import type { CheckResult } from '../../src/validate/types.ts';
import { normalise, shareSE } from '../../src/validate/stats.ts';
import { compileOrThrow, Db, EXAMPLES_DIR, readJson, tempFile } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, runChecks } from '../support/validate.ts';

const examples = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();
const example = (f: string) => readJson(new URL(f, EXAMPLES_DIR));
const check = (doc: unknown, file: string) => runChecks(doc, file, DISTRIBUTION_CHECKS);

function failing(checks: CheckResult[], name: string, table: string, column?: string): CheckResult[] {
  const hits = pick(checks, name, table, column);
  expect(hits.length, `no ${name} check on ${table}${column ? '.' + column : ''}:\n${notPassing(checks)}`).toBeGreaterThan(0);
  return hits.filter((c) => c.status === 'fail');
}

// Default seed of each example at its default scale, and two others (device_fleet — 1.3 M rows for two choice
// checks — at a quarter of its scale for those, to keep this file fast).
const seeds: [string, number | undefined, number | undefined][] = examples.flatMap((f) => {
  const scale = f === 'device_fleet.json' ? 0.25 : undefined;
  return [[f, undefined, undefined], [f, 11, scale], [f, 2024, scale]] as [string, number | undefined, number | undefined][];
});

describe('every example passes the distribution checks', () => {
  it.each(seeds)('%s seed %s scale %s', async (f, seed, scale) => {
    const doc = example(f);
    const checks = await check(doc, await generateFile(doc, { seed, scale, name: f.replace('.json', '.duckdb') }));
    expect(notPassing(checks)).toBe('');
    for (const c of checks) {
      expect(c.category).toBe('behavioural');
      expect(c.hard).toBe(false);
      expect(c.specPath, `${c.check} ${c.table}`).toMatch(/^\/nodes\/\d+/);
      if (c.check !== 'fanout_dispersion') expect(c.chart, c.check).toBeDefined();
    }
  });

  it('covers what the examples declare', async () => {
    const doc = example('shop_promotions.json');
    const checks = await check(doc, await generateFile(doc));
    // NB fanout × the promotions' key-less effect factor; patterns × effects; trend and seasonality through the effect.
    for (const [name, col] of [['fanout_mean', undefined], ['fanout_dispersion', undefined], ['hour_pattern', 'ordered_at'], ['dow_pattern', 'ordered_at'], ['trend', 'amount'], ['seasonality', 'amount'], ['choice_weights', 'channel']] as const) {
      expect(pick(checks, name, 'orders', col).length, name).toBe(1);
    }
    expect(pick(checks, 'seasonality', 'orders', 'amount')[0].specPath).toBe('/nodes/2/columns/4/modifiers/1');
    expect(pick(checks, 'dow_pattern', 'orders')[0].specPath).toBe('/nodes/2/columns/2/modifiers/0');
    expect(pick(checks, 'hour_pattern', 'orders')[0].specPath).toBe('/nodes/2/columns/2/generator/datetime_series/pattern');
  });

  it.each(['funnel_metrics.json', 'usage_costs.json'])('%s generated --without-scenarios passes too', async (f) => {
    const doc = example(f);
    const out = tempFile('plain.duckdb');
    await runPlan(withoutScenarios(compileOrThrow(doc)), { out, workers: 1 });
    const checks = await check(doc, out);
    expect(notPassing(checks)).toBe('');
    expect(checks.length).toBeGreaterThan(0);
  });
});

describe('corrupted copies fail with the right check', () => {
  const quick = example('quickstart.json');
  const shop = example('shop_promotions.json');
  const funnel = example('funnel_metrics.json');
  let quickFile: string;
  let shopFile: string;
  let funnelFile: string;
  beforeAll(async () => {
    [quickFile, shopFile, funnelFile] = await Promise.all([generateFile(quick), generateFile(shop), generateFile(funnel)]);
  });

  it('a weekday pattern shifted by one day fails dow_pattern (and only it among the time patterns)', async () => {
    const checks = await check(quick, await corruptCopy(quickFile, ['UPDATE events SET occurred_at = occurred_at + INTERVAL 1 DAY']));
    expect(failing(checks, 'dow_pattern', 'events', 'occurred_at').length).toBe(1);
    expect(pick(checks, 'hour_pattern', 'events')[0].status).toBe('pass');
    const bars = pick(checks, 'dow_pattern', 'events')[0].chart!;
    expect(bars.kind).toBe('bars');
  });

  it('an hour pattern shifted by three hours fails hour_pattern', async () => {
    const checks = await check(quick, await corruptCopy(quickFile, ['UPDATE events SET occurred_at = occurred_at + INTERVAL 3 HOUR']));
    expect(failing(checks, 'hour_pattern', 'events', 'occurred_at').length).toBe(1);
  });

  it('choice weights off by 5 points fail choice_weights; a value outside the choices is named', async () => {
    let checks = await check(quick, await corruptCopy(quickFile, ["UPDATE users SET plan = 'free' WHERE plan = 'pro' AND user_id % 4 = 0"]));
    expect(failing(checks, 'choice_weights', 'users', 'plan').length).toBe(1);
    checks = await check(quick, await corruptCopy(quickFile, ['ALTER TABLE users ALTER country TYPE VARCHAR', "UPDATE users SET country = 'XX' WHERE user_id % 500 = 0"]));
    const bad = failing(checks, 'choice_weights', 'users', 'country');
    expect(bad.length).toBe(1);
    expect(bad[0].examples).toEqual(['XX']);
  });

  it('a column missing from the file fails its check (the others still run)', async () => {
    const checks = await check(quick, await corruptCopy(quickFile, ['ALTER TABLE users DROP COLUMN plan']));
    const bad = failing(checks, 'choice_weights', 'users', 'plan');
    expect(bad[0].message).toMatch(/could not be computed/);
    expect(pick(checks, 'choice_weights', 'users', 'country')[0].status).toBe('pass');
  });

  it('a quarter of the parents losing their children fails fanout_mean', async () => {
    const checks = await check(quick, await corruptCopy(quickFile, ['DELETE FROM events WHERE user_id % 4 = 0']));
    expect(failing(checks, 'fanout_mean', 'events').length).toBe(1);
  });

  it('children moved between parents (same mean, twice the variance) fail fanout_dispersion only', async () => {
    const checks = await check(quick, await corruptCopy(quickFile, ['UPDATE events SET user_id = user_id + 1 WHERE user_id % 2 = 1']));
    expect(failing(checks, 'fanout_dispersion', 'events').length).toBe(1);
    expect(pick(checks, 'fanout_mean', 'events')[0].status).toBe('pass');
  });

  it('a flattened column fails trend and seasonality', async () => {
    const checks = await check(shop, await corruptCopy(shopFile, ['UPDATE orders SET amount = 60 * (1 + 0.05 * (random() - 0.5))']));
    expect(failing(checks, 'trend', 'orders', 'amount').length).toBe(1);
    expect(failing(checks, 'seasonality', 'orders', 'amount').length).toBe(1);
  });

  it('a reversed trend fails trend but keeps the monthly seasonality', async () => {
    // amount × 1.25^(-2·years): the declared +25 %/year becomes −25 %/year.
    const checks = await check(shop, await corruptCopy(shopFile, ["UPDATE orders SET amount = amount * pow(1.25, -2 * (epoch_ms(ordered_at) - epoch_ms(TIMESTAMP '2024-01-01')) / (365.25 * 86400000))"]));
    const trend = failing(checks, 'trend', 'orders', 'amount');
    expect(trend.length).toBe(1);
    expect((trend[0].observed as { fitted_scale: number }).fitted_scale).toBeLessThan(0);
    expect(trend[0].chart?.kind).toBe('line');
  });

  it('an hour profile flattened on a small panel (672 hours) fails seasonality', async () => {
    const checks = await check(funnel, await corruptCopy(funnelFile, ['UPDATE funnel_hourly SET app_opens = 800 + hour_id % 7']));
    const hour = failing(checks, 'seasonality', 'funnel_hourly', 'app_opens');
    expect(hour.map((c) => c.specPath)).toEqual(['/nodes/0/columns/2/modifiers/0']);
    expect(hour[0].chart?.kind).toBe('bars');
  });
});

/** A clinic: short minute-grid window (46 days: Monday–Thursday occur 7 times, the others 6), jitter, geometric fanout. */
const clinic = {
  version: '1.0',
  metadata: { name: 'Clinic visits' },
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-02-15T23:59:59Z', freq: 'H' },
  seed: 5,
  nodes: [
    {
      id: 'patient', kind: 'entity', pk: 'patient_id', rows: 4000,
      columns: [
        { name: 'patient_id', type: 'int', generator: { sequence: {} } },
        { name: 'blood', type: 'string', generator: { choice: { choices: ['O', 'A', 'B', 'AB', 'O'], weights: [0.3, 0.4, 0.1, 0.05, 0.15] } }, modifiers: [{ transform: 'map_values', args: { mapping: { AB: 'A/B' } } }] },
        { name: 'risk', type: 'int', nullable: true, null_rate: 0.1, generator: { choice: { choices: [1, 2, 3], weights_kind: 'zipf@1.5' } }, modifiers: [{ transform: 'multiply', args: { factor: 10 } }] },
        { name: 'born', type: 'date', generator: { datetime_series: { within: { start: '1950-01-01T00:00:00Z', end: '2005-12-31T00:00:00Z' }, freq: 'D', pattern: { dimension: 'month', weights: [1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1] } } } },
      ],
    },
    {
      id: 'visit', kind: 'fact', pk: 'visit_id', parents: ['patient'], fanout: { distribution: 'geometric', lambda: 3, max: 25 },
      columns: [
        { name: 'visit_id', type: 'int', generator: { sequence: {} } },
        { name: 'patient_id', type: 'int', generator: { lookup: { from: 'patient.patient_id' } } },
        {
          name: 'visited_at', type: 'datetime',
          generator: { datetime_series: { within: 'timeframe', freq: 'T', pattern: [
            { dimension: 'hour', weights: [0, 0, 0, 0, 0, 0, 0.2, 0.6, 1.5, 2, 2, 1.8, 1, 1.6, 1.8, 1.7, 1.4, 1, 0.6, 0.3, 0.1, 0, 0, 0] },
            { dimension: 'dow', weights: [1.3, 1.1, 1, 1, 0.9, 0.3, 0] },
          ] } },
          modifiers: [{ transform: 'time_jitter', args: { std_minutes: 45 } }],
        },
        {
          name: 'fee', type: 'decimal', generator: { distribution: { type: 'gamma', params: { shape: 3, scale: 40 } } },
          modifiers: [
            { transform: 'trend', args: { type: 'linear', growth_rate: 2, time_reference: 'visited_at' } },
            { transform: 'seasonality', args: { dimension: 'dow', weights: [1, 1, 1, 1, 1.2, 1.5, 1.5], time_reference: 'visited_at' } },
            { transform: 'jitter', args: { std: 0.05, mode: 'mul' } },
            { transform: 'outliers', args: { rate: 0.01, mode: 'spike', magnitude_dist: { type: 'uniform', params: { low: 3, high: 6 } } } },
          ],
        },
        { name: 'paid', type: 'bool', generator: { choice: { choices: [true, false], weights: [0.9, 0.1] } } },
      ],
    },
  ],
  constraints: {},
};

/** Sensors: weekly grid (Sundays only), uniform / fixed / bounded negative-binomial fanouts, a decaying int reading. */
const sensors = {
  version: '1.0',
  metadata: { name: 'Sensor network' },
  timeframe: { start: '2023-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'D' },
  seed: 9,
  nodes: [
    {
      id: 'site', kind: 'entity', pk: 'site_id', rows: 300,
      columns: [
        { name: 'site_id', type: 'int', generator: { sequence: { start: 10 } } },
        { name: 'climate', type: 'string', generator: { choice: { choices: ['arid', 'temperate', 'polar'], weights: [2, 5, 1] } } },
        { name: 'opened', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'W', pattern: [{ dimension: 'month', weights: [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3] }, { dimension: 'dow', weights: [1, 1, 1, 1, 1, 1, 1] }] } } },
      ],
    },
    {
      id: 'sensor', kind: 'fact', pk: 'sensor_id', parents: ['site'], fanout: { distribution: 'uniform', min: 2, max: 6 },
      columns: [
        { name: 'sensor_id', type: 'int', generator: { sequence: {} } },
        { name: 'site_id', type: 'int', generator: { lookup: { from: 'site.site_id' } } },
        { name: 'kind', type: 'string', generator: { choice: { choices: ['temp', 'humidity', 'wind'] } } },
      ],
    },
    {
      id: 'calibration', kind: 'fact', pk: 'calibration_id', parents: ['sensor'], fanout: { distribution: 'fixed', value: 2 },
      columns: [
        { name: 'calibration_id', type: 'int', generator: { sequence: {} } },
        { name: 'sensor_id', type: 'int', generator: { lookup: { from: 'sensor.sensor_id' } } },
      ],
    },
    {
      id: 'reading', kind: 'fact', pk: 'reading_id', parents: ['sensor'], fanout: { distribution: 'negative_binomial', lambda: 60, k: 5, min: 5 },
      columns: [
        { name: 'reading_id', type: 'int', generator: { sequence: {} } },
        { name: 'sensor_id', type: 'int', generator: { lookup: { from: 'sensor.sensor_id' } } },
        { name: 'read_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H', pattern: { dimension: 'month', weights: [0.5, 0.6, 0.8, 1, 1.2, 1.4, 1.5, 1.4, 1.2, 1, 0.8, 0.6] } } } },
        {
          name: 'level', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 40 } } },
          modifiers: [
            { transform: 'seasonality', args: { dimension: 'hour', weights: [0.5, 0.5, 0.5, 0.5, 0.6, 0.8, 1, 1.2, 1.4, 1.5, 1.6, 1.6, 1.6, 1.6, 1.5, 1.4, 1.3, 1.2, 1, 0.9, 0.8, 0.7, 0.6, 0.5], time_reference: 'read_at' } },
            { transform: 'trend', args: { type: 'exponential', growth_rate: -0.3, time_reference: 'read_at' } },
          ],
        },
      ],
    },
  ],
  constraints: {},
};

describe('synthetic specs of other domains', () => {
  it.each([['clinic', 5], ['clinic', 77], ['clinic', 1234], ['sensors', 9], ['sensors', 31], ['sensors', 4096]] as const)('%s seed %s passes', async (name, seed) => {
    const doc = name === 'clinic' ? clinic : sensors;
    const checks = await check(doc, await generateFile(doc, { seed }));
    expect(notPassing(checks)).toBe('');
    const names = new Set(checks.map((c) => `${c.check} ${c.table}${c.column ? '.' + c.column : ''}`));
    const want = name === 'clinic'
      ? ['fanout_mean visit', 'fanout_dispersion visit', 'choice_weights patient.blood', 'choice_weights patient.risk', 'choice_weights visit.paid', 'month_pattern patient.born', 'hour_pattern visit.visited_at', 'dow_pattern visit.visited_at', 'trend visit.fee', 'seasonality visit.fee']
      : ['fanout_mean sensor', 'fanout_dispersion sensor', 'fanout_mean calibration', 'fanout_dispersion calibration', 'fanout_mean reading', 'fanout_dispersion reading', 'choice_weights site.climate', 'month_pattern site.opened', 'dow_pattern site.opened', 'month_pattern reading.read_at', 'trend reading.level', 'seasonality reading.level'];
    for (const w of want) expect(names.has(w), `${w} in ${[...names].join(', ')}`).toBe(true);
  });

  it('the grid-count correction decides: a 46-day window from a Monday has one more Monday…Thursday than Friday…Sunday', async () => {
    const clinicFile = await generateFile(clinic);
    const visits = pick(await check(clinic, clinicFile), 'dow_pattern', 'visit', 'visited_at')[0];
    expect(visits.status).toBe('pass');
    const e = visits.expected as number[];
    // Monday (7 occurrences × 1.3) against Friday (6 × 0.9), smeared a little by the 45-minute jitter.
    expect(e[0] / e[4]).toBeGreaterThan(1.6);
    // The weights alone (no slot counts) would not pass on the same data.
    const db = await Db.open(clinicFile);
    const rows = Number(await db.value('SELECT count(*) FROM visit'));
    db.close();
    const naive = normalise([1.3, 1.1, 1, 1, 0.9, 0.3, 0]);
    const obs = visits.observed as number[];
    expect(Math.max(...obs.map((o, i) => Math.abs(o - naive[i]) / shareSE(naive[i] || 1e-9, rows)))).toBeGreaterThan(4);
    // Weekly points are Sundays: every site opens on a Sunday whatever the dow weights.
    const dow = pick(await check(sensors, await generateFile(sensors)), 'dow_pattern', 'site', 'opened')[0];
    expect(dow.expected).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(dow.status).toBe('pass');
  });

  it('corruptions of the synthetic specs fail their checks', async () => {
    const s = await generateFile(sensors);
    let checks = await check(sensors, await corruptCopy(s, ['DELETE FROM calibration WHERE calibration_id = 7']));
    expect(failing(checks, 'fanout_mean', 'calibration').length).toBe(1);
    expect(failing(checks, 'fanout_dispersion', 'calibration').length).toBe(1);
    checks = await check(sensors, await corruptCopy(s, ["UPDATE reading SET level = round(level * pow(0.7, -2 * (epoch_ms(read_at) - epoch_ms(TIMESTAMP '2023-01-01')) / (365.25 * 86400000)))"]));
    expect(failing(checks, 'trend', 'reading', 'level').length).toBe(1);
    checks = await check(sensors, await corruptCopy(s, ['UPDATE reading SET read_at = read_at + INTERVAL 2 MONTH WHERE reading_id % 3 = 0']));
    expect(failing(checks, 'month_pattern', 'reading', 'read_at').length).toBe(1);
    const c = await generateFile(clinic);
    checks = await check(clinic, await corruptCopy(c, ['ALTER TABLE patient ALTER blood TYPE VARCHAR', "UPDATE patient SET blood = 'AB' WHERE blood = 'A/B'"]));
    expect(failing(checks, 'choice_weights', 'patient', 'blood').length).toBe(1);
    checks = await check(clinic, await corruptCopy(c, ['UPDATE visit SET fee = fee * 0.8 WHERE isodow(visited_at) >= 6']));
    expect(failing(checks, 'seasonality', 'visit', 'fee').length).toBe(1);
  });
});
