import { describe, expect, it } from 'vitest';
import { col, DAY, entity, errorCodes, idCol, isoDay, runDoc, spec, type MemRun } from '../../../support/harness.ts';

// Exactness (DSL §5.7): a run with the modifier and one without (same seed → same draws) differ in
// exactly the labelled rows, each by exactly the window's multiplier; the labels carry both values.
const N = 24 * 60; // hourly rows over 60 days
const normal = { distribution: { type: 'normal', params: { mean: 100, std: 10 } } };

/** id, ts = 2024-01-01 + id hours (an expression over the sequence), seg, x with the given modifiers. */
function doc(mods: [string, unknown][], type = 'float', gen: unknown = normal) {
  return spec([entity('t', N, [
    idCol('id', 0),
    col('ts', 'datetime', { expression: { code: 'id * 3600000 + 1704067200000' } }),
    col('seg', 'string', { choice: { choices: ['a', 'b', 'c'] } }),
    col('x', type, gen, mods),
  ])]);
}

function pair(mods: [string, unknown][], type = 'float', gen: unknown = normal, chunkRows?: number): { mod: MemRun; base: MemRun } {
  return { mod: runDoc(doc(mods, type, gen), { chunkRows }), base: runDoc(doc([], type, gen)) };
}

function changedRows(a: Float64Array, b: Float64Array): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) out.add(i);
  return out;
}

