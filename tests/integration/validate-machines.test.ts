/*
 * Behavioural checks of the behaviour II row kinds (issue 7): state machines, lifecycles, adoption and
 * attribution. The examples and small synthetic specs of other domains pass every check (also with scenarios
 * that add, duplicate or change rows); corrupted copies fail with the check that owns the promise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MACHINE_CHECKS } from '../../src/validate/behaviour/machines.ts';
import type { CheckResult } from '../../src/validate/types.ts';
import { EXAMPLES_DIR, readJson } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, runChecks } from '../support/validate.ts';

const hourly = (name: string) => ({ name, type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } });
const id = (name: string) => ({ name, type: 'int', generator: { sequence: {} } });
const ref = (t: string, c: string) => ({ name: c, type: 'int', generator: { lookup: { from: `${t}.${c}` } } });

/** Weekly memberships (periods; a self-move, churn multipliers from a choice column, parents without a start) and daily spells as DATE episodes. */
const STATES = {
  version: '1.0', metadata: { name: 'library memberships' }, constraints: {}, seed: 8,
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'D' },
  nodes: [
    { id: 'member', kind: 'entity', pk: 'member_id', rows: 6000, columns: [id('member_id'),
      { name: 'branch', type: 'string', generator: { choice: { choices: ['city', 'campus', 'rural'], weights: [0.5, 0.3, 0.2] } } },
      { name: 'joined_at', type: 'datetime', null_rate: 0.1, generator: { datetime_series: { within: { start: '2023-10-01T00:00:00Z', end: '2024-09-30T23:59:59Z' }, freq: 'H' } } }] },
    { id: 'membership_week', kind: 'fact', pk: 'id', parents: ['member'], columns: [id('id'), ref('member', 'member_id')],
      state_transition_model: { initial_state: 'new', period_unit: 'week', emit: 'periods',
        states: { new: { transition_prob_per_period: 1, next_states: { active: 0.8, lapsed: 0.1, cancelled: 0.1 } },
          active: { transition_prob_per_period: 0.15, next_states: { active: 0.3, lapsed: 0.5, cancelled: 0.2 } },
          lapsed: { transition_prob_per_period: 0.3, next_states: { active: 0.6, cancelled: 0.4 } }, cancelled: { terminal: true } },
        segment_variation: { campus: { churn_multiplier: 2.5 }, rural: { churn_multiplier: 0.5 } } } },
    { id: 'membership_spell', kind: 'fact', pk: 'spell_id', parents: ['member'],
      columns: [id('spell_id'), ref('member', 'member_id'), { ...hourly('valid_from'), type: 'date' }, { ...hourly('valid_to'), type: 'date' }],
      state_transition_model: { initial_state: 'new', period_unit: 'day', emit: 'episodes',
        states: { new: { transition_prob_per_period: 0.2, next_states: { active: 0.9, cancelled: 0.1 } },
          active: { transition_prob_per_period: 0.01, next_states: { lapsed: 0.7, cancelled: 0.3 } },
          lapsed: { transition_prob_per_period: 0.05, next_states: { active: 0.5, cancelled: 0.5 } }, cancelled: { terminal: true } } } },
  ],
};

const CARE = {
  period_unit: 'week',
  stages: [
    { stage_name: 'triage', duration: { distribution: 'gamma', params: { shape: 2, scale: 1.5 }, unit: 'hour', clamp: [0.5, 12] }, events_during_stage: { event_types: ['vitals'], frequency: 50 }, exit_probability: 0.9, next_stages: ['ward', 'icu', 'discharged_home'] },
    { stage_name: 'icu', duration: { distribution: 'uniform', params: { low: 1, high: 6 }, unit: 'day' }, events_during_stage: { event_types: ['vitals', 'scan', 'lab'], frequency: 40 }, next_stages: ['ward'] },
    { stage_name: 'ward', duration: { distribution: 'lognormal', params: { mean: 1.2, sigma: 0.6 }, unit: 'day' }, events_during_stage: { event_types: ['vitals', 'lab'], frequency: 10 }, exit_probability: 0.85, next_stages: ['rehab', 'icu'] },
    { stage_name: 'rehab', churn_probability_per_period: 0.25, events_during_stage: { event_types: ['session'], frequency: 3 } },
  ],
};
/** Hospital stays: hour-long stages, a clamp, an exit name that is no stage, cycles, a churn-only stage; stages and events of the same lifecycles. */
const LIFECYCLE = {
  version: '1.0', metadata: { name: 'hospital stays' }, constraints: {}, seed: 5,
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-06-30T23:59:59Z', freq: 'H' },
  nodes: [
    { id: 'patient', kind: 'entity', pk: 'patient_id', rows: 5000, columns: [id('patient_id'),
      { name: 'admitted_at', type: 'datetime', generator: { datetime_series: { within: { start: '2024-01-01T00:00:00Z', end: '2024-05-31T23:59:59Z' }, freq: 'H' } } }] },
    { id: 'care_stage', kind: 'fact', pk: 'stage_id', parents: ['patient'], lifecycle_model: { ...CARE, emit: 'stages' }, columns: [id('stage_id'), ref('patient', 'patient_id')] },
    { id: 'care_event', kind: 'fact', pk: 'event_id', parents: ['patient'], lifecycle_model: { ...CARE, emit: 'events' }, columns: [id('event_id'), ref('patient', 'patient_id')] },
  ],
};

