import { describe, expect, it } from 'vitest';
import { col, entity, errorCodes, expectWithin, idCol, mean, roundHalfEven, sd, spec, withAndWithout } from '../../../support/harness.ts';

// Exact per-row checks against the unmodified run; the mean shifts by `value` (SE σ/√n) and the sd
// is unchanged (SE σ/√(2n)); tolerance 5 SE, n = 20 000.
const N = 20_000;

describe('add', () => {
  it('value + v on every row; the mean shifts, the spread does not', () => {
    const { mod, base } = withAndWithout(N, [col('x', 'float', { distribution: { type: 'normal', params: { mean: 10, std: 2 } } }, [['add', { value: -7.5 }]])], 'x');
    const [m, b] = [mod.num('x'), base.num('x')];
    for (let i = 0; i < N; i++) if (m[i] !== b[i] - 7.5) expect.fail(`row ${i}`);
    expectWithin(mean(m), 2.5, 2 / Math.sqrt(N), 'mean');
    expectWithin(sd(m), 2, 2 / Math.sqrt(2 * N), 'sd');
  });

  it('on an int column the sum is rounded half to even at the end', () => {
    const { mod, base } = withAndWithout(N, [col('k', 'int', { distribution: { type: 'poisson', params: { lambda: 4 } } }, [['add', { value: 0.5 }]])], 'k');
    const [m, b] = [mod.num('k'), base.num('k')];
    for (let i = 0; i < N; i++) if (m[i] !== roundHalfEven(b[i] + 0.5)) expect.fail(`row ${i}: ${b[i]} + 0.5 → ${m[i]}`);
  });

  it('non-numeric columns are DG_TYPE_MISMATCH', () => {
    expect(errorCodes(spec([entity('t', 10, [idCol(), col('x', 'string', { choice: { choices: ['a'] } }, [['add', { value: 1 }]])])]))).toEqual(['DG_TYPE_MISMATCH']);
  });
});
