import { describe, expect, it } from 'vitest';
import { col, compileDoc, entity, errorCodes, expectWithin, fact, idCol, mean, runDoc, spec, vocab, warningCodes } from '../../../support/harness.ts';

// Column level: the expected effect of every row is computed here by brute force over the effect
// rows (windows inclusive, null bound open, end < start empty, several matches → mean, none →
// default) and compared exactly on constant columns. Statistically, on N(100, 10) × effect the
// ratio of group means equals the ratio of effects; delta-method SE r · 0.1 · √(1/n₁ + 1/n₀).
// Table level: children per parent are Poisson with mean λ × factor, so a total over P parents has
// SE √(P λ factor); shares of child times inside a window are binomial. Tolerance 5 SE throughout.
const N = 20_000;
const ms = (iso: string) => Date.parse(iso);
const year = { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'D' };

const PROMOS = {
  start: ['2024-03-01T00:00:00Z', '2024-03-15T00:00:00Z', '2024-06-01T00:00:00Z', null, '2024-09-10T00:00:00Z', '2024-11-01T00:00:00Z'],
  end: ['2024-03-31T00:00:00Z', '2024-04-15T00:00:00Z', '2024-06-01T00:00:00Z', '2024-01-10T00:00:00Z', '2024-09-01T00:00:00Z', null],
  lift: [2, 4, 5, 0.5, 10, 1.5],
  store: ['s1', 's1', 's2', 's1', 's1', 's2'],
};
const promos = vocab('promos', [
  idCol('promo_id'),
  col('starts_at', 'datetime', { enum_list: { values: PROMOS.start } }),
  col('ends_at', 'datetime', { enum_list: { values: PROMOS.end } }),
  col('lift', 'float', { enum_list: { values: PROMOS.lift } }),
  col('store', 'string', { enum_list: { values: PROMOS.store } }),
]);
const window = { start_col: 'starts_at', end_col: 'ends_at' };
const constant = { choice: { choices: [100] } };

/** Mean lift of the promos matching (store?, t), or `dflt`. */
function expectedEffect(t: number, dflt: number, store?: string | null): number {
  const hits: number[] = [];
  for (let k = 0; k < PROMOS.lift.length; k++) {
    const s = PROMOS.start[k] === null ? -Infinity : ms(PROMOS.start[k]!);
    const e = PROMOS.end[k] === null ? Infinity : ms(PROMOS.end[k]!);
    if (store !== undefined && PROMOS.store[k] !== store) continue;
    if (s <= t && t <= e) hits.push(PROMOS.lift[k]);
  }
  return hits.length ? hits.reduce((a, b) => a + b, 0) / hits.length : dflt;
}

