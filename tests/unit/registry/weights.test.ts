/**
 * Issue 19: one rule for weights. They are relative, finite and non-negative, and not all 0 — an all-zero
 * list is DG_BAD_WEIGHTS at its pointer for choices, datetime patterns and seasonality alike (it used to
 * become uniform silently for patterns). Weights whose sum overflows a double (1e308 each) are divided
 * by the largest, so [1e308, 1e308, 1e308] is uniform rather than "every row on the last choice".
 */
import { describe, expect, it } from 'vitest';
import { col, compileDoc, entity, expectShares, idCol, runColumns, spec } from '../../support/harness.ts';
import { timePart } from '../../../src/model/time-grid.ts';

const N = 20_000;
const year = { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z' };

function diagnosticsOf(column: unknown) {
  return compileDoc(spec([entity('t', 10, [idCol(), column])], year)).diagnostics.filter((d) => d.severity === 'error');
}

describe('weights: all 0 is an error everywhere', () => {
  it('choice weights', () => {
    expect(diagnosticsOf(col('x', 'string', { choice: { choices: ['a', 'b'], weights: [0, 0] } }))).toEqual([
      expect.objectContaining({ code: 'DG_BAD_WEIGHTS', path: '/nodes/0/columns/1/generator/choice/weights', message: 'the 2 weights are all 0' }),
    ]);
  });

  it('a datetime_series pattern', () => {
    expect(diagnosticsOf(col('ts', 'datetime', { datetime_series: { freq: 'H', pattern: { dimension: 'dow', weights: [0, 0, 0, 0, 0, 0, 0] } } }))).toEqual([
      expect.objectContaining({ code: 'DG_BAD_WEIGHTS', path: '/nodes/0/columns/1/generator/datetime_series/pattern/weights', message: 'the 7 weights are all 0' }),
    ]);
  });

  it('seasonality on a datetime column and on a numeric column', () => {
    const zeros = { dimension: 'month', weights: new Array(12).fill(0) };
    expect(diagnosticsOf(col('ts', 'datetime', { datetime_series: { freq: 'D' } }, [['seasonality', zeros]]))).toEqual([
      expect.objectContaining({ code: 'DG_BAD_WEIGHTS', path: '/nodes/0/columns/1/modifiers/0/args/weights', message: 'the 12 weights are all 0' }),
    ]);
    const doc = spec([entity('t', 10, [idCol(), col('ts', 'datetime', { datetime_series: { freq: 'D' } }), col('v', 'float', { distribution: { type: 'uniform', params: { low: 1, high: 2 } } }, [['seasonality', zeros]])])], year);
    expect(compileDoc(doc).diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'DG_BAD_WEIGHTS', path: '/nodes/0/columns/2/modifiers/0/args/weights' }),
    ]);
  });
});

describe('weights: huge values are normalised safely', () => {
  it('choice weights [1e308, 1e308, 1e308] draw uniformly', () => {
    const t = runColumns(N, [col('x', 'string', { choice: { choices: ['a', 'b', 'c'], weights: [1e308, 1e308, 1e308] } })]);
    expectShares(t.str('x'), new Map([['a', 1 / 3], ['b', 1 / 3], ['c', 1 / 3]]), 'huge equal weights');
  });

  it('choice weights [1e308, 0, 5e307] keep their proportions', () => {
    const t = runColumns(N, [col('x', 'string', { choice: { choices: ['a', 'b', 'c'], weights: [1e308, 0, 5e307] } })]);
    expectShares(t.str('x'), new Map([['a', 2 / 3], ['b', 0], ['c', 1 / 3]]), 'huge unequal weights');
  });

  it('pattern weights of 1e308 keep their proportions (Monday twice as likely as any other day)', () => {
    const w = [1e308, 5e307, 5e307, 5e307, 5e307, 5e307, 5e307];
    const x = runColumns(N, [col('ts', 'datetime', { datetime_series: { freq: 'H', pattern: { dimension: 'dow', weights: w } } })], year).num('ts');
    const days = Array.from(x, (t) => timePart(t, 'dow'));
    const share = 2 / 8;
    expectShares(days, new Map([0, 1, 2, 3, 4, 5, 6].map((d) => [d, d === 0 ? share : (1 - share) / 6])), 'huge pattern weights');
  });
});
