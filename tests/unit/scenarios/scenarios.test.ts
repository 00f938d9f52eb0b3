import { describe, expect, it } from 'vitest';
import { withoutScenarios } from '../../../src/scenarios/strip.ts';
import { col, compileDoc, DAY, entity, errorCodes, expectWithin, fact, HOUR, idCol, planOf, roundHalfEven, runPlanInMemory, spec, type MemRun } from '../../support/harness.ts';

// Scenarios are checked against the same plan run without them (same seed → same draws): the cells
// that differ are exactly the labelled ones, with the label's expected/observed values.
const START = Date.parse('2025-03-03T00:00:00Z');
const HOURS = 28 * 24;
const FUNNEL = ['app_opens', 'menu_opens', 'carts', 'orders'];

function funnelDoc(scenarios: unknown[]) {
  const doc = spec([fact('funnel', [], [
    col('hour_id', 'int', { sequence: { start: 0 } }),
    col('ts', 'datetime', { expression: { code: `${START} + hour_id * 3600000` } }),
    col('app_opens', 'int', { distribution: { type: 'poisson', params: { lambda: 750 } } }),
    col('menu_opens', 'int', { distribution: { type: 'binomial', params: { n: 'app_opens', p: 0.63 } } }),
    col('carts', 'int', { distribution: { type: 'binomial', params: { n: 'menu_opens', p: 0.29 } } }),
    col('orders', 'int', { distribution: { type: 'binomial', params: { n: 'carts', p: 0.44 } } }),
  ], { rows: HOURS })], { start: '2025-03-03T00:00:00Z', end: '2025-03-30T23:59:59Z' });
  return { ...doc, scenarios };
}

function pair(doc: unknown, chunkRows?: number): { mod: MemRun; base: MemRun } {
  const plan = planOf(doc);
  return { mod: runPlanInMemory(plan, chunkRows), base: runPlanInMemory(withoutScenarios(plan)) };
}

/** "row/column" of every cell that differs between the runs (null-aware). */
function changedCells(a: MemRun, b: MemRun, table: string, columns: string[]): Set<string> {
  const out = new Set<string>();
  for (const c of columns) {
    const [x, y] = [a.table(table).num(c), b.table(table).num(c)];
    for (let i = 0; i < x.length; i++) if (!(x[i] === y[i] || (Number.isNaN(x[i]) && Number.isNaN(y[i])))) out.add(`${i}/${c}`);
  }
  return out;
}

function expectExact(mod: MemRun, base: MemRun, table: string, columns: string[]): void {
  const cells = changedCells(mod, base, table, columns);
  const labelled = mod.labels.filter((l) => l.table === table && l.level === 'cell');
  expect(new Set(labelled.map((l) => `${l.row}/${l.column}`))).toEqual(cells);
  expect(labelled.length).toBe(cells.size); // one label per changed cell
  const [m, b] = [mod.table(table), base.table(table)];
  for (const l of labelled) {
    const [bv, mv] = [b.num(l.column!)[l.row], m.num(l.column!)[l.row]];
    expect(l.expected).toBe(Number.isNaN(bv) ? null : bv);
    expect(l.observed).toBe(Number.isNaN(mv) ? null : mv);
  }
}

const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
const rowsOfDay = (s: string) => Array.from({ length: 24 }, (_, h) => (day(s) - START) / HOUR + h);
const sum = (x: Float64Array, rows: number[]) => rows.reduce((a, i) => a + x[i], 0);

const ALL_TYPES = [
  { id: 's_spike', type: 'spike', target: 'funnel.app_opens', window: { start: '2025-03-05', duration: '1d' } },
  { id: 's_rate', type: 'rate_drop', target: 'funnel.orders', window: { start: '2025-03-10', end: '2025-03-10' }, params: { denominator: 'carts' } },
  { id: 's_up', type: 'rate_spike_from_median', target: 'funnel.carts', window: { start: '2025-03-11', duration: '1d' }, params: { denominator: 'menu_opens', k: 3 } },
  { id: 's_break', type: 'funnel_break', target: 'funnel.carts', window: { start: '2025-03-12T08:00:00Z', duration: '6h' }, difficulty: 'hard' },
  { id: 's_mix', type: 'mix_shift', target: 'funnel.app_opens', window: { start: '2025-03-15', duration: '1d' } },
  { id: 's_dq', type: 'data_quality', target: 'funnel.orders', selection: { random_k: 3 }, window: { start: '2025-03-20', duration: '1d' }, params: { denominator: 'carts' } },
  { id: 's_null', type: 'data_quality', target: 'funnel.menu_opens', window: { start: '2025-03-22T05:00:00Z', duration: '2h' } },
  { id: 's_drop', type: 'drop', target: 'funnel.app_opens', selection: { where: 'hour(ts) >= 18' }, window: { start: '2025-03-25', duration: '2d' }, difficulty: 'easy' },
  { id: 's_shift', type: 'level_shift', target: 'funnel.menu_opens', window: { start: '2025-03-28' }, params: { multiplier: 0.8 } },
];

