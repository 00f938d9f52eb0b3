/**
 * Lifetimes (docs/behaviours/lifetimes.md): children fall inside their parent's [birth, end]; counts follow
 * the exposure; a panel runs over the lifetime; `lifetime: false` opts out; validate's lifetime_order catches
 * rows outside it. Expectations are computed here from the file's births and ends alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { printPlan } from '../../src/plan/print.ts';
import { type Db, generate } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

const T0 = Date.UTC(2024, 0, 1);
const T1 = Date.UTC(2024, 11, 31, 23); // the last hourly grid point

function doc(lifetime: unknown = { from: 'installed_at', to: 'retired_at' }): any {
  return {
    version: '1.0', metadata: { name: 'lifetimes' }, seed: 3, constraints: {},
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'H' },
    nodes: [
      { id: 'device', kind: 'entity', pk: 'device_id', rows: 3000, ...(lifetime === 'default' ? {} : { lifetime }), columns: [
        { name: 'device_id', type: 'int', generator: { sequence: {} } },
        { name: 'installed_at', type: 'datetime', generator: { datetime_series: { within: { start: '2023-07-01T00:00:00Z', end: '2024-12-31T23:59:59Z' }, freq: 'H' } } },
        { name: 'retired_at', type: 'datetime', null_rate: 0.5, generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
      ] },
      { id: 'reading', kind: 'fact', pk: 'reading_id', parents: ['device'], fanout: { distribution: 'poisson', lambda: 40 }, columns: [
        { name: 'reading_id', type: 'int', generator: { sequence: {} } },
        { name: 'device_id', type: 'int', generator: { lookup: { from: 'device.device_id' } } },
        { name: 'read_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } }, modifiers: [{ transform: 'time_jitter', args: { std_minutes: 90 } }] },
      ] },
      { id: 'uptime', kind: 'fact', pk: 'uptime_id', parents: ['device'], grain: { every: 'week' }, columns: [
        { name: 'uptime_id', type: 'int', generator: { sequence: {} } },
        { name: 'device_id', type: 'int', generator: { lookup: { from: 'device.device_id' } } },
        { name: 'week', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } },
      ] },
    ],
  };
}

describe('lifetime {from, to}', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate(doc(), { chunkRows: 5000 })));
  afterAll(() => db?.close());

  it('compiles to the explicit rule, printed on the table', () => {
    const plan = compile(doc()).plan!;
    expect(plan.tables.find((t) => t.id === 'device')!.lifetime).toEqual({ from: 'installed_at', to: 'retired_at', rule: 'explicit' });
    expect(printPlan(plan)).toContain('lifetime: installed_at → retired_at (lifetime)');
  });

  it('no reading before its device was installed or after it was retired, even after time_jitter', async () => {
    const bad = await db.value(`SELECT count(*) FROM reading r JOIN device d USING (device_id) WHERE r.read_at < d.installed_at OR (d.retired_at IS NOT NULL AND r.read_at > d.retired_at)`);
    expect(bad).toBe(0);
  });

  it('readings per device follow the exposure: 40 × the share of the hourly grid inside [installed_at, retired_at]', async () => {
    const devices = await db.rows(`SELECT epoch_ms(installed_at) AS b, epoch_ms(retired_at) AS e, (SELECT count(*) FROM reading r WHERE r.device_id = d.device_id) AS n FROM device d`);
    const hours = (T1 - T0) / 3_600_000 + 1;
    const pointsIn = (b: number, e: number | null) => {
      const first = Math.max(0, Math.ceil((b - T0) / 3_600_000));
      const last = e === null ? hours - 1 : Math.min(hours - 1, Math.floor((e - T0) / 3_600_000));
      return Math.max(0, last - first + 1);
    };
    let expected = 0;
    let observed = 0;
    for (const d of devices) {
      expected += (40 * pointsIn(Number(d.b), d.e === null ? null : Number(d.e))) / hours;
      observed += d.n;
    }
    expect(Math.abs(observed - expected)).toBeLessThan(5 * Math.sqrt(expected));
    // Devices retired early have fewer readings than devices alive all year.
    const [short, long] = await db.rows(`SELECT avg(n) AS m FROM (SELECT d.device_id, count(r.reading_id) AS n, d.retired_at < TIMESTAMP '2024-03-01' AS early FROM device d LEFT JOIN reading r USING (device_id) WHERE d.installed_at < TIMESTAMP '2024-01-01' AND (d.retired_at IS NULL OR d.retired_at < TIMESTAMP '2024-03-01') GROUP BY d.device_id, d.retired_at) GROUP BY early ORDER BY early DESC`);
    expect(short.m).toBeLessThan(0.25 * long.m);
  });

  it('a panel runs from the week of the birth to the week of the end', async () => {
    const wrong = await db.value(`SELECT count(*) FROM uptime u JOIN device d USING (device_id) WHERE u.week + INTERVAL 7 DAY <= d.installed_at OR (d.retired_at IS NOT NULL AND u.week > d.retired_at)`);
    expect(wrong).toBe(0);
    expect(await db.value('SELECT count(*) FROM uptime')).toBeGreaterThan(50_000);
  });

  it('validate: every check passes; a reading moved after its retirement fails lifetime_order (hard)', async () => {
    const file = await generateFile(doc());
    const ok = await validateFile(doc(), file);
    const lo = pick(ok.checks, 'lifetime_order', 'reading');
    expect(lo).toHaveLength(1);
    expect(ok.checks.filter((c) => c.status !== 'pass'), notPassing(ok.checks)).toEqual([]);
    expect(pick(ok.checks, 'fanout_mean', 'reading')[0]?.status).toBe('pass');
    const bad = await corruptCopy(file, [`UPDATE reading SET read_at = (SELECT retired_at FROM device d WHERE d.device_id = reading.device_id) + INTERVAL 1 HOUR WHERE reading_id IN (SELECT min(reading_id) FROM reading JOIN device USING (device_id) WHERE retired_at IS NOT NULL GROUP BY device_id LIMIT 4)`]);
    const r = await validateFile(doc(), bad);
    const c = pick(r.checks, 'lifetime_order', 'reading')[0];
    expect(c.status).toBe('fail');
    expect(c.hard).toBe(true);
    expect(c.observed).toBe(4);
    expect(r.ok).toBe(false);
  });
});

describe('lifetime: false and the default', () => {
  it('false: children over the whole window, full fanout', async () => {
    const { db } = await generate(doc(false));
    try {
      const before = await db.value(`SELECT count(*) FROM reading r JOIN device d USING (device_id) WHERE r.read_at < d.installed_at`);
      expect(before).toBeGreaterThan(1000);
      const n = await db.value('SELECT count(*) FROM reading');
      expect(Math.abs(n - 3000 * 40)).toBeLessThan(5 * Math.sqrt(3000 * 40));
    } finally {
      db.close();
    }
  });

  it('default: an entity lives from its first datetime column, with no end', () => {
    const plan = compile(doc('default')).plan!;
    expect(plan.tables.find((t) => t.id === 'device')!.lifetime).toEqual({ from: 'installed_at', to: null, rule: 'first_datetime' });
  });

  it('a lifetime column that is not a datetime of the node is an error with a pointer', () => {
    const d = compile(doc({ from: 'device_id' })).diagnostics.find((x) => x.code === 'DG_TYPE_MISMATCH');
    expect(d?.path).toBe('/nodes/0/lifetime/from');
  });
});

describe('adoption inside lifetimes', () => {
  // Devices installed over 2023-07 … 2024-12, some retired; a firmware launched 2024-01-01 diffuses from
  // max(launch, installed_at) for each device (its own clock), and nothing happens after retirement.
  const firmware = (): any => {
    const d = doc();
    d.timeframe.freq = 'D';
    d.nodes = [d.nodes[0], {
      id: 'firmware', kind: 'fact', parents: ['device'],
      adoption_model: { launch_at: '2024-01-01T00:00:00Z', innovation_diffusion: { early: { pct: 0.3, time_to_adopt_days: 30 }, late: { pct: 0.5, time_to_adopt_days: 120 } }, engagement_frequency: { active: { pct: 0.6, events_per_week: 3 } } },
      columns: [{ name: 'firmware_id', type: 'int', generator: { sequence: {} } }, { name: 'device_id', type: 'int', generator: { lookup: { from: 'device.device_id' } } }, { name: 'event_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe' } } }],
    }];
    d.nodes[0].rows = 20000;
    return d;
  };
  let db: Db;
  beforeAll(async () => ({ db } = await generate(firmware())));
  afterAll(() => db?.close());

  it('no device adopts before it was installed, and nothing happens after it was retired', async () => {
    const r = (await db.rows(`SELECT count(*) FILTER (WHERE f.event_type = 'adoption' AND f.event_at < greatest(d.installed_at, TIMESTAMP '2024-01-01')) AS early,
      count(*) FILTER (WHERE d.retired_at IS NOT NULL AND f.event_at > d.retired_at) AS late, count(*) FILTER (WHERE f.event_type = 'adoption') AS adoptions
      FROM firmware f JOIN device d USING (device_id)`))[0];
    expect(r).toMatchObject({ early: 0, late: 0 });
    expect(r.adoptions).toBeGreaterThan(5000);
  });

  it("each device's adoption follows the milestones on its own clock (devices installed after the launch included)", async () => {
    // Devices installed in 2024 and alive 120 days later: 80 % adopted within 120 days of installation (±5 SE).
    const r = (await db.rows(`SELECT count(*) AS n, count(*) FILTER (WHERE a.event_at <= d.installed_at + INTERVAL 120 DAY) AS adopted
      FROM device d LEFT JOIN (SELECT device_id, event_at FROM firmware WHERE event_type = 'adoption') a USING (device_id)
      WHERE d.installed_at >= TIMESTAMP '2024-01-01' AND d.installed_at + INTERVAL 120 DAY <= TIMESTAMP '2024-12-31' AND (d.retired_at IS NULL OR d.retired_at > d.installed_at + INTERVAL 120 DAY)`))[0];
    expect(r.n).toBeGreaterThan(1000);
    expect(Math.abs(r.adopted / r.n - 0.8)).toBeLessThan(5 * Math.sqrt((0.8 * 0.2) / r.n));
  });

  it('validate: adoption_once, adoption_curve and adoption_engagement pass; an adoption moved before installation fails adoption_once', async () => {
    const file = await generateFile(firmware());
    const ok = await validateFile(firmware(), file);
    for (const check of ['adoption_once', 'adoption_curve', 'adoption_engagement']) expect(pick(ok.checks, check, 'firmware')[0]?.status, `${check}: ${notPassing(ok.checks)}`).toBe('pass');
    const bad = await corruptCopy(file, [`UPDATE firmware SET event_at = (SELECT installed_at FROM device d WHERE d.device_id = firmware.device_id) - INTERVAL 1 DAY WHERE event_type = 'adoption' AND device_id IN (SELECT device_id FROM device WHERE installed_at > TIMESTAMP '2024-03-01' ORDER BY device_id LIMIT 3)`]);
    const c = pick((await validateFile(firmware(), bad)).checks, 'adoption_once', 'firmware')[0];
    expect(c.status).toBe('fail');
  });
});

describe('state machines end with their parent', () => {
  const withMachine = (): any => {
    const d = doc();
    d.nodes = [d.nodes[0], {
      id: 'plan', kind: 'fact', pk: 'episode_id', parents: ['device'],
      state_transition_model: { initial_state: 'basic', period_unit: 'week', emit: 'episodes', states: {
        basic: { transition_prob_per_period: 0.05, next_states: { pro: 0.7, ended: 0.3 } },
        pro: { transition_prob_per_period: 0.04, next_states: { basic: 0.5, ended: 0.5 } },
        ended: { terminal: true } } },
      columns: [{ name: 'episode_id', type: 'int', generator: { sequence: {} } }, { name: 'device_id', type: 'int', generator: { lookup: { from: 'device.device_id' } } }],
    }];
    return d;
  };

  it('no episode starts after retirement; a relationship cut by it ends at retired_at; validate passes, a later episode fails', async () => {
    const { db } = await generate(withMachine());
    try {
      const r = (await db.rows(`WITH last AS (SELECT *, row_number() OVER (PARTITION BY device_id ORDER BY episode_index DESC) AS rn FROM plan)
        SELECT count(*) FILTER (WHERE p.valid_from > d.retired_at) AS after,
               count(*) FILTER (WHERE p.rn = 1 AND p.state <> 'ended' AND d.retired_at < TIMESTAMP '2024-12-31 23:59:59' AND p.valid_to IS DISTINCT FROM d.retired_at) AS not_cut,
               count(*) FILTER (WHERE p.rn = 1 AND p.state <> 'ended' AND p.valid_to = d.retired_at) AS cut
        FROM last p JOIN device d USING (device_id)`))[0];
      expect(r.after).toBe(0);
      expect(r.not_cut).toBe(0);
      expect(r.cut).toBeGreaterThan(200);
    } finally {
      db.close();
    }
    const file = await generateFile(withMachine());
    const ok = await validateFile(withMachine(), file);
    expect(ok.checks.filter((c) => c.status === 'fail'), notPassing(ok.checks)).toEqual([]);
    expect(pick(ok.checks, 'state_valid', 'plan')[0]?.status).toBe('pass');
    const bad = await corruptCopy(file, [`UPDATE plan SET valid_from = (SELECT retired_at + INTERVAL 7 DAY FROM device d WHERE d.device_id = plan.device_id) WHERE episode_id IN (SELECT max(p.episode_id) FROM plan p JOIN device d USING (device_id) WHERE d.retired_at < TIMESTAMP '2024-11-01' AND p.episode_index > 0 GROUP BY p.device_id ORDER BY 1 LIMIT 2)`]);
    expect(pick((await validateFile(withMachine(), bad)).checks, 'state_valid', 'plan')[0].status).toBe('fail');
  });
});
