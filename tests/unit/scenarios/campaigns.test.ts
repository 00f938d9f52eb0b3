import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../../src/plan/plan-schema.ts';
import { printPlan } from '../../../src/plan/print.ts';
import { withoutScenarios } from '../../../src/scenarios/strip.ts';
import { col, compileDoc, DAY, entity, errorCodes, fact, idCol, planOf, runPlanInMemory, spec } from '../../support/harness.ts';

const START = Date.parse('2025-03-03T00:00:00Z');
const HOURS = 28 * 24;

function funnel(campaigns: unknown[], scenarios: unknown[] = []) {
  const doc = spec([fact('funnel', [], [
    col('hour_id', 'int', { sequence: { start: 0 } }),
    col('ts', 'datetime', { expression: { code: `${START} + hour_id * 3600000` } }),
    col('app_opens', 'int', { distribution: { type: 'poisson', params: { lambda: 750 } } }),
    col('carts', 'int', { distribution: { type: 'binomial', params: { n: 'app_opens', p: 0.2 } } }),
    col('orders', 'int', { distribution: { type: 'binomial', params: { n: 'carts', p: 0.44 } } }),
  ], { rows: HOURS })], { start: '2025-03-03T00:00:00Z', end: '2025-03-30T23:59:59Z' });
  return { ...doc, scenarios, anomaly_campaigns: campaigns };
}

const MIXED = { id: 'auto', families: ['mixed'], targets: ['funnel.app_opens', 'funnel.orders'], count: 8, duration: { min: '6h', max: '1d' }, min_gap: '12h', difficulty: { easy: 0.3, medium: 0.5, hard: 0.2 }, seed: 11 };

