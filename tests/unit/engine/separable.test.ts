/*
 * A preference score split by what its terms read (src/expr/separable.ts): the parts recombine to the score
 * exactly, so weighing a group once per row and a candidate once per run is the same distribution as weighing
 * every (row, candidate) pair.
 */
import { describe, expect, it } from 'vitest';
import { compileExpression, parseExpression, type ExprRef } from '../../../src/expr/expression.ts';
import { partExpression, splitScore } from '../../../src/expr/separable.ts';
import type { ExprNode } from '../../../src/expr/types.ts';

const rows = 50;
const data: Record<string, ArrayLike<unknown>> = {
  'candidate.popularity': Float64Array.from({ length: rows }, (_, i) => 0.5 + (i * 7919) % 13),
  'candidate.category': Float64Array.from({ length: rows }, (_, i) => 1 + (i % 4)),
  'candidate.city': Array.from({ length: rows }, (_, i) => ['a', 'b'][i % 2]),
  'parent.taste': Array.from({ length: rows }, (_, i) => Float64Array.of(0.1 + (i % 3) / 10, 0.2, 0.3, 0.4 - (i % 3) / 10)),
  budget: Float64Array.from({ length: rows }, (_, i) => 10 + i),
  city: Array.from({ length: rows }, (_, i) => ['a', 'b', 'c'][i % 3]),
};
const bind = (r: ExprRef) => data[r.kind === 'column' ? r.column : `${r.table}.${r.column}`];

function evalAll(e: ReturnType<typeof partExpression>): number[] {
  const f = compileExpression(e, bind as never);
  return Array.from({ length: rows }, (_, i) => Number(f(i)));
}

describe('splitScore', () => {
  const cases: [string, 'sum' | 'product', string[]][] = [
    ['log(candidate.popularity) + 3 * parent.taste[candidate.category] - budget / 100', 'sum', ['category']],
    ['log(candidate.popularity) + (candidate.city == city ? 1.5 : 0) + 2 * parent.taste[candidate.category]', 'sum', ['category', 'city']],
    ['candidate.popularity * (1 + parent.taste[candidate.category]) * budget', 'product', ['category']],
    ['sqrt(candidate.popularity) * 2', 'product', []],
  ];
  it.each(cases)('%s (%s): parts recombine to the score; group columns %j', (code, mode, group) => {
    const r = parseExpression(code);
    if (!r.ok) throw new Error(r.errors[0].message);
    const parts = splitScore(r.expr, mode);
    expect(parts.group).toEqual(group);
    const all = [...parts.candidate, ...parts.mixed, ...parts.row];
    const ast = all.reduce((a: ExprNode, b: ExprNode) => ({ k: 'arith', op: mode === 'sum' ? '+' : '*', a, b }));
    const whole = evalAll(partExpression(r.expr, r.expr.ast));
    const recombined = evalAll(partExpression(r.expr, ast));
    whole.forEach((v, i) => expect(recombined[i]).toBeCloseTo(v, 12));
    // Candidate terms read only the candidate; row terms no candidate column.
    for (const t of parts.row) expect(partExpression(r.expr, t).code).not.toContain('candidate.');
  });
});