describe('effect: column level', () => {
  const doc = spec([
    promos,
    entity('sales', N, [
      idCol('sale_id'),
      col('ts', 'datetime', { datetime_series: {} }),
      col('store', 'string', { choice: { choices: ['s1', 's2', 's3'] } }),
      col('mul', 'float', constant, [['effect', { effect_table: 'promos', window, map: { field: 'lift', op: 'mul', default: 0.8 } }]]),
      col('add', 'float', constant, [['effect', { effect_table: 'promos', window, map: { field: 'lift', op: 'add' } }]]),
      col('keyed', 'float', constant, [['effect', { effect_table: 'promos', on: { store: 'store' }, window, map: { field: 'lift' } }]]),
      col('v', 'float', { distribution: { type: 'normal', params: { mean: 100, std: 10 } } }, [['effect', { effect_table: 'promos', window, map: { field: 'lift', default: 0.8 } }]]),
    ]),
  ], year);
  const r = runDoc(doc);
  const t = r.table('sales');
  const [ts, store] = [t.num('ts'), t.str('store')];

  it('rows inside windows get × (mean of overlapping fields); outside the default; inclusive ends, open nulls, empty inverted windows', () => {
    const seen = new Set<number>();
    for (let i = 0; i < N; i++) {
      const e = expectedEffect(ts[i], 0.8);
      seen.add(e);
      if (Math.abs(t.num('mul')[i] - 100 * e) > 1e-9) expect.fail(`row ${i} (${new Date(ts[i]).toISOString()}): mul ${t.num('mul')[i]}, expected ${100 * e}`);
      const a = expectedEffect(ts[i], 0);
      if (Math.abs(t.num('add')[i] - (100 + a)) > 1e-9) expect.fail(`row ${i}: add ${t.num('add')[i]}, expected ${100 + a}`);
    }
    // every case occurred: default, single windows, the overlap mean (2+4)/2 = 3, the one-day window, the open ones
    for (const e of [0.8, 2, 3, 4, 5, 0.5, 1.5]) expect(seen.has(e), `effect ${e} occurred`).toBe(true);
    expect(seen.has(10), 'inverted window never applies').toBe(false);
  });

  it('`on` keys: only effect rows of the row\'s key apply', () => {
    for (let i = 0; i < N; i++) {
      const e = expectedEffect(ts[i], 1, store[i]);
      if (Math.abs(t.num('keyed')[i] - 100 * e) > 1e-9) expect.fail(`row ${i} (${store[i]}, ${new Date(ts[i]).toISOString()}): ${t.num('keyed')[i]}, expected ${100 * e}`);
    }
  });

  it('statistically: group means on N(100, 10) stand in the ratio of the effects', () => {
    const groups = new Map<number, number[]>();
    t.num('v').forEach((v, i) => {
      const e = expectedEffect(ts[i], 0.8);
      if (!groups.has(e)) groups.set(e, []);
      groups.get(e)!.push(v);
    });
    const outside = groups.get(0.8)!;
    for (const [e, xs] of groups) {
      if (xs.length < 100) continue;
      const ratio = e / 0.8;
      expectWithin(mean(xs) / mean(outside), ratio, ratio * 0.1 * Math.sqrt(1 / xs.length + 1 / outside.length), `effect ${e} vs default`);
    }
  });

  it('a field the effect table lacks is a warning and the effect is an indicator (×1 inside, default outside)', () => {
    const d = spec([promos, entity('sales', N, [idCol(), col('ts', 'datetime', { datetime_series: {} }), col('c', 'float', constant, [['effect', { effect_table: 'promos', window, map: { field: 'multiplier', default: 0.5 } }]])])], year);
    expect(warningCodes(d)).toContain('DG_EFFECT_FIELD_MISSING');
    const s = runDoc(d).table('sales');
    s.num('ts').forEach((x, i) => {
      const inside = !Number.isNaN(expectedEffect(x, NaN)); // some window matches
      if (s.num('c')[i] !== (inside ? 100 : 50)) expect.fail(`row ${i}: ${s.num('c')[i]}`);
    });
  });

  // docs/language.md: "With no datetime column in the row the window is ignored (DG_NO_TIME_REFERENCE
  // warning)" and the warning says "every effect row with matching keys applies". effect.ts instead
  // evaluates the windows at t = 0 (1970-01-01), so effect rows whose windows lie in the timeframe
  // never apply and the column silently gets the default.
  it('without a datetime column the window is ignored: every effect row applies (mean of fields)', () => {
    const simple = vocab('p', [idCol('pid'), col('s', 'datetime', { enum_list: { values: ['2024-03-01T00:00:00Z', '2024-06-01T00:00:00Z'] } }), col('e', 'datetime', { enum_list: { values: ['2024-03-31T00:00:00Z', '2024-06-30T00:00:00Z'] } }), col('lift', 'float', { enum_list: { values: [2, 4] } })]);
    const d = spec([simple, entity('t', N, [idCol(), col('c', 'float', constant, [['effect', { effect_table: 'p', window: { start_col: 's', end_col: 'e' }, map: { field: 'lift' } }]])])], year);
    expect(warningCodes(d)).toContain('DG_NO_TIME_REFERENCE');
    const c = runDoc(d).table('t').num('c');
    expect(new Set(c), 'observed: every row 100 (the default), expected 100 × mean(2, 4)').toEqual(new Set([300]));
  });

  it('unknown effect tables, key or window columns are compile errors', () => {
    const d = (args: unknown) => spec([promos, entity('t', 10, [idCol(), col('ts', 'datetime', { datetime_series: {} }), col('c', 'float', constant, [['effect', args]])])], year);
    expect(errorCodes(d({ effect_table: 'nope', window, map: { field: 'lift' } }))).toEqual(['DG_UNKNOWN_TABLE']);
    expect(errorCodes(d({ effect_table: 'promos', on: { nope: 'store' }, window, map: { field: 'lift' } }))).toEqual(['DG_UNKNOWN_COLUMN']);
    expect(errorCodes(d({ effect_table: 'promos', window: { start_col: 'nope', end_col: 'ends_at' }, map: { field: 'lift' } }))).toEqual(['DG_UNKNOWN_COLUMN']);
  });
});

