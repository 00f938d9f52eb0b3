/**
 * Processes that gate each other and activity that depends on state (issue 22 §2, §3): examples/gym_memberships.json —
 * a membership starts at the sign-up funnel's "signed" step (never without it); check-ins at rate 1 while the
 * membership is active, 0.1 while frozen, 0 once cancelled. Expectations come from the file's own rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { type Db, EXAMPLES_DIR, generate, readJson } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

const spec = readJson(new URL('gym_memberships.json', EXAMPLES_DIR));
const W0 = "TIMESTAMP '2024-01-01 00:00:00'";
const W1 = "TIMESTAMP '2024-12-31 23:00:00'"; // the last hourly grid point
const inEpisode = 's.member_id = c.member_id AND c.checked_in_at >= s.valid_from AND c.checked_in_at < coalesce(s.valid_to, \'infinity\'::TIMESTAMP)';

describe('activity_by_state (gym memberships)', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec, { scale: 0.25, chunkRows: 3000 })));
  afterAll(() => db?.close());

  it('no check-in after cancellation, none outside the membership, none before joining', async () => {
    const r = (await db.rows(`SELECT count(*) FILTER (WHERE s.state = 'cancelled') AS cancelled, count(*) FILTER (WHERE s.state IS NULL) AS outside, count(*) AS n FROM checkin c LEFT JOIN membership s ON ${inEpisode}`))[0];
    expect(r).toMatchObject({ cancelled: 0, outside: 0 });
    expect(r.n).toBeGreaterThan(100_000);
    expect(await db.value(`SELECT count(*) FROM checkin c JOIN member m USING (member_id) WHERE c.checked_in_at < m.joined_at`)).toBe(0);
  });

  it('check-ins per hour held: frozen / active = 0.1, and the total is 156 × the rate-weighted share of the year', async () => {
    // Hours of each state inside the hourly grid of 2024, per the file's episodes.
    const held = await db.rows(`SELECT state, sum(greatest(0, epoch(least(coalesce(valid_to, ${W1} + INTERVAL 1 HOUR), ${W1} + INTERVAL 1 HOUR)) - epoch(greatest(valid_from, ${W0})))) / 3600 AS hours FROM membership GROUP BY 1`);
    const rows = await db.rows(`SELECT s.state, count(*) AS n FROM checkin c JOIN membership s ON ${inEpisode} GROUP BY 1`);
    const h = Object.fromEntries(held.map((r) => [r.state, r.hours]));
    const n = Object.fromEntries(rows.map((r) => [r.state, r.n]));
    const ratio = n.frozen / h.frozen / (n.active / h.active);
    const se = ratio * Math.sqrt(1 / n.frozen + 1 / n.active);
    expect(Math.abs(ratio - 0.1)).toBeLessThan(5 * se + 0.005);
    const hoursInYear = 366 * 24;
    const expected = (156 * (h.active + 0.1 * h.frozen)) / hoursInYear;
    const total = n.active + n.frozen;
    expect(Math.abs(total - expected)).toBeLessThan(5 * Math.sqrt(expected) + 0.01 * expected);
  });

  it('is identical for other chunk sizes and on the worker path', async () => {
    const sums = async (o: object) => {
      const { db: d } = await generate(spec, { scale: 0.25, ...o });
      try {
        return [await d.checksum('membership'), await d.checksum('checkin')];
      } finally {
        d.close();
      }
    };
    const base = [await db.checksum('membership'), await db.checksum('checkin')];
    expect(await sums({ chunkRows: 777 })).toEqual(base);
    expect(await sums({ workers: 3 })).toEqual(base);
  });

  it('validate: every check passes; a check-in moved into a cancelled membership fails activity_state_zero (hard)', async () => {
    const file = await generateFile(spec, { scale: 0.25 });
    const ok = await validateFile(spec, file);
    expect(ok.checks.filter((c) => c.status !== 'pass'), notPassing(ok.checks)).toEqual([]);
    expect(pick(ok.checks, 'activity_by_state', 'checkin')[0]?.status).toBe('pass');
    const bad = await corruptCopy(file, [`UPDATE checkin SET checked_in_at = (SELECT s.valid_from + INTERVAL 1 DAY FROM membership s WHERE s.member_id = checkin.member_id AND s.state = 'cancelled' AND s.valid_from < TIMESTAMP '2024-12-01')
      WHERE checkin_id IN (SELECT min(c.checkin_id) FROM checkin c JOIN membership s ON s.member_id = c.member_id AND s.state = 'cancelled' AND s.valid_from < TIMESTAMP '2024-12-01' GROUP BY c.member_id ORDER BY 1 LIMIT 5)`]);
    const r = await validateFile(spec, bad);
    const c = pick(r.checks, 'activity_state_zero', 'checkin')[0];
    expect(c.status).toBe('fail');
    expect(c.observed).toBe(5);
    expect(r.ok).toBe(false);
  });

  it('starts_after: no membership for a member who never signed; each starts exactly at the signed step; check-ins only after it', async () => {
    const r = (await db.rows(`WITH g AS (SELECT member_id, min(happened_at) AS signed FROM signup WHERE stage_name = 'signed' GROUP BY 1)
      SELECT count(*) FILTER (WHERE g.signed IS NULL) AS unsigned, count(*) FILTER (WHERE s.episode_index = 0 AND s.valid_from <> g.signed) AS off, count(*) FILTER (WHERE s.episode_index = 0) AS firsts
      FROM membership s LEFT JOIN g USING (member_id)`))[0];
    expect(r).toMatchObject({ unsigned: 0, off: 0 });
    // Every member who signed inside the window has a membership.
    expect(r.firsts).toBe(await db.value(`SELECT count(DISTINCT member_id) FROM signup WHERE stage_name = 'signed'`));
    expect(await db.value(`SELECT count(*) FROM checkin c LEFT JOIN (SELECT member_id, min(happened_at) AS signed FROM signup WHERE stage_name = 'signed' GROUP BY 1) g USING (member_id) WHERE g.signed IS NULL OR c.checked_in_at < g.signed`)).toBe(0);
  });

  it('validate: a membership of a member who never signed fails gate_order (hard)', async () => {
    const file = await generateFile(spec, { scale: 0.25 });
    const bad = await corruptCopy(file, [`INSERT INTO membership SELECT episode_id + 10000000, (SELECT min(member_id) FROM member WHERE member_id NOT IN (SELECT member_id FROM signup WHERE stage_name = 'signed')), state, valid_from, valid_to, episode_index FROM membership LIMIT 1`]);
    const c = pick((await validateFile(spec, bad)).checks, 'gate_order', 'membership')[0];
    expect(c.status).toBe('fail');
    expect(c.observed).toBe(1);
  });

  it('values that depend on state: a lookup "at" reads the membership state at the check-in, and an expression uses it', async () => {
    const wrong = await db.value(`SELECT count(*) FROM checkin c LEFT JOIN membership s ON ${inEpisode} WHERE c.membership_state IS DISTINCT FROM CAST(s.state AS VARCHAR)`);
    expect(wrong).toBe(0);
    const r = await db.rows(`SELECT membership_state AS st, min(minutes) AS lo, max(minutes) AS hi FROM checkin GROUP BY 1 ORDER BY 1`);
    expect(r).toEqual([{ st: 'active', lo: 60, hi: 60 }, { st: 'frozen', lo: 20, hi: 20 }]);
    const file = await generateFile(spec, { scale: 0.25 });
    const bad = await corruptCopy(file, [`UPDATE checkin SET membership_state = 'frozen' WHERE checkin_id IN (SELECT checkin_id FROM checkin WHERE membership_state = 'active' ORDER BY checkin_id LIMIT 2)`]);
    const c = pick((await validateFile(spec, bad)).checks, 'state_at', 'checkin')[0];
    expect(c.status).toBe('fail');
    expect(c.observed).toBe(2);
    const d = structuredClone(spec);
    d.nodes[3].columns.find((x: any) => x.name === 'membership_state').generator.lookup.from = 'membership.episode_id';
    const diag = compile(d).diagnostics.find((x) => x.severity === 'error');
    expect(diag?.code).toBe('DG_BAD_PARAM');
    expect(diag?.hint).toContain('membership.state');
  });

  it('diagnostics: an unknown table, a machine over another parent, an unknown state', () => {
    const d = structuredClone(spec);
    d.nodes[3].activity_by_state = { table: 'membershp', rates: { active: 1 } };
    expect(compile(d).diagnostics.find((x) => x.code === 'DG_UNKNOWN_TABLE')?.path).toBe('/nodes/3/activity_by_state/table');
    d.nodes[3].activity_by_state = { table: 'membership', rates: { activ: 1, cancelled: 0 } };
    const w = compile(d).diagnostics.find((x) => x.code === 'DG_UNKNOWN_STATE');
    expect(w?.path).toBe('/nodes/3/activity_by_state/rates/activ');
    expect(w?.hint).toContain('active');
    d.nodes[3].activity_by_state = { table: 'membership', rates: { active: 0, frozen: 0, cancelled: 0 } };
    expect(compile(d).diagnostics.find((x) => x.code === 'DG_BAD_WEIGHTS')?.path).toBe('/nodes/3/activity_by_state/rates');
    const e = structuredClone(spec);
    e.nodes[2].starts_after = { table: 'signup', stage: 'sigend' };
    const st = compile(e).diagnostics.find((x) => x.code === 'DG_UNKNOWN_STAGE');
    expect(st?.path).toBe('/nodes/2/starts_after/stage');
    expect(st?.hint).toContain('signed');
  });
});

describe('activity_by_state over a lifecycle (telecom lines)', () => {
  const telecom: any = {
    version: '1.0', metadata: { name: 'telecom' }, seed: 5, constraints: {},
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'H' },
    nodes: [
      { id: 'line', kind: 'entity', pk: 'line_id', rows: 4000, columns: [
        { name: 'line_id', type: 'int', generator: { sequence: {} } },
        { name: 'activated_at', type: 'datetime', generator: { datetime_series: { within: { start: '2023-10-01T00:00:00Z', end: '2024-10-01T00:00:00Z' }, freq: 'H' } } },
      ] },
      { id: 'line_stage', kind: 'fact', pk: 'stage_row_id', parents: ['line'], columns: [
        { name: 'stage_row_id', type: 'int', generator: { sequence: {} } },
        { name: 'line_id', type: 'int', generator: { lookup: { from: 'line.line_id' } } },
      ], lifecycle_model: { period_unit: 'month', emit: 'stages', stages: [
        { stage_name: 'provisioning', duration: { distribution: 'exponential', params: { rate: 0.5 }, unit: 'day' }, exit_probability: 1, next_stages: ['active'] },
        { stage_name: 'active', duration: { distribution: 'exponential', params: { rate: 0.02 }, unit: 'day' }, exit_probability: 1, next_stages: ['suspended', 'disconnected'] },
        { stage_name: 'suspended', duration: { distribution: 'exponential', params: { rate: 0.1 }, unit: 'day' }, exit_probability: 1, next_stages: ['active', 'disconnected'] },
        { stage_name: 'disconnected', churn_probability_per_period: 0 },
      ] } },
      { id: 'session', kind: 'fact', pk: 'session_id', parents: ['line'], fanout: { distribution: 'poisson', lambda: 300 },
        activity_by_state: { table: 'line_stage', rates: { provisioning: 0, active: 1, suspended: 0.05, disconnected: 0 } },
        columns: [
          { name: 'session_id', type: 'int', generator: { sequence: {} } },
          { name: 'line_id', type: 'int', generator: { lookup: { from: 'line.line_id' } } },
          { name: 'started_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
        ] },
    ],
  };
  const inStage = `s.line_id = x.line_id AND x.started_at >= s.started_at AND x.started_at < coalesce(s.ended_at, 'infinity'::TIMESTAMP)`;

  it('no session while disconnected, provisioning or before activation; suspended lines at a twentieth of the active rate', async () => {
    const { db } = await generate(telecom);
    try {
      const r = await db.rows(`SELECT s.stage_name AS st, count(*) AS n FROM session x LEFT JOIN line_stage s ON ${inStage} GROUP BY 1`);
      const n = Object.fromEntries(r.map((q) => [q.st ?? 'none', q.n]));
      expect(n.disconnected ?? 0).toBe(0);
      expect(n.provisioning ?? 0).toBe(0);
      expect(n.none ?? 0).toBe(0);
      expect(await db.value(`SELECT count(*) FROM session x JOIN line l USING (line_id) WHERE x.started_at < l.activated_at`)).toBe(0);
      const held = Object.fromEntries((await db.rows(`SELECT stage_name AS st, sum(greatest(0, epoch(least(coalesce(ended_at, TIMESTAMP '2025-01-01'), TIMESTAMP '2025-01-01')) - epoch(greatest(started_at, TIMESTAMP '2024-01-01')))) AS sec FROM line_stage GROUP BY 1`)).map((q) => [q.st, q.sec]));
      const ratio = n.suspended / held.suspended / (n.active / held.active);
      expect(Math.abs(ratio - 0.05)).toBeLessThan(5 * ratio * Math.sqrt(1 / n.suspended + 1 / n.active) + 0.003);
      expect(n.active).toBeGreaterThan(50_000);
    } finally {
      db.close();
    }
    const file = await generateFile(telecom);
    const ok = await validateFile(telecom, file);
    expect(ok.checks.filter((c) => c.status !== 'pass'), notPassing(ok.checks)).toEqual([]);
    expect(pick(ok.checks, 'activity_by_state', 'session')[0]?.status).toBe('pass');
    expect(pick(ok.checks, 'activity_state_zero', 'session')[0]?.status).toBe('pass');
  });

  it('lifetime.to {table, states}: a line ends when it is disconnected; plain sessions stop there', async () => {
    const d = structuredClone(telecom);
    d.nodes[0].lifetime = { from: 'activated_at', to: { table: 'line_stage', states: ['disconnected'] } };
    delete d.nodes[2].activity_by_state;
    const plan = compile(d).plan!;
    expect(plan.tables.find((t) => t.id === 'line')!.lifetime).toMatchObject({ from: 'activated_at', toState: { table: 'line_stage', states: ['disconnected'] } });
    const { db } = await generate(d);
    try {
      const after = await db.value(`SELECT count(*) FROM session x JOIN (SELECT line_id, min(started_at) AS gone FROM line_stage WHERE stage_name = 'disconnected' GROUP BY 1) g USING (line_id) WHERE x.started_at > g.gone`);
      expect(after).toBe(0);
      expect(await db.value(`SELECT count(*) FROM session x JOIN line l USING (line_id) WHERE x.started_at < l.activated_at`)).toBe(0);
      expect(await db.value('SELECT count(*) FROM session')).toBeGreaterThan(100_000);
    } finally {
      db.close();
    }
    const file = await generateFile(d);
    const ok = await validateFile(d, file);
    expect(ok.checks.filter((c) => c.status === 'fail'), notPassing(ok.checks)).toEqual([]);
    expect(pick(ok.checks, 'lifetime_order', 'session')[0]?.status).toBe('pass');
    const bad = await corruptCopy(file, [`UPDATE session SET started_at = TIMESTAMP '2024-12-31 12:00:00' WHERE session_id IN (SELECT min(x.session_id) FROM session x JOIN line_stage s USING (line_id) WHERE s.stage_name = 'disconnected' AND s.started_at < TIMESTAMP '2024-12-01' GROUP BY x.line_id ORDER BY 1 LIMIT 3)`]);
    const c = pick((await validateFile(d, bad)).checks, 'lifetime_order', 'session')[0];
    expect(c.status).toBe('fail');
    expect(c.observed).toBe(3);
    const e = structuredClone(d);
    e.nodes[0].lifetime.to.states = ['gone'];
    expect(compile(e).diagnostics.find((x) => x.code === 'DG_UNKNOWN_STATE')?.path).toBe('/nodes/0/lifetime/to/states');
  });
});
