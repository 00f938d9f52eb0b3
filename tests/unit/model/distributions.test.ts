import { describe, expect, it, vi } from 'vitest';
import {
  compileDist,
  DIST_SLOT_SPAN,
  dirichletSlotSpan,
  distCdf,
  distMean,
  distPmf,
  distVariance,
  fillDist,
  normalizeDist,
  sampleDirichlet,
  sampleDist,
  type DistName,
} from '../../../src/model/distributions.ts';
import { betaI, harmonic, lgamma } from '../../../src/model/dist/special.ts';
import { streamKey } from '../../../src/model/rng.ts';
import { chiSquareDiscrete, correlation, ksStatistic, moments } from './stats-helpers.ts';

/** Records the slots the samplers read, and can force every uniform to a constant. */
const probe = vi.hoisted(() => ({ record: false, min: Infinity, max: -Infinity, constant: NaN }));
vi.mock('../../../src/model/rng.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/model/rng.ts')>();
  return {
    ...real,
    uniform(key: number, row: number, slot: number): number {
      if (probe.record) {
        probe.min = Math.min(probe.min, slot);
        probe.max = Math.max(probe.max, slot);
      }
      return Number.isNaN(probe.constant) ? real.uniform(key, row, slot) : probe.constant;
    },
  };
});

type Params = Record<string, number | string>;
const N = 100_000;

function norm(type: string, raw: Record<string, unknown>): { type: DistName; params: Params } {
  const r = normalizeDist(type, raw);
  if ('unknownType' in r) throw new Error(`unknown type ${type}`);
  expect(r.problems).toEqual([]);
  return { type: r.type, params: r.params };
}

function draws(type: DistName, params: Params, n = N, key = streamKey(7, type, JSON.stringify(params))): Float64Array {
  const out = new Float64Array(n);
  fillDist(compileDist(type, params), out, key, 0, n, 0);
  return out;
}

/** Excess kurtosis, for the standard error of the sample variance: sqrt((kurt + 2) / n)·σ². */
function excessKurtosis(type: DistName, p: Params): number {
  const g = (k: string) => p[k] as number;
  switch (type) {
    case 'normal': return 0;
    case 'lognormal': { const s2 = g('sigma') ** 2; return Math.exp(4 * s2) + 2 * Math.exp(3 * s2) + 3 * Math.exp(2 * s2) - 6; }
    case 'uniform': return -1.2;
    case 'exponential': return 6;
    case 'gamma': return 6 / g('shape');
    case 'beta': { const a = g('a'), b = g('b'); return (6 * ((a - b) ** 2 * (a + b + 1) - a * b * (a + b + 2))) / (a * b * (a + b + 2) * (a + b + 3)); }
    case 'pareto': { const a = g('alpha'); return (6 * (a ** 3 + a ** 2 - 6 * a - 2)) / (a * (a - 3) * (a - 4)); }
    case 'weibull': return fromRaw((j) => g('scale') ** j * Math.exp(lgamma(1 + j / g('shape'))));
    case 'triangular': return -0.6;
    case 'poisson': return 1 / g('lambda');
    case 'binomial': { const q = g('p') * (1 - g('p')); return (1 - 6 * q) / (g('n') * q); }
    case 'negative_binomial': { const k = g('dispersion_k'), pp = k / (k + g('mean')); return 6 / k + (pp * pp) / (k * (1 - pp)); }
    case 'geometric': return 6 + g('p') ** 2 / (1 - g('p'));
    case 'zipf': { const n = (p['n'] as number | undefined) ?? Infinity; return fromRaw((j) => harmonic(n, g('s') - j) / harmonic(n, g('s'))); }
  }
}

/** Excess kurtosis from raw moments raw(1..4). */
function fromRaw(raw: (j: number) => number): number {
  const [m, r2, r3, r4] = [raw(1), raw(2), raw(3), raw(4)];
  const v = r2 - m * m;
  return (r4 - 4 * r3 * m + 6 * r2 * m * m - 3 * m ** 4) / (v * v) - 3;
}

function expectMoments(type: DistName, params: Params, x: Float64Array): void {
  const { mean, variance } = moments(x);
  const mu = distMean(type, params);
  const s2 = distVariance(type, params);
  const seMean = Math.sqrt(s2 / x.length);
  const seVar = s2 * Math.sqrt((excessKurtosis(type, params) + 2) / x.length);
  expect(Math.abs(mean - mu), `mean ${mean} vs ${mu} (SE ${seMean})`).toBeLessThan(5 * seMean);
  expect(Math.abs(variance - s2), `variance ${variance} vs ${s2} (SE ${seVar})`).toBeLessThan(5 * seVar);
}