/** A feature rollout: diffusion groups with tiers and segment multipliers; a Bass curve in weeks with a market size, on a DATE column. */
const ADOPTION = {
  version: '1.0', metadata: { name: 'feature rollout' }, constraints: {}, seed: 3,
  timeframe: { start: '2024-03-01T00:00:00Z', end: '2025-02-28T23:59:59Z', freq: 'D' },
  nodes: [
    { id: 'workspace', kind: 'entity', pk: 'workspace_id', rows: 12000, columns: [id('workspace_id')],
      segment_behavior: { segment_column: 'plan', segments: { free: { base_probability: 0.6 }, team: { base_probability: 0.3 }, enterprise: { base_probability: 0.1 } },
        behaviors: { team: { fanout_multiplier: 1.5 }, enterprise: { fanout_multiplier: 3 } } } },
    { id: 'ai_assist', kind: 'fact', pk: 'event_id', parents: ['workspace'], columns: [id('event_id'), ref('workspace', 'workspace_id'), hourly('event_at'),
      { name: 'seconds', type: 'float', generator: { distribution: { type: 'exponential', params: { rate: 0.05 } } } }],
      adoption_model: {
        innovation_diffusion: { pilots: { pct: 0.05, time_to_adopt_days: 14 }, early: { pct: 0.2, time_to_adopt_days: 60 }, main: { pct: 0.4, time_to_adopt_days: 200 }, late: { pct: 0.15, time_to_adopt_days: 330 } },
        engagement_frequency: { power: { pct: 0.1, events_per_week: 12 }, regular: { pct: 0.5, events_per_week: 2 }, dormant: { pct: 0.2, events_per_week: 0 } } } },
    { id: 'sso_adoption', kind: 'fact', pk: 'row_id', parents: ['workspace'], columns: [id('row_id'), ref('workspace', 'workspace_id'), { ...hourly('adopted_on'), type: 'date' }],
      adoption_model: { curve_type: 'bass', bass: { p: 0.01, q: 0.3, market_size: 5000, time_unit: 'week' } } },
  ],
};

/** B2B deals: conversions only (uniform journeys, negative binomial touches, a DATE column); touches with a fixed count and geometric journeys. */
const ATTRIBUTION = {
  version: '1.0', metadata: { name: 'b2b deals' }, constraints: {}, seed: 12,
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'D' },
  nodes: [
    { id: 'lead', kind: 'entity', pk: 'lead_id', rows: 8000, columns: [id('lead_id')],
      segment_behavior: { segment_column: 'source', segments: { inbound: { base_probability: 0.4 }, outbound: { base_probability: 0.6 } }, behaviors: { inbound: { fanout_multiplier: 1.2, transition_multiplier: 2 } } } },
    { id: 'deal', kind: 'fact', pk: 'deal_id', parents: ['lead'], fanout: { distribution: 'uniform', min: 0, max: 3 },
      attribution_chain: { emit: 'conversions', touchpoint_types: ['webinar', 'call', 'demo', 'email'], touchpoints_per_conversion: { distribution: 'negative_binomial', mean: 4, k: 2, min: 1, max: 20 },
        attribution_window_days: 30, conversion_probability: { base: 0.08, multiplier_per_touch: 1.1 } },
      columns: [id('deal_id'), ref('lead', 'lead_id'),
        { name: 'closed_on', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D', pattern: { dimension: 'dow', weights: [1, 1, 1, 1, 1, 0.2, 0.1] } } } },
        { name: 'value', type: 'float', generator: { distribution: { type: 'lognormal', params: { mean: 9, sigma: 1 } } } }] },
    { id: 'touch', kind: 'fact', pk: 'touch_id', parents: ['lead'], fanout: { distribution: 'geometric', mean: 1.5 }, columns: [id('touch_id'), ref('lead', 'lead_id'), hourly('at')],
      attribution_chain: { touchpoint_types: ['webinar', 'call', 'demo', 'email'], touchpoint_weights: [1, 2, 1, 4], touchpoints_per_conversion: { distribution: 'fixed', value: 3 },
        attribution_window_days: 10, conversion_probability: { base: 0.1, multiplier_per_touch: 1.5 } } },
  ],
};

