/*
 * Cohort checks of `datagen validate` (issue 7): segment ratios and shares, vintage order and cohort curves
 * (activity and values), funnel conversion and order, panel periods and activity. Every example passes them
 * for several seeds; corrupted copies fail with the right check (a funnel stage 10 points off, a flattened
 * cohort curve, a value column made constant, children before their parent, …); specs of other domains pass.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPAT_DIR, compileOrThrow, EXAMPLES_DIR, readJson, tempFile } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, runChecks } from '../support/validate.ts';
import { runPlan } from '../../src/run/run.ts';
import { withoutScenarios } from '../../src/scenarios/strip.ts';
import type { Plan } from '../../src/ir/types.ts';
import { COHORT_CHECKS } from '../../src/validate/behaviour/cohorts.ts';
import type { CheckResult } from '../../src/validate/types.ts';

const example = (f: string) => readJson(new URL(`${f}.json`, EXAMPLES_DIR));
const run = (doc: unknown, file: string) => runChecks(doc, file, COHORT_CHECKS);
const names = (rs: CheckResult[]) => rs.map((r) => `${r.check} ${r.table}${r.column ? '.' + r.column : ''}`).sort();

/** Does a plan use anything the cohort checks look at? */
function cohortFeatures(plan: Plan): boolean {
  return plan.tables.some((t) => (t.rows.kind === 'fanout' && (t.rows.segments.length > 0 || t.rows.vintage !== null)) || t.rows.kind === 'stages' || t.rows.kind === 'grain'
    || t.picks.some((p) => p.segments) || t.columns.some((c) => c.generator.kind === 'period' || c.modifiers.some((m) => m.kind === 'segment_value' || m.kind === 'vintage_value')));
}

/** What each example with cohort features must be checked for (so a silent skip is noticed). */
const EXPECTED: Record<string, string[]> = {
  subscription_box_cohorts: ['segment_ratio box_order.spend_segment', 'segment_share gift_order.recipient_id', 'segment_value_ratio box_order.basket_value', 'segment_value_ratio gift_order.basket_value',
    'vintage_curve box_order.basket_value', 'vintage_curve box_order.ordered_at', 'vintage_order box_order.ordered_at'],
  saas_onboarding: ['funnel_conversion onboarding_step.stage_index', 'funnel_order onboarding_step.happened_at', 'segment_ratio usage_day.tier', 'segment_value_ratio usage_day.seats_used',
    'vintage_curve usage_day.used_at', 'vintage_order usage_day.used_at'],
  usage_costs: ['panel_activity chat_day.day', 'panel_periods chat_day.day', 'segment_ratio chat.plan', 'segment_ratio chat_day.plan', 'vintage_curve chat.started_at', 'vintage_curve chat_day.day', 'vintage_order chat.started_at'],
  funnel_metrics: ['panel_periods funnel_hourly.hour_start'],
  // Lifetimes: users.signed_up_at bounds the events (docs/behaviours/lifetimes.md).
  quickstart: ['lifetime_order events.occurred_at'],
  gym_memberships: ['funnel_conversion signup.stage_index', 'funnel_order signup.happened_at', 'lifetime_order checkin.checked_in_at'],
  // The device's lifetime (installation → its lifecycle's 'retired') bounds the readings and the uptime panel.
  device_fleet_world: ['lifetime_order reading.read_at', 'panel_activity uptime_week.week_start', 'panel_periods uptime_week.week_start'],
  // Edge tables have their own checks (validate-relations.test.ts); joined_at is the users' lifetime.
  social_graph: [],
  spendsense: ['lifetime_order irregular_pay.paid_at', 'lifetime_order transactions.posted_at'],
  recsys_graph: ['lifetime_order interaction.interacted_at'],
};

const files: Record<string, string> = {};