const CONTINUOUS: Array<[string, Record<string, number>]> = [
  ['normal', { mean: 1, std: 2 }],
  ['normal', { mu: -3, sigma: 0.01 }],
  ['lognormal', { mean: 0.5, sigma: 0.6 }],
  ['lognormal', { mean: 3.8, sigma: 0.25 }],
  ['uniform', { low: -1, high: 3 }],
  ['exponential', { rate: 2 }],
  ['gamma', { shape: 2, scale: 1 }],
  ['gamma', { shape: 0.3, scale: 2 }],
  ['gamma', { shape: 1, scale: 5 }],
  ['gamma', { shape: 50, scale: 0.1 }],
  ['beta', { a: 2, b: 5 }],
  ['beta', { a: 0.3, b: 0.4 }],
  ['beta', { a: 20, b: 20 }],
  ['pareto', { alpha: 6, scale: 2 }],
  ['weibull', { shape: 1.5, scale: 2 }],
  ['weibull', { shape: 0.7, scale: 1 }],
  ['triangular', { low: 0, mode: 1, high: 4 }],
  ['triangular', { low: 0, mode: 0, high: 1 }],
];

describe('continuous distributions: moments and KS against the exact CDF', () => {
  it.each(CONTINUOUS)('%s %j', (name, raw) => {
    const { type, params } = norm(name, raw);
    const x = draws(type, params);
    expectMoments(type, params, x);
    const d = ksStatistic(x, (v) => distCdf(type, params, v));
    expect(d).toBeLessThan(1.63 / Math.sqrt(x.length));
  });
});

const DISCRETE: Array<[string, Record<string, number>]> = [
  ['poisson', { lambda: 0.3 }],
  ['poisson', { lambda: 8 }],
  ['poisson', { lambda: 29.9 }],
  ['poisson', { lambda: 30 }],
  ['poisson', { lambda: 500 }],
  ['poisson', { lambda: 1e6 }],
  ['binomial', { n: 20, p: 0.3 }],
  ['binomial', { n: 50, p: 0.9 }],
  ['binomial', { n: 1000, p: 0.4 }],
  ['binomial', { n: 1e9, p: 0.7 }],
  ['negative_binomial', { mean: 5, dispersion_k: 2 }],
  ['negative_binomial', { mean: 200, dispersion_k: 0.5 }],
  ['negative_binomial', { mean: 80, dispersion_k: 100 }],
  ['geometric', { p: 0.2 }],
  ['geometric', { p: 0.9 }],
  ['zipf', { s: 1.2, n: 1000 }],
  ['zipf', { s: 0.8, n: 300_000 }],
  ['zipf', { s: 3.5, n: 2_000_000 }],
];

/** The support starts at the lowest value with non-negligible mass (keeps the bin loop short). */
function chiSquareFor(type: DistName, params: Params, x: Float64Array) {
  const mean = distMean(type, params);
  const sd = Math.sqrt(distVariance(type, params));
  const lowest = type === 'zipf' ? 1 : 0;
  const first = Number.isFinite(sd) ? Math.max(lowest, Math.floor(mean - 8 * sd)) : lowest;
  const below = first > 0 && type !== 'zipf' ? distCdf(type, params, first - 1) : 0;
  let pmf = (k: number) => distPmf(type, params, k);
  if (type === 'zipf') {
    const h = harmonic((params['n'] as number | undefined) ?? Infinity, params['s'] as number);
    pmf = (k) => (params['n'] !== undefined && k > (params['n'] as number) ? 0 : Math.pow(k, -(params['s'] as number)) / h);
  }
  return chiSquareDiscrete(x, pmf, below, first, type === 'zipf' ? 100_000 : Infinity);
}

