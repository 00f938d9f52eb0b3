import { describe, expect, it } from 'vitest';
import { col, DAY, entity, errorCodes, expectWithin, idCol, mean, sd, spec, withAndWithout } from '../../../support/harness.ts';

// The shift of every row is (modified − base) against a run without the modifier. It must be whole
// seconds; its mean 0 (SE σ/√n), its sd σ = std_minutes (SE ≈ σ/√(2n); rounding to the second adds
// 1/12 s² of variance, negligible at σ = 15 min) and P(|shift| ≤ σ) = 0.6827 (binomial SE).
// Tolerance 5 SE, n = 20 000.
const N = 20_000;

describe('time_jitter', () => {
  it('shifts by N(0, std_minutes) minutes, rounded to whole seconds', () => {
    const { mod, base } = withAndWithout(N, [col('ts', 'datetime', { datetime_series: { freq: 'H' } }, [['time_jitter', { std_minutes: 15 }]])], 'ts');
    const [m, b] = [mod.num('ts'), base.num('ts')];
    const shift = Float64Array.from(m, (v, i) => (v - b[i]) / 60_000);
    for (let i = 0; i < N; i++) if ((m[i] - b[i]) % 1000 !== 0) expect.fail(`row ${i}: shift ${m[i] - b[i]} ms is not whole seconds`);
    expectWithin(mean(shift), 0, 15 / Math.sqrt(N), 'mean shift (min)');
    expectWithin(sd(shift), 15, 15 / Math.sqrt(2 * N), 'sd of the shift (min)');
    const within = shift.filter((s) => Math.abs(s) <= 15).length / N;
    expectWithin(within, 0.682689, Math.sqrt(0.682689 * 0.317311 / N), 'P(|shift| ≤ σ)');
  });

  it('std_minutes 0 leaves the timestamps unchanged', () => {
    const { mod, base } = withAndWithout(N, [col('ts', 'datetime', { datetime_series: { freq: 'H' } }, [['time_jitter', { std_minutes: 0 }]])], 'ts');
    expect(Array.from(mod.num('ts'))).toEqual(Array.from(base.num('ts')));
  });

  it('on a date column the shifted instant is truncated to its day', () => {
    const { mod, base } = withAndWithout(N, [col('d', 'date', { datetime_series: { freq: 'H' } }, [['time_jitter', { std_minutes: 600 }]])], 'd');
    const [m, b] = [mod.num('d'), base.num('d')];
    let moved = 0;
    for (let i = 0; i < N; i++) {
      if (m[i] % DAY !== 0) expect.fail(`row ${i}: not a day`);
      if (m[i] !== b[i]) moved++;
    }
    expect(moved).toBeGreaterThan(N / 10);
  });

  it('non-datetime columns and negative std are compile errors', () => {
    const doc = (type: string, gen: unknown, args: unknown) => spec([entity('t', 10, [idCol(), col('x', type, gen, [['time_jitter', args]])])]);
    expect(errorCodes(doc('float', { choice: { choices: [1] } }, { std_minutes: 5 }))).toEqual(['DG_TYPE_MISMATCH']);
    expect(errorCodes(doc('datetime', { datetime_series: {} }, { std_minutes: -5 })).length).toBeGreaterThan(0);
  });
});