describe('scenarios: exactness (DSL §5.7, issue 5)', () => {
  const { mod, base } = pair(funnelDoc(ALL_TYPES));
  const t = mod.table('funnel');

  it('the cells that differ from the run without scenarios are exactly the labelled ones, with expected/observed', () => {
    expectExact(mod, base, 'funnel', FUNNEL);
    expect(base.labels).toEqual([]);
    expect(new Set(mod.labels.map((l) => l.scenario))).toEqual(new Set(ALL_TYPES.map((s) => s.id)));
    for (const l of mod.labels) {
      const s = ALL_TYPES.find((x) => x.id === l.scenario)!;
      expect(l.kind).toBe(s.type === 'rate_spike_from_median' ? 'rate_spike' : s.type);
      if (l.level === 'window') continue; // checked below
      expect(t.num('ts')[l.row]).toBeGreaterThanOrEqual(l.start!);
      expect(t.num('ts')[l.row]).toBeLessThan(l.end!);
      expect(l.rowKey).toBe(String(l.row));
      expect(l.entityKey).toBeNull(); // a parentless fact has no entity
    }
  });

  it('funnel counts never increase down the funnel except where a data_quality label says so', () => {
    const dq = new Set(mod.labels.filter((l) => l.kind === 'data_quality' && l.observed !== null).map((l) => l.row));
    let broken = 0;
    for (let i = 0; i < HOURS; i++) {
      const v = FUNNEL.map((c) => t.num(c)[i]);
      const ok = v.every((x, k) => k === 0 || Number.isNaN(x) || Number.isNaN(v[k - 1]) || x <= v[k - 1]);
      if (!ok) {
        broken++;
        expect(dq.has(i), `row ${i}: ${v}`).toBe(true);
      }
    }
    expect(broken).toBe(3);
  });

  it('the same labels and values whatever the chunk size', () => {
    const small = runPlanInMemory(planOf(funnelDoc(ALL_TYPES)), 50);
    expect(small.labels).toEqual(mod.labels);
    for (const c of FUNNEL) expect(small.table('funnel').num(c)).toEqual(t.num(c));
  });
});