describe('anomaly campaigns', () => {
  it('expand deterministically into concrete scenarios that the plan keeps (and its schema accepts)', () => {
    const a = planOf(funnel([MIXED]));
    const b = planOf(funnel([MIXED]));
    expect(a.campaigns).toEqual(b.campaigns);
    expect(validatePlan(JSON.parse(JSON.stringify(a)))).toEqual([]);
    const events = a.campaigns![0].events;
    expect(events.map((e) => e.id)).toEqual(['auto_01', 'auto_02', 'auto_03', 'auto_04', 'auto_05', 'auto_06', 'auto_07', 'auto_08']);
    // every event is a scenario program on its target, tagged with the campaign
    const programs = a.tables[0].columns.flatMap((c) => c.modifiers.filter((m) => m.kind === 'scenario').map((m) => ({ col: c.name, m })));
    expect(programs.map((p) => p.m.kind === 'scenario' && p.m.id).sort()).toEqual(events.map((e) => e.id).sort());
    for (const { col: c, m } of programs) if (m.kind === 'scenario') {
      const e = events.find((x) => x.id === m.id)!;
      expect(m.campaign).toBe('auto');
      expect(`funnel.${c}`).toBe(e.target);
      expect(m.type).toBe(e.type);
      expect(m.difficulty).toBe(e.difficulty);
      expect([m.startMs, m.endMs]).toEqual([Date.parse(e.window.start), Date.parse(e.window.end)]);
    }
    // a different campaign seed draws a different campaign
    expect(planOf(funnel([{ ...MIXED, seed: 12 }])).campaigns![0].events).not.toEqual(events);
    // the expansion is printed
    const text = printPlan(a);
    for (const e of events) expect(text).toContain(`${e.id}  ${e.type}(`);
  });

  it('mixed draws only what a target supports; windows follow min_gap, whole hours, inside the window', () => {
    const doc = funnel([{ ...MIXED, count: 16, min_gap: '6h', duration: { min: '3h', max: '9h' }, window: { start: '2025-03-05', end: '2025-03-25' } }]);
    const events = planOf(doc).campaigns![0].events;
    const [lo, hi] = [Date.parse('2025-03-05'), Date.parse('2025-03-26')];
    const byTable: [number, number][] = [];
    for (const e of events) {
      const [s, t] = [Date.parse(e.window.start), Date.parse(e.window.end)];
      expect(s).toBeGreaterThanOrEqual(lo);
      expect(t).toBeLessThanOrEqual(hi);
      if (e.type === 'rate_drop' || e.type === 'rate_spike') {
        // rates compare daily ratios: their events are whole UTC days
        expect(e.params.denominator).toBe('carts');
        expect([s % DAY, t - s]).toEqual([0, DAY]);
      } else {
        expect((t - s) % 3_600_000).toBe(0);
        expect(t - s).toBeGreaterThanOrEqual(3 * 3_600_000);
        expect(t - s).toBeLessThanOrEqual(9 * 3_600_000);
      }
      // app_opens is not a funnel step: the level families; orders is: a drop and the rate families (a spike would be capped by carts)
      if (e.target === 'funnel.app_opens') expect(['spike', 'drop', 'level_shift']).toContain(e.type);
      else expect(['drop', 'rate_drop', 'rate_spike', 'funnel_break']).toContain(e.type);
      byTable.push([s, t]);
    }
    byTable.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < byTable.length; i++) expect(byTable[i][0] - byTable[i - 1][1]).toBeGreaterThanOrEqual(6 * 3_600_000);
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(events.map((e) => e.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
  });

  it('difficulty weights are followed (a campaign of 1000 draws)', () => {
    const events = planOf(funnel([{ id: 'many', families: ['spike'], targets: ['funnel.app_opens'], count: 1000, duration: '1h', window: { start: '2025-01-01', end: '2025-12-31' }, difficulty: { easy: 0.2, medium: 0.5, hard: 0.3 } }])).campaigns![0].events;
    const share = (d: string) => events.filter((e) => e.difficulty === d).length / 1000;
    // binomial sd ≈ 0.016: 5 sd
    expect(Math.abs(share('easy') - 0.2)).toBeLessThan(0.07);
    expect(Math.abs(share('medium') - 0.5)).toBeLessThan(0.08);
    expect(Math.abs(share('hard') - 0.3)).toBeLessThan(0.075);
  });

  it('density gives count per table-day or table-week; entities default to one of the primary parent', () => {
    const doc = spec([
      entity('account', 50, [idCol('account_id')]),
      fact('usage', ['account'], [idCol('usage_id'), col('day', 'datetime', { datetime_series: { within: 'timeframe', freq: 'D' } }), col('cost', 'float', { distribution: { type: 'lognormal', params: { mu: 1, sigma: 0.3 } } })], { grain: { every: 'day' } }),
    ], { start: '2025-01-01T00:00:00Z', end: '2025-03-31T23:59:59Z' });
    const d = (density: unknown) => planOf({ ...doc, anomaly_campaigns: [{ id: 'c', families: ['cost_spike'], targets: ['usage.cost'], density, duration: '2d' }] }).campaigns![0].events;
    expect(d({ per: 'table_week', rate: 1 }).length).toBe(Math.round(90 / 7));
    const daily = d({ per: 'table_day', rate: 0.1 });
    expect(daily.length).toBe(9);
    for (const e of daily) expect(e.selection).toEqual({ random_k: 1 });
  });

  it('runs: every event changes its target, and the file without scenarios differs only in labelled cells', () => {
    const plan = planOf(funnel([MIXED]));
    const mod = runPlanInMemory(plan, 97);
    const base = runPlanInMemory(withoutScenarios(plan));
    const ids = new Set(mod.labels.filter((l) => l.level === 'cell').map((l) => l.scenario));
    for (const e of plan.campaigns![0].events) expect(ids.has(e.id)).toBe(true);
    let diff = 0;
    for (const c of ['app_opens', 'carts', 'orders']) {
      const [x, y] = [mod.table('funnel').num(c), base.table('funnel').num(c)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) {
        diff++;
        expect(mod.labels.some((l) => l.level === 'cell' && l.column === c && l.row === i)).toBe(true);
      }
    }
    expect(diff).toBeGreaterThan(0);
    // the same under another chunk size
    expect(runPlanInMemory(plan, 1000).labels).toEqual(mod.labels);
  });

  it('bad campaigns are diagnosed with pointers', () => {
    const codes = (c: unknown) => errorCodes(funnel([c]));
    expect(codes({ ...MIXED, families: ['rate_drop'], targets: ['funnel.app_opens'] })).toEqual(['DG_BAD_CAMPAIGN']);
    expect(codes({ ...MIXED, families: ['cap_violation'] })).toEqual(['DG_BAD_CAMPAIGN']);
    expect(codes({ ...MIXED, families: ['spikes'] })).toEqual(['DG_UNKNOWN_SCENARIO_TYPE']);
    expect(codes({ ...MIXED, count: 15, duration: '1d', min_gap: '1d' })).toEqual(['DG_CAMPAIGN_CROWDED']);
    expect(codes({ ...MIXED, count: 7, duration: '1d', min_gap: '1d' })).toEqual([]);
    expect(codes({ ...MIXED, targets: ['funnel.ts'] })).toEqual(['DG_TYPE_MISMATCH']);
    expect(codes({ ...MIXED, targets: ['funnel.nope'] })).toEqual(['DG_UNKNOWN_COLUMN']);
    expect(codes({ ...MIXED, count: undefined })).toEqual(['DG_MISSING_PARAM']);
    expect(codes({ ...MIXED, difficulty: { easy: 0, medium: 0, hard: 0 } })).toEqual(['DG_OUT_OF_RANGE']);
    expect(errorCodes(funnel([MIXED], [{ id: 'auto_03', type: 'spike', target: 'funnel.app_opens' }]))).toEqual(['DG_DUPLICATE_SCENARIO']);
    const r = compileDoc(funnel([{ ...MIXED, families: ['rate_drop'], targets: ['funnel.app_opens'] }]));
    expect(r.diagnostics[0].path).toBe('/anomaly_campaigns/0/targets/0');
    expect(DAY).toBe(86_400_000);
  });
});

describe('anomaly_severity', () => {
  const withRules = (rules: unknown) => ({ ...funnel([], [{ id: 'up', type: 'spike', target: 'funnel.app_opens', window: { start: '2025-03-10', duration: '1d' }, params: { multiplier: 1.3 } }]), anomaly_severity: rules });
  it('sets the thresholds of a family\'s event severity (default: low < 0.1 ≤ medium < 0.25 ≤ high < 0.5 ≤ critical)', () => {
    const sev = (rules: unknown) => runPlanInMemory(planOf(withRules(rules))).events.find((e) => e.eventId === 'up')!;
    const plain = sev(undefined);
    expect(plain.observed! / plain.expected! - 1).toBeCloseTo(0.3, 2);
    expect(plain.severity).toBe('high');
    expect(sev({ spike: [0.4, 0.6, 0.8] }).severity).toBe('low');
    expect(sev({ spike: [0.05, 0.1, 0.2] }).severity).toBe('critical');
    expect(sev({ drop: [0.4, 0.6, 0.8] }).severity).toBe('high'); // another family's rules
    expect(planOf(withRules({ spike: [0.4, 0.6, 0.8] })).tables[0].columns.find((c) => c.name === 'app_opens')!.modifiers.at(-1)).toMatchObject({ severity: [0.4, 0.6, 0.8] });
  });
  it('bad rules are diagnosed at their family', () => {
    expect(errorCodes(withRules({ spike: [0.5, 0.2, 0.9] }))).toEqual(['DG_OUT_OF_RANGE']);
    expect(compileDoc(withRules({ spike: [0.5, 0.2, 0.9] })).diagnostics[0].path).toBe('/anomaly_severity/spike');
    expect(errorCodes(withRules({ spikes: [0.1, 0.2, 0.3] }))).toEqual(['DG_UNKNOWN_SCENARIO_TYPE']);
    expect(errorCodes(withRules({ spike: [0.1, 0.2] }))).toEqual(['DG_OUT_OF_RANGE']); // the semantic message replaces the schema's
  });
});
