import { describe, expect, it } from 'vitest';
import { DIST_NAMES, normalizeDirichlet, normalizeDist } from '../../../../src/model/distributions.ts';

describe('normalizeDist', () => {
  const ok = (type: string, raw: Record<string, unknown>) => {
    const r = normalizeDist(type, raw);
    if ('unknownType' in r) throw new Error(`unknown type ${type}`);
    expect(r.problems).toEqual([]);
    return r.params;
  };
  const problems = (type: string, raw: Record<string, unknown>) => {
    const r = normalizeDist(type, raw);
    if ('unknownType' in r) throw new Error('unexpected unknown type');
    return r.problems;
  };

  it('resolves aliases to canonical names (converting where the meaning differs)', () => {
    expect(ok('normal', { mu: 1, sigma: 2 })).toEqual({ mean: 1, std: 2 });
    expect(ok('normal', { mean: 1, sd: 2 })).toEqual({ mean: 1, std: 2 });
    expect(ok('lognormal', { mu: 3.8, std: 0.9 })).toEqual({ mean: 3.8, sigma: 0.9 });
    expect(ok('uniform', { min: 2, max: 5 })).toEqual({ low: 2, high: 5 });
    expect(ok('poisson', { lam: 3 })).toEqual({ lambda: 3 });
    expect(ok('poisson', { mean: 3 })).toEqual({ lambda: 3 });
    expect(ok('exponential', { lambda: 2 })).toEqual({ rate: 2 });
    expect(ok('exponential', { scale: 4 })).toEqual({ rate: 0.25 });
    expect(ok('gamma', { k: 2, rate: 4 })).toEqual({ shape: 2, scale: 0.25 });
    expect(ok('beta', { alpha: 2, beta: 3 })).toEqual({ a: 2, b: 3 });
    expect(ok('negative_binomial', { mu: 4, k: 2 })).toEqual({ mean: 4, dispersion_k: 2 });
    expect(ok('geometric', { mean: 3 })).toEqual({ p: 0.25 });
    expect(ok('binomial', { n: 'visits', p: 0.2 })).toEqual({ n: 'visits', p: 0.2 });
  });

  it('fills natural defaults; zipf without n stays unbounded', () => {
    expect(ok('normal', {})).toEqual({ mean: 0, std: 1 });
    expect(ok('gamma', { shape: 2 })).toEqual({ shape: 2, scale: 1 });
    expect(ok('zipf', { s: 2 })).toEqual({ s: 2 });
    expect(ok('pareto', { alpha: 3 })).toEqual({ alpha: 3, scale: 1 });
  });

  it('reports unknown names with a suggestion and the valid names', () => {
    const [p] = problems('normal', { mean: 0, sigmaa: 1 });
    expect(p!.param).toBe('sigmaa');
    expect(p!.kind).toBe('unknown');
    expect(p!.message).toContain('unknown parameter "sigmaa"');
    expect(p!.hint).toContain('did you mean "sigma"?');
    expect(p!.hint).toContain('std (or sigma, sd)');
    expect(problems('poisson', { Lambda: 3 })[0]!.hint).toContain('did you mean "lambda"?');
    expect(problems('poisson', { lambda: 3, colour: 1 })[0]!.hint).not.toContain('did you mean');
  });

  it('reports missing required parameters with param ""', () => {
    const [p] = problems('poisson', {});
    expect(p).toMatchObject({ param: '', kind: 'missing' });
    expect(p!.message).toContain('"lambda"');
    expect(problems('triangular', { low: 0, high: 1 }).map((q) => q.message)).toEqual([expect.stringContaining('"mode"')]);
    expect(problems('binomial', { p: 0.5 })[0]!.message).toContain('"n"');
  });

  it('reports a parameter given twice', () => {
    expect(problems('normal', { mu: 1, mean: 2 })).toMatchObject([{ param: 'mean', kind: 'conflict', message: expect.stringContaining('"mean" and "mu"') }]);
  });

  it.each([
    ['normal', { std: -1 }, 'std', '>= 0'],
    ['normal', { sigma: -1 }, 'sigma', '>= 0'],
    ['lognormal', { sigma: -0.1 }, 'sigma', '>= 0'],
    ['uniform', { low: 3, high: 1 }, 'low', 'at most high'],
    ['uniform', { min: 3, max: 1 }, 'min', 'at most max'],
    ['poisson', { lambda: -1 }, 'lambda', '>= 0'],
    ['exponential', { rate: 0 }, 'rate', '> 0'],
    ['exponential', { scale: -2 }, 'scale', '> 0'],
    ['gamma', { shape: 0 }, 'shape', '> 0'],
    ['gamma', { shape: 1, scale: -1 }, 'scale', '> 0'],
    ['beta', { a: 0, b: 1 }, 'a', '> 0'],
    ['negative_binomial', { mean: 3, dispersion_k: 0 }, 'dispersion_k', '> 0'],
    ['negative_binomial', { mean: -1, k: 1 }, 'mean', '>= 0'],
    ['binomial', { n: 10, p: 1.5 }, 'p', 'in [0, 1]'],
    ['binomial', { n: -3, p: 0.5 }, 'n', 'whole number'],
    ['binomial', { n: 2.5, p: 0.5 }, 'n', 'whole number'],
    ['binomial', { n: '', p: 0.5 }, 'n', 'empty column name'],
    ['geometric', { p: 0 }, 'p', 'in (0, 1]'],
    ['geometric', { p: 1.2 }, 'p', 'in (0, 1]'],
    ['zipf', { s: 1 }, 's', 'must be > 1 when n is not given'],
    ['zipf', { s: -1, n: 10 }, 's', '>= 0'],
    ['zipf', { s: 2, n: 0 }, 'n', 'whole number >= 1'],
    ['pareto', { alpha: -1 }, 'alpha', '> 0'],
    ['weibull', { shape: 0 }, 'shape', '> 0'],
    ['triangular', { low: 0, mode: 5, high: 2 }, 'mode', 'must lie in [low, high]'],
    ['triangular', { low: 1, mode: 1, high: 1 }, 'low', 'less than high'],
    ['normal', { mean: 'abc' }, 'mean', 'finite number'],
    ['normal', { mean: Infinity }, 'mean', 'finite number'],
    ['normal', { mean: null }, 'mean', 'finite number'],
  ] as Array<[string, Record<string, unknown>, string, string]>)('%s %j -> problem on %s', (type, raw, param, text) => {
    const ps = problems(type, raw);
    expect(ps).toHaveLength(1);
    expect(ps[0]!.param).toBe(param);
    expect(ps[0]!.message).toContain(text);
    expect(ps[0]!.hint.length).toBeGreaterThan(0);
    const kind = /finite number|empty column/.test(text) ? 'type' : /at most|less than|must lie|when n is not/.test(text) ? 'conflict' : 'range';
    expect(ps[0]!.kind).toBe(kind);
  });

  it('accepts the boundaries of each range', () => {
    expect(problems('zipf', { s: 0.5, n: 100 })).toEqual([]);
    expect(problems('binomial', { n: 0, p: 0 })).toEqual([]);
    expect(problems('geometric', { p: 1 })).toEqual([]);
    expect(problems('uniform', { low: 2, high: 2 })).toEqual([]);
    expect(problems('triangular', { low: 0, mode: 0, high: 1 })).toEqual([]);
  });

  it('suggests types for unknown ones', () => {
    const suggest = (t: string) => {
      const r = normalizeDist(t, {});
      return 'unknownType' in r ? r.suggestions : null;
    };
    expect(suggest('normall')).toEqual(['normal']);
    expect(suggest('Normal')).toEqual(['normal']);
    expect(suggest('gausian')).toEqual(['normal']);
    expect(suggest('negbin')).toEqual(['negative_binomial']);
    expect(suggest('possion')).toContain('poisson');
    expect(suggest('dirichlet')).toEqual(['dirichlet']);
    expect(suggest('xyzzy')).toEqual([]);
    for (const t of DIST_NAMES) expect(suggest(t)).toBeNull();
  });

  it('normalizeDirichlet', () => {
    expect(normalizeDirichlet({ alpha: [1, 2] })).toEqual({ alpha: [1, 2], problems: [] });
    expect(normalizeDirichlet({ alpha: [1, 0] }).problems[0]!.param).toBe('alpha');
    expect(normalizeDirichlet({}).problems[0]!.param).toBe('');
    expect(normalizeDirichlet({ alpha: [1], alhpa: 2 }).problems[0]!.hint).toContain('did you mean "alpha"');
  });
});