describe('scenarios: each type', () => {
  const { mod, base } = pair(funnelDoc(ALL_TYPES));
  const [m, b] = [mod.table('funnel'), base.table('funnel')];
  const own = (id: string) => mod.labels.filter((l) => l.scenario === id && !l.description.includes('follows'));

  it('spike: × the multiplier (default 2) on every row of the window', () => {
    const rows = rowsOfDay('2025-03-05');
    for (const i of rows) expect(m.num('app_opens')[i]).toBe(2 * b.num('app_opens')[i]);
    expect(own('s_spike').map((l) => l.row)).toEqual(rows);
    expect(own('s_spike').every((l) => l.magnitude === 2 && l.severity === 'critical')).toBe(true);
  });

  it('rate_drop / rate_spike: the day\'s ratio becomes median ∓ k·spread of the daily ratios of the run without scenarios', () => {
    for (const [id, num, den, dayS, k, sign] of [['s_rate', 'orders', 'carts', '2025-03-10', 2.2, -1], ['s_up', 'carts', 'menu_opens', '2025-03-11', 3, 1]] as const) {
      const ratios: number[] = [];
      for (let d = 0; d < 28; d++) {
        const rows = Array.from({ length: 24 }, (_, h) => d * 24 + h);
        ratios.push(sum(b.num(num), rows) / sum(b.num(den), rows));
      }
      ratios.sort((x, y) => x - y);
      const median = (ratios[13] + ratios[14]) / 2;
      const spread = Math.sqrt(ratios.reduce((a, r) => a + (r - median) ** 2, 0) / ratios.length);
      const target = median + sign * k * spread;
      const rows = rowsOfDay(dayS);
      const after = sum(m.num(num), rows) / sum(m.num(den), rows);
      // each hour rounds to a whole count: the day's ratio is within 0.5 × 24 / Σ denominator of the target
      expect(Math.abs(after - target)).toBeLessThanOrEqual((0.5 * 24) / sum(m.num(den), rows) + 1e-12);
      expect(Math.abs(after - median)).toBeGreaterThan(0.5 * k * spread);
      const labels = own(id).filter((l) => l.level === 'cell');
      expect(labels.length).toBeGreaterThan(12);
      // one window label for the day: its ratio without and with the scenario
      const [w, ...more] = own(id).filter((l) => l.level === 'window');
      expect(more).toEqual([]);
      expect([w.start, w.end, w.column, w.rowKey]).toEqual([day(dayS), day(dayS) + 24 * HOUR, num, null]);
      expect(w.expected).toBeCloseTo(sum(b.num(num), rows) / sum(b.num(den), rows), 12);
      expect(w.observed).toBeCloseTo(after, 12);
      expect(w.magnitude).toBe(k);
      expect(labels[0].description).toContain(`set to median ${Math.round(median * 1e4) / 1e4} ${sign < 0 ? '−' : '+'} ${k}·${Math.round(spread * 1e4) / 1e4} = ${Math.round(target * 1e4) / 1e4}`);
    }
  });

  it('rate_drop min_shift: the shift is at least min_shift when k·spread is smaller', () => {
    const d = funnelDoc([{ id: 'r', type: 'rate_drop', target: 'funnel.orders', window: { start: '2025-03-10', duration: '1d' }, params: { denominator: 'carts', k: 0.1, min_shift: 0.1 } }]);
    const { mod, base } = pair(d);
    const rows = rowsOfDay('2025-03-10');
    const ratios: number[] = [];
    for (let day = 0; day < 28; day++) {
      const r = Array.from({ length: 24 }, (_, h) => day * 24 + h);
      ratios.push(sum(base.table('funnel').num('orders'), r) / sum(base.table('funnel').num('carts'), r));
    }
    ratios.sort((x, y) => x - y);
    const median = (ratios[13] + ratios[14]) / 2;
    const after = sum(mod.table('funnel').num('orders'), rows) / sum(mod.table('funnel').num('carts'), rows);
    expect(Math.abs(after - (median - 0.1))).toBeLessThanOrEqual((0.5 * 24) / sum(mod.table('funnel').num('carts'), rows) + 1e-12);
  });

  it('funnel_break: the step keeps `factor` of its conversions (hard: 1 − 0.7 × 0.6 = 0.58), rounded half to even', () => {
    const rows = Array.from({ length: 6 }, (_, h) => (Date.parse('2025-03-12T08:00:00Z') - START) / HOUR + h);
    for (const i of rows) expect(m.num('carts')[i]).toBe(roundHalfEven(b.num('carts')[i] * 0.58));
    expect(own('s_break').every((l) => Math.abs(l.magnitude - 0.58) < 1e-12)).toBe(true);
  });

  it('mix_shift: the day keeps its total; night hours gain, daytime hours lose', () => {
    const rows = rowsOfDay('2025-03-15');
    const [x, y] = [m.num('app_opens'), b.num('app_opens')];
    expect(sum(x, rows)).toBe(sum(y, rows));
    const share = (v: Float64Array, hours: number[]) => hours.reduce((a, h) => a + v[rows[h]], 0) / sum(v, rows);
    const night = [0, 1, 2, 3, 4, 21, 22, 23];
    const dayHours = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
    expect(share(x, night) / share(y, night)).toBeGreaterThan(1.15);
    expect(share(x, dayHours) / share(y, dayHours)).toBeLessThan(0.9);
  });

  it('data_quality exceed: exactly random_k rows of the window get denominator + max(1, round(0.08 × denominator)); null: missing values', () => {
    const labels = own('s_dq');
    expect(labels).toHaveLength(3);
    for (const l of labels) {
      const den = m.num('carts')[l.row];
      expect(l.observed).toBe(den + Math.max(1, Math.round(den * 0.08)));
      expect(l.observed!).toBeGreaterThan(den);
      expect(l.start).toBe(day('2025-03-20'));
    }
    const nulls = own('s_null');
    expect(nulls.map((l) => l.row)).toEqual([19 * 24 + 5, 19 * 24 + 6]); // 2025-03-22 05:00 and 06:00 (day 19)
    for (const l of nulls) expect([l.observed, l.severity]).toEqual([null, 'high']);
  });

  it('drop with a where selection and difficulty easy: × (1 − 0.5 × 1.5) = 0.25 on the evening hours only', () => {
    const labels = own('s_drop');
    expect(labels).toHaveLength(12);
    for (const l of labels) {
      expect(new Date(m.num('ts')[l.row]).getUTCHours()).toBeGreaterThanOrEqual(18);
      expect(l.observed).toBe(roundHalfEven(l.expected! * 0.25));
    }
  });

  it('level_shift without an end runs to the end of the timeframe', () => {
    const labels = own('s_shift');
    expect(labels.map((l) => l.row)).toEqual(Array.from({ length: 72 }, (_, h) => HOURS - 72 + h));
    expect(labels[0].end).toBe(Date.parse('2025-03-30T23:59:59Z') + 1);
  });
});

