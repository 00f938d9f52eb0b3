/**
 * Issue 19: expressions that are too big or too deep are refused with a message that says so (not a
 * "syntax error: Maximum call stack size exceeded"); `x in [a, b]` says what to write; a string result
 * for a non-string column is named.
 */
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../src/expr/expression.ts';
import { EXPR_LIMITS } from '../../../src/expr/parse.ts';
import { resultTypeProblem } from '../../../src/expr/typecheck.ts';

const errorsOf = (code: string) => {
  const r = parseExpression(code);
  return r.ok ? [] : r.errors;
};

describe('expression limits', () => {
  it('refuses 400 nested parentheses as too deeply nested, at the first level too deep', () => {
    const code = '('.repeat(400) + 'x' + ')'.repeat(400);
    expect(errorsOf(code)).toEqual([{ code: 'expr/too-deep', message: `parentheses are nested more than ${EXPR_LIMITS.nesting} levels deep`, hint: expect.stringContaining('several columns'), offset: EXPR_LIMITS.nesting }]);
  });

  it('accepts nesting at the limit, and does not count parentheses inside strings', () => {
    const code = '('.repeat(EXPR_LIMITS.nesting) + 'x' + ')'.repeat(EXPR_LIMITS.nesting);
    expect(parseExpression(code).ok).toBe(true);
    expect(parseExpression(`x == "${'('.repeat(200)}"`).ok).toBe(true);
  });

  it('refuses an expression longer than the limit, whatever it contains', () => {
    const code = 'x + ' + '1'.repeat(1_000_000);
    expect(errorsOf(code)).toEqual([expect.objectContaining({ code: 'expr/too-long', message: 'the expression has 1,000,004 characters; the limit is 10,000' })]);
  });

  it('refuses long operator chains that would nest the tree deeper than the limit (no stack overflow)', () => {
    for (const code of ['1+'.repeat(3000) + '1', '-'.repeat(3000) + 'x', '2^'.repeat(2000) + '2', 'not '.repeat(1500) + 'x']) {
      const errs = errorsOf(code);
      expect(errs.map((e) => e.code), code.slice(0, 20)).toEqual(['expr/too-deep']);
    }
    expect(parseExpression('1+'.repeat(100) + 'x').ok).toBe(true);
  });

  it('explains that "in" is not membership and what to write', () => {
    expect(errorsOf('age in [1, 2]')).toEqual([{ code: 'expr/in', message: '"in" (membership in a list) is not supported', hint: 'compare with each value: age == 1 or age == 2', offset: 4 }]);
    expect(errorsOf('plan in ["pro", "team"] and x > 1')[0].hint).toBe('compare with each value: plan == "pro" or plan == "team"');
  });
});

describe('resultTypeProblem', () => {
  it('names a string result for numeric, bool and time columns, and accepts it for string and json', () => {
    expect(resultTypeProblem('string', 'int')).toMatchObject({ code: 'expr/result-type', message: 'the expression yields a string but the column type is "int": every value would be NULL' });
    for (const t of ['float', 'bool', 'datetime', 'date']) expect(resultTypeProblem('string', t)).toBeDefined();
    for (const t of ['string', 'json']) expect(resultTypeProblem('string', t)).toBeUndefined();
    for (const r of ['number', 'boolean', 'unknown'] as const) expect(resultTypeProblem(r, 'int')).toBeUndefined();
  });
});
