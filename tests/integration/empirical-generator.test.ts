/*
 * The `empirical` generator (issue 21: what `datagen infer` writes when no family fits): compile errors with
 * their pointers, the draw's shares against the quantiles (atoms included, int columns rounded), identical
 * output whatever the chunk size, and validate's empirical_quantiles check passing on generated data and failing
 * on a corrupted copy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { empiricalCdf, empiricalQuantile } from '../../src/model/empirical.ts';
import { DISTRIBUTION_CHECKS } from '../../src/validate/behaviour/distributions.ts';
import { generate } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, runChecks } from '../support/validate.ts';

const ROWS = 40_000;

function spec(columns: unknown[], rows = ROWS): any {
  return {
    version: '1.0',
    metadata: { name: 'Empirical' },
    timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-01-31T23:59:59Z', freq: 'H' },
    seed: 7,
    nodes: [{ id: 'items', kind: 'entity', pk: 'id', rows, columns: [{ name: 'id', type: 'int', generator: { sequence: {} } }, ...columns] }],
  };
}

const X = { name: 'x', type: 'float', generator: { empirical: { quantiles: [0, 1, 1, 5, 20] } } };
// 0 and 1 with 30 % each, 2 with 40 %: the quantiles of n + U(−½, ½) (what infer writes for an int column).
const K = { name: 'k', type: 'int', generator: { empirical: { quantiles: [-0.5, 0.5, 1.5, 2.5], probs: [0, 0.3, 0.6, 1] } } };

function errorsOf(columns: unknown[]): { code: string; path: string; message: string }[] {
  return compile(spec(columns)).diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, path: d.path, message: d.message }));
}

describe('empirical: the model', () => {
  it('CDF and quantile function are inverse, atoms take the probabilities they span', () => {
    const q = [0, 1, 1, 5, 20];
    const p = [0, 0.25, 0.5, 0.75, 1];
    for (const u of [0.01, 0.1, 0.2, 0.6, 0.7, 0.8, 0.99]) {
      const x = empiricalQuantile(q, p, u);
      if (x !== 1) expect(empiricalCdf(q, p, x)).toBeCloseTo(u, 12);
    }
    expect(empiricalQuantile(q, p, 0.3)).toBe(1);
    expect(empiricalQuantile(q, p, 0.49)).toBe(1);
    expect(empiricalCdf(q, p, 1) - empiricalCdf(q, p, 0.999999)).toBeGreaterThan(0.25 - 1e-5);
    expect(empiricalCdf(q, p, -1)).toBe(0);
    expect(empiricalCdf(q, p, 20)).toBe(1);
    expect(empiricalQuantile(q, p, 0.875)).toBeCloseTo(12.5, 12);
  });

  it('two equal probabilities make a jump: no value between their quantiles', () => {
    const q = [0, 1, 5, 6];
    const p = [0, 0.5, 0.5, 1];
    for (let i = 0; i < 1000; i++) {
      const x = empiricalQuantile(q, p, (i + 0.5) / 1000);
      expect(x <= 1 || x >= 5).toBe(true);
    }
    expect(empiricalCdf(q, p, 3)).toBe(0.5);
    expect(empiricalCdf(q, p, 5.5)).toBeCloseTo(0.75, 12);
  });
});

describe('empirical: compile', () => {
  it('refuses bad quantiles, probs and column types with the pointer of the offending value', () => {
    const at = (g: unknown, type = 'float') => errorsOf([{ name: 'x', type, generator: { empirical: g } }]);
    expect(at({ quantiles: [0, 2, 1] })).toEqual([expect.objectContaining({ code: 'DG_OUT_OF_RANGE', path: '/nodes/0/columns/1/generator/empirical/quantiles/2' })]);
    expect(at({ quantiles: [0, 1], probs: [0, 0.5, 1] })[0]).toMatchObject({ code: 'DG_BAD_PARAM', path: '/nodes/0/columns/1/generator/empirical/probs' });
    expect(at({ quantiles: [0, 1, 2], probs: [0, 0.5, 0.9] })[0]).toMatchObject({ code: 'DG_OUT_OF_RANGE', path: '/nodes/0/columns/1/generator/empirical/probs/2' });
    expect(at({ quantiles: [0, 1, 2, 3], probs: [0, 0.6, 0.5, 1] })[0]).toMatchObject({ code: 'DG_OUT_OF_RANGE', path: '/nodes/0/columns/1/generator/empirical/probs/2' });
    expect(at({ quantiles: [0, 1, 5, 6], probs: [0, 0.5, 0.5, 1] })).toEqual([]);
    expect(at({ quantiles: [0, 1] }, 'string')[0]).toMatchObject({ code: 'DG_TYPE_MISMATCH', path: '/nodes/0/columns/1/generator/empirical' });
    expect(at({ quantiles: [3] }).length).toBeGreaterThan(0);
    expect(at({ quantiles: [0, 1, 5] })).toEqual([]);
  });
});

describe('empirical: any arguments', () => {
  it('property: compile either accepts them or answers with a DG_ code at a pointer inside the generator — never throws', () => {
    const value = fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -5, max: 5 }), fc.constant('x'), fc.constant(null));
    fc.assert(
      fc.property(fc.record({ quantiles: fc.oneof(fc.array(value, { maxLength: 6 }), fc.constant(3)), probs: fc.option(fc.array(fc.oneof(fc.double({ min: -0.5, max: 1.5 }), fc.constantFrom(0, 1)), { maxLength: 6 }), { nil: undefined }) }), (g) => {
        const r = compile(spec([{ name: 'x', type: 'float', generator: { empirical: g } }], 10));
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        if (r.plan) {
          expect(errors).toEqual([]);
          const p = r.plan.tables[0]!.columns[1]!.generator as { kind: string; quantiles: number[]; probs: number[] };
          expect(p.kind).toBe('empirical');
          // Draws stay inside [first, last] quantile and never decrease with u.
          let prev = -Infinity;
          for (let i = 0; i <= 100; i++) {
            const x = empiricalQuantile(p.quantiles, p.probs, i / 100);
            expect(x).toBeGreaterThanOrEqual(p.quantiles[0]!);
            expect(x).toBeLessThanOrEqual(p.quantiles[p.quantiles.length - 1]!);
            expect(x).toBeGreaterThanOrEqual(prev);
            prev = x;
          }
        } else {
          expect(errors.length).toBeGreaterThan(0);
          for (const e of errors) {
            expect(e.code).toMatch(/^DG_[A-Z_]+$/);
            expect(e.path.startsWith('/nodes/0/columns/1/generator')).toBe(true);
          }
        }
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});

describe('empirical: generated values', () => {
  it('follow the quantiles (an atom, linear pieces, an int column rounded), whatever the chunk size', async () => {
    const { db } = await generate(spec([X, K]), { workers: 1 });
    const r = (await db.rows(`SELECT avg((x < 1)::INT) AS below, avg((x = 1)::INT) AS atom, avg((x > 1 AND x <= 5)::INT) AS mid, avg((x > 5 AND x <= 12.5)::INT) AS top1,
      avg((k = 0)::INT) AS k0, avg((k = 1)::INT) AS k1, avg((k = 2)::INT) AS k2, min(x) AS lo, max(x) AS hi, count(DISTINCT k) AS dk FROM items`))[0]!;
    const se = (p: number) => 4 * Math.sqrt((p * (1 - p)) / ROWS);
    expect(Math.abs(r.below - 0.25)).toBeLessThan(se(0.25));
    expect(Math.abs(r.atom - 0.25)).toBeLessThan(se(0.25));
    expect(Math.abs(r.mid - 0.25)).toBeLessThan(se(0.25));
    expect(Math.abs(r.top1 - 0.125)).toBeLessThan(se(0.125));
    expect(Math.abs(r.k0 - 0.3)).toBeLessThan(se(0.3));
    expect(Math.abs(r.k1 - 0.3)).toBeLessThan(se(0.3));
    expect(Math.abs(r.k2 - 0.4)).toBeLessThan(se(0.4));
    expect(r.lo).toBeGreaterThanOrEqual(0);
    expect(r.hi).toBeLessThanOrEqual(20);
    expect(r.dk).toBe(3);
    const whole = await db.checksum('items');
    db.close();
    const small = await generate(spec([X, K]), { workers: 1, chunkRows: 997 });
    expect(await small.db.checksum('items')).toBe(whole);
    small.db.close();
  });

  it('validate: empirical_quantiles passes on generated data and fails when values move', async () => {
    const doc = spec([X, K]);
    const file = await generateFile(doc);
    const checks = await runChecks(doc, file, DISTRIBUTION_CHECKS);
    expect(pick(checks, 'empirical_quantiles').map((c) => c.column).sort()).toEqual(['k', 'x']);
    expect(notPassing(pick(checks, 'empirical_quantiles'))).toBe('');
    const x = pick(checks, 'empirical_quantiles', 'items', 'x')[0]!;
    expect(x.specPath).toBe('/nodes/0/columns/1/generator/empirical');
    // Deciles of [0, 1, 1, 5, 20]: 0.4, 0.8, then the atom at 1 (0.3, 0.4, 0.5 merge into one edge), 1.8, 3.4, 5, 11, 14 … the expected shares sum to 1.
    const expected = Object.values(x.expected as Record<string, number>);
    expect(expected.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(Math.max(...expected)).toBeCloseTo(0.3, 9); // ≤ 1 after the 0.8 edge: the atom's 0.25 and (0.8, 1)'s 0.05
    const bad = await corruptCopy(file, ['UPDATE items SET x = x * 1.3 WHERE id % 2 = 0', 'UPDATE items SET k = 2 WHERE k = 1 AND id % 3 = 0']);
    const after = await runChecks(doc, bad, DISTRIBUTION_CHECKS);
    expect(pick(after, 'empirical_quantiles', 'items', 'x')[0]!.status).toBe('fail');
    expect(pick(after, 'empirical_quantiles', 'items', 'k')[0]!.status).toBe('fail');
  });
});
