import { describe, expect, it } from 'vitest';
import { compileExpression, parseExpression } from '../../../src/expr/expression.ts';
import { yearsBetween } from '../../../src/model/calendar.ts';
import { uniform } from '../../../src/model/rng.ts';

/** years_between(a, b): whole calendar years from a to b — an age when a is a birth date. */
const ev = (a: number | null, b: number | null) => {
  const r = parseExpression('years_between(birth, at)');
  if (!r.ok) throw new Error(r.errors[0].message);
  const cols: Record<string, Float64Array> = { birth: Float64Array.of(a ?? NaN), at: Float64Array.of(b ?? NaN) };
  return compileExpression(r.expr, (ref) => cols[ref.column])(0);
};
const D = (s: string) => Date.parse(s);

describe('years_between', () => {
  it('counts a year only once the anniversary (month, day, time of day) is reached', () => {
    expect(ev(D('1990-06-15'), D('2025-06-14T23:59:59Z'))).toBe(34);
    expect(ev(D('1990-06-15'), D('2025-06-15'))).toBe(35);
    expect(ev(D('1990-06-15T12:00:00Z'), D('2025-06-15T11:59:59Z'))).toBe(34);
    expect(ev(D('1990-12-31'), D('1991-01-01'))).toBe(0);
    expect(ev(D('2000-01-01'), D('2000-01-01'))).toBe(0);
  });

  it('February 29 birthdays turn a year older on March 1 in common years', () => {
    expect(ev(D('2000-02-29'), D('2001-02-28'))).toBe(0);
    expect(ev(D('2000-02-29'), D('2001-03-01'))).toBe(1);
    expect(ev(D('2000-02-29'), D('2004-02-29'))).toBe(4);
  });

  it('is antisymmetric, before 1970 too, and null for a null', () => {
    expect(ev(D('2025-06-15'), D('1990-06-15'))).toBe(-35);
    expect(ev(D('1901-03-02'), D('1969-03-01'))).toBe(67);
    expect(ev(null, D('2025-01-01'))).toBe(null);
  });

  it('agrees with a Date-based reference on random pairs', () => {
    const ref = (a: number, b: number) => {
      const x = new Date(a);
      const y = new Date(b);
      let n = y.getUTCFullYear() - x.getUTCFullYear();
      const by = [y.getUTCMonth(), y.getUTCDate(), b - Date.UTC(y.getUTCFullYear(), y.getUTCMonth(), y.getUTCDate())];
      const bx = [x.getUTCMonth(), x.getUTCDate(), a - Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), x.getUTCDate())];
      const cmp = by[0] - bx[0] || by[1] - bx[1] || by[2] - bx[2];
      if (cmp < 0) n -= 1;
      return n;
    };
    for (let i = 0; i < 5000; i++) {
      const a = Math.floor(-2e12 + 4e12 * uniform(1, i, 0));
      const b = a + Math.floor(3e12 * uniform(1, i, 1));
      expect(yearsBetween(a, b), `${new Date(a).toISOString()} → ${new Date(b).toISOString()}`).toBe(ref(a, b));
    }
  });
});