describe('every example passes the cohort checks', () => {
  const all = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace('.json', '')).sort();

  it('the examples without segments, vintage, funnels or panels are the known ones', () => {
    const without = all.filter((f) => !cohortFeatures(compileOrThrow(example(f))));
    expect(all.filter((f) => !without.includes(f)).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s at its own seed: every check passes', async (f) => {
    files[f] = await generateFile(example(f), { name: `${f}.duckdb` });
    const rs = await run(example(f), files[f]);
    expect(notPassing(rs)).toBe('');
    expect(names(rs)).toEqual([...EXPECTED[f]].sort());
    for (const r of rs) {
      expect(r.category).toBe('behavioural');
      expect(r.specPath, r.check).toMatch(/^\/nodes\/\d+\//);
      if (!r.hard) expect(r.chart, `${r.check} ${r.table}`).toBeDefined();
    }
  });

  it.each(['subscription_box_cohorts', 'saas_onboarding', 'usage_costs'].flatMap((f) => [101, 202].map((s) => [f, s] as const)))('%s with seed %d: every check passes', async (f, seed) => {
    const rs = await run(example(f), await generateFile(example(f), { seed }));
    expect(notPassing(rs)).toBe('');
    expect(names(rs)).toEqual([...EXPECTED[f]].sort());
  });

  it('a file generated without scenarios (labelled rows absent) passes too', async () => {
    const doc = example('usage_costs');
    const out = tempFile('usage-costs-stripped.duckdb');
    await runPlan(withoutScenarios(compileOrThrow(doc, { scale: 0.5, seed: 7 })), { out, workers: 1 });
    const rs = await run(doc, out);
    expect(notPassing(rs)).toBe('');
    expect(pick(rs, 'panel_activity', 'chat_day')).toHaveLength(1);
  });
});

describe('corrupted copies fail with the right check', () => {
  const fails = async (f: string, sql: string[], check: string, table: string, column?: string): Promise<CheckResult[]> => {
    if (!files[f]) files[f] = await generateFile(example(f), { name: `${f}.duckdb` });
    const rs = await run(example(f), await corruptCopy(files[f], sql));
    const hit = pick(rs, check, table, column);
    expect(hit.length, notPassing(rs)).toBeGreaterThan(0);
    expect(hit.some((r) => r.status === 'fail'), JSON.stringify(hit.map((h) => h.message))).toBe(true);
    return rs;
  };

  it('a funnel stage whose conversion is 10 points lower → funnel_conversion', async () => {
    // created_project converts 60 % × tier multiplier: delete 1/6 of its rows (and the later stages of those accounts).
    const rs = await fails('saas_onboarding', [`DELETE FROM onboarding_step WHERE stage_index >= 2 AND account_id IN (SELECT account_id FROM onboarding_step WHERE stage_index = 2 AND hash(account_id) % 6 = 0)`],
      'funnel_conversion', 'onboarding_step');
    const fc = pick(rs, 'funnel_conversion', 'onboarding_step')[0];
    expect(fc.examples.join(' ')).toContain('created_project');
    expect(pick(rs, 'funnel_order', 'onboarding_step')[0].status).toBe('pass');
  });

  it('a later stage moved before the one it follows → funnel_order (hard, with examples)', async () => {
    const rs = await fails('saas_onboarding', [`UPDATE onboarding_step SET happened_at = happened_at - INTERVAL 40 DAY WHERE stage_index = 2 AND account_id % 40 = 0`], 'funnel_order', 'onboarding_step');
    const fo = pick(rs, 'funnel_order', 'onboarding_step')[0];
    expect(fo.hard).toBe(true);
    expect(fo.examples.length).toBeGreaterThan(0);
    expect(fo.examples.length).toBeLessThanOrEqual(5);
  });

  it('a flattened cohort curve (child times re-spread uniformly over each parent\'s ages) → vintage_curve', async () => {
    await fails('subscription_box_cohorts', [`UPDATE box_order o SET ordered_at = c.joined_at + to_microseconds(CAST((epoch_us(TIMESTAMP '2024-12-31 23:00:00') - epoch_us(c.joined_at)) * (hash(o.order_id) % 1000000) / 1000000.0 AS BIGINT))
      FROM customer c WHERE c.customer_id = o.customer_id`], 'vintage_curve', 'box_order', 'ordered_at');
  });

  it('a value column rewritten to a constant across ages → vintage_curve on the value', async () => {
    // the segment multipliers are kept, only the age curve is gone
    await fails('subscription_box_cohorts', [`UPDATE box_order o SET basket_value = 30 * CASE c.spend_segment WHEN 'premium' THEN 2.2 WHEN 'bargain' THEN 0.6 ELSE 1 END FROM customer c WHERE c.customer_id = o.customer_id`],
      'vintage_curve', 'box_order', 'basket_value');
  });

  it('children before their parent was created → vintage_order (hard)', async () => {
    await fails('subscription_box_cohorts', [`UPDATE box_order o SET ordered_at = c.joined_at - INTERVAL 3 DAY FROM customer c WHERE c.customer_id = o.customer_id AND o.order_id % 500 = 0`], 'vintage_order', 'box_order', 'ordered_at');
  });

  it('half the orders of one segment deleted → segment_ratio', async () => {
    await fails('subscription_box_cohorts', [`DELETE FROM box_order WHERE order_id % 2 = 0 AND customer_id IN (SELECT customer_id FROM customer WHERE spend_segment = 'premium')`], 'segment_ratio', 'box_order');
  });

  it('gift recipients picked regardless of their segment → segment_share', async () => {
    await fails('subscription_box_cohorts', [`UPDATE gift_order SET recipient_id = 1 + (gift_id * 7919) % 12000`], 'segment_share', 'gift_order');
  });

  it('one segment\'s values 10 % too high → segment_value_ratio', async () => {
    await fails('saas_onboarding', [`UPDATE usage_day u SET seats_used = round(seats_used * 1.1) FROM account a WHERE a.account_id = u.account_id AND a.tier = 'team'`], 'segment_value_ratio', 'usage_day', 'seats_used');
  });

  it('a quarter of the weekend rows of a panel deleted → panel_activity', async () => {
    await fails('usage_costs', [`DELETE FROM chat_day WHERE isodow(day) >= 6 AND chat_day_id % 4 = 0`], 'panel_activity', 'chat_day');
  });

  it('young chats less active than their curve → vintage_curve of the panel', async () => {
    await fails('usage_costs', [`DELETE FROM chat_day d USING chat c WHERE c.chat_id = d.chat_id AND d.day < CAST(c.started_at AS DATE) + 14 AND d.chat_day_id % 3 = 0`], 'vintage_curve', 'chat_day');
  });

  it('a second row for a parent and period, and a row before its lifetime → panel_periods (hard)', async () => {
    await fails('usage_costs', [`INSERT INTO chat_day SELECT * REPLACE (chat_day_id + 100000000 AS chat_day_id) FROM chat_day WHERE chat_day_id % 5000 = 1`], 'panel_periods', 'chat_day');
    await fails('usage_costs', [`UPDATE chat_day d SET day = CAST(c.started_at AS DATE) - 2 FROM chat c WHERE c.chat_id = d.chat_id AND d.chat_day_id % 5000 = 2 AND c.started_at > TIMESTAMP '2025-02-01'`], 'panel_periods', 'chat_day');
  });

  it('a missing hour of a parentless panel → panel_periods', async () => {
    await fails('funnel_metrics', [`DELETE FROM funnel_hourly WHERE hour_id = 100`], 'panel_periods', 'funnel_hourly');
  });
});

/** Library members (other domain): date columns, linear curve reaching 0, fanout min/max, int value rounding, date-only funnel with fixed and uniform delays, weekly panel ending at lifetime_to. */
const library = {
  version: '1.0', metadata: { name: 'Library members' }, constraints: {}, seed: 3,
  timeframe: { start: '2023-01-01T00:00:00Z', end: '2024-06-30T23:59:59Z', freq: 'H' },
  nodes: [
    {
      id: 'member', kind: 'entity', pk: 'member_id', rows: 3000,
      segment_behavior: {
        segment_column: 'tier',
        segments: { student: { base_probability: 0.5 }, adult: { base_probability: 0.35 }, senior: { base_probability: 0.15 } },
        behaviors: {
          student: { fanout_multiplier: 1.5, value_multiplier: 0.5, decay_rate: 2, transition_multiplier: 1.2 },
          senior: { fanout_multiplier: 0.6, value_multiplier: 1.4, decay_rate: 0.5, transition_multiplier: 0.7 },
        },
        applies_to_columns: ['fine_cents'],
      },
      vintage_behavior: {
        created_at_column: 'joined_on',
        age_based_multipliers: {
          borrowing: { curve: { curve_type: 'linear', params: { a: 1.2, b: -0.04 } }, time_unit: 'week', applies_to: 'fanout' },
          lateness: { curve: [1.0, 1.1, 1.25, 1.4], time_unit: 'month', applies_to: ['late_days'] },
        },
      },
      columns: [
        { name: 'member_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'joined_on', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D', pattern: { dimension: 'month', weights: [2, 1.5, 1, 1, 1, 0.8, 0.6, 0.8, 2.5, 1.5, 1, 0.8] } } } },
        { name: 'left_on', type: 'datetime', null_rate: 0.5, generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
      ],
    },
    {
      id: 'loan', kind: 'fact', pk: 'loan_id', parents: ['member'], fanout: { distribution: 'poisson', lambda: 9, min: 1, max: 20 },
      columns: [
        { name: 'loan_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'member_id', type: 'int', generator: { lookup: { from: 'member.member_id' } } },
        { name: 'loaned_on', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D', pattern: { dimension: 'dow', weights: [1, 1, 1, 1.2, 1.4, 1.8, 0.3] } } } },
        { name: 'fine_cents', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 3 } } } },
        { name: 'late_days', type: 'float', generator: { distribution: { type: 'gamma', params: { shape: 2, scale: 3 } } } },
      ],
    },
    {
      id: 'signup_step', kind: 'fact', pk: 'step_id', parents: ['member'],
      stage_config: { stages: [
        { stage_name: 'visited', transition_rate: 1.0 },
        { stage_name: 'registered', transition_rate: 0.7, delay: '1d' },
        { stage_name: 'first_loan', transition_rate: 0.6, delay: { distribution: 'exponential', params: { rate: 0.5 }, unit: 'day' } },
        { stage_name: 'renewed', transition_rate: 0.5, delay: { distribution: 'uniform', params: { low: 20, high: 40 }, unit: 'day' } },
      ] },
      columns: [
        { name: 'step_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'member_id', type: 'int', generator: { lookup: { from: 'member.member_id' } } },
        { name: 'step_on', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } },
      ],
    },
    {
      id: 'member_week', kind: 'fact', pk: 'mw_id', parents: ['member'], grain: { every: 'week', active_probability: 0.45, lifetime_to: 'left_on' },
      columns: [
        { name: 'mw_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'member_id', type: 'int', generator: { lookup: { from: 'member.member_id' } } },
        { name: 'week', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D', pattern: { dimension: 'month', weights: [1, 1, 1.2, 1.2, 1, 0.7, 0.5, 0.6, 1.3, 1.2, 1, 0.9] } } } },
        { name: 'visits', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 2 } } } },
      ],
    },
  ],
};