describe('scenarios: entity selections', () => {
  const doc = (selection: unknown) => ({
    ...spec([
      entity('accounts', 400, [idCol('account_id', 1000), col('plan', 'string', { choice: { choices: ['basic', 'pro'] } })]),
      fact('usage', ['accounts'], [
        idCol('usage_id'), col('account_id', 'int', { lookup: { from: 'accounts.account_id' } }),
        col('day', 'date', { datetime_series: { within: 'timeframe', freq: 'D' } }),
        col('cost', 'float', { distribution: { type: 'lognormal', params: { mean: 1, sigma: 0.4 } } }),
      ], { fanout: { distribution: 'poisson', lambda: 30 } }),
    ], { start: '2025-01-01T00:00:00Z', end: '2025-03-31T23:59:59Z' }),
    scenarios: [{ id: 'c1', type: 'cost_spike', target: 'usage.cost', selection, window: { start: '2025-02-01', duration: '14d' }, params: { multiplier: 4 }, description_template: 'account {entity}: cost ×{multiplier} from {start}' }],
  });

  it('random_k: exactly k accounts; all of their rows in the window × 4; labels name the account', () => {
    const { mod, base } = pair(doc({ random_k: 5 }));
    expectExact(mod, base, 'usage', ['cost']);
    const accounts = new Set(mod.labels.map((l) => l.entityKey));
    expect(accounts.size).toBe(5);
    const u = mod.table('usage');
    const inWindow = (i: number) => u.num('day')[i] >= Date.parse('2025-02-01') && u.num('day')[i] < Date.parse('2025-02-15');
    let n = 0;
    for (let i = 0; i < u.rows; i++) if (accounts.has(String(u.num('account_id')[i])) && inWindow(i)) n++;
    expect(mod.labels).toHaveLength(n);
    for (const l of mod.labels) {
      expect(l.observed).toBeCloseTo(l.expected! * 4, 9);
      expect(l.entityKey).toBe(String(u.num('account_id')[l.row]));
      expect(l.description).toBe(`account ${l.entityKey}: cost ×4 from 2025-02-01T00:00:00Z`);
    }
  });

  it('share: each account independently (binomial share within 5 SE); another seed picks other accounts', () => {
    const { mod } = pair(doc({ share: 0.25 }));
    const k = new Set(mod.labels.map((l) => l.entityKey)).size;
    expectWithin(k / 400, 0.25, Math.sqrt((0.25 * 0.75) / 400), 'selected share');
    const other = pair({ ...doc({ share: 0.25 }), scenarios: [{ ...doc({ share: 0.25 }).scenarios[0], seed: 7 }] }).mod;
    expect(new Set(other.labels.map((l) => l.entityKey))).not.toEqual(new Set(mod.labels.map((l) => l.entityKey)));
  });
});

