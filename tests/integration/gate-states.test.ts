/**
 * starts_after with a state machine's state or a lifecycle's stage as the trigger (issue 22 §3): a process over a
 * parent starts at the first time the parent entered that state, not at all for parents that never did. The
 * expectations are the first entries read from the file's own state tables; validate's gate_order agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { type Db, generate } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

function doc(): any {
  return {
    version: '1.0', metadata: { name: 'gates on states' }, seed: 5, constraints: {},
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'H' },
    nodes: [
      { id: 'member', kind: 'entity', pk: 'member_id', rows: 3000, columns: [
        { name: 'member_id', type: 'int', generator: { sequence: {} } },
        { name: 'joined_at', type: 'datetime', generator: { datetime_series: { within: { start: '2024-01-01T00:00:00Z', end: '2024-06-30T23:59:59Z' }, freq: 'H' } } },
      ] },
      { id: 'membership', kind: 'fact', pk: 'episode_id', parents: ['member'], state_transition_model: {
        initial_state: 'trial', period_unit: 'week', emit: 'episodes', states: {
          trial: { transition_prob_per_period: 0.3, next_states: { active: 0.6, gone: 0.4 } },
          active: { transition_prob_per_period: 0.05, next_states: { paused: 0.5, gone: 0.5 } },
          paused: { transition_prob_per_period: 0.2, next_states: { active: 0.8, gone: 0.2 } },
          gone: { terminal: true } } },
        columns: [{ name: 'episode_id', type: 'int', generator: { sequence: {} } }, { name: 'member_id', type: 'int', generator: { lookup: { from: 'member.member_id' } } }] },
      { id: 'device', kind: 'fact', pk: 'row_id', parents: ['member'], lifecycle_model: { period_unit: 'month', emit: 'stages', stages: [
          { stage_name: 'setup', duration: { distribution: 'exponential', params: { rate: 0.1 }, unit: 'day' }, exit_probability: 0.7, next_stages: ['paired'] },
          { stage_name: 'paired', churn_probability_per_period: 0.1 }] },
        columns: [{ name: 'row_id', type: 'int', generator: { sequence: {} } }, { name: 'member_id', type: 'int', generator: { lookup: { from: 'member.member_id' } } }] },
      { id: 'checkin', kind: 'fact', pk: 'checkin_id', parents: ['member'], fanout: { distribution: 'poisson', lambda: 60 }, starts_after: { table: 'membership', state: 'active' },
        columns: [{ name: 'checkin_id', type: 'int', generator: { sequence: {} } }, { name: 'member_id', type: 'int', generator: { lookup: { from: 'member.member_id' } } },
          { name: 'checked_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } }] },
      { id: 'sync_plan', kind: 'fact', pk: 'episode_id', parents: ['member'], starts_after: { table: 'device', stage: 'paired' }, state_transition_model: {
          initial_state: 'on', period_unit: 'month', emit: 'episodes', states: { on: { transition_prob_per_period: 0.1, next_states: { off: 1 } }, off: { terminal: true } } },
        columns: [{ name: 'episode_id', type: 'int', generator: { sequence: {} } }, { name: 'member_id', type: 'int', generator: { lookup: { from: 'member.member_id' } } }] },
      { id: 'app', kind: 'fact', parents: ['member'], adoption_model: { launch_at: '2024-03-01T00:00:00Z', innovation_diffusion: { early: { pct: 0.3, time_to_adopt_days: 20 }, late: { pct: 0.4, time_to_adopt_days: 90 } } },
        columns: [{ name: 'app_event_id', type: 'int', generator: { sequence: {} } }, { name: 'member_id', type: 'int', generator: { lookup: { from: 'member.member_id' } } }, { name: 'event_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe' } } }] },
      { id: 'in_app_order', kind: 'fact', pk: 'order_id', parents: ['member'], fanout: { distribution: 'poisson', lambda: 12 }, starts_after: { table: 'app' },
        columns: [{ name: 'order_id', type: 'int', generator: { sequence: {} } }, { name: 'member_id', type: 'int', generator: { lookup: { from: 'member.member_id' } } },
          { name: 'ordered_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } }] },
    ],
  };
}

const FIRST_ACTIVE = `fa AS (SELECT member_id, min(valid_from) AS t FROM membership WHERE state = 'active' GROUP BY 1)`;
const FIRST_PAIRED = `fp AS (SELECT member_id, min(started_at) AS t FROM device WHERE stage_name = 'paired' GROUP BY 1)`;

describe('starts_after a state or a lifecycle stage', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate(doc(), { chunkRows: 2000 })));
  afterAll(() => db?.close());

  it('plans the gate on the state table and orders the tables after it', () => {
    const plan = compile(doc()).plan!;
    const t = (id: string) => plan.tables.find((x) => x.id === id)! as any;
    expect(t('checkin').rows.vintage.gate).toEqual({ table: 'membership', stage: 1, stageName: 'active' });
    expect(t('sync_plan').rows.machine.gate).toEqual({ table: 'device', stage: 1, stageName: 'paired' });
    expect(t('checkin').dependsOn).toContain('membership');
    expect(t('sync_plan').dependsOn).toContain('device');
  });

  it('check-ins only for members who became active, none before their first active episode', async () => {
    expect(Number(await db.value(`WITH ${FIRST_ACTIVE} SELECT count(*) FROM checkin c LEFT JOIN fa USING (member_id) WHERE fa.t IS NULL OR c.checked_at < fa.t`))).toBe(0);
    const active = Number(await db.value(`WITH ${FIRST_ACTIVE} SELECT count(*) FROM fa`));
    const withCheckins = Number(await db.value(`SELECT count(DISTINCT member_id) FROM checkin`));
    expect(active).toBeGreaterThan(1000);
    expect(active).toBeLessThan(3000); // some members never became active: they have none
    expect(withCheckins).toBeGreaterThan(0.9 * active);
    expect(withCheckins).toBeLessThanOrEqual(active);
  });

  it('a state machine gated by a lifecycle stage starts at that stage, and only for members who reached it', async () => {
    expect(Number(await db.value(`WITH ${FIRST_PAIRED} SELECT count(*) FROM sync_plan s LEFT JOIN fp USING (member_id) WHERE s.episode_index = 0 AND (fp.t IS NULL OR s.valid_from <> fp.t)`))).toBe(0);
    const paired = Number(await db.value(`WITH ${FIRST_PAIRED} SELECT count(*) FROM fp WHERE t <= TIMESTAMP '2024-12-31 23:59:59'`));
    expect(Number(await db.value(`SELECT count(DISTINCT member_id) FROM sync_plan`))).toBe(paired);
  });

  it('orders in the app only from each member\'s adoption of it (starts_after an adoption table)', async () => {
    const adopted = `ad AS (SELECT member_id, min(event_at) AS t FROM app WHERE event_type = 'adoption' GROUP BY 1)`;
    expect(Number(await db.value(`WITH ${adopted} SELECT count(*) FROM in_app_order o LEFT JOIN ad USING (member_id) WHERE ad.t IS NULL OR o.ordered_at < ad.t`))).toBe(0);
    const n = Number(await db.value(`WITH ${adopted} SELECT count(*) FROM ad`));
    expect(n).toBeGreaterThan(1000);
    expect(Number(await db.value(`SELECT count(DISTINCT member_id) FROM in_app_order`))).toBeGreaterThan(0.85 * n);
    expect(compile(doc()).plan!.tables.find((t) => t.id === 'in_app_order')!.dependsOn).toContain('app');
  });

  it('validate: gate_order passes; a check-in moved before the first active episode fails it', async () => {
    const file = await generateFile(doc(), { name: 'gate-states' });
    const ok = await validateFile(doc(), file);
    expect(ok.checks.filter((c) => c.status !== 'pass'), notPassing(ok.checks)).toEqual([]);
    expect(pick(ok.checks, 'gate_order', 'checkin')[0].status).toBe('pass');
    const bad = await corruptCopy(file, [`UPDATE checkin SET checked_at = (SELECT min(valid_from) - INTERVAL 2 DAY FROM membership m WHERE m.member_id = checkin.member_id AND m.state = 'active') WHERE checkin_id IN (SELECT min(checkin_id) FROM checkin GROUP BY member_id ORDER BY 1 LIMIT 3)`]);
    expect(pick((await validateFile(doc(), bad)).checks, 'gate_order', 'checkin')[0].status).toBe('fail');
  });
});