/** A small clinic (few rows): checks with too little data are left out, the rest pass; a monthly panel without probability is complete. */
const clinic = {
  version: '1.0', metadata: { name: 'Small clinic' }, constraints: {}, seed: 8,
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'D' },
  nodes: [
    {
      id: 'patient', kind: 'entity', pk: 'patient_id', rows: 150,
      segment_behavior: { segment_column: 'risk', behaviors: { high: { fanout_multiplier: 2, transition_multiplier: 1.3 } } },
      vintage_behavior: { created_at_column: 'registered_at', age_based_multipliers: { care: { curve: [1, 0.6, 0.4], time_unit: 'month', applies_to: 'fanout' } } },
      columns: [
        { name: 'patient_id', type: 'int', generator: { sequence: {} } },
        { name: 'risk', type: 'string', generator: { choice: { choices: ['low', 'high'], weights: [0.7, 0.3] } } },
        { name: 'registered_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
      ],
    },
    {
      id: 'visit', kind: 'fact', pk: 'visit_id', parents: ['patient'], fanout: { distribution: 'negative_binomial', lambda: 5, k: 2 },
      columns: [
        { name: 'visit_id', type: 'int', generator: { sequence: {} } },
        { name: 'patient_id', type: 'int', generator: { lookup: { from: 'patient.patient_id' } } },
        { name: 'visited_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } }, modifiers: [{ transform: 'time_jitter', args: { std_minutes: 20 } }] },
      ],
    },
    {
      id: 'referral', kind: 'fact', pk: 'ref_id', parents: ['patient'],
      stage_config: { stages: [{ stage_name: 'referred', transition_rate: 1 }, { stage_name: 'seen', transition_rate: 0.8, delay: '3d' }, { stage_name: 'treated', transition_rate: 0.5 }] },
      columns: [{ name: 'ref_id', type: 'int', generator: { sequence: {} } }, { name: 'patient_id', type: 'int', generator: { lookup: { from: 'patient.patient_id' } } }],
    },
    {
      id: 'patient_month', kind: 'fact', pk: 'pm_id', parents: ['patient'], grain: { every: 'month' },
      columns: [{ name: 'pm_id', type: 'int', generator: { sequence: {} } }, { name: 'patient_id', type: 'int', generator: { lookup: { from: 'patient.patient_id' } } }],
    },
  ],
};

describe('specs of other domains and sizes', () => {
  it.each([
    ['healthcare_patient_journey', ['funnel_conversion care_event.stage_index', 'funnel_order care_event.event_date', 'vintage_curve appointment.appointment_date', 'vintage_order appointment.appointment_date']],
    ['saas_subscription_vintage', ['vintage_curve session.api_calls', 'vintage_curve session.session_duration_minutes', 'vintage_curve session.session_start', 'vintage_order session.session_start']],
    ['ecommerce_conversion_funnel', ['funnel_conversion user_journey.stage_index', 'funnel_order user_journey.timestamp']],
  ])('the earlier tool\'s %s passes', async (f, want) => {
    const doc = readJson(new URL(`${f}.json`, COMPAT_DIR));
    const rs = await run(doc, await generateFile(doc));
    expect(notPassing(rs)).toBe('');
    expect(names(rs)).toEqual([...want].sort());
  });

  it.each([3, 4])('library members (seed %d): every check passes, each behaviour is checked', async (seed) => {
    const rs = await run(library, await generateFile(library, { seed }));
    expect(notPassing(rs)).toBe('');
    expect(names(rs)).toEqual(['funnel_conversion signup_step.stage_index', 'funnel_order signup_step.step_on', 'panel_activity member_week.week', 'panel_periods member_week.week',
      'segment_ratio loan.tier', 'segment_ratio member_week.tier', 'segment_value_ratio loan.fine_cents', 'vintage_curve loan.late_days', 'vintage_curve loan.loaned_on',
      'vintage_curve member_week.week', 'vintage_order loan.loaned_on'].sort());
  });

  it('a small clinic: what can be judged passes; complete monthly panel checked exactly', async () => {
    const file = await generateFile(clinic);
    const rs = await run(clinic, file);
    expect(notPassing(rs)).toBe('');
    expect(pick(rs, 'panel_activity', 'patient_month')[0].hard).toBe(true);
    expect(pick(rs, 'funnel_order', 'referral')).toHaveLength(1);
    expect(pick(rs, 'vintage_order', 'visit')).toHaveLength(1);
    // a complete panel missing one month of one patient fails
    const bad = await corruptCopy(file, ['DELETE FROM patient_month WHERE pm_id = (SELECT min(pm_id) FROM patient_month)']);
    expect(pick(await run(clinic, bad), 'panel_activity', 'patient_month')[0].status).toBe('fail');
  });
});
