/* List functions and indexing in expressions (src/expr): exact values, nulls, and type errors at parse/check time. */
import { describe, expect, it } from 'vitest';
import { compileExpression, parseExpression, typeCheckExpression } from '../../../src/expr/expression.ts';

const rows = {
  taste: [Float64Array.of(0.1, 0.7, 0.2), null, Float64Array.of(), Float64Array.of(NaN, 2, 2)],
  w: [Float64Array.of(1, 2, 3), Float64Array.of(1), Float64Array.of(), Float64Array.of(1, 1, 1)],
  tags: [['wifi', 'pets'], null, [], ['x', null]],
  x: Float64Array.of(1, 2, 3, 4),
};

function evalAll(code: string): unknown[] {
  const r = parseExpression(code);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  const f = compileExpression(r.expr, (ref) => (rows as Record<string, ArrayLike<any>>)[ref.column]);
  return [0, 1, 2, 3].map((i) => f(i));
}

describe('list functions', () => {
  it('compute per row, null for a null list', () => {
    expect(evalAll('dot(taste, w)')).toEqual([0.1 + 1.4 + 0.6000000000000001, null, 0, null]);
    expect(evalAll('argmax(taste)')).toEqual([2, null, null, 2]);
    expect(evalAll('len(tags)')).toEqual([2, null, 0, 2]);
    expect(evalAll('contains(tags, "wifi")')).toEqual([true, false, false, false]);
    expect(evalAll('sum(taste)')).toEqual([1, null, 0, 4]);
    expect(evalAll('taste[2]')).toEqual([0.7, null, null, 2]);
    expect(evalAll('taste[-1] * 10')).toEqual([2, null, null, 20]);
    expect(evalAll('tags[1]')).toEqual(['wifi', null, null, 'x']);
    expect(evalAll('tags[2] == "pets"')).toEqual([true, false, false, false]);
    expect(evalAll('taste[0]')).toEqual([null, null, null, null]);
    expect(evalAll('taste[x]')).toEqual([0.1, null, null, null]);
    expect(evalAll('taste[argmax(taste)] + len(tags) * 100')).toEqual([200.7, null, null, 202]);
    expect(evalAll('if(contains(tags, "wifi"), 1, 0)')).toEqual([1, 0, 0, 0]);
  });

  it('are type-checked against the columns\' types', () => {
    const types: Record<string, 'list' | 'number' | 'string'> = { taste: 'list', tags: 'list', x: 'number', s: 'string' };
    const check = (code: string) => {
      const r = parseExpression(code);
      if (!r.ok) return r.errors.map((e) => e.message);
      return typeCheckExpression(r.expr, (ref) => types[ref.column] ?? 'unknown').errors.map((e) => e.message);
    };
    expect(check('dot(taste, taste) + len(tags)')).toEqual([]);
    expect(check('taste * 2')[0]).toMatch(/taste is a list, used as a single value/);
    expect(check('len(x)')[0]).toMatch(/x is a number, but len\(x\) needs a list/);
    expect(check('sum(s)')[0]).toMatch(/s is a string/);
    expect(check('x[1]')[0]).toMatch(/needs a list/);
    expect(check('taste == taste')[0]).toMatch(/lists cannot be compared/);
    expect(check('contains(tags, taste)')[0]).toMatch(/taste is a list/);
    expect(check('taste[1, 2]')[0]).toMatch(/more than one index/);
  });
});
