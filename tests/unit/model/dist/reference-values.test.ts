/**
 * Pins the exact pmfs and CDFs (src/model/dist/cdf.ts) that validate's expectations are built on (fanout counts,
 * funnel and lifecycle durations, value moments) to values computed independently of the code: exact rational
 * arithmetic with BigInt for the binomial, geometric, negative binomial with an integer k and finite zipf, and
 * 40-digit mpmath (Poisson sums, Γ and incomplete-Γ/β, ζ(1.5)) or closed forms for the rest. Together with
 * ./special.test.ts (normal quantiles, lgamma, incomplete Γ/β, harmonic numbers from scipy) a wrong model fails here.
 */
import { describe, expect, it } from 'vitest';
import { distCdf, distPmf, isDiscrete } from '../../../../src/model/dist/cdf.ts';
import { DIST_NAMES } from '../../../../src/model/distributions.ts';
import { normalQuantilePrecise } from '../../../../src/model/dist/normal-quantile.ts';
import { betaI, gammaP, gammaQ, normalCdf } from '../../../../src/model/dist/special.ts';

/** |got − want| ≤ tol relative (absolute below 1). */
function close(got: number, want: number, tol = 1e-12): void {
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
}

/** A BigInt fraction as a double (exact to the last bit of both parts, which stay below 2^53 here or are scaled). */
function ratio(num: bigint, den: bigint): number {
  const scale = 10n ** 30n;
  return Number((num * scale) / den) / 1e30;
}
const pow = (b: bigint, e: number) => b ** BigInt(e);
const choose = (n: number, k: number) => {
  let c = 1n;
  for (let i = 1; i <= k; i++) c = (c * BigInt(n - k + i)) / BigInt(i);
  return c;
};

describe('discrete pmfs and CDFs against exact rationals', () => {
  it('binomial n = 10, p = 3/10: C(10,k) 3^k 7^(10−k) / 10^10', () => {
    let cum = 0n;
    for (let k = 0; k <= 10; k++) {
      const num = choose(10, k) * pow(3n, k) * pow(7n, 10 - k);
      cum += num;
      close(distPmf('binomial', { n: 10, p: 0.3 }, k), ratio(num, 10n ** 10n));
      close(distCdf('binomial', { n: 10, p: 0.3 }, k), ratio(cum, 10n ** 10n));
      // a column n (nOverride) is the same distribution
      close(distPmf('binomial', { n: 99, p: 0.3 }, k, 10), ratio(num, 10n ** 10n));
    }
    expect(distPmf('binomial', { n: 10, p: 0.3 }, 11)).toBe(0);
    expect(distCdf('binomial', { n: 10, p: 0.3 }, 10.5)).toBe(1);
  });

  it('geometric p = 1/4 (failures before the first success): 1/4 (3/4)^k, CDF 1 − (3/4)^(k+1)', () => {
    for (let k = 0; k <= 30; k++) {
      close(distPmf('geometric', { p: 0.25 }, k), ratio(pow(3n, k), pow(4n, k + 1)));
      close(distCdf('geometric', { p: 0.25 }, k), ratio(pow(4n, k + 1) - pow(3n, k + 1), pow(4n, k + 1)));
    }
  });

  it('negative binomial mean 4, k = 2 (p = k/(k+mean) = 1/3): (j+1) 2^j / 3^(j+2)', () => {
    let cum = 0n;
    let den = 1n;
    for (let j = 0; j <= 40; j++) {
      // Σ_{i≤j} (i+1) 2^i / 3^(i+2) on the common denominator 3^(j+2)
      den = pow(3n, j + 2);
      cum = 0n;
      for (let i = 0; i <= j; i++) cum += BigInt(i + 1) * pow(2n, i) * pow(3n, j - i);
      close(distPmf('negative_binomial', { mean: 4, dispersion_k: 2 }, j), ratio(BigInt(j + 1) * pow(2n, j), den));
      close(distCdf('negative_binomial', { mean: 4, dispersion_k: 2 }, j), ratio(cum, den));
    }
  });

  it('zipf s = 2 on 1 … 5: k^−2 / (5269/3600)', () => {
    // H(5, 2) = 1 + 1/4 + 1/9 + 1/16 + 1/25 = 5269/3600; P(k) = 3600 / (5269 k²)
    let cum = 0;
    for (let k = 1; k <= 5; k++) {
      const p = 3600 / (5269 * k * k);
      cum += p;
      close(distPmf('zipf', { s: 2, n: 5 }, k), p);
      close(distCdf('zipf', { s: 2, n: 5 }, k), cum);
    }
    expect(distPmf('zipf', { s: 2, n: 5 }, 0)).toBe(0);
    expect(distPmf('zipf', { s: 2, n: 5 }, 6)).toBe(0);
  });
});

