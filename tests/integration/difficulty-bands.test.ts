/*
 * Difficulty is measurable (issue 18 §3, docs/anomalies.md#difficulty-bands): a campaign event asks for a
 * detectability inside its difficulty's band and the run sets its magnitude from the data, so that the event's
 * measured detectability (_label_events.detectability, the robust z) lands in the band — for every family a
 * campaign draws that has a z (data_quality breaks a rule and has none). Campaigns of each family × difficulty
 * on an hourly funnel (level families, mix_shift; rate_* and funnel_break on a funnel step) and on single accounts'
 * daily series. Tolerance (documented): at least 90 % of the events of each difficulty measure in their band, and
 * every event within its band widened by a quarter (easy z ≥ 4.5, medium 2.25–7.5, hard < 3.75). A drop that cannot
 * reach its band (a noisy single-account series: even × 0.1 is within its spread) takes the deepest drop, × 0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { col, compileDoc, entity, fact, idCol, spec } from '../support/harness.ts';
import { type Db, generate } from '../support/run-spec.ts';

const START = Date.parse('2025-01-01T00:00:00Z');
const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
const LEVEL = ['spike', 'drop', 'level_shift', 'cost_spike', 'volume_spike', 'mix_shift'];
const STEP = ['rate_drop', 'rate_spike', 'funnel_break'];
const ACCOUNT = ['spike', 'level_shift', 'cost_spike', 'volume_spike'];
const BAND = { easy: [6, Infinity], medium: [3, 6], hard: [0, 3] } as const;
const WIDE = { easy: [4.5, Infinity], medium: [2.25, 7.5], hard: [0, 3.75] } as const;

const hourly = (id: string) => fact(id, [], [
  col('hour_id', 'int', { sequence: { start: 0 } }),
  col('ts', 'datetime', { expression: { code: `${START} + hour_id * 3600000` } }),
  col('app_opens', 'int', { distribution: { type: 'poisson', params: { lambda: 750 } } }),
  col('menu_opens', 'int', { distribution: { type: 'binomial', params: { n: 'app_opens', p: 0.63 } } }),
  col('orders', 'int', { distribution: { type: 'binomial', params: { n: 'menu_opens', p: 0.12 } } }),
], { rows: 181 * 24 });

/** One campaign per family and difficulty, two events each. */
const campaigns = (prefix: string, families: string[], target: string, extra: object, seed: number) => families.flatMap((f, i) => DIFFICULTIES.map((d, j) => ({
  id: `${prefix}_${f}_${d}`, families: [f], targets: [target], count: 2, difficulty: { [d]: 1 }, seed: seed + 10 * i + j, ...extra,
})));

const DOC = {
  ...spec([
    hourly('level'),
    hourly('step'),
    entity('accounts', 60, [idCol('account_id', 500)]),
    fact('usage', ['accounts'], [
      idCol('usage_id'), col('account_id', 'int', { lookup: { from: 'accounts.account_id' } }),
      col('day', 'datetime', { datetime_series: { within: 'timeframe', freq: 'D' } }),
      col('events', 'int', { distribution: { type: 'negative_binomial', params: { mean: 20, dispersion_k: 3 } } }),
      col('cost', 'float', { expression: { code: 'events * 0.02' } }),
    ], { grain: { every: 'day' } }),
  ], { start: '2025-01-01T00:00:00Z', end: '2025-06-30T23:59:59Z' }),
  // a hand-written scenario may ask for a detectability too (medium: 4.5)
  scenarios: [{ id: 'asked', type: 'spike', target: 'usage.events', selection: { random_k: 1 }, window: { start: '2025-06-10', duration: '3d' }, params: { multiplier: 1.1, detectability: 4.5 } }],
  anomaly_campaigns: [
    ...campaigns('l', LEVEL, 'level.app_opens', { duration: { min: '3h', max: '1d' }, min_gap: '1d' }, 100),
    ...campaigns('s', STEP, 'step.orders', { duration: '1d', min_gap: '1d' }, 200),
    ...campaigns('u', ACCOUNT, 'usage.events', { duration: { min: '1d', max: '3d' }, entities: 1 }, 300),
    { id: 'u_drop', families: ['drop'], targets: ['usage.events'], count: 3, difficulty: { easy: 1 }, entities: 1, seed: 400 },
  ],
};