describe('scenarios: selection by a key column (entities above the primary parent)', () => {
  const doc = (selection: unknown) => ({
    ...spec([
      entity('accounts', 120, [idCol('account_id', 7000)]),
      fact('chats', ['accounts'], [idCol('chat_id'), col('account_id', 'int', { lookup: { from: 'accounts.account_id' } })], { fanout: { distribution: 'poisson', lambda: 3 } }),
      fact('chat_days', ['chats'], [
        idCol('row_id'), col('chat_id', 'int', { lookup: { from: 'chats.chat_id' } }), col('account_id', 'int', { expression: { code: 'parent.account_id' } }),
        col('day', 'date', { datetime_series: { within: 'timeframe', freq: 'D' } }),
        col('cost', 'float', { distribution: { type: 'lognormal', params: { mean: 0, sigma: 0.5 } } }),
      ], { fanout: { distribution: 'poisson', lambda: 8 } }),
    ], { start: '2025-01-01T00:00:00Z', end: '2025-03-31T23:59:59Z' }),
    scenarios: [{ id: 'k', type: 'cost_spike', target: 'chat_days.cost', selection, window: { start: '2025-02-01', duration: '28d' } }],
  });

  it('random_k + key: exactly k account ids (two levels up), every row of theirs in the window; entity_key is the account', () => {
    const { mod, base } = pair(doc({ random_k: 3, key: 'account_id' }));
    expectExact(mod, base, 'chat_days', ['cost']);
    const chosen = new Set(mod.labels.map((l) => l.entityKey));
    expect(chosen.size).toBe(3);
    const t = mod.table('chat_days');
    const expected = [];
    for (let i = 0; i < t.rows; i++) {
      const inWindow = t.num('day')[i] >= Date.parse('2025-02-01') && t.num('day')[i] < Date.parse('2025-03-01');
      if (inWindow && chosen.has(String(t.num('account_id')[i]))) expected.push(i);
    }
    expect(mod.labels.map((l) => l.row)).toEqual(expected);
    for (const l of mod.labels) expect(l.entityKey).toBe(String(t.num('account_id')[l.row]));
    // several chats per chosen account: the selection is by account, not by chat (the primary parent)
    expect(new Set(mod.labels.map((l) => t.num('chat_id')[l.row])).size).toBeGreaterThan(3);
  });

  it('share + key: each account id with probability share, all or none of its rows', () => {
    const { mod } = pair(doc({ share: 0.3, key: 'account_id' }));
    const t = mod.table('chat_days');
    const chosen = new Set(mod.labels.map((l) => l.entityKey));
    expectWithin(chosen.size / 120, 0.3, Math.sqrt(0.21 / 120), 'selected accounts');
    let inWindow = 0;
    for (let i = 0; i < t.rows; i++) if (chosen.has(String(t.num('account_id')[i])) && t.num('day')[i] >= Date.parse('2025-02-01') && t.num('day')[i] < Date.parse('2025-03-01')) inWindow++;
    expect(mod.labels).toHaveLength(inWindow);
  });

  it('a key with "table", with "where", or naming no column is an error', () => {
    expect(errorCodes(doc({ random_k: 3, key: 'account_id', table: 'chats' }))).toEqual(['DG_BAD_SELECTION']);
    expect(errorCodes(doc({ where: 'cost > 1', key: 'account_id' }))).toEqual(['DG_BAD_SELECTION']);
    expect(errorCodes(doc({ random_k: 3, key: 'acount_id' }))).toEqual(['DG_UNKNOWN_COLUMN']);
  });
});

describe('scenarios: compile checks', () => {
  it('a non-numeric target, the primary key, a target without a time column; cap_violation adds rows to its table', () => {
    const d = funnelDoc([{ id: 'x', type: 'spike', target: 'funnel.ts', window: { start: '2025-03-05', duration: '1d' } }]);
    expect(errorCodes(d)).toEqual(['DG_TYPE_MISMATCH']);
    expect(errorCodes(funnelDoc([{ id: 'k', type: 'spike', target: 'funnel.hour_id' }]))).toEqual(['DG_BAD_PARAM']);
    const noTime = { ...spec([entity('t', 10, [idCol(), col('x', 'float', { distribution: { type: 'normal', params: { mean: 1, std: 1 } } })])]), scenarios: [{ id: 's', type: 'spike', target: 't.x' }] };
    expect(errorCodes(noTime)).toEqual(['DG_NO_TIME_REFERENCE']);
    const cap = funnelDoc([{ id: 'c', type: 'cap_violation', target: 'funnel.orders' }]);
    const r = compileDoc(cap, { strict: true });
    expect(r.plan!.unsupported).toEqual([]);
    expect(r.plan!.tables[0].addRows!.map((a) => [a.id, a.type, a.cap, a.exceedBy, a.period])).toEqual([['c', 'cap_violation', null, 2, 'day']]);
    expect(r.plan!.tables[0].columns.every((c) => c.modifiers.every((m) => m.kind !== 'scenario'))).toBe(true);
  });

  it('the plan shows each scenario after its target column\'s modifiers; withoutScenarios removes only them', () => {
    const plan = planOf(funnelDoc(ALL_TYPES));
    const mods = plan.tables[0].columns.find((c) => c.name === 'app_opens')!.modifiers;
    expect(mods.map((x) => (x.kind === 'scenario' ? x.id : x.kind))).toEqual(['s_spike', 's_mix', 's_drop']);
    const stripped = withoutScenarios(plan);
    expect(stripped.tables[0].columns.every((c) => c.modifiers.length === 0)).toBe(true);
    expect(plan.tables[0].columns.find((c) => c.name === 'app_opens')!.modifiers).toHaveLength(3); // not mutated
  });
});

void DAY;