describe('effect: on a datetime column (a sampling weight)', () => {
  it('time density ∝ effect: × 3 in March, × 0 (removed) in June', () => {
    const p = vocab('p', [idCol('pid'), col('s', 'datetime', { enum_list: { values: ['2024-03-01T00:00:00Z', '2024-06-01T00:00:00Z'] } }), col('e', 'datetime', { enum_list: { values: ['2024-03-31T00:00:00Z', '2024-06-30T00:00:00Z'] } }), col('lift', 'float', { enum_list: { values: [3, 0] } })]);
    const d = spec([p, entity('t', N, [idCol(), col('ts', 'datetime', { datetime_series: {} }, [['effect', { effect_table: 'p', window: { start_col: 's', end_col: 'e' }, map: { field: 'lift' } }]])])], year);
    const ts = runDoc(d).table('t').num('ts');
    // daily grid 2024: 31 March days × 3, 30 June days × 0, 305 other days × 1
    const pMarch = (31 * 3) / (31 * 3 + 305);
    let march = 0;
    for (const x of ts) {
      const m = new Date(x).getUTCMonth();
      if (m === 5) expect.fail(`${new Date(x).toISOString()} is in a zero-weight window`);
      if (m === 2) march++;
    }
    expectWithin(march / N, pMarch, Math.sqrt((pMarch * (1 - pMarch)) / N), 'share in March');
  });

  it('cannot have join keys there', () => {
    const d = spec([promos, entity('t', 10, [idCol(), col('store', 'string', { choice: { choices: ['s1'] } }), col('ts', 'datetime', { datetime_series: {} }, [['effect', { effect_table: 'promos', on: { store: 'store' }, window, map: { field: 'lift' } }]])])], year);
    expect(errorCodes(d)).toEqual(['DG_NOT_SUPPORTED']);
  });
});

