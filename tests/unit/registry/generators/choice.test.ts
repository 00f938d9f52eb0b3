import { describe, expect, it } from 'vitest';
import { chiSquare, col, compileDoc, counts, entity, expectShares, idCol, runColumns, runDoc, spec } from '../../../support/harness.ts';

// Shares are checked per value within 5 binomial standard errors (see Z in harness.ts) and, for the
// whole law at once, with a chi-square at upper-tail z = 5. n = 20 000 rows per column.
const N = 20_000;

const normalise = (w: number[]) => {
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
};
const lawOf = <T,>(values: T[], shares: number[]) => new Map(values.map((v, i) => [v, shares[i]]));

function expectLaw(xs: ArrayLike<string | number | null>, values: (string | number | null)[], shares: number[], label: string) {
  expectShares(xs, lawOf(values, shares), label);
  const c = counts(xs);
  const chi = chiSquare(values.map((v) => c.get(v) ?? 0), shares);
  expect(chi.stat, `${label}: chi-square ${chi.stat} (df ${chi.df})`).toBeLessThan(chi.critical);
}

function zipfShares(n: number, alpha: number): number[] {
  return normalise(Array.from({ length: n }, (_, k) => (k + 1) ** -alpha));
}

/** Documented head_tail@{h,α}: the first ⌈√n⌉ share h equally; the rest share 1−h ∝ k^−α (k = 1.. within the tail). */
function headTailShares(n: number, h: number, alpha: number): number[] {
  const head = Math.ceil(Math.sqrt(n));
  const tail = normalise(Array.from({ length: n - head }, (_, k) => (k + 1) ** -alpha));
  return [...new Array(head).fill(h / head), ...tail.map((t) => (1 - h) * t)];
}

describe('choice: weights', () => {
  it('explicit weights are normalised into shares', () => {
    const values = ['a', 'b', 'c', 'd'];
    const w = [5, 3, 1.5, 0.5];
    const t = runColumns(N, [col('x', 'string', { choice: { choices: values, weights: w } })]);
    expectLaw(t.str('x'), values, normalise(w), 'weights');
  });

  it('a zero weight never occurs', () => {
    const t = runColumns(N, [col('x', 'int', { choice: { choices: [1, 2, 3], weights: [1, 0, 1] } })]);
    expectLaw(t.num('x'), [1, 2, 3], [0.5, 0, 0.5], 'zero weight');
  });

  it('without weights (and with weights_kind "uniform") every choice is equally likely', () => {
    const values = ['p', 'q', 'r', 's', 't'];
    const t = runColumns(N, [
      col('x', 'string', { choice: { choices: values } }),
      col('y', 'string', { choice: { choices: values, weights_kind: 'uniform' } }),
    ]);
    expectLaw(t.str('x'), values, new Array(5).fill(0.2), 'default');
    expectLaw(t.str('y'), values, new Array(5).fill(0.2), 'uniform');
  });

  it('zipf@1.5: share of the k-th choice ∝ k^-1.5', () => {
    const values = Array.from({ length: 12 }, (_, i) => `v${i + 1}`);
    const t = runColumns(N, [col('x', 'string', { choice: { choices: values, weights_kind: 'zipf@1.5' } })]);
    expectLaw(t.str('x'), values, zipfShares(12, 1.5), 'zipf@1.5');
  });

  it('head_tail@{0.7,2.0}: ⌈√n⌉ head choices share 0.7 equally, the tail shares 0.3 ∝ k^-2', () => {
    for (const n of [10, 30]) {
      const values = Array.from({ length: n }, (_, i) => i + 1);
      const t = runColumns(N, [col('x', 'int', { choice: { choices: values, weights_kind: 'head_tail@{0.7,2.0}' } })]);
      const shares = headTailShares(n, 0.7, 2);
      expectLaw(t.num('x'), values, shares, `head_tail n=${n}`);
      // the head as a whole: 0.7 ± 5 SE
      const head = Math.ceil(Math.sqrt(n));
      const x = t.num('x');
      let inHead = 0;
      for (let i = 0; i < x.length; i++) if (x[i] <= head) inHead++;
      expect(Math.abs(inHead / N - 0.7)).toBeLessThan(5 * Math.sqrt(0.21 / N));
    }
  });

  it('bad weights are compile errors: wrong length, all zero, unknown weights_kind', () => {
    const codes = (gen: unknown) => compileDoc(spec([entity('t', 10, [idCol(), col('x', 'string', gen)])])).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    expect(codes({ choice: { choices: ['a', 'b'], weights: [1, 2, 3] } })).toEqual(['DG_WEIGHTS_LENGTH']);
    expect(codes({ choice: { choices: ['a', 'b'], weights: [0, 0] } })).toContain('DG_BAD_WEIGHTS');
    expect(codes({ choice: { choices: ['a', 'b'], weights_kind: 'head_tail@{1.5,2}' } })).toEqual(['DG_OUT_OF_RANGE']);
  });
});

