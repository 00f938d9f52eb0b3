/*
 * Every generator (and modifier) the fits write is valid datagen: placed in a spec column of the right type, it
 * compiles without an error or a warning — numeric families (clamped too), empirical quantiles (atoms and jumps),
 * choices, calendar patterns with a trend, every faker method detectPii can answer, text patterns and regular
 * expressions (long codes within faker's bounds).
 */
import { describe, expect, it } from 'vitest';
import { compileDist, sampleDist, type DistName } from '../../../src/model/distributions.ts';
import { streamKey } from '../../../src/model/rng.ts';
import { compile } from '../../../src/plan/compile.ts';
import { detectPii, fitCategorical, fitNumeric, fitText, fitTime, type ColumnFit } from '../../../src/infer/fit/index.ts';

function draw(type: DistName, params: Record<string, number>, n: number, seed: number): Float64Array {
  const d = compileDist(type, params);
  const key = streamKey(seed, 'fit-compiles', type);
  return Float64Array.from({ length: n }, (_, i) => sampleDist(d, key, i, 0));
}

function diagnostics(type: string, fit: ColumnFit): string[] {
  const doc = {
    version: '1.0',
    metadata: { name: 'Fits' },
    timeframe: { start: '2021-01-01T00:00:00Z', end: '2023-12-31T23:59:00Z', freq: 'H' },
    nodes: [{
      id: 't', kind: 'entity', pk: 'id', rows: 20,
      columns: [{ name: 'id', type: 'int', generator: { sequence: {} } }, { name: 'c', type, generator: fit.generator, ...(fit.modifiers ? { modifiers: fit.modifiers } : {}) }],
    }],
  };
  return compile(doc).diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}: ${d.message}`);
}

describe('what the fits write compiles', () => {
  const numeric: [string, DistName, Record<string, number>, boolean, ((x: number) => number)?][] = [
    ['normal', 'normal', { mean: 3, std: 1 }, false],
    ['lognormal', 'lognormal', { mean: 1, sigma: 0.5 }, false],
    ['beta', 'beta', { a: 2, b: 3 }, false],
    ['triangular', 'triangular', { low: 0, mode: 1, high: 4 }, false],
    ['pareto', 'pareto', { alpha: 2, scale: 1 }, false],
    ['weibull', 'weibull', { shape: 2, scale: 1 }, false],
    ['poisson (int)', 'poisson', { lambda: 3 }, true],
    ['binomial (int)', 'binomial', { n: 10, p: 0.3 }, true],
    ['zipf (int)', 'zipf', { s: 2 }, true],
    ['clamped normal (int)', 'normal', { mean: 30, std: 10 }, true, (x) => Math.max(18, x)],
    ['a mixture: empirical', 'normal', { mean: 0, std: 1 }, false, (x) => (x > 0 ? 10 + x : x)],
    ['an integer mixture with atoms: empirical', 'poisson', { lambda: 2 }, true, (x) => (x > 2 ? 100 + x * 7 : x)],
  ];
  it.each(numeric)('%s', (_, type, params, integer, map) => {
    const v = draw(type, params, 5000, 1).map((x) => (map ? map(x) : x)).map((x) => (integer ? Math.round(x) : x));
    const fit = fitNumeric(v, { integer });
    expect(diagnostics(integer ? 'int' : 'float', fit)).toEqual([]);
  });

  it('choices, of strings and of numbers', () => {
    expect(diagnostics('string', fitCategorical([{ value: 'a', count: 50 }, { value: 'b', count: 30 }], 80, 2)!)).toEqual([]);
    expect(diagnostics('int', fitNumeric(Float64Array.from({ length: 200 }, (_, i) => [1, 2, 9, 10][i % 4]!), { integer: true }))).toEqual([]);
  });

  it('datetime_series with patterns and a trend', () => {
    const start = Date.UTC(2021, 0, 1);
    // Density ∝ 2^t over 2 years: t = log2(1 + 3u), on whole hours.
    const u = draw('uniform', { low: 0, high: 1 }, 20_000, 2);
    const v = u.map((x) => start + Math.floor((Math.log2(1 + 3 * x) * 365.25 * 86_400_000) / 3_600_000) * 3_600_000);
    const fit = fitTime(v, { start: '2021-01-01T00:00:00Z', end: '2022-12-31T23:00:00Z' });
    expect(fit.modifiers?.length).toBe(1);
    expect(diagnostics('datetime', fit)).toEqual([]);
  });

  it.each([
    ['email', ['a@b.com']], ['ip', ['10.0.0.1']], ['ipv6', ['fe80::1:2']], ['iban', ['DE89370400440532013000']],
    ['card_number', ['4111 1111 1111 1111']], ['uuid', ['123e4567-e89b-12d3-a456-426614174000']], ['mac', ['00:1A:2B:3C:4D:5E']],
    ['website', ['https://x.org']], ['ssn', ['123-45-6789']], ['phone', ['555-123-4567']], ['first_name', ['Ann']],
    ['last_name', ['Lee']], ['full_name', ['Ann Lee']], ['username', ['ann_l']], ['street', ['1 Main St']],
    ['address', ['1 Main St, Springfield']], ['zip', ['12345']], ['city', ['Springfield', 'Shelbyville']],
    ['state', ['Ohio', 'Utah']], ['country', ['France', 'Spain']],
  ])('faker method for %s', (name, values) => {
    const fit = detectPii(name, values);
    expect(fit, name).not.toBeNull();
    expect(diagnostics('string', fit!)).toEqual([]);
  });

  it.each([
    ['a shape', Array.from({ length: 30 }, (_, i) => `AB-${1000 + i * 31}`)],
    ['a shape with literal # and ? (special to bothify)', Array.from({ length: 30 }, (_, i) => `#${100 + i}?`)],
    ['a shape with % and @ (special to bothify)', Array.from({ length: 30 }, (_, i) => `${i % 10}%@x.${String.fromCharCode(65 + (i % 26))}(${i % 7})`)],
    ['codes of varying length', ['A1B2', 'XY99Z3', 'QQ1']],
    ['very long codes', Array.from({ length: 20 }, (_, i) => 'A1'.repeat(3000 + i))],
    ['words', ['alpha', 'beta', 'gamma']],
    ['sentences', ['the cat sat on the mat', 'a dog ran far away']],
    ['long text', [Array.from({ length: 80 }, () => 'word').join(' ')]],
  ])('text: %s', (_, values) => {
    expect(diagnostics('string', fitText(values))).toEqual([]);
  });
});