describe('discrete distributions: moments and chi-square against the exact PMF', () => {
  it.each(DISCRETE)('%s %j', (name, raw) => {
    const { type, params } = norm(name, raw);
    const x = draws(type, params);
    for (const v of x.subarray(0, 1000)) expect(Number.isInteger(v) && v >= 0).toBe(true);
    expectMoments(type, params, x);
    const chi = chiSquareFor(type, params, x);
    expect(chi.df).toBeGreaterThan(1);
    expect(chi.stat, `chi2 ${chi.stat} df ${chi.df}`).toBeLessThan(chi.critical);
  });

  it.each([
    [{ s: 2.5 }],
    [{ s: 1.5, n: 5_000_000 }],
    [{ s: 1.05 }],
  ])('zipf %j (rejection-inversion, heavy tail): chi-square only', (raw) => {
    const { type, params } = norm('zipf', raw);
    const x = draws(type, params);
    expect(Math.min(...x.subarray(0, 5000))).toBeGreaterThanOrEqual(1);
    const chi = chiSquareFor(type, params, x);
    expect(chi.stat, `chi2 ${chi.stat} df ${chi.df}`).toBeLessThan(chi.critical);
  });

  it('degenerate parameters give constants', () => {
    expect([...draws('poisson', { lambda: 0 }, 100)].every((v) => v === 0)).toBe(true);
    expect([...draws('negative_binomial', { mean: 0, dispersion_k: 1 }, 100)].every((v) => v === 0)).toBe(true);
    expect([...draws('binomial', { n: 7, p: 1 }, 100)].every((v) => v === 7)).toBe(true);
    expect([...draws('binomial', { n: 7, p: 0 }, 100)].every((v) => v === 0)).toBe(true);
    expect([...draws('geometric', { p: 1 }, 100)].every((v) => Object.is(v, 0))).toBe(true);
    expect([...draws('normal', { mean: 3, std: 0 }, 100)].every((v) => v === 3)).toBe(true);
    expect([...draws('zipf', { s: 2, n: 1 }, 100)].every((v) => v === 1)).toBe(true);
  });
});

describe('binomial with a per-row n (n names a column)', () => {
  const d = compileDist('binomial', { n: 'visits', p: 0.3 });

  it('thins each row: 0 <= x <= n, mean p·n per n', () => {
    const nArr = Float64Array.from({ length: N }, (_, i) => [0, 3, 40, 250][i % 4]!);
    const out = new Float64Array(N);
    fillDist(d, out, 99, 0, N, 0, nArr);
    for (let i = 0; i < N; i++) expect(out[i]! >= 0 && out[i]! <= nArr[i]!).toBe(true);
    for (const n of [3, 40, 250]) {
      const sub = out.filter((_, i) => nArr[i] === n);
      const se = Math.sqrt((n * 0.3 * 0.7) / sub.length);
      expect(Math.abs(moments(sub).mean - 0.3 * n)).toBeLessThan(5 * se);
    }
    expect(out.filter((_, i) => nArr[i] === 0).every((v) => v === 0)).toBe(true);
  });

  it('matches sampleDist row by row; without nOverride the draw is NaN', () => {
    const out = new Float64Array(10);
    const nArr = [5, 10, 60, 100, 1000, 0, 1, 2, 3, 4];
    fillDist(d, out, 5, 100, 10, 3, nArr);
    nArr.forEach((n, i) => expect(out[i]).toBe(sampleDist(d, 5, 100 + i, 3, n)));
    expect(sampleDist(d, 5, 0, 0)).toBeNaN();
    expect(sampleDist(d, 5, 0, 0, -1)).toBeNaN();
    expect(distMean('binomial', { n: 'visits', p: 0.3 })).toBeNaN();
  });
});

const ALL_CASES: Array<[string, Record<string, number>]> = [...CONTINUOUS, ...DISCRETE, ['zipf', { s: 2.5 }]];

