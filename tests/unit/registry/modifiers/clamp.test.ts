import { describe, expect, it } from 'vitest';
import { col, entity, errorCodes, expectWithin, idCol, mean, runColumns, spec, withAndWithout } from '../../../support/harness.ts';
import { clampedNormalMean, normalCdf } from '../../../support/stats.ts';

// Exact per-row checks (min(max(x, lo), hi)) against the unmodified run; the shares piled up on the
// bounds vs Φ within 5 binomial SE; the clamped mean vs its integral within 5 σ/√n. n = 20 000.
const N = 20_000;
const normal = { distribution: { type: 'normal', params: { mean: 0, std: 1 } } };

describe('clamp', () => {
  it('bounds both sides; the mass beyond each bound sits on it', () => {
    const { mod, base } = withAndWithout(N, [col('x', 'float', normal, [['clamp', { min: -0.5, max: 1 }]])], 'x');
    const [m, b] = [mod.num('x'), base.num('x')];
    for (let i = 0; i < N; i++) if (m[i] !== Math.min(1, Math.max(-0.5, b[i]))) expect.fail(`row ${i}: ${b[i]} → ${m[i]}`);
    const lo = m.filter((v) => v === -0.5).length / N;
    const hi = m.filter((v) => v === 1).length / N;
    expectWithin(lo, normalCdf(-0.5), Math.sqrt(normalCdf(-0.5) * (1 - normalCdf(-0.5)) / N), 'share at min');
    expectWithin(hi, 1 - normalCdf(1), Math.sqrt(normalCdf(1) * (1 - normalCdf(1)) / N), 'share at max');
    expectWithin(mean(m), clampedNormalMean(0, 1, -0.5, 1), 1 / Math.sqrt(N), 'mean');
  });

  it('a null (or absent) bound is open on that side; no bounds is a no-op', () => {
    const mod = runColumns(N, [
      col('lo', 'float', normal, [['clamp', { min: 0, max: null }]]),
      col('hi', 'float', normal, [['clamp', { max: 0 }]]),
      col('none', 'float', normal, [['clamp', {}]]),
    ]);
    const base = runColumns(N, [col('lo', 'float', normal), col('hi', 'float', normal), col('none', 'float', normal)]);
    for (let i = 0; i < N; i++) {
      if (mod.num('lo')[i] !== Math.max(0, base.num('lo')[i])) expect.fail(`lo row ${i}`);
      if (mod.num('hi')[i] !== Math.min(0, base.num('hi')[i])) expect.fail(`hi row ${i}`);
      if (mod.num('none')[i] !== base.num('none')[i]) expect.fail(`none row ${i}`);
    }
  });

  it('min above max and non-numeric columns are compile errors', () => {
    expect(errorCodes(spec([entity('t', 10, [idCol(), col('x', 'float', normal, [['clamp', { min: 2, max: 1 }]])])]))).toEqual(['DG_OUT_OF_RANGE']);
    expect(errorCodes(spec([entity('t', 10, [idCol(), col('x', 'string', { choice: { choices: ['a'] } }, [['clamp', { min: 0 }]])])]))).toEqual(['DG_TYPE_MISMATCH']);
  });
});
