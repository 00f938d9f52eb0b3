import { describe, expect, it } from 'vitest';
import { distMean, distVariance, normalQuantile, normalQuantilePrecise } from '../../../../src/model/distributions.ts';
import { betaI, gammaP, gammaQ, harmonic, lgamma, normalCdf } from '../../../../src/model/dist/special.ts';

describe('normalQuantile (Acklam) and normalQuantilePrecise (AS 241)', () => {
  // Reference values from scipy.stats.norm.ppf.
  it.each([
    [1e-300, -37.0470962993612],
    [1e-10, -6.361340902404056],
    [1e-5, -4.264890793922825],
    [0.001, -3.090232306167813],
    [0.02, -2.053748910631823],
    [0.075, -1.4395314709384563],
    [0.3, -0.5244005127080409],
    [0.5, 0],
    [0.6, 0.2533471031357997],
    [0.975, 1.959963984540054],
    [0.999999, 4.753424308817087],
  ])('Φ^-1(%d) = %d', (p, z) => {
    expect(Math.abs(normalQuantilePrecise(p) - z)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(z)));
    expect(Math.abs(normalQuantile(p) - z)).toBeLessThanOrEqual(1.15e-9 * Math.abs(z) + 1e-15);
  });

  it('the fast version is within 1.15e-9 relative of AS 241 over (0,1), tails included', () => {
    for (let e = -300; e < -1; e += 0.05) {
      for (const p of [10 ** e, 1 - 10 ** e].filter((v) => v < 1)) {
        const z = normalQuantilePrecise(p);
        expect(Math.abs(normalQuantile(p) - z)).toBeLessThanOrEqual(1.15e-9 * Math.abs(z));
      }
    }
    for (let i = 1; i < 20000; i++) {
      const z = normalQuantilePrecise(i / 20000);
      expect(Math.abs(normalQuantile(i / 20000) - z)).toBeLessThanOrEqual(1.15e-9 * Math.abs(z) + 1e-15);
    }
  });

  it('both are odd, monotone and invert Φ; infinite at 0 and 1, NaN outside', () => {
    for (const f of [normalQuantile, normalQuantilePrecise]) {
      let prev = -Infinity;
      for (let i = 1; i < 2000; i++) {
        const p = i / 2000;
        const z = f(p);
        expect(z).toBeGreaterThan(prev);
        prev = z;
        expect(f(1 - p)).toBeCloseTo(-z, 9);
      }
      expect(f(0)).toBe(-Infinity);
      expect(f(1)).toBe(Infinity);
      expect(f(1.5)).toBeNaN();
      expect(f(NaN)).toBeNaN();
    }
    for (let i = 1; i < 2000; i++) expect(Math.abs(normalCdf(normalQuantilePrecise(i / 2000)) - i / 2000)).toBeLessThan(1e-13);
  });
});

describe('special functions and moments (reference values from scipy)', () => {
  it('matches scipy', () => {
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
    close(lgamma(0.5), 0.5723649429247);
    close(lgamma(3.7), 1.428072326665388);
    close(lgamma(1e7), 151180949.36947393);
    close(gammaP(2.5, 1.3), 0.23863473215498604);
    close(gammaQ(50, 80), 0.0001307839765914092);
    close(betaI(2, 5, 0.3), 0.5798250000000003);
    close(betaI(30, 40, 0.45), 0.6447480085585666);
    close(normalCdf(-8), 6.22096057427174e-16);
    close(harmonic(1000, 1.2), 4.335764794625676);
    close(harmonic(Infinity, 2), Math.PI ** 2 / 6);
    close(harmonic(1e7, 1), 16.69531136585985);
  });

  it('distMean', () => {
    expect(distMean('lognormal', { mean: 1, sigma: 0.5 })).toBeCloseTo(Math.exp(1.125), 12);
    expect(distMean('pareto', { alpha: 1, scale: 1 })).toBe(Infinity);
    expect(distMean('weibull', { shape: 1, scale: 3 })).toBeCloseTo(3, 12);
    expect(distMean('geometric', { p: 0.25 })).toBe(3);
    expect(distMean('zipf', { s: 2 })).toBe(Infinity);
    expect(distMean('negative_binomial', { mean: 4, dispersion_k: 2 })).toBe(4);
    expect(distVariance('negative_binomial', { mean: 4, dispersion_k: 2 })).toBe(12);
  });
});