const example = (name: string) => readJson(new URL(`${name}.json`, EXAMPLES_DIR));

function expectAllPass(checks: CheckResult[], names: string[]): void {
  expect(notPassing(checks)).toBe('');
  for (const c of names) expect(pick(checks, c).length, c).toBeGreaterThan(0);
}

const STATE_CHECKS = ['state_valid', 'state_transitions', 'state_sojourn'];
const LIFE_CHECKS = ['lifecycle_order', 'lifecycle_transitions', 'lifecycle_duration', 'lifecycle_events'];
const ADOPTION_CHECKS = ['adoption_once', 'adoption_curve', 'adoption_engagement', 'adoption_groups'];
const ATTRIBUTION_CHECKS = ['attribution_window', 'attribution_conversion', 'attribution_touches', 'attribution_types'];

describe('clean data passes every machine check', () => {
  it.each([
    ['saas_subscriptions', STATE_CHECKS], ['device_fleet', LIFE_CHECKS], ['marketing_attribution', ATTRIBUTION_CHECKS],
  ])('example %s at its default scale and seed, and at another seed and scale', async (name, names) => {
    const doc = example(name);
    for (const [seed, scale] of [[undefined, undefined], [7, 0.3]]) expectAllPass(await runChecks(doc, await generateFile(doc, { seed, scale }), MACHINE_CHECKS), names);
  });

  it.each([
    ['states', STATES, STATE_CHECKS], ['lifecycle', LIFECYCLE, LIFE_CHECKS], ['adoption', ADOPTION, ADOPTION_CHECKS], ['attribution', ATTRIBUTION, ATTRIBUTION_CHECKS],
  ])('synthetic %s spec', async (_name, doc, names) => {
    const checks = await runChecks(doc, await generateFile(doc), MACHINE_CHECKS);
    expectAllPass(checks, names);
    for (const c of checks) {
      expect(c.category).toBe('behavioural');
      expect(c.specPath, c.check).toMatch(/^\/nodes\/\d+\//);
      expect(c.examples.length).toBeLessThanOrEqual(5);
      if (!c.hard) expect(c.chart, c.check).toBeDefined();
    }
  });

  it('rows scenarios add, duplicate or change are left out (labels), so the clean promises still pass', async () => {
    const doc = example('saas_subscriptions');
    doc.nodes[2].columns.push(hourly('period_start'));
    doc.scenarios = [
      { id: 'dup', type: 'data_quality', target: 'account_month', params: { mode: 'duplicate', share: 0.05 }, selection: { share: 0.1 } },
      { id: 'cap', type: 'cap_violation', target: 'account_month', selection: { random_k: 3 }, params: { cap: 1, exceed_by: 2, period: 'month' } },
      { id: 'seats', type: 'spike', target: 'account_month.seats', selection: { random_k: 20 }, params: { multiplier: 3 } },
      { id: 'acc_dup', type: 'data_quality', target: 'account', params: { mode: 'duplicate', share: 0.02 } },
    ];
    expectAllPass(await runChecks(doc, await generateFile(doc, { scale: 0.5 }), MACHINE_CHECKS), STATE_CHECKS);
    const mkt = example('marketing_attribution');
    mkt.scenarios = [
      { id: 'dup_t', type: 'data_quality', target: 'touchpoint', params: { mode: 'duplicate', share: 0.05 }, selection: { share: 0.1 } },
      { id: 'dup_c', type: 'data_quality', target: 'conversion', params: { mode: 'duplicate', share: 0.05 }, selection: { share: 0.1 } },
      { id: 'cap_t', type: 'cap_violation', target: 'touchpoint', selection: { random_k: 3 }, params: { cap: 2, exceed_by: 2, period: 'day' } },
    ];
    expectAllPass(await runChecks(mkt, await generateFile(mkt, { scale: 0.5 }), MACHINE_CHECKS), ATTRIBUTION_CHECKS);
  });
});

type Case = [what: string, check: string, table: string, sql: string[]];

function corruptions(name: string, doc: () => object, scale: number, cases: Case[]): void {
  describe(`corrupted copies of ${name} fail`, () => {
    let file: string;
    beforeAll(async () => {
      file = await generateFile(doc(), { scale });
    });
    it.each(cases)('%s → %s fails', async (_what, check, table, sql) => {
      const checks = await runChecks(doc(), await corruptCopy(file, sql), MACHINE_CHECKS.filter((m) => m.name === check));
      const hits = pick(checks, check, table);
      expect(hits.length, notPassing(checks)).toBeGreaterThan(0);
      expect(hits.some((c) => c.status === 'fail'), JSON.stringify(hits.map((h) => h.message))).toBe(true);
      const hard = hits.find((c) => c.hard && c.status === 'fail');
      if (hard) {
        expect(hard.examples.length).toBeGreaterThan(0);
        expect(hard.examples.length).toBeLessThanOrEqual(5);
      }
    });
  });
}

corruptions('saas_subscriptions', () => example('saas_subscriptions'), 1, [
  ['an invalid transition inserted (basic → trial)', 'state_valid', 'account_month', ["UPDATE account_month SET state = 'trial' WHERE account_month_id IN (SELECT account_month_id FROM account_month WHERE period_index = 3 AND state = 'basic' LIMIT 5)"]],
  ['a row after the terminal state', 'state_valid', 'account_month', ["INSERT INTO account_month SELECT account_month_id + 10000000, account_id, seats, period_start + INTERVAL 1 MONTH, 'basic', period_index + 1, mrr FROM account_month WHERE state = 'churned' LIMIT 3"]],
  ['a missing period', 'state_valid', 'account_month', ['DELETE FROM account_month WHERE period_index = 2 AND account_id % 100 = 0']],
  ['episodes that no longer tile', 'state_valid', 'subscription', ['UPDATE subscription SET valid_to = valid_to + INTERVAL 3 DAY WHERE valid_to IS NOT NULL AND episode_id % 500 = 0']],
  ['10 % of basic stays rewritten as pro', 'state_transitions', 'account_month', ["UPDATE account_month SET state = 'pro' WHERE state = 'basic' AND period_index > 1 AND hash(account_month_id) % 10 = 0"]],
  ['10 % of trial → basic rewritten as trial → pro', 'state_transitions', 'subscription', ["UPDATE subscription SET state = 'pro' WHERE episode_index = 1 AND state = 'basic' AND hash(episode_id) % 10 = 0"]],
  ['basic sojourns cut at 2 months before a churn', 'state_sojourn', 'subscription', [
    `CREATE TEMP TABLE cut AS SELECT b.episode_id AS b, c.episode_id AS c, b.valid_from + INTERVAL 2 MONTH AS at FROM subscription b JOIN subscription c ON c.account_id = b.account_id AND c.episode_index = b.episode_index + 1
       WHERE b.state = 'basic' AND c.state = 'churned' AND b.valid_to > b.valid_from + INTERVAL 2 MONTH`,
    'UPDATE subscription SET valid_to = cut.at FROM cut WHERE episode_id = cut.b', 'UPDATE subscription SET valid_from = cut.at FROM cut WHERE episode_id = cut.c']],
]);

corruptions('device_fleet', () => example('device_fleet'), 0.2, [
  ['a stage out of the declared order', 'lifecycle_order', 'device_stage', ["UPDATE device_stage SET stage_name = 'degraded' WHERE stage_index = 1 AND stage_row_id % 50 = 0"]],
  ['a visit that starts before the previous one ends', 'lifecycle_order', 'device_stage', ['UPDATE device_stage SET started_at = started_at - INTERVAL 1 HOUR WHERE stage_index = 2 AND stage_row_id % 50 = 0']],
  ['events moved outside their stage window', 'lifecycle_order', 'device_event', ["UPDATE device_event SET event_at = event_at + INTERVAL 30 DAY WHERE stage_name = 'install' AND event_id % 100 = 0"]],
  ['install durations stretched by 25 %', 'lifecycle_duration', 'device_stage', [
    `CREATE TEMP TABLE s AS SELECT device_id, started_at + to_milliseconds(CAST((epoch_ms(ended_at) - epoch_ms(started_at)) * 1.25 AS BIGINT)) AS e FROM device_stage WHERE stage_index = 0 AND ended_at IS NOT NULL`,
    'UPDATE device_stage SET ended_at = s.e FROM s WHERE device_stage.device_id = s.device_id AND stage_index = 0',
    'UPDATE device_stage SET started_at = s.e FROM s WHERE device_stage.device_id = s.device_id AND stage_index = 1']],
  ['lifecycles cut after their first degraded visit', 'lifecycle_transitions', 'device_stage', [`DELETE FROM device_stage d WHERE device_id % 4 = 0 AND stage_index > (SELECT min(stage_index) FROM device_stage x WHERE x.device_id = d.device_id AND x.stage_name = 'degraded')`]],
  ['10 % of active events dropped', 'lifecycle_events', 'device_event', ["DELETE FROM device_event WHERE stage_name = 'active' AND hash(event_id) % 10 = 0"]],
]);

corruptions('marketing_attribution', () => example('marketing_attribution'), 1, [
  ['a touch moved after the conversion', 'attribution_window', 'touchpoint', ['UPDATE touchpoint SET touch_at = converted_at + INTERVAL 1 HOUR WHERE touch_id IN (SELECT touch_id FROM touchpoint WHERE converted AND touch_index = 0 LIMIT 3)']],
  ['a touch moved before the lookback window', 'attribution_window', 'touchpoint', ['UPDATE touchpoint SET touch_at = converted_at - INTERVAL 22 DAY WHERE touch_id IN (SELECT touch_id FROM touchpoint WHERE converted AND touch_index = 0 LIMIT 3)']],
  ['a conversion whose journey does not convert in the touchpoints', 'attribution_window', 'conversion', ['UPDATE conversion SET journey_id = journey_id + 1 WHERE conversion_id % 200 = 0']],
  ['20 % of conversions undone', 'attribution_conversion', 'touchpoint', ['UPDATE touchpoint SET converted = FALSE, converted_at = NULL WHERE converted AND hash(journey_id) % 5 = 0']],
  ['the last touch of 20 % of journeys dropped', 'attribution_touches', 'touchpoint', ['DELETE FROM touchpoint t WHERE hash(journey_id) % 5 = 0 AND touch_index > 0 AND touch_index = (SELECT max(touch_index) FROM touchpoint x WHERE x.journey_id = t.journey_id)']],
  ['10 % of first touches rewritten as email', 'attribution_types', 'touchpoint', ["UPDATE touchpoint SET touchpoint_type = 'email' WHERE touch_index = 0 AND hash(touch_id) % 10 = 0"]],
  ['15 % of conversions dropped', 'attribution_conversion', 'conversion', ['DELETE FROM conversion WHERE hash(journey_id) % 20 < 3']],
]);

corruptions('a feature rollout', () => ADOPTION, 1, [
  ['an adoption duplicated', 'adoption_once', 'ai_assist', ["INSERT INTO ai_assist SELECT * FROM ai_assist WHERE event_type = 'adoption' LIMIT 3"]],
  ['an engagement moved before the adoption', 'adoption_once', 'ai_assist', ["UPDATE ai_assist SET event_at = event_at - INTERVAL 400 DAY WHERE event_id IN (SELECT event_id FROM ai_assist WHERE event_type = 'engagement' LIMIT 2)"]],
  ['an adopter moved out of its group window', 'adoption_once', 'ai_assist', ["UPDATE ai_assist SET adoption_group = 'pilots' WHERE workspace_id IN (SELECT workspace_id FROM ai_assist WHERE adoption_group = 'late' LIMIT 2)"]],
  ['5 % of adopters dropped', 'adoption_curve', 'ai_assist', ['DELETE FROM ai_assist WHERE workspace_id % 20 = 0']],
  ['10 % of engagement events dropped', 'adoption_engagement', 'ai_assist', ["DELETE FROM ai_assist WHERE event_type = 'engagement' AND hash(event_id) % 10 = 0"]],
  ['10 % of imitators relabelled innovators', 'adoption_groups', 'sso_adoption', ["UPDATE sso_adoption SET adoption_group = 'innovator' WHERE adoption_group = 'imitator' AND hash(row_id) % 10 = 0"]],
]);