/** sampleDist(d, 0xc0ffee, row, 0) for rows 0, 1, 2^40 (12 significant digits). */
const GOLDEN: Record<string, number[]> = {
  'normal {"mean":1,"std":2}': [-3.57068101692, 2.27965309579, 1.90114472687],
  'normal {"mu":-3,"sigma":0.01}': [-3.02285340508, -2.99360173452, -2.99549427637],
  'lognormal {"mean":0.5,"sigma":0.6}': [0.418447307462, 2.42031072028, 2.16050808389],
  'lognormal {"mean":3.8,"sigma":0.25}': [25.2459279368, 52.45505129, 50.0310138861],
  'uniform {"low":-1,"high":3}': [-0.955414261203, 1.95542925736, 1.695404422],
  'exponential {"rate":2}': [2.24831779507, 0.151325228027, 0.197373052097],
  'gamma {"shape":2,"scale":1}': [0.11480750702, 2.63665300002, 2.31864915669],
  'gamma {"shape":0.3,"scale":2}': [1.67610609477e-7, 0.862397106676, 0.42724591189],
  'gamma {"shape":1,"scale":5}': [1.39630767712, 6.68711810171, 5.53189292796],
  'gamma {"shape":50,"scale":0.1}': [3.52390248238, 5.43136533818, 5.29102090948],
  'beta {"a":2,"b":5}': [0.0321411386071, 0.333322342833, 0.30004668747],
  'beta {"a":0.3,"b":0.4}': [6.99373263275e-8, 0.78227902115, 0.971940974645],
  'beta {"a":20,"b":20}': [0.395792808128, 0.520173016451, 0.50677568221],
  'pareto {"alpha":6,"scale":2}': [4.23162654682, 2.10347118054, 2.13600699932],
  'weibull {"shape":1.5,"scale":2}': [5.44864431161, 0.901552213731, 1.07623859953],
  'weibull {"shape":0.7,"scale":1}': [8.56439531116, 0.181337497514, 0.265039874959],
  'triangular {"low":0,"mode":1,"high":4}': [0.211153353743, 2.22977057195, 2.02167072155],
  'triangular {"low":0,"mode":0,"high":1}': [0.00558883488729, 0.488978781595, 0.428905529269],
  'poisson {"lambda":0.3}': [0, 0, 0],
  'poisson {"lambda":8}': [2, 10, 9],
  'poisson {"lambda":29.9}': [18, 33, 32],
  'poisson {"lambda":30}': [31, 34, 33],
  'poisson {"lambda":500}': [504, 516, 511],
  'poisson {"lambda":1000000}': [1000166, 1000719, 1000507],
  'binomial {"n":20,"p":0.3}': [2, 7, 7],
  'binomial {"n":50,"p":0.9}': [49, 44, 44],
  'binomial {"n":1000,"p":0.4}': [403, 411, 408],
  'binomial {"n":1000000000,"p":0.7}': [699997589, 699989579, 699992657],
  'negative_binomial {"mean":5,"dispersion_k":2}': [0, 7, 6],
  'negative_binomial {"mean":200,"dispersion_k":0.5}': [1, 306, 167],
  'negative_binomial {"mean":80,"dispersion_k":100}': [64, 88, 87],
  'geometric {"p":0.2}': [20, 1, 1],
  'geometric {"p":0.9}': [1, 0, 0],
  'zipf {"s":1.2,"n":1000}': [1, 40, 23],
  'zipf {"s":0.8,"n":300000}': [1, 74804, 49381],
  'zipf {"s":3.5,"n":2000000}': [4, 1, 1],
  'zipf {"s":2.5}': [12, 1, 1],
};

describe('determinism and independence', () => {
  it.each(ALL_CASES)('%s %j: pure in (key,row,slot); fill == sample; chunking is invisible', (name, raw) => {
    const { type, params } = norm(name, raw);
    const d = compileDist(type, params);
    const whole = new Float64Array(300);
    fillDist(d, whole, 1234, 1000, 300, 2);
    const part = new Float64Array(100);
    fillDist(d, part, 1234, 1150, 100, 2);
    expect([...part]).toEqual([...whole.subarray(150, 250)]);
    for (const i of [0, 17, 299]) expect(sampleDist(d, 1234, 1000 + i, 2)).toBe(whole[i]);
    expect(sampleDist(compileDist(type, params), 1234, 1017, 2)).toBe(whole[17]);
  });

  it('different keys and different slots give uncorrelated streams', () => {
    const { type, params } = norm('normal', {});
    const a = draws(type, params, N, 1);
    const b = draws(type, params, N, 2);
    const c = new Float64Array(N);
    fillDist(compileDist(type, params), c, 1, 0, N, DIST_SLOT_SPAN);
    expect(Math.abs(correlation(a, b))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(correlation(a, c))).toBeLessThan(5 / Math.sqrt(N));
    const p1 = draws('poisson', { lambda: 8 }, N, 11);
    const p2 = draws('poisson', { lambda: 8 }, N, 12);
    expect(Math.abs(correlation(p1, p2))).toBeLessThan(5 / Math.sqrt(N));
  });

  it('pins golden values (changing them changes datasets: bump ALGORITHM_VERSION)', () => {
    for (const [name, raw] of ALL_CASES) {
      const { type, params } = norm(name, raw);
      const d = compileDist(type, params);
      const got = [0, 1, 2 ** 40].map((row) => Number(sampleDist(d, 0xc0ffee, row, 0).toPrecision(12)));
      expect(got, `${name} ${JSON.stringify(raw)}`).toEqual(GOLDEN[`${name} ${JSON.stringify(raw)}`]);
    }
  });
});

