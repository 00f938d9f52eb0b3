/*
 * A fitted column regenerates its source (issue 21): the generator fitNumeric writes is run by the engine and the
 * twin's values are compared with the sample by the two-sample KS distance — so the fits' model of the engine
 * (rounding into int columns, clamps as atoms, empirical atoms and jumps) is the engine's. Each twin must be within
 * 0.03 (n = 20 000: the two-sample noise is ~0.01).
 */
import { describe, expect, it } from 'vitest';
import { compileDist, sampleDist, type DistName } from '../../src/model/distributions.ts';
import { streamKey } from '../../src/model/rng.ts';
import { fitFanout, fitNumeric, fitText } from '../../src/infer/fit/index.ts';
import { generate } from '../support/run-spec.ts';

const N = 20_000;

function draw(type: DistName, params: Record<string, number>, seed: number): Float64Array {
  const d = compileDist(type, params);
  const key = streamKey(seed, 'fit-twin', type);
  return Float64Array.from({ length: N }, (_, i) => sampleDist(d, key, i, 0));
}

/** sup |F_a − F_b| of two samples. */
function ks2(a: Float64Array, b: Float64Array): number {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0, j = 0, d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

const CASES: [string, DistName, Record<string, number>, boolean, (x: number) => number][] = [
  ['a rounded lognormal with zeros (int)', 'lognormal', { mean: 0.5, sigma: 1 }, true, (x) => x],
  ['a normal clamped at 18 (int age)', 'normal', { mean: 36, std: 11 }, true, (x) => Math.max(18, x)],
  ['a poisson clamped at 1', 'poisson', { lambda: 1.6 }, true, (x) => Math.max(1, x)],
  ['a lognormal clamped at both ends', 'lognormal', { mean: 3, sigma: 0.8 }, false, (x) => Math.min(60, Math.max(8, x))],
  ['a two-lump mixture: empirical', 'normal', { mean: 0, std: 1 }, false, (x) => (x > 0.3 ? 40 + 3 * x : 10 + x)],
  ['delays: integers with atoms and a long tail: empirical', 'lognormal', { mean: 1, sigma: 1.5 }, true, (x) => (x < 3 ? Math.round(x * 2) - 3 : x * 4)],
  ['a triangular', 'triangular', { low: 0, mode: 2, high: 10 }, false, (x) => x],
];

describe('fitNumeric → spec → engine: the twin matches the sample', () => {
  it.each(CASES)('%s', async (_, type, params, integer, map) => {
    const source = draw(type, params, 3).map(map).map((x) => (integer ? Math.round(x) : x));
    const fit = fitNumeric(source, { integer });
    const doc = {
      version: '1.0', metadata: { name: 'Twin' }, seed: 99,
      timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-01-31T23:00:00Z', freq: 'H' },
      nodes: [{ id: 't', kind: 'entity', pk: 'id', rows: N, columns: [{ name: 'id', type: 'int', generator: { sequence: {} } }, { name: 'x', type: integer ? 'int' : 'float', generator: fit.generator }] }],
    };
    const { db } = await generate(doc, { workers: 1 });
    const twin = Float64Array.from(await db.rows('SELECT x FROM t'), (r) => Number(r.x));
    db.close();
    expect(ks2(source, twin), `${fit.evidence.family}: ${JSON.stringify(fit.generator).slice(0, 200)}`).toBeLessThan(0.03);
  });
});

describe('fitFanout → spec → engine: children per parent match', () => {
  const P = 5000;
  it.each([
    ['negative binomial', (i: number, u: Float64Array) => u[i]!],
    ['a third without children, a third with 5, a thin tail: categorical', (i: number) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 5 : 6 + ((i * 37) % 95))],
  ] as const)('%s', async (_, count) => {
    const u = draw('negative_binomial', { mean: 4, dispersion_k: 1.2 }, 5).slice(0, P);
    const counts = Float64Array.from({ length: P }, (_, i) => count(i, u));
    const fit = fitFanout(Array.from(counts));
    const doc = {
      version: '1.0', metadata: { name: 'Fanout twin' }, seed: 5,
      timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-01-31T23:00:00Z', freq: 'H' },
      nodes: [
        { id: 'p', kind: 'entity', pk: 'id', rows: P, columns: [{ name: 'id', type: 'int', generator: { sequence: {} } }] },
        { id: 'c', kind: 'fact', pk: 'id', parents: ['p'], fanout: fit.fanout, columns: [{ name: 'id', type: 'int', generator: { sequence: {} } }, { name: 'p_id', type: 'int', generator: { lookup: { from: 'p.id' } } }] },
      ],
    };
    const { db } = await generate(doc, { workers: 1 });
    const twin = Float64Array.from(await db.rows('SELECT count(c.id) AS n FROM p LEFT JOIN c ON c.p_id = p.id GROUP BY p.id'), (r) => Number(r.n));
    db.close();
    const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(ks2(counts, twin), `${fit.evidence.family}: ${JSON.stringify(fit.fanout).slice(0, 200)}`).toBeLessThan(0.04);
    expect(Math.abs(mean(twin) - mean(counts)) / mean(counts)).toBeLessThan(0.05);
  });
});

describe('fitText → spec → engine: the twin has the source shape', () => {
  /** Digits → #, ASCII letters → ?, the rest as it is. */
  const shape = (v: string) => v.replace(/[0-9]/g, '#').replace(/[A-Za-z]/g, '?');
  it.each([
    ['a code with a constant prefix', (i: number) => `DEV-${String(1000 + ((i * 7919) % 9000))}-${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i * 7) % 26))}`],
    ['literal characters bothify reads (% @ #)', (i: number) => `#${(i * 37) % 90 + 10}%@${String.fromCharCode(97 + (i % 26))}`],
    ['dots and parentheses', (i: number) => `(${(i * 13) % 900 + 100}).${String.fromCharCode(65 + (i % 26))}`],
  ] as const)('%s', async (_, make) => {
    const source = Array.from({ length: 200 }, (_, i) => make(i));
    const fit = fitText(source);
    const doc = {
      version: '1.0', metadata: { name: 'Text twin' }, seed: 5,
      timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-01-31T23:00:00Z', freq: 'H' },
      nodes: [{ id: 't', kind: 'entity', pk: 'id', rows: 300, columns: [{ name: 'id', type: 'int', generator: { sequence: {} } }, { name: 'x', type: 'string', generator: fit.generator }] }],
    };
    const { db } = await generate(doc, { workers: 1 });
    const twin = (await db.rows('SELECT x FROM t')).map((r) => String(r.x));
    db.close();
    const want = shape(source[0]!);
    for (const v of twin) expect(shape(v), `${v} from ${JSON.stringify(fit.generator)}`).toBe(want);
    // The characters are drawn, not copied: the twin holds many values the source never had.
    expect(twin.filter((v) => !source.includes(v)).length).toBeGreaterThan(150);
  });
});
