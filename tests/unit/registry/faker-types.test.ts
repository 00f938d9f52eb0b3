/**
 * Issue 19: a faker column of a non-text type. Its values are read as that type when they are drawn
 * (numbers, 1/0, epoch ms), so numeric modifiers and behaviours see numbers (they used to crash on text);
 * a method whose values do not read as the type is DG_TYPE_MISMATCH at compile (they used to be all NULL).
 */
import { describe, expect, it } from 'vitest';
import { col, compileDoc, entity, idCol, runColumns, spec } from '../../support/harness.ts';

const N = 2_000;

describe('faker on non-text columns', () => {
  it('random_int in an int column: numbers, and a multiply modifier doubles them', () => {
    const t = runColumns(N, [
      col('a', 'int', { faker: { method: 'random_int', args: { min: 1, max: 9 } } }),
      col('b', 'int', { faker: { method: 'random_int', args: { min: 1, max: 9 } } }, [['multiply', { factor: 2 }]]),
    ]);
    const a = t.num('a');
    const b = t.num('b');
    for (let i = 0; i < N; i++) {
      expect(Number.isInteger(a[i]) && a[i] >= 1 && a[i] <= 9).toBe(true);
      expect(b[i] % 2 === 0 && b[i] >= 2 && b[i] <= 18).toBe(true);
    }
    expect(new Set(a).size).toBe(9);
  });

  it('boolean in a bool column: 1/0; date in a date column: epoch ms of UTC days', () => {
    const t = runColumns(N, [col('flag', 'bool', { faker: { method: 'boolean' } }), col('day', 'datetime', { faker: { method: 'date' } })]);
    expect(new Set(t.num('flag'))).toEqual(new Set([0, 1]));
    for (const ms of t.num('day')) expect(ms % 86_400_000).toBe(0);
  });

  it('a method whose text does not read as the type is refused at compile', () => {
    const doc = spec([entity('t', 10, [idCol(), col('score', 'float', { faker: { method: 'name' } })])]);
    expect(compileDoc(doc).diagnostics).toEqual([expect.objectContaining({ code: 'DG_TYPE_MISMATCH', path: '/nodes/0/columns/1/generator/faker/method' })]);
  });
});
