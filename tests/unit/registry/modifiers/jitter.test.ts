import { describe, expect, it } from 'vitest';
import { col, entity, errorCodes, expectWithin, idCol, mean, sd, spec, variance, withAndWithout } from '../../../support/harness.ts';

// The noise is recovered exactly as (modified − base) or (modified / base − 1) against a run
// without the modifier (same seed, same generator draws). Tolerances, 5 SE at n = 20 000:
//   mean of N(0, s) noise: SE s/√n;  sd of it: SE ≈ s/√(2n);
//   Var(x + ε) − Var(x) = s² + 2 Cov(x, ε) + (sample noise): SE ≈ √(2 s⁴ + 4 σx² s²)/√n;
//   correlation of the noise with the value: SE 1/√n.
const N = 20_000;

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (a.length - 1) / (sd(a) * sd(b));
}

describe('jitter', () => {
  it('mode add: x + N(0, std); the variance increases by std²', () => {
    const std = 1.5;
    const sx = 2;
    const { mod, base } = withAndWithout(N, [col('x', 'float', { distribution: { type: 'normal', params: { mean: 10, std: sx } } }, [['jitter', { std, mode: 'add' }]])], 'x');
    const [m, b] = [mod.num('x'), base.num('x')];
    const eps = Float64Array.from(m, (v, i) => v - b[i]);
    expectWithin(mean(eps), 0, std / Math.sqrt(N), 'noise mean');
    expectWithin(sd(eps), std, std / Math.sqrt(2 * N), 'noise sd');
    expectWithin(corr(eps, b), 0, 1 / Math.sqrt(N), 'noise independent of the value');
    expectWithin(variance(m) - variance(b), std ** 2, Math.sqrt(2 * std ** 4 + 4 * sx ** 2 * std ** 2) / Math.sqrt(N), 'variance increase');
  });

  it('mode defaults to add', () => {
    const { mod, base } = withAndWithout(N, [col('x', 'float', { choice: { choices: [100] } }, [['jitter', { std: 3 }]])], 'x');
    const eps = Float64Array.from(mod.num('x'), (v, i) => v - base.num('x')[i]);
    expectWithin(sd(eps), 3, 3 / Math.sqrt(2 * N), 'noise sd');
  });

  it('mode mul: x × (1 + N(0, std)); the relative sd is std', () => {
    const std = 0.1;
    const { mod, base } = withAndWithout(N, [col('x', 'float', { distribution: { type: 'uniform', params: { low: 10, high: 20 } } }, [['jitter', { std, mode: 'mul' }]])], 'x');
    const [m, b] = [mod.num('x'), base.num('x')];
    const rel = Float64Array.from(m, (v, i) => v / b[i] - 1);
    expectWithin(mean(rel), 0, std / Math.sqrt(N), 'relative noise mean');
    expectWithin(sd(rel), std, std / Math.sqrt(2 * N), 'relative sd');
    expectWithin(corr(rel, b), 0, 1 / Math.sqrt(N), 'relative noise independent of the value');
    // absolute noise scales with the value: sd of (m − b) among large values ≈ 2 × among small ones (20 vs 10 … ~1.4 here)
    const small = [] as number[];
    const large = [] as number[];
    for (let i = 0; i < N; i++) (b[i] < 12 ? small : b[i] > 18 ? large : []).push(m[i] - b[i]);
    expect(sd(large) / sd(small)).toBeGreaterThan(1.4);
  });

  it('two jitters on one column draw independent noise (variances add)', () => {
    const { mod, base } = withAndWithout(N, [col('x', 'float', { choice: { choices: [0] } }, [['jitter', { std: 1 }], ['jitter', { std: 1 }]])], 'x');
    const eps = Float64Array.from(mod.num('x'), (v, i) => v - base.num('x')[i]);
    expectWithin(sd(eps), Math.SQRT2, Math.SQRT2 / Math.sqrt(2 * N), 'sd of the sum');
  });

  it('negative std, unknown mode and non-numeric columns are compile errors', () => {
    const doc = (type: string, args: unknown) => spec([entity('t', 10, [idCol(), col('x', type, { choice: { choices: [1] } }, [['jitter', args]])])]);
    expect(errorCodes(doc('float', { std: -1 })).length).toBeGreaterThan(0);
    expect(errorCodes(doc('float', { std: 1, mode: 'pow' })).length).toBeGreaterThan(0);
    expect(errorCodes(doc('string', { std: 1 }))).toEqual(['DG_TYPE_MISMATCH']);
  });
});