interface Ev { event_id: string; campaign: string; family: string; difficulty: keyof typeof BAND; z: number | null; magnitude: number; cells: number }
let db: Db;
let events: Ev[];

beforeAll(async () => {
  ({ db } = await generate(DOC, { workers: 1 }));
  events = (await db.rows(`SELECT event_id, campaign, family, difficulty, detectability AS z, magnitude, cells FROM _label_events ORDER BY event_id`)) as Ev[];
}, 120_000);
afterAll(() => db?.close());

const inBand = (z: number, [lo, hi]: readonly [number, number]) => z >= lo && z < hi;

describe('difficulty → measured detectability bands', () => {
  it('every family a campaign draws (but data_quality) has events of each difficulty, each with a z', () => {
    const banded = events.filter((e) => e.campaign !== 'u_drop');
    for (const [families, prefix] of [[LEVEL, 'l'], [STEP, 's'], [ACCOUNT, 'u']] as const) {
      for (const f of families) for (const d of DIFFICULTIES) expect(banded.filter((e) => e.campaign === `${prefix}_${f}_${d}` && e.family === f && e.difficulty === d && e.cells > 0), `${prefix} ${f} ${d}`).toHaveLength(2);
    }
    expect(banded.filter((e) => e.z === null)).toEqual([]);
  });

  it('at least 90 % of each difficulty\'s events measure in its band; every event within its band widened by a quarter', () => {
    const banded = events.filter((e) => e.campaign !== 'u_drop');
    for (const d of DIFFICULTIES) {
      const list = banded.filter((e) => e.difficulty === d);
      const inside = list.filter((e) => inBand(e.z!, BAND[d]));
      expect(inside.length / list.length, `${d}: ${list.filter((e) => !inBand(e.z!, BAND[d])).map((e) => `${e.event_id} z ${e.z}`).join(', ')}`).toBeGreaterThanOrEqual(0.9);
      for (const e of list) expect(inBand(e.z!, WIDE[d]), `${e.event_id} (${e.family}, ${d}) z ${e.z}`).toBe(true);
    }
  });

  it('the magnitude comes from the data: the same family and difficulty needs more on a noisier series', () => {
    // an easy spike: a few percent on ~750 opens an hour (σ ≈ 27), several-fold on one account's day (σ ≈ 12 of 20)
    const easy = (c: string) => events.filter((e) => e.campaign === c).map((e) => e.magnitude);
    for (const m of easy('l_spike_easy')) expect(m).toBeGreaterThan(1.1), expect(m).toBeLessThan(1.6);
    for (const m of easy('u_spike_easy')) expect(m).toBeGreaterThan(2);
    // hard is a smaller change than medium, medium than easy (per family, on the same series)
    for (const f of LEVEL.filter((x) => x !== 'mix_shift')) {
      const dev = (d: string) => Math.max(...events.filter((e) => e.campaign === `l_${f}_${d}`).map((e) => Math.abs(e.magnitude - 1)));
      const least = (d: string) => Math.min(...events.filter((e) => e.campaign === `l_${f}_${d}`).map((e) => Math.abs(e.magnitude - 1)));
      expect(dev('hard'), f).toBeLessThan(least('medium'));
      expect(dev('medium'), f).toBeLessThan(least('easy'));
    }
  });

  it('a hand-written scenario asking for a detectability gets it; a bad one is DG_OUT_OF_RANGE at the parameter', () => {
    const asked = events.find((e) => e.event_id === 'asked')!;
    expect(asked.z!).toBeGreaterThanOrEqual(3.5);
    expect(asked.z!).toBeLessThan(5.5);
    expect(asked.magnitude).toBeGreaterThan(1.1); // not the fallback
    const bad = compileDoc({ ...DOC, anomaly_campaigns: [], scenarios: [{ ...DOC.scenarios[0], params: { detectability: -1 } }] }).diagnostics.filter((d) => d.severity === 'error');
    expect(bad.map((d) => [d.code, d.path])).toEqual([['DG_OUT_OF_RANGE', '/scenarios/0/params/detectability']]);
  });

  it('a drop that cannot reach its band takes the deepest drop (× 0.1) and is measured as what it is', () => {
    const drops = events.filter((e) => e.campaign === 'u_drop' && e.z !== null);
    expect(drops.length).toBeGreaterThan(0);
    for (const e of drops) {
      expect(e.z!).toBeLessThan(6);
      expect(e.magnitude).toBe(0.1);
    }
  });
});
