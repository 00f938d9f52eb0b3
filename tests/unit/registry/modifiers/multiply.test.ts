import { describe, expect, it } from 'vitest';
import { col, entity, errorCodes, expectWithin, idCol, mean, roundHalfEven, sd, spec, withAndWithout } from '../../../support/harness.ts';

// Exact per-row checks against a run without the modifier (same seed → same generator draws, see
// withAndWithout), plus the resulting moments: for N(10, 2) × 3 the mean is 30 with SE 6/√n and the
// sd 6 with SE ≈ 6/√(2n); tolerance 5 SE. n = 20 000.
const N = 20_000;

describe('multiply', () => {
  it('value × factor on every row; mean and sd scale by the factor', () => {
    const { mod, base } = withAndWithout(N, [col('x', 'float', { distribution: { type: 'normal', params: { mean: 10, std: 2 } } }, [['multiply', { factor: 3 }]])], 'x');
    const [m, b] = [mod.num('x'), base.num('x')];
    for (let i = 0; i < N; i++) if (m[i] !== b[i] * 3) expect.fail(`row ${i}: ${m[i]} vs 3 × ${b[i]}`);
    expectWithin(mean(m), 30, 6 / Math.sqrt(N), 'mean');
    expectWithin(sd(m), 6, 6 / Math.sqrt(2 * N), 'sd');
  });

  it('modifiers apply in order: (x × 2 + 5) × 0.5', () => {
    const { mod, base } = withAndWithout(N, [col('x', 'float', { distribution: { type: 'uniform', params: { low: 0, high: 1 } } }, [['multiply', { factor: 2 }], ['add', { value: 5 }], ['multiply', { factor: 0.5 }]])], 'x');
    const [m, b] = [mod.num('x'), base.num('x')];
    for (let i = 0; i < N; i++) if (Math.abs(m[i] - (b[i] * 2 + 5) * 0.5) > 1e-12) expect.fail(`row ${i}`);
  });

  it('on an int column the product is rounded half to even after all modifiers', () => {
    const { mod, base } = withAndWithout(N, [col('k', 'int', { distribution: { type: 'poisson', params: { lambda: 5 } } }, [['multiply', { factor: 0.5 }]])], 'k');
    const [m, b] = [mod.num('k'), base.num('k')];
    for (let i = 0; i < N; i++) if (m[i] !== roundHalfEven(b[i] * 0.5)) expect.fail(`row ${i}: ${b[i]} × 0.5 → ${m[i]}`);
  });

  it('nulls stay null', () => {
    const { mod } = withAndWithout(N, [col('x', 'float', { choice: { choices: [1, null] } }, [['multiply', { factor: 2 }]], { nullable: true })], 'x');
    for (const v of mod.num('x')) if (!(Number.isNaN(v) || v === 2)) expect.fail(`value ${v}`);
  });

  it('non-numeric columns and missing factors are compile errors', () => {
    const doc = (type: string, gen: unknown, args: unknown) => spec([entity('t', 10, [idCol(), col('x', type, gen, [['multiply', args]])])]);
    expect(errorCodes(doc('string', { choice: { choices: ['a'] } }, { factor: 2 }))).toEqual(['DG_TYPE_MISMATCH']);
    expect(errorCodes(doc('datetime', { datetime_series: {} }, { factor: 2 }))).toEqual(['DG_TYPE_MISMATCH']);
    expect(errorCodes(doc('bool', { choice: { choices: [true] } }, { factor: 2 }))).toEqual(['DG_TYPE_MISMATCH']);
    expect(errorCodes(doc('float', { choice: { choices: [1] } }, {})).length).toBeGreaterThan(0);
  });
});
