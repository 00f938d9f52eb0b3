import { describe, expect, it } from 'vitest';
import { distMean, distVariance, normalizeDist } from '../../../../src/model/distributions.ts';
import { col, compileDoc, entity, expectWithin, idCol, mean, runColumns, spec, variance } from '../../../support/harness.ts';
import { clampedNormalMean, normalCdf } from '../../../support/stats.ts';

// One smoke test per family through the generator (the samplers themselves are tested in
// tests/unit/model/distributions.test.ts). The sample mean of n = 20 000 draws is checked against
// the analytic mean within 5 standard errors, SE = σ/√n with σ² the analytic variance (all
// families below have a finite variance, and finite fourth moments so the CLT applies quickly).
const N = 20_000;

interface Family { type: string; params: Record<string, number>; discrete: boolean; support: [number, number] }
const FAMILIES: Family[] = [
  { type: 'normal', params: { mean: 10, std: 3 }, discrete: false, support: [-Infinity, Infinity] },
  { type: 'lognormal', params: { mean: 1, sigma: 0.5 }, discrete: false, support: [0, Infinity] },
  { type: 'uniform', params: { low: -2, high: 5 }, discrete: false, support: [-2, 5] },
  { type: 'poisson', params: { lambda: 4.5 }, discrete: true, support: [0, Infinity] },
  { type: 'poisson', params: { lambda: 120 }, discrete: true, support: [0, Infinity] },
  { type: 'exponential', params: { rate: 0.5 }, discrete: false, support: [0, Infinity] },
  { type: 'gamma', params: { shape: 2.5, scale: 3 }, discrete: false, support: [0, Infinity] },
  { type: 'gamma', params: { shape: 0.4, scale: 1 }, discrete: false, support: [0, Infinity] },
  { type: 'beta', params: { a: 2, b: 5 }, discrete: false, support: [0, 1] },
  { type: 'negative_binomial', params: { mean: 6, dispersion_k: 2 }, discrete: true, support: [0, Infinity] },
  { type: 'binomial', params: { n: 40, p: 0.3 }, discrete: true, support: [0, 40] },
  { type: 'binomial', params: { n: 1000, p: 0.4 }, discrete: true, support: [0, 1000] },
  { type: 'zipf', params: { s: 1.8, n: 500 }, discrete: true, support: [1, 500] },
  { type: 'pareto', params: { alpha: 5, scale: 2 }, discrete: false, support: [2, Infinity] },
  { type: 'weibull', params: { shape: 1.5, scale: 2 }, discrete: false, support: [0, Infinity] },
  { type: 'triangular', params: { low: 0, mode: 2, high: 10 }, discrete: false, support: [0, 10] },
  { type: 'geometric', params: { p: 0.25 }, discrete: true, support: [0, Infinity] },
];

describe('distribution: one smoke per family through the generator', () => {
  it.each(FAMILIES.map((f) => [`${f.type} ${JSON.stringify(f.params)}`, f] as const))('%s: support and mean', (_, f) => {
    const t = runColumns(N, [col('x', f.discrete ? 'int' : 'float', { distribution: { type: f.type, params: f.params } })]);
    const x = t.num('x');
    for (let i = 0; i < N; i++) {
      const v = x[i];
      if (!(v >= f.support[0] && v <= f.support[1]) || (f.discrete && !Number.isInteger(v))) expect.fail(`row ${i}: ${v} outside the support`);
    }
    const norm = normalizeDist(f.type, f.params);
    if ('unknownType' in norm) throw new Error('unknown type');
    const mu = distMean(norm.type, norm.params);
    const sigma = Math.sqrt(distVariance(norm.type, norm.params));
    expectWithin(mean(x), mu, sigma / Math.sqrt(N), `${f.type} mean`);
  });

  it('normal: the variance matches σ²; aliases mu/sigma give the same law (SE σ²√(2/(n−1)))', () => {
    const t = runColumns(N, [
      col('x', 'float', { distribution: { type: 'normal', params: { mean: 5, std: 2 } } }),
      col('y', 'float', { distribution: { type: 'normal', params: { mu: 5, sigma: 2 } } }),
    ]);
    const x = t.num('x');
    expectWithin(variance(x), 4, 4 * Math.sqrt(2 / (N - 1)), 'normal variance');
    // different column names are different streams, so compare laws, not values
    expectWithin(mean(t.num('y')), 5, 2 / Math.sqrt(N), 'mu/sigma mean');
    expectWithin(variance(t.num('y')), 4, 4 * Math.sqrt(2 / (N - 1)), 'mu/sigma variance');
  });

  it('lognormal {mean, sigma} are the parameters of the underlying normal: log(x) ~ N(mean, sigma)', () => {
    const x = runColumns(N, [col('x', 'float', { distribution: { type: 'lognormal', params: { mean: 2, sigma: 0.7 } } })]).num('x');
    const logs = Array.from(x, Math.log);
    expectWithin(mean(logs), 2, 0.7 / Math.sqrt(N), 'mean of log');
    expectWithin(variance(logs), 0.49, 0.49 * Math.sqrt(2 / (N - 1)), 'variance of log');
  });
});

