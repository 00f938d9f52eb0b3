/* Keyed randomness in expressions: rand(), bernoulli(p), normal(mu, sd) — one stream per call site (docs/authoring.md). */
import { describe, expect, it } from 'vitest';
import { compileExpression, exprToSource, parseExpression, type ParsedExpression } from '../../../src/expr/expression.ts';
import { normalQuantile } from '../../../src/model/dist/normal-quantile.ts';
import { uniform } from '../../../src/model/rng.ts';

function parsed(code: string): ParsedExpression {
  const r = parseExpression(code);
  if (!r.ok) throw new Error(`${code}: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.expr;
}

/** Evaluate rows [start, start + n) of `code` with the given site keys and column values. */
function rows(code: string, keys: number[], start: number, n: number, cols: Record<string, ArrayLike<number>> = {}): unknown[] {
  const f = compileExpression(parsed(code), (ref) => cols[ref.column], { keys, start });
  return Array.from({ length: n }, (_, i) => f(i));
}

describe('random functions', () => {
  it('number their call sites in order of appearance, nested ones included', () => {
    expect(parsed('1 + 2').randomSites).toBe(0);
    expect(parsed('rand()').randomSites).toBe(1);
    expect(parsed('if(bernoulli(0.2), normal(1, rand()), rand())').randomSites).toBe(4);
    const src = exprToSource(parsed('rand() + rand()'));
    expect(src).toContain('$u(k0, $s + i, 0)');
    expect(src).toContain('$u(k1, $s + i, 0)');
  });

  it('read the uniform of (site key, row ordinal): the same value whatever the chunk it is evaluated in', () => {
    const whole = rows('rand()', [99], 0, 1000);
    expect(whole[0]).toBe(uniform(99, 0, 0));
    expect(whole[777]).toBe(uniform(99, 777, 0));
    // Rows 500–999 evaluated as a chunk of their own starting at ordinal 500.
    expect(rows('rand()', [99], 500, 500)).toEqual(whole.slice(500));
    // Another key, another stream.
    expect(rows('rand()', [100], 0, 1000)).not.toEqual(whole);
  });

  it('give each call site its own stream', () => {
    const [a, b] = [123, 456];
    const twin = rows('rand() - rand()', [a, b], 0, 50);
    twin.forEach((v, i) => expect(v).toBeCloseTo(uniform(a, i, 0) - uniform(b, i, 0), 15));
    expect(twin.some((v) => v !== 0)).toBe(true);
  });

  it('bernoulli(p) is a condition: true with probability p, never for p ≤ 0 or null, always for p ≥ 1', () => {
    const n = 20_000;
    const draws = rows('bernoulli(0.25)', [7], 0, n);
    expect(draws.every((v) => typeof v === 'boolean')).toBe(true);
    const share = draws.filter(Boolean).length / n;
    expect(Math.abs(share - 0.25)).toBeLessThan(0.015);
    expect(rows('bernoulli(0)', [7], 0, 1000).some(Boolean)).toBe(false);
    expect(rows('bernoulli(1)', [7], 0, 1000).every(Boolean)).toBe(true);
    expect(rows('bernoulli(p)', [7], 0, 3, { p: new Float64Array([NaN, NaN, NaN]) })).toEqual([false, false, false]);
    // Per-row probabilities from a column.
    const p = new Float64Array(n).map((_, i) => (i % 2 ? 0.9 : 0.1));
    const byRow = rows('bernoulli(p)', [8], 0, n, { p });
    const odd = byRow.filter((v, i) => i % 2 === 1 && v).length / (n / 2);
    const even = byRow.filter((v, i) => i % 2 === 0 && v).length / (n / 2);
    expect(Math.abs(odd - 0.9)).toBeLessThan(0.015);
    expect(Math.abs(even - 0.1)).toBeLessThan(0.015);
  });

  it('normal(mu, sd) is mu + sd·Φ⁻¹(u); a negative or null sd is null', () => {
    const v = rows('normal(10, 2)', [5], 0, 20);
    v.forEach((x, i) => expect(x).toBeCloseTo(10 + 2 * normalQuantile(uniform(5, i, 0)), 12));
    expect(rows('normal(10, -1)', [5], 0, 2)).toEqual([null, null]);
    expect(rows('normal(10, 0)', [5], 0, 2)).toEqual([10, 10]);
    const big = rows('normal(0, 1)', [6], 0, 20_000) as number[];
    const m = big.reduce((a, b) => a + b, 0) / big.length;
    const s = Math.sqrt(big.reduce((a, b) => a + (b - m) ** 2, 0) / (big.length - 1));
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(s - 1)).toBeLessThan(0.02);
  });

  it('check their arity and refuse to compile without their stream keys', () => {
    const r = parseExpression('rand(3)');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toBe('rand takes 0 arguments, got 1');
    const b = parseExpression('bernoulli()');
    expect(!b.ok && b.errors[0].message).toBe('bernoulli takes 1 argument, got 0');
    expect(() => compileExpression(parsed('rand() + rand()'), () => [], { keys: [1], start: 0 })).toThrow(/2 random call site\(s\) but 1 stream key/);
    expect(() => compileExpression(parsed('rand()'), () => [])).toThrow(/random call site/);
  });
});