describe('effect: table level (scales fanout)', () => {
  const P = 4000;
  const LAMBDA = 3;
  const stores = entity('stores', P, [idCol('store_id')]);
  const sales = (mods: unknown[], extraCols: unknown[] = []) =>
    fact('sales', ['stores'], [idCol('sale_id'), col('store_id', 'int', { lookup: { from: 'stores.store_id' } }), col('ts', 'datetime', { datetime_series: {} }), ...extraCols], { fanout: { distribution: 'poisson', lambda: LAMBDA }, modifiers: mods });

  it('keyless: expected fanout × the time average of the effect; child time density ∝ effect', () => {
    // one promotion covering the 61 whole days of March and April (ends 23:59:59, inclusive)
    const p = vocab('promo', [idCol('pid'), col('s', 'datetime', { enum_list: { values: ['2024-03-01T00:00:00Z'] } }), col('e', 'datetime', { enum_list: { values: ['2024-04-30T23:59:59Z'] } }), col('lift', 'float', { enum_list: { values: [3] } })]);
    const r = runDoc(spec([p, stores, sales([{ transform: 'effect', args: { effect_table: 'promo', window: { start_col: 's', end_col: 'e' }, map: { field: 'lift' } } }])], year));
    const t = r.table('sales');
    const span = ms(year.end) - ms(year.start);
    const inside = ms('2024-04-30T23:59:59Z') + 1 - ms('2024-03-01T00:00:00Z');
    const factor = 1 + (3 - 1) * (inside / span);
    expectWithin(t.rows, P * LAMBDA * factor, Math.sqrt(P * LAMBDA * factor), 'children');
    // daily grid: 61 days × 3 vs 305 days × 1
    const pIn = (61 * 3) / (61 * 3 + 305);
    const ts = t.num('ts');
    let n = 0;
    for (const x of ts) if (x >= ms('2024-03-01T00:00:00Z') && x < ms('2024-05-01T00:00:00Z')) n++;
    expectWithin(n / t.rows, pIn, Math.sqrt((pIn * (1 - pIn)) / t.rows), 'share of children in the window');
    // per day inside vs outside: 3 ×
    const perDayIn = n / 61;
    const perDayOut = (t.rows - n) / 305;
    expectWithin(perDayIn / perDayOut, 3, 3 * Math.sqrt(1 / n + 1 / (t.rows - n)), 'daily intensity ratio');
  });

  // The fanout factor is the continuous-time average of the effect over [start, end + 1 ms), while
  // the time density weights grid points. For a window that holds grid points but (almost) no
  // duration — a one-day promotion written start = end = "2024-06-01" (inclusive, so the 06-01 point
  // of a daily grid is inside, as at column level) — the fanout is not lifted at all but the times
  // are reshaped: the promotion day gets its ×30 share by taking children from every other day, so
  // the intensity outside the window drops below the base rate (docs: "the child intensity at time t
  // is the base rate × effect(t)"). Expected count per other day: P·λ/366; observed ≈ P·λ/395.
  it('a one-day (start = end) table-level promotion lifts the day without lowering the other days', () => {
    const p = vocab('promo', [idCol('pid'), col('s', 'datetime', { enum_list: { values: ['2024-06-01T00:00:00Z'] } }), col('e', 'datetime', { enum_list: { values: ['2024-06-01T00:00:00Z'] } }), col('lift', 'float', { enum_list: { values: [30] } })]);
    const r = runDoc(spec([p, stores, sales([{ transform: 'effect', args: { effect_table: 'promo', window: { start_col: 's', end_col: 'e' }, map: { field: 'lift' } } }])], year));
    const ts = r.table('sales').num('ts');
    const day = ms('2024-06-01T00:00:00Z');
    const outside = ts.filter((x) => x !== day).length;
    const expected = (P * LAMBDA * 365) / 366;
    expectWithin(outside, expected, Math.sqrt(expected), 'children on the 365 days without the promotion');
  });

  it('keyed on the parent FK: each parent\'s expected count × its own effect', () => {
    const lifts = entity('store_lift', P / 2, [
      idCol('store_id'),
      col('lift', 'float', { choice: { choices: [2] } }),
      col('from', 'datetime', { choice: { choices: [null] } }),
      col('to', 'datetime', { choice: { choices: [null] } }),
    ]);
    const r = runDoc(spec([lifts, stores, sales([{ transform: 'effect', args: { effect_table: 'store_lift', on: { store_id: 'store_id' }, window: { start_col: 'from', end_col: 'to' }, map: { field: 'lift' } } }])], year));
    const t = r.table('sales');
    const perStore = new Map<number, number>();
    for (const id of t.num('store_id')) perStore.set(id, (perStore.get(id) ?? 0) + 1);
    let lifted = 0;
    let plain = 0;
    for (let id = 1; id <= P; id++) (id <= P / 2 ? (lifted += perStore.get(id) ?? 0) : (plain += perStore.get(id) ?? 0));
    const n = P / 2;
    expectWithin(lifted / n, LAMBDA * 2, Math.sqrt((LAMBDA * 2) / n), 'mean children of lifted stores');
    expectWithin(plain / n, LAMBDA, Math.sqrt(LAMBDA / n), 'mean children of other stores');
  });

  it('keys that are not the parent FK are marginalised: every effect row counts', () => {
    const ch = vocab('channel_lift', [col('channel', 'string', { enum_list: { values: ['web', 'app'] } }), col('lift', 'float', { enum_list: { values: [2, 4] } }), col('from', 'datetime', { enum_list: { values: [null, null] } }), col('to', 'datetime', { enum_list: { values: [null, null] } })], { pk: undefined });
    const r = runDoc(spec([ch, stores, sales([{ transform: 'effect', args: { effect_table: 'channel_lift', on: { channel: 'channel' }, window: { start_col: 'from', end_col: 'to' }, map: { field: 'lift' } } }], [col('channel', 'string', { choice: { choices: ['web', 'app'] } })])], year));
    const rows = r.table('sales').rows;
    expectWithin(rows, P * LAMBDA * 3, Math.sqrt(P * LAMBDA * 3), 'children (mean lift 3)');
  });

  it('only effect is allowed as a table-level modifier', () => {
    const r = compileDoc(spec([stores, sales([{ transform: 'multiply', args: { factor: 2 } }])], year));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DG_BAD_TABLE_MODIFIER']);
  });
});