describe('distribution: clamp', () => {
  it('bounds every draw; the clamped mass piles up on the bounds', () => {
    const t = runColumns(N, [
      col('x', 'float', { distribution: { type: 'normal', params: { mean: 0, std: 1 }, clamp: [-1, 1.5] } }),
      col('y', 'float', { distribution: { type: 'normal', params: { mean: 0, std: 1 }, clamp: [null, 0] } }),
    ]);
    const x = t.num('x');
    let lo = 0;
    let hi = 0;
    for (const v of x) {
      if (v < -1 || v > 1.5) expect.fail(`value ${v} outside [-1, 1.5]`);
      if (v === -1) lo++;
      if (v === 1.5) hi++;
    }
    const pLo = normalCdf(-1);
    const pHi = 1 - normalCdf(1.5);
    expectWithin(lo / N, pLo, Math.sqrt((pLo * (1 - pLo)) / N), 'share at min');
    expectWithin(hi / N, pHi, Math.sqrt((pHi * (1 - pHi)) / N), 'share at max');
    // E[clamp(X)] with SE bounded by σ/√n (clamping only shrinks the spread)
    expectWithin(mean(x), clampedNormalMean(0, 1, -1, 1.5), 1 / Math.sqrt(N), 'clamped mean');
    const y = t.num('y');
    expect(Math.max(...y)).toBe(0);
    expectWithin(y.filter((v) => v === 0).length / N, 0.5, Math.sqrt(0.25 / N), 'share at max 0');
  });

  it('an inverted clamp is a compile error', () => {
    const r = compileDoc(spec([entity('t', 10, [idCol(), col('x', 'float', { distribution: { type: 'normal', params: {}, clamp: [2, 1] } })])]));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DG_OUT_OF_RANGE']);
  });
});

describe('distribution: binomial with n from a column (funnel thinning)', () => {
  it('monotone: 0 ≤ buyers ≤ signups ≤ visits on every row; Σ signups / Σ visits ≈ p', () => {
    // buyers is declared before the column it thins: columns are evaluated in dependency order.
    const t = runColumns(N, [
      col('buyers', 'int', { distribution: { type: 'binomial', params: { n: 'signups', p: 0.5 } } }),
      col('visits', 'int', { distribution: { type: 'poisson', params: { lambda: 20 } } }),
      col('signups', 'int', { distribution: { type: 'binomial', params: { n: 'visits', p: 0.3 } } }),
    ]);
    const [v, s, b] = [t.num('visits'), t.num('signups'), t.num('buyers')];
    let sv = 0;
    let ss = 0;
    let sb = 0;
    for (let i = 0; i < N; i++) {
      if (!(b[i] >= 0 && b[i] <= s[i] && s[i] <= v[i]) || !Number.isInteger(b[i]) || !Number.isInteger(s[i])) expect.fail(`row ${i}: visits ${v[i]} signups ${s[i]} buyers ${b[i]}`);
      sv += v[i];
      ss += s[i];
      sb += b[i];
    }
    // Given the counts, Σ signups ~ Binomial(Σ visits, 0.3): SE of the ratio √(p(1−p)/Σ visits).
    expectWithin(ss / sv, 0.3, Math.sqrt(0.21 / sv), 'signups / visits');
    expectWithin(sb / ss, 0.5, Math.sqrt(0.25 / ss), 'buyers / signups');
  });

  it('n naming a column the table does not have is DG_UNKNOWN_COLUMN', () => {
    const r = compileDoc(spec([entity('t', 10, [idCol(), col('x', 'int', { distribution: { type: 'binomial', params: { n: 'nope', p: 0.5 } } })])]));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DG_UNKNOWN_COLUMN']);
  });

  // distribution.ts reads ctx.cols.get(n)?.num, which is null for a string column, so the sampler
  // runs with n = NaN and every value is null — no diagnostic (observed: 1000 of 1000 rows null).
  it('binomial n naming a string column is rejected at compile time or yields counts (never silent nulls)', () => {
    const doc = spec([entity('t', 1000, [idCol(), col('s', 'string', { choice: { choices: ['5', '10'] } }), col('x', 'int', { distribution: { type: 'binomial', params: { n: 's', p: 0.5 } } })])]);
    const r = compileDoc(doc);
    const rejected = r.plan === null;
    // either a compile error, or real counts — never a column of nulls
    if (!rejected) {
      const x = runColumns(1000, doc.nodes[0].columns.slice(1)).num('x');
      expect(x.filter((v) => Number.isNaN(v)).length, 'null counts from a string n column').toBe(0);
    }
  });
});

describe('distribution: parameter errors', () => {
  const errors = (d: unknown) => compileDoc(spec([entity('t', 10, [idCol(), col('x', 'float', { distribution: d })])])).diagnostics.filter((x) => x.severity === 'error');

  it('unknown parameter names, missing and out-of-range values, unknown types', () => {
    expect(errors({ type: 'normal', params: { mean: 0, stdev: 1 } }).map((d) => d.code)).toEqual(['DG_UNKNOWN_PARAM']);
    expect(errors({ type: 'poisson', params: {} }).map((d) => d.code)).toEqual(['DG_MISSING_PARAM']);
    expect(errors({ type: 'normal', params: { std: -1 } }).map((d) => d.code)).toEqual(['DG_OUT_OF_RANGE']);
  });

  it('dirichlet makes a list: in a float column it asks for list<float> (never an unknown distribution)', () => {
    const e = errors({ type: 'dirichlet', params: { alpha: [1, 2, 3] } });
    expect(e).toHaveLength(1);
    expect(e[0].code).toBe('DG_TYPE_MISMATCH');
    expect(e[0].path).toBe('/nodes/0/columns/1/type');
    expect(e[0].hint).toBe('declare "type": "list<float>"');
  });
});