describe('discrete pmfs and CDFs against 40-digit references (mpmath)', () => {
  it('poisson λ = 2: e^−2 2^k / k! and its sums', () => {
    const pmf = [0.1353352832366127, 0.2706705664732254, 0.2706705664732254, 0.18044704431548358, 0.09022352215774179, 0.036089408863096716];
    const cdf = [0.1353352832366127, 0.40600584970983805, 0.6766764161830635, 0.857123460498547, 0.9473469826562888, 0.9834363915193856];
    pmf.forEach((p, k) => close(distPmf('poisson', { lambda: 2 }, k), p));
    cdf.forEach((p, k) => close(distCdf('poisson', { lambda: 2 }, k), p));
    close(distPmf('poisson', { lambda: 30 }, 25), 0.051115337428941324);
    close(distCdf('poisson', { lambda: 30 }, 25), 0.20835736466733293);
    close(distPmf('poisson', { lambda: 0.5 }, 3), 0.012636055410679864);
    close(distCdf('poisson', { lambda: 0.5 }, 3), 0.9982483774437092);
    expect(distPmf('poisson', { lambda: 0 }, 0)).toBe(1);
    expect(distPmf('poisson', { lambda: 2 }, 1.5)).toBe(0);
  });

  it('negative binomial mean 2.5, k = 0.7 (Γ(k+j)/(Γ(k) j!) p^k (1−p)^j, p = k/(k+mean))', () => {
    const at = [0, 1, 2, 5, 10];
    const pmf = [0.34511484695518685, 0.1887346819286178, 0.12533162471822276, 0.04676736017381917, 0.011169727853593051];
    const cdf = [0.34511484695518685, 0.5338495288838047, 0.6591811536020273, 0.8577555262595581, 0.9638470180781707];
    at.forEach((k, i) => {
      close(distPmf('negative_binomial', { mean: 2.5, dispersion_k: 0.7 }, k), pmf[i]);
      close(distCdf('negative_binomial', { mean: 2.5, dispersion_k: 0.7 }, k), cdf[i]);
    });
  });

  it('zipf s = 1.5 unbounded: 1/ζ(1.5), (1 + 2^−1.5 + 3^−1.5)/ζ(1.5) with ζ(1.5) = 2.612375348685488', () => {
    close(distPmf('zipf', { s: 1.5 }, 1), 0.3827933839994266, 1e-10);
    close(distCdf('zipf', { s: 1.5 }, 3), 0.5917999039077891, 1e-10);
  });
});

describe('continuous CDFs against closed forms and published values', () => {
  it.each([
    ['normal', { mean: 1, std: 2 }, 0, 0.3085375387259869], // Φ(−0.5)
    ['normal', { mean: 0, std: 1 }, 1.96, 0.9750021048517795],
    ['normal', { mean: 0, std: 1 }, -3, 0.0013498980316300946],
    ['lognormal', { mean: 1, sigma: 0.5 }, Math.exp(1.5), 0.8413447460685429], // Φ(1)
    ['lognormal', { mean: 1, sigma: 0.5 }, 2, 0.26970493073490953],
    ['exponential', { rate: 2 }, 1, 0.8646647167633873], // 1 − e^−2
    ['gamma', { shape: 2.5, scale: 2 }, 3, 0.3000141641213725], // P(2.5, 1.5)
    ['beta', { a: 2, b: 5 }, 0.3, 0.579825], // 1 − (1−x)^5 (1 + 5x) exactly
    ['beta', { a: 2.5, b: 3.5 }, 0.4, 0.4869041915261174],
    ['weibull', { shape: 1.5, scale: 2 }, 1, 0.2978114986734404], // 1 − e^−(1/2)^1.5
    ['pareto', { alpha: 3, scale: 2 }, 5, 0.936], // 1 − (2/5)^3
    ['uniform', { low: 2, high: 6 }, 3, 0.25],
    ['triangular', { low: 0, mode: 1, high: 4 }, 0.5, 0.0625], // x²/((b−a)(c−a)) = 0.25/4
    ['triangular', { low: 0, mode: 1, high: 4 }, 3, 1 - 1 / 12], // 1 − (b−x)²/((b−a)(b−c))
  ] as const)('%s %o at %d = %d', (type, params, x, want) => {
    close(distCdf(type, params, x), want);
  });
});

it('isDiscrete: exactly poisson, negative_binomial, binomial, zipf and geometric', () => {
  expect(DIST_NAMES.filter(isDiscrete).sort()).toEqual(['binomial', 'geometric', 'negative_binomial', 'poisson', 'zipf']);
});

describe('special functions against textbook critical values (what validate\'s tail tests rest on)', () => {
  it('χ², Student t and normal tables', () => {
    // χ²₁ at 3.841458820694124 and χ²₁₀ at 18.307038053275146 are the 95 % points: P(k/2, x/2) = 0.95
    close(gammaP(0.5, 3.841458820694124 / 2), 0.95);
    close(gammaQ(5, 18.307038053275146 / 2), 0.05);
    // Student t₁₀ at 2.228138851986274 is the 97.5 % point: 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) = 0.975
    const t = 2.228138851986274;
    close(1 - 0.5 * betaI(5, 0.5, 10 / (10 + t * t)), 0.975);
    // z at 95 %, 97.5 %, 99.5 %
    close(normalQuantilePrecise(0.95), 1.6448536269514722);
    close(normalQuantilePrecise(0.975), 1.959963984540054);
    close(normalQuantilePrecise(0.995), 2.5758293035489004);
    close(normalCdf(1), 0.8413447460685429);
    close(normalCdf(-1.6448536269514722), 0.05);
  });
});