describe('anomaly', () => {
  it('spike_dates / drop_dates: every row of those UTC days × the multiplier, nothing else; one label per changed row', () => {
    const { mod, base } = pair([['anomaly', { spike_dates: ['2024-01-10', '2024-02-01T15:00:00Z'], spike_multiplier: 3, drop_dates: ['2024-01-20'], drop_multiplier: 0.25 }]]);
    const t = mod.table('t');
    const [x, b, ts] = [t.num('x'), base.table('t').num('x'), t.num('ts')];
    const expectedMult = (ms: number) => ({ '2024-01-10': 3, '2024-02-01': 3, '2024-01-20': 0.25 } as Record<string, number>)[isoDay(ms)] ?? 1;
    for (let i = 0; i < N; i++) expect(x[i]).toBeCloseTo(b[i] * expectedMult(ts[i]), 9);
    const changed = changedRows(x, b);
    expect(changed.size).toBe(72);
    expect(new Set(mod.labels.map((l) => l.row))).toEqual(changed);
    expect(mod.labels).toHaveLength(72);
    for (const l of mod.labels) {
      const day = isoDay(ts[l.row]);
      expect(l.kind).toBe(day === '2024-01-20' ? 'anomaly_drop' : 'anomaly_spike');
      expect(l.magnitude).toBe(expectedMult(ts[l.row]));
      expect(l.start).toBe(Date.parse(day + 'T00:00:00Z'));
      expect(l.end).toBe(l.start! + DAY);
      expect(l.expected).toBe(b[l.row]);
      expect(l.observed).toBe(x[l.row]);
      expect(l.delta).toBeCloseTo(x[l.row] - b[l.row], 9);
      expect(l.rowKey).toBe(String(l.row));
      expect(l.entityKey).toBe(String(l.row)); // an entity row is its own entity
      expect(l.severity).toBe('critical'); // |Δ| / expected = 2 and 0.75
      expect(l.scenario).toBeNull();
      expect(l.description).toContain(`t.x row ${l.row}`);
    }
  });

  it('windows: end (a date includes that day) or duration, a kind, a scope; overlapping windows multiply', () => {
    const { mod, base } = pair([['anomaly', { windows: [
      { start: '2024-01-05', end: '2024-01-06', multiplier: 2, kind: 'level_shift' },
      { start: '2024-01-06T12:00:00Z', duration: '12h', multiplier: 0.5, scope: { seg: ['a', 'b'] } },
    ] }]]);
    const t = mod.table('t');
    const [x, b, ts, seg] = [t.num('x'), base.table('t').num('x'), t.num('ts'), t.str('seg')];
    const w1 = (ms: number) => ms >= Date.parse('2024-01-05T00:00:00Z') && ms < Date.parse('2024-01-07T00:00:00Z');
    const w2 = (ms: number, s: string | null) => ms >= Date.parse('2024-01-06T12:00:00Z') && ms < Date.parse('2024-01-07T00:00:00Z') && (s === 'a' || s === 'b');
    let both = 0;
    for (let i = 0; i < N; i++) {
      const m = (w1(ts[i]) ? 2 : 1) * (w2(ts[i], seg[i]) ? 0.5 : 1);
      if (w1(ts[i]) && w2(ts[i], seg[i])) both++;
      expect(x[i]).toBeCloseTo(b[i] * m, 9);
    }
    expect(both).toBeGreaterThan(0);
    const changed = changedRows(x, b);
    expect(new Set(mod.labels.map((l) => l.row))).toEqual(changed);
    // rows in both windows: × 2 × 0.5 = unchanged, so neither changed nor labelled
    expect(changed.size).toBe(48 - both);
    for (const l of mod.labels) {
      const inW1 = w1(ts[l.row]);
      expect(l.kind).toBe(inW1 ? 'anomaly_level_shift' : 'anomaly_drop');
      expect(l.start).toBe(Date.parse(inW1 ? '2024-01-05T00:00:00Z' : '2024-01-06T12:00:00Z'));
    }
  });

  it('int columns: labels compare values after the cast (a zero does not spike; a tiny shift that rounds away is no change)', () => {
    const { mod, base } = pair([['anomaly', { spike_dates: ['2024-01-03'], spike_multiplier: 1.01 }]], 'int', { choice: { choices: [0, 10, 1000] } });
    const [x, b] = [mod.table('t').num('x'), base.table('t').num('x')];
    const changed = changedRows(x, b);
    expect(new Set(mod.labels.map((l) => l.row))).toEqual(changed);
    for (const l of mod.labels) {
      expect(b[l.row]).toBe(1000);
      expect([l.expected, l.observed]).toEqual([1000, 1010]);
      expect(l.severity).toBe('low');
    }
    expect(changed.size).toBeGreaterThan(0);
  });

  it('the same rows and labels whatever the chunk size', () => {
    const mods: [string, unknown][] = [['anomaly', { spike_dates: ['2024-01-10'], spike_multiplier: 3 }]];
    const a = pair(mods).mod;
    const c = pair(mods, 'float', normal, 97).mod;
    expect(c.labels).toEqual(a.labels);
    expect(c.table('t').num('x')).toEqual(a.table('t').num('x'));
  });

  it('bad arguments are compile errors with their path', () => {
    expect(errorCodes(doc([['anomaly', {}]]))).toEqual(['DG_MISSING_PARAM']);
    expect(errorCodes(doc([['anomaly', { spike_dates: ['2024-02-30'], spike_multiplier: 2 }]]))).toContain('DG_BAD_DATETIME');
    expect(errorCodes(doc([['anomaly', { windows: [{ start: '2024-01-05', duration: '1d', multiplier: 2, scope: { nope: 'a' } }] }]]))).toEqual(['DG_UNKNOWN_COLUMN']);
    expect(errorCodes(doc([['anomaly', { windows: [{ start: '2024-01-05', end: '2024-01-04T00:00:00Z', multiplier: 2 }] }]]))).toEqual(['DG_OUT_OF_RANGE']);
    expect(errorCodes(doc([['anomaly', { spike_dates: ['2024-01-05'], spike_multiplier: 2 }]], 'string', { choice: { choices: ['a'] } }))).toEqual(['DG_TYPE_MISMATCH']);
    const noTime = spec([entity('t', 10, [idCol(), col('x', 'float', normal, [['anomaly', { spike_dates: ['2024-01-05'], spike_multiplier: 2 }]])])]);
    expect(errorCodes(noTime)).toEqual(['DG_NO_TIME_REFERENCE']);
  });
});
