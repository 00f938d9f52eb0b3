import { describe, expect, it } from 'vitest';
import { col, entity, errorCodes, expectWithin, idCol, mean, runDoc, spec, type MemRun } from '../../../support/harness.ts';

// Ground truth is checked exactly against a run without the modifier (same seed → same generator
// draws): the labelled rows are exactly the rows whose value changed. The labelled share is
// binomial (SE √(r(1−r)/n)); the mean default magnitude U(1, 3) is 2 with SE √(1/3)/√k over k
// labels. Tolerance 5 SE; n = 20 000.
const N = 20_000;
const normal = { distribution: { type: 'normal', params: { mean: 100, std: 10 } } };

function pair(type: string, gen: unknown, mods: [string, unknown][], extra: Record<string, unknown> = {}): { mod: MemRun; base: MemRun } {
  const doc = (m: [string, unknown][]) => spec([entity('t', N, [idCol('id', 1001), col('x', type, gen, m, extra)])]);
  return { mod: runDoc(doc(mods)), base: runDoc(doc(mods.filter(([n]) => n !== 'outliers'))) };
}

/** Rows whose value differs between the two runs (null-aware). */
function changedRows(a: Float64Array, b: Float64Array): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) out.add(i);
  return out;
}

describe('outliers', () => {
  it('spike: a `rate` share of rows × (1 + m), m ~ U(1, 3) by default; labels match the changes exactly', () => {
    const { mod, base } = pair('float', normal, [['outliers', { rate: 0.05, mode: 'spike' }]]);
    const [x, b] = [mod.table('t').num('x'), base.table('t').num('x')];
    const labels = mod.labels;
    const changed = changedRows(x, b);
    expect(new Set(labels.map((l) => l.row))).toEqual(changed); // no unlabelled change, no unchanged label
    expect(base.labels).toEqual([]);
    expectWithin(labels.length / N, 0.05, Math.sqrt(0.05 * 0.95 / N), 'labelled share');
    const ids = mod.table('t').num('id');
    for (const l of labels) {
      expect(l.table).toBe('t');
      expect(l.column).toBe('x');
      expect(l.kind).toBe('outlier_spike');
      expect(l.rowKey).toBe(String(ids[l.row]));
      expect(l.expected).toBe(b[l.row]);
      expect(l.observed).toBe(x[l.row]);
      expect(l.magnitude).toBeGreaterThanOrEqual(1);
      expect(l.magnitude).toBeLessThanOrEqual(3);
      expect(Math.abs(l.observed! - l.expected! * (1 + l.magnitude))).toBeLessThan(1e-9 * Math.abs(l.observed!));
    }
    expectWithin(mean(labels.map((l) => l.magnitude)), 2, Math.sqrt(1 / 3) / Math.sqrt(labels.length), 'mean magnitude');
  });

  it('drop: ÷ (1 + m); magnitude_dist is configurable (with clamp)', () => {
    const { mod, base } = pair('float', normal, [['outliers', { rate: 0.1, mode: 'drop', magnitude_dist: { type: 'normal', params: { mean: 0.5, std: 0.3 }, clamp: [0.2, 1] } }]]);
    const [x, b] = [mod.table('t').num('x'), base.table('t').num('x')];
    expect(new Set(mod.labels.map((l) => l.row))).toEqual(changedRows(x, b));
    expectWithin(mod.labels.length / N, 0.1, Math.sqrt(0.09 / N), 'labelled share');
    for (const l of mod.labels) {
      expect(l.kind).toBe('outlier_drop');
      expect(l.magnitude).toBeGreaterThanOrEqual(0.2);
      expect(l.magnitude).toBeLessThanOrEqual(1);
      expect(Math.abs(l.observed! - l.expected! / (1 + l.magnitude))).toBeLessThan(1e-9 * l.expected!);
    }
    // magnitudes pile up on the clamp bounds: P(m ≤ 0.2) = Φ(−1)
    const p = 0.158655;
    expectWithin(mod.labels.filter((l) => l.magnitude === 0.2).length / mod.labels.length, p, Math.sqrt((p * (1 - p)) / mod.labels.length), 'share at the lower clamp');
  });

  it('the same rows are hit whatever the chunk size; rate 0 changes nothing, rate 1 every row', () => {
    const doc = (rate: number) => spec([entity('t', N, [idCol(), col('x', 'float', normal, [['outliers', { rate }]])])]);
    const a = runDoc(doc(0.05));
    const c = runDoc(doc(0.05), { chunkRows: 777 });
    expect(c.labels).toEqual(a.labels);
    expect(runDoc(doc(0)).labels).toHaveLength(0);
    expect(runDoc(doc(1)).labels).toHaveLength(N);
  });

  // DSL §5.7: "every labelled row differs from what it would have been, and no unlabelled row does".
  it('a zero value is labelled although spiking it changes nothing', () => {
    const { mod, base } = pair('int', { choice: { choices: [0, 10] } }, [['outliers', { rate: 0.1 }]]);
    const changed = changedRows(mod.table('t').num('x'), base.table('t').num('x'));
    const unchanged = mod.labels.filter((l) => !changed.has(l.row));
    expect(unchanged.length, `labelled but unchanged rows, e.g. ${JSON.stringify(unchanged[0])}`).toBe(0);
  });

  // null_rate is applied in the cast, after the modifiers: a row the outlier hit and null_rate then
  // nulled is null in both runs, yet labelled — and its label reports observed 0, because table.ts
  // builds `observed` as Number(key(i)) and key() of a null is null.
  it('a labelled row that null_rate then nulls is labelled although its value (null) is unchanged', () => {
    const { mod, base } = pair('float', normal, [['outliers', { rate: 0.2 }]], { null_rate: 0.2 });
    const changed = changedRows(mod.table('t').num('x'), base.table('t').num('x'));
    const unchanged = mod.labels.filter((l) => !changed.has(l.row));
    expect(unchanged.length, `labelled rows that are null in both runs (their label says observed ${unchanged[0]?.observed})`).toBe(0);
  });

  // label.expected is the value before the outlier, but before the type cast and before later
  // modifiers, while label.observed is after both: on an int column, or with a later modifier,
  // `expected` is not the value the row would have had (the base run's value).
  it('label.expected is the value the row would have had (int column: after the cast)', () => {
    const { mod, base } = pair('int', normal, [['outliers', { rate: 0.05 }]]);
    const b = base.table('t').num('x');
    const wrong = mod.labels.filter((l) => l.expected !== b[l.row]);
    expect(wrong.length, `e.g. expected ${wrong[0]?.expected} vs base value ${wrong[0] && b[wrong[0].row]}`).toBe(0);
  });

  it('label.expected is the value the row would have had (a later modifier applies to it too)', () => {
    const { mod, base } = pair('float', normal, [['outliers', { rate: 0.05 }], ['multiply', { factor: 2 }]]);
    const b = base.table('t').num('x');
    const wrong = mod.labels.filter((l) => Math.abs(l.expected! - b[l.row]) > 1e-9 * b[l.row]);
    expect(wrong.length, `e.g. expected ${wrong[0]?.expected} vs base value ${wrong[0] && b[wrong[0].row]}`).toBe(0);
  });

  it('a rate outside [0, 1], an unknown mode and non-numeric columns are compile errors', () => {
    const doc = (type: string, args: unknown) => spec([entity('t', 10, [idCol(), col('x', type, { choice: { choices: [1] } }, [['outliers', args]])])]);
    expect(errorCodes(doc('float', { rate: 1.5 })).length).toBeGreaterThan(0);
    expect(errorCodes(doc('float', { rate: 0.1, mode: 'wobble' })).length).toBeGreaterThan(0);
    expect(errorCodes(doc('string', { rate: 0.1 }))).toEqual(['DG_TYPE_MISMATCH']);
  });
});