describe('slot budget', () => {
  it.each(ALL_CASES)('%s %j reads only slots in [slotBase, slotBase + DIST_SLOT_SPAN)', (name, raw) => {
    const { type, params } = norm(name, raw);
    const d = compileDist(type, params);
    const out = new Float64Array(5000);
    Object.assign(probe, { record: true, min: Infinity, max: -Infinity });
    try {
      fillDist(d, out, 77, 0, out.length, 1000);
    } finally {
      probe.record = false;
    }
    expect(probe.min).toBe(1000);
    expect(probe.max).toBeLessThan(1000 + DIST_SLOT_SPAN);
  });

  it.each([
    ['poisson', { lambda: 500 }, 0.001, 500],
    ['gamma', { shape: 2, scale: 3 }, 0.999, 6],
    ['negative_binomial', { mean: 50, dispersion_k: 2 }, 0.999, 50],
    ['binomial', { n: 1000, p: 0.4 }, 0.001, 400],
  ] as const)('%s %j: when every attempt rejects, stops at the span with a fixed fallback', (name, raw, u, expected) => {
    const { type, params } = norm(name, raw);
    const d = compileDist(type, params);
    Object.assign(probe, { record: true, min: Infinity, max: -Infinity, constant: u });
    let v: number;
    try {
      v = sampleDist(d, 1, 1, 10);
    } finally {
      Object.assign(probe, { record: false, constant: NaN });
    }
    expect(v).toBe(expected);
    expect(probe.max).toBe(10 + DIST_SLOT_SPAN - 1);
  });
});

describe('dirichlet', () => {
  const alpha = [2, 0.5, 4, 1];
  const a0 = alpha.reduce((s, a) => s + a, 0);
  const rows = 40_000;
  const samples = Array.from({ length: alpha.length }, () => new Float64Array(rows));
  const out = new Float64Array(alpha.length);
  for (let r = 0; r < rows; r++) {
    sampleDirichlet(alpha, 31, r, 0, out);
    out.forEach((v, j) => (samples[j]![r] = v));
  }

  it('rows sum to 1 and components follow Beta(alpha_j, a0 - alpha_j)', () => {
    for (let r = 0; r < 100; r++) expect(samples.reduce((s, c) => s + c[r]!, 0)).toBeCloseTo(1, 12);
    alpha.forEach((a, j) => {
      const { mean, variance } = moments(samples[j]!);
      const v = (a * (a0 - a)) / (a0 * a0 * (a0 + 1));
      expect(Math.abs(mean - a / a0)).toBeLessThan(5 * Math.sqrt(v / rows));
      expect(Math.abs(variance - v) / v).toBeLessThan(0.05);
      expect(ksStatistic(samples[j]!, (x) => betaI(a, a0 - a, x))).toBeLessThan(1.63 / Math.sqrt(rows));
    });
  });

  it('is deterministic and stays inside its slot span', () => {
    const again = new Float64Array(alpha.length);
    sampleDirichlet(alpha, 31, 7, 0, again);
    expect([...again]).toEqual(samples.map((c) => c[7]));
    Object.assign(probe, { record: true, min: Infinity, max: -Infinity });
    try {
      for (let r = 0; r < 2000; r++) sampleDirichlet(alpha, 31, r, 500, again);
    } finally {
      probe.record = false;
    }
    expect(probe.max).toBeLessThan(500 + dirichletSlotSpan(alpha.length));
    expect(probe.min).toBe(500);
  });

  it('survives tiny concentrations (log-space normalisation: no NaN)', () => {
    const o = new Float64Array(3);
    for (let r = 0; r < 200; r++) {
      sampleDirichlet([0.01, 0.01, 0.01], 3, r, 0, o);
      expect(o.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(o[0]! + o[1]! + o[2]!).toBeCloseTo(1, 12);
    }
  });
});
