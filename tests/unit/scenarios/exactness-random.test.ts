import { describe, expect, it } from 'vitest';
import { withoutScenarios } from '../../../src/scenarios/strip.ts';
import { col, entity, fact, idCol, planOf, runPlanInMemory, spec, type MemRun } from '../../support/harness.ts';

// The exactness contract over many random scenario sets (a seeded generator, so failures reproduce):
// whatever the types, windows, selections, difficulties and chunk sizes, the cells that differ from the
// run without scenarios are exactly the cells with a scenario label (a cell several decisions changed
// carries one label per decision), and labels do not depend on the chunk size.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.parse('2025-03-03T00:00:00Z');
const BASE = spec([
  fact('f', [], [
    col('hour_id', 'int', { sequence: { start: 0 } }),
    col('ts', 'datetime', { expression: { code: `${START} + hour_id * 3600000` } }),
    col('a', 'int', { distribution: { type: 'poisson', params: { lambda: 300 } } }, [['outliers', { rate: 0.01 }]]),
    col('b', 'int', { distribution: { type: 'binomial', params: { n: 'a', p: 0.5 } } }),
    col('c', 'int', { distribution: { type: 'binomial', params: { n: 'b', p: 0.3 } } }),
    col('v', 'float', { expression: { code: 'c * 1.5 + a / 100' } }, [['anomaly', { spike_dates: ['2025-03-09'], spike_multiplier: 3 }]]),
  ], { rows: 14 * 24 }),
  entity('acc', 40, [idCol('acc_id', 10), col('tier', 'string', { choice: { choices: ['x', 'y'] } })]),
  fact('use', ['acc'], [
    idCol('use_id'), col('acc_id', 'int', { lookup: { from: 'acc.acc_id' } }),
    col('day', 'date', { datetime_series: { within: 'timeframe', freq: 'D' } }),
    col('n', 'int', { distribution: { type: 'negative_binomial', params: { mean: 12, dispersion_k: 2 } } }),
    col('ok', 'int', { distribution: { type: 'binomial', params: { n: 'n', p: 0.8 } } }),
    col('cost', 'float', { expression: { code: 'n * 0.1' } }, [['jitter', { std: 0.05, mode: 'mul' }]]),
  ], { fanout: { distribution: 'poisson', lambda: 10 } }),
], { start: '2025-03-03T00:00:00Z', end: '2025-03-16T23:59:59Z' });

const TARGETS: Record<string, { table: string; numer: string; den: string | null }[]> = {
  f: [{ table: 'f', numer: 'a', den: null }, { table: 'f', numer: 'b', den: 'a' }, { table: 'f', numer: 'c', den: 'b' }, { table: 'f', numer: 'v', den: null }],
  use: [{ table: 'use', numer: 'n', den: null }, { table: 'use', numer: 'ok', den: 'n' }, { table: 'use', numer: 'cost', den: null }],
};

function randomScenarios(r: () => number): unknown[] {
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const out: unknown[] = [];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const t = pick([...TARGETS.f, ...TARGETS.use]);
    const rateOk = t.den !== null;
    const type = pick(['spike', 'drop', 'level_shift', 'cost_spike', 'volume_spike', 'funnel_break', 'mix_shift', 'data_quality', ...(rateOk ? ['rate_drop', 'rate_spike'] : [])]);
    const day = 3 + Math.floor(r() * 12);
    const window = r() < 0.2 ? undefined : { start: `2025-03-${String(day).padStart(2, '0')}${r() < 0.5 ? 'T06:00:00Z' : ''}`, duration: pick(['6h', '1d', '2d']) };
    const selection = pick([undefined, { random_k: 1 + Math.floor(r() * 5) }, { share: 0.3 }, { where: t.table === 'f' ? 'hour(ts) < 12' : 'n > 10' }, { random_k: 2, key: t.table === 'f' ? 'hour_id' : 'acc_id' }, { share: 0.5, key: t.table === 'f' ? 'hour_id' : 'acc_id' }]);
    const params: Record<string, unknown> = {};
    if (type === 'rate_drop' || type === 'rate_spike') params.denominator = t.den;
    if (type === 'data_quality') Object.assign(params, rateOk && r() < 0.6 ? { mode: 'exceed', denominator: t.den } : { mode: 'null' });
    out.push({ id: `s${i}`, type, target: `${t.table}.${t.numer}`, ...(window ? { window } : {}), ...(selection ? { selection } : {}), params, difficulty: pick(['easy', 'medium', 'hard']) });
  }
  return out;
}

function cells(a: MemRun, b: MemRun): Set<string> {
  const out = new Set<string>();
  for (const [id, t] of a.tables) {
    for (const [name, c] of t.columns) {
      const o = b.table(id).col(name);
      for (let i = 0; i < t.rows; i++) if (c.key(i) !== o.key(i)) out.add(`${id}/${i}/${name}`);
    }
  }
  return out;
}

describe('scenarios: exactness over random scenario sets', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`set ${seed}`, () => {
      const scenarios = randomScenarios(rng(seed));
      const plan = planOf({ ...BASE, scenarios });
      const mod = runPlanInMemory(plan);
      const base = runPlanInMemory(withoutScenarios(plan));
      const scenarioLabels = mod.labels.filter((l) => l.scenario !== null && l.level === 'cell');
      const labelled = new Set(scenarioLabels.map((l) => `${l.table}/${l.row}/${l.column}`));
      expect(labelled, JSON.stringify(scenarios)).toEqual(cells(mod, base));
      // modifiers' own labels are the same in both runs except on cells the scenarios changed
      const key = (l: { table: string; row: number; column: string | null }) => `${l.table}/${l.row}/${l.column}`;
      const own = (r: MemRun) => r.labels.filter((l) => l.scenario === null && !labelled.has(key(l))).map((l) => ({ ...l, description: '' }));
      expect(own(mod)).toEqual(own(base));
      const small = runPlanInMemory(plan, 37);
      expect(small.labels).toEqual(mod.labels);
    });
  }
});