describe('choice: choices_ref', () => {
  it('frequencies follow the source column (its realised values, not its weights)', () => {
    const doc = spec([
      entity('src', 2000, [idCol(), col('c', 'string', { choice: { choices: ['a', 'b', 'c', 'd'], weights: [0.55, 0.3, 0.1, 0.05] } }), col('k', 'int', { distribution: { type: 'poisson', params: { lambda: 3 } } })]),
      entity('t', N, [idCol(), col('x', 'string', { choice: { choices_ref: 'src.c' } }), col('y', 'int', { choice: { choices_ref: 'src.k' } })]),
    ]);
    const r = runDoc(doc);
    const src = r.table('src');
    const t = r.table('t');
    for (const [name, srcCol] of [['x', src.str('c')], ['y', Array.from(src.num('k'))]] as const) {
      const sc = counts(srcCol as ArrayLike<string | number>);
      const expected = new Map([...sc].map(([v, k]) => [v, k / src.rows]));
      const xs = name === 'x' ? t.str('x') : t.num('y');
      expectShares(xs as ArrayLike<string | number>, expected as Map<string | number, number>, `choices_ref ${name}`);
    }
  });

  it('is independent of the chunk size', () => {
    const doc = spec([
      entity('src', 500, [idCol(), col('c', 'string', { faker: { method: 'first_name' } })]),
      entity('t', N, [idCol(), col('x', 'string', { choice: { choices_ref: 'src.c' } })]),
    ]);
    expect(runDoc(doc, { chunkRows: 999 }).table('t').str('x')).toEqual(runDoc(doc).table('t').str('x'));
  });
});

describe('choice: casts to the column type at compile time', () => {
  it('numeric columns: numeric strings and booleans become numbers; int rounds half to even', () => {
    const t = runColumns(N, [
      col('i', 'int', { choice: { choices: ['1', '2', 3.5] } }),
      col('f', 'float', { choice: { choices: [true, false, '2.25'] } }),
    ]);
    expectLaw(t.num('i'), [1, 2, 4], [1 / 3, 1 / 3, 1 / 3], 'int');
    expectLaw(t.num('f'), [1, 0, 2.25], [1 / 3, 1 / 3, 1 / 3], 'float');
  });

  it('bool columns: true / "true" / 1 are true, everything else false', () => {
    const t = runColumns(N, [col('b', 'bool', { choice: { choices: [true, 'true', 1, false, 'false', 0], weights: [1, 1, 1, 1, 1, 5] } })]);
    expectLaw(t.num('b'), [1, 0], [0.3, 0.7], 'bool');
  });

  it('datetime / date columns: ISO strings become instants (UTC without a zone), dates truncate to the day', () => {
    const iso = ['2024-01-01T00:00:00Z', '2024-06-01', '2024-06-01T12:30:00', '2024-06-01T12:30:00+02:00'];
    const ms = [Date.UTC(2024, 0, 1), Date.UTC(2024, 5, 1), Date.UTC(2024, 5, 1, 12, 30), Date.UTC(2024, 5, 1, 10, 30)];
    const t = runColumns(N, [col('ts', 'datetime', { choice: { choices: iso } }), col('d', 'date', { choice: { choices: iso } })]);
    expectLaw(t.num('ts'), ms, [0.25, 0.25, 0.25, 0.25], 'datetime');
    expectLaw(t.num('d'), [Date.UTC(2024, 0, 1), Date.UTC(2024, 5, 1)], [0.25, 0.75], 'date');
  });

  it('string columns: numbers and booleans print as text; null choices are nulls', () => {
    const t = runColumns(N, [
      col('s', 'string', { choice: { choices: [1, 2.5, true, null] } }),
      col('n', 'int', { choice: { choices: [7, null] } }),
    ]);
    expectLaw(t.str('s'), ['1', '2.5', 'true', null], [0.25, 0.25, 0.25, 0.25], 'string');
    const n = t.num('n');
    expectLaw(Array.from(n, (v) => (Number.isNaN(v) ? null : v)), [7, null], [0.5, 0.5], 'null');
  });

  it('uncastable choices are compile errors', () => {
    const codes = (type: string, choices: unknown[]) => compileDoc(spec([entity('t', 10, [idCol(), col('x', type, { choice: { choices } })])])).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    expect(codes('int', [1, 'abc'])).toEqual(['DG_TYPE_MISMATCH']);
    expect(codes('datetime', ['2024-01-01', 'soon'])).toEqual(['DG_BAD_DATETIME']);
  });
});
