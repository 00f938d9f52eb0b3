import { describe, expect, it } from 'vitest';
import { compileExpression, exprToSource, parseExpression, typeCheckExpression } from '../../../src/expr/expression.ts';
import type { ExprError, ExprRef, ExprValue, ParsedExpression } from '../../../src/expr/expression.ts';
import { uniform } from '../../../src/model/rng.ts';

type Cell = number | string | boolean | null;
type Arrays = Record<string, ArrayLike<Cell>>;

const refKey = (ref: ExprRef): string => (ref.kind === 'column' ? ref.column : `${ref.table}.${ref.column}`);

function parsed(code: string): ParsedExpression {
  const r = parseExpression(code);
  if (!r.ok) throw new Error(`${code}: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.expr;
}

function errorsOf(code: string): ExprError[] {
  const r = parseExpression(code);
  if (r.ok) throw new Error(`expected "${code}" to be rejected`);
  return r.errors;
}

function compiled(code: string, arrays: Arrays): (i: number) => ExprValue {
  return compileExpression(parsed(code), (ref) => {
    const values = arrays[refKey(ref)];
    if (!values) throw new Error(`test binds no ${refKey(ref)}`);
    return values;
  });
}

/**
 * Evaluate on one row, binding numbers both ways the engine can (typed arrays with NaN for null,
 * and plain arrays with null), which exercise the two code paths; both must agree.
 */
function ev(code: string, row: Record<string, Cell> = {}): ExprValue {
  const plain: Arrays = {};
  const typed: Arrays = {};
  let typable = true;
  for (const [k, v] of Object.entries(row)) {
    plain[k] = [v];
    if (typeof v === 'number' || v === null) typed[k] = Float64Array.of(v === null ? NaN : v);
    else typable = false;
  }
  const viaPlain = compiled(code, plain)(0);
  if (typable) expect(compiled(code, typed)(0), `typed-array binding of ${code}`).toEqual(viaPlain);
  return viaPlain;
}

describe('arithmetic and precedence', () => {
  it('follows the usual precedence and associativity', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('a - b - c', { a: 10, b: 3, c: 2 })).toBe(5);
    expect(ev('a / b / c', { a: 100, b: 5, c: 2 })).toBe(10);
    expect(ev('-a ^ 2', { a: 3 })).toBe(-9);
    expect(ev('2 ^ 3 ^ 2')).toBe(512);
    expect(ev('a - -b', { a: 1, b: 2 })).toBe(3);
    expect(ev('+a * 2', { a: 4 })).toBe(8);
  });

  it('computes the expressions of the compat specs', () => {
    expect(ev('(base_a + base_b) / 2.0', { base_a: 3, base_b: 4 })).toBe(3.5);
    expect(ev('base_a * base_b', { base_a: 3, base_b: 4 })).toBe(12);
    expect(ev('score / 20 * credits', { score: 80, credits: 3 })).toBe(12);
    expect(ev('unit_price * quantity', { unit_price: 2.5, quantity: 4 })).toBe(10);
  });

  it('has % as the floored modulo and ^ as power', () => {
    expect(ev('7 % 3')).toBe(1);
    expect(ev('a % 3', { a: -7 })).toBe(2);
    expect(ev('7 % b', { b: -3 })).toBe(-2);
    expect(ev('a % 2', { a: 7.5 })).toBe(1.5);
    expect(ev('a mod 4', { a: 10 })).toBe(2);
    expect(ev('2 ^ 10')).toBe(1024);
    expect(ev('a ^ 0.5', { a: 16 })).toBe(4);
    expect(ev('a ^ -1', { a: 4 })).toBe(0.25);
  });

  it('treats booleans as 1/0 in arithmetic', () => {
    expect(ev('(a > 1) + (a > 2) + true', { a: 3 })).toBe(3);
  });
});

describe('comparisons and logic', () => {
  it('compares numbers', () => {
    const row = { a: 2, b: 3 };
    expect([ev('a == b', row), ev('a != b', row), ev('a < b', row), ev('a <= b', row), ev('a > b', row), ev('a >= b', row)]).toEqual([false, true, true, true, false, false]);
    expect([ev('a == 2', row), ev('a <= 2', row), ev('a >= 2', row), ev('a < 2', row)]).toEqual([true, true, true, false]);
    expect(ev('1 < a < 3', row)).toBe(true);
    expect(ev('1 < b < 3', row)).toBe(false);
  });

  it('compares strings', () => {
    expect(ev('status == "Paid"', { status: 'Paid' })).toBe(true);
    expect(ev('status == "Paid"', { status: 'Open' })).toBe(false);
    expect(ev("status != 'Paid'", { status: 'Open' })).toBe(true);
    expect(ev('a < b', { a: 'apple', b: 'banana' })).toBe(true);
    expect(ev('a >= b', { a: 'apple', b: 'banana' })).toBe(false);
    expect(ev('a == b', { a: 'x', b: 'x' })).toBe(true);
    expect(ev('s == "a && b || !c"', { s: 'a && b || !c' })).toBe(true);
  });

  it('compares a null with anything as unequal and unordered', () => {
    expect(ev('status == "Paid"', { status: null })).toBe(false);
    expect(ev('status != "Paid"', { status: null })).toBe(true);
    expect(ev('x == 3', { x: null })).toBe(false);
    expect(ev('x != 3', { x: null })).toBe(true);
    expect(ev('x < 3 or x >= 3', { x: null })).toBe(false);
    expect(ev('a == b', { a: null, b: null })).toBe(false);
    expect(ev('a < b', { a: 'x', b: null })).toBe(false);
  });

  it('has and/or/not and && || !', () => {
    const table = (code: string) =>
      [[false, false], [false, true], [true, false], [true, true]].map(([p, q]) => ev(code, { p: p ? 1 : 0, q: q ? 1 : 0 }));
    expect(table('p > 0 and q > 0')).toEqual([false, false, false, true]);
    expect(table('p > 0 && q > 0')).toEqual([false, false, false, true]);
    expect(table('p > 0 or q > 0')).toEqual([false, true, true, true]);
    expect(table('p > 0 || q > 0')).toEqual([false, true, true, true]);
    expect(table('not (p > 0)')).toEqual([true, true, false, false]);
    expect(table('!(p > 0) && q > 0')).toEqual([false, true, false, false]);
    expect(table('p > 0 and !q')).toEqual([false, false, true, false]);
    expect(table('p or q')).toEqual([false, true, true, true]);
    expect(ev('!!p', { p: 5 })).toBe(true);
    expect(ev('a or b and c', { a: 1, b: 1, c: 0 })).toBe(true); // and binds tighter
    expect(ev('(a or b) and c', { a: 1, b: 1, c: 0 })).toBe(false);
    expect(ev('x > 1 and flag', { x: 2, flag: null })).toBe(false); // null is false in conditions
    expect(ev('x > 1 and flag', { x: 2, flag: true })).toBe(true);
    expect(ev('flag == true', { flag: 1 })).toBe(true);
    expect(ev('a === 2 && b !== 2', { a: 2, b: 3 })).toBe(true); // JavaScript habits
    expect(ev('a != 2 || b !=3', { a: 2, b: 3 })).toBe(false);
  });
});

describe('conditionals', () => {
  it('has if(c, a, b) and c ? a : b', () => {
    expect(ev('if(x > 3, x * 2, x / 2)', { x: 4 })).toBe(8);
    expect(ev('if(x > 3, x * 2, x / 2)', { x: 2 })).toBe(1);
    expect(ev('x > 3 ? 1 : 0', { x: 5 })).toBe(1);
    expect(ev('x > 3 ? 1 : 0', { x: 3 })).toBe(0);
    expect(ev('x > 10 ? "big" : x > 3 ? "medium" : "small"', { x: 5 })).toBe('medium');
    expect(ev('if(x > 3, "big", "small")', { x: 4 })).toBe('big');
    expect(ev('if(x > 3, "big", "small")', { x: null })).toBe('small');
    expect(ev('if(status == "Paid", amount, 0)', { status: 'Paid', amount: 12 })).toBe(12);
    expect(ev('if(status == "Paid", amount, 0)', { status: 'Open', amount: 12 })).toBe(0);
  });

  it('may return mixed types and column values as they are', () => {
    expect(ev('x > 3 ? x : "none"', { x: 5 })).toBe(5);
    expect(ev('x > 3 ? x : "none"', { x: 1 })).toBe('none');
    expect(ev('if(x > 3, label, "other")', { x: 5, label: 'L' })).toBe('L');
    expect(ev('if(x > 3, label, "other")', { x: 5, label: null })).toBe(null);
    expect(ev('label', { label: 'L' })).toBe('L');
  });
});

describe('functions', () => {
  it('computes each numeric function', () => {
    expect(ev('min(a, b, 7)', { a: 3, b: -1 })).toBe(-1);
    expect(ev('max(a, b, 7)', { a: 3, b: -1 })).toBe(7);
    expect(ev('min(a)', { a: 3 })).toBe(3);
    expect(ev('abs(a)', { a: -2.5 })).toBe(2.5);
    expect(ev('floor(a)', { a: -2.5 })).toBe(-3);
    expect(ev('ceil(a)', { a: -2.5 })).toBe(-2);
    expect(ev('sqrt(a)', { a: 9 })).toBe(3);
    expect(ev('exp(a)', { a: 1 })).toBeCloseTo(Math.E, 15);
    expect(ev('log(a)', { a: Math.E ** 2 })).toBeCloseTo(2, 15);
    expect(ev('log(a, 2)', { a: 1024 })).toBeCloseTo(10, 12);
    expect(ev('log(a, 10)', { a: 1000 })).toBeCloseTo(3, 12);
    expect(ev('pow(a, 3)', { a: 2 })).toBe(8);
    expect([ev('clamp(a, 0, 10)', { a: -5 }), ev('clamp(a, 0, 10)', { a: 5 }), ev('clamp(a, 0, 10)', { a: 50 })]).toEqual([0, 5, 10]);
    expect(ev('pi')).toBe(Math.PI);
    expect(ev('e')).toBe(Math.E);
  });

  it('rounds half away from zero, optionally to digits', () => {
    expect([ev('round(2.5)'), ev('round(a)', { a: -2.5 }), ev('round(2.4)'), ev('round(a)', { a: -0.4 }) === 0]).toEqual([3, -3, 2, true]);
    expect(ev('round(a, 2)', { a: 1.005 })).toBe(1.01);
    expect(ev('round(a, 2)', { a: -1.005 })).toBe(-1.01);
    expect(ev('round(a, 1)', { a: 2.345 })).toBe(2.3);
    expect(ev('round(a, -2)', { a: 1250 })).toBe(1300);
    expect(ev('round(a, 0)', { a: 0.5 })).toBe(1);
    expect(ev('round(a, 2)', { a: 0.285 })).toBe(0.29);
    expect(ev('round(a, 2)', { a: 0.28499 })).toBe(0.28);
    expect(ev('round(a, 3)', { a: 123.4567 })).toBe(123.457);
  });

  it('computes days_between as b - a in fractional days', () => {
    const a = Date.UTC(2024, 1, 28, 0, 0);
    expect(ev('days_between(a, b)', { a, b: Date.UTC(2024, 2, 1, 12, 0) })).toBe(2.5);
    expect(ev('days_between(a, b)', { a, b: a - 6 * 3_600_000 })).toBe(-0.25);
    expect(ev('days_between(a, b)', { a, b: null })).toBe(null);
  });
});

describe('date parts', () => {
  const start = Date.UTC(1970, 0, 1);
  const end = Date.UTC(2101, 0, 1);
  const fixed = [
    '1970-01-01T00:00:00Z', '1972-02-29T12:00:00Z', '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00Z',
    '2000-02-29T23:59:59.999Z', '2000-03-01T00:00:00Z', '2024-02-29T05:06:07Z', '2024-12-31T23:00:00Z',
    '2096-02-29T00:00:00Z', '2100-02-28T23:59:59.999Z', '2100-03-01T00:00:00Z', '2100-12-31T23:59:59.999Z',
    // before the epoch: negative milliseconds
    '1969-12-31T23:59:59.999Z', '1900-02-28T01:00:00Z', '1900-03-01T00:00:00Z', '1600-02-29T10:00:00Z',
  ].map((s) => Date.parse(s));
  const random = Array.from({ length: 1000 }, (_, i) => Math.floor(start + uniform(0x5eed, i, 0) * (end - start)));
  const ts = Float64Array.from([...fixed, ...random]);

  const parts: [string, (d: Date) => number][] = [
    ['hour(t)', (d) => d.getUTCHours()],
    ['dow(t)', (d) => (d.getUTCDay() + 6) % 7],
    ['month(t)', (d) => d.getUTCMonth() + 1],
    ['year(t)', (d) => d.getUTCFullYear()],
    ['day(t)', (d) => d.getUTCDate()],
  ];
  for (const [code, reference] of parts) {
    it(`${code} matches Date for ${ts.length} timestamps`, () => {
      const f = compiled(code, { t: ts });
      const got = Array.from(ts, (_, i) => f(i));
      const want = Array.from(ts, (t) => reference(new Date(t)));
      expect(got).toEqual(want);
    });
  }

  it('covers leap days and weekdays', () => {
    expect(ev('month(t) * 100 + day(t)', { t: Date.parse('2000-02-29T23:59:59.999Z') })).toBe(229);
    expect(ev('month(t) * 100 + day(t)', { t: Date.parse('2100-02-28T23:59:59.999Z') + 1 })).toBe(301);
    expect(ev('dow(t)', { t: Date.parse('2024-01-01T00:00:00Z') })).toBe(0); // a Monday
    expect(ev('dow(t)', { t: Date.parse('2024-01-07T23:59:59Z') })).toBe(6); // a Sunday
  });

  it('gives null for a null timestamp', () => {
    for (const [code] of parts) expect(ev(code, { t: null }), code).toBe(null);
  });
});

describe('references', () => {
  it('collects column, parent and table references, deduplicated in order of appearance', () => {
    const e = parsed('a + a * parent.price + orders.qty - parent.price + b + orders.qty');
    expect(e.refs).toEqual([
      { kind: 'column', column: 'a' },
      { kind: 'table', table: 'parent', column: 'price' },
      { kind: 'table', table: 'orders', column: 'qty' },
      { kind: 'column', column: 'b' },
    ]);
  });

  it('binds each reference once and reads it per row', () => {
    const asked: string[] = [];
    const e = parsed('parent.price * quantity + customers.discount');
    const f = compileExpression(e, (ref) => {
      asked.push(refKey(ref));
      if (ref.kind === 'table' && ref.table === 'parent') return Float64Array.of(10, 20);
      if (ref.kind === 'table') return [1, 2];
      return Float64Array.of(3, 4);
    });
    expect(asked).toEqual(['parent.price', 'quantity', 'customers.discount']);
    expect([f(0), f(1)]).toEqual([31, 82]);
  });

  it('rebinds to new arrays on every compile (one compile per chunk)', () => {
    const e = parsed('a * 2');
    const first = compileExpression(e, () => Float64Array.of(1, 2));
    const second = compileExpression(e, () => Float64Array.of(10, 20));
    const third = compileExpression(e, () => ['x', 5]);
    expect([first(1), second(1), third(0), third(1)]).toEqual([4, 40, null, 10]);
  });
});

describe('nulls and non-finite results', () => {
  it('propagates a null operand through arithmetic and functions', () => {
    for (const code of ['a + 1', 'a * b', '-a', 'a ^ 2', 'a % 3', 'min(a, b)', 'abs(a)', 'round(a)', 'clamp(a, 0, 1)', 'log(a, 2)', 'if(b > 0, a, 0)']) {
      expect(ev(code, { a: null, b: 2 }), code).toBe(null);
    }
  });

  it('treats strings in numeric positions as null', () => {
    expect(ev('a + 1', { a: 'oops' })).toBe(null);
  });

  it('makes division by zero null, also inside larger expressions', () => {
    expect(ev('a / b', { a: 1, b: 0 })).toBe(null);
    expect(ev('a / b', { a: 0, b: 0 })).toBe(null);
    expect(ev('1 / (a / b)', { a: 1, b: 0 })).toBe(null);
    expect(ev('a % b', { a: 5, b: 0 })).toBe(null);
    expect(ev('log(a, 1)', { a: 5 })).toBe(null);
    expect(ev('if(b == 0, 0, a / b)', { a: 1, b: 0 })).toBe(0);
  });

  it('makes other non-finite results null', () => {
    expect(ev('log(a)', { a: 0 })).toBe(null);
    expect(ev('sqrt(a)', { a: -1 })).toBe(null);
    expect(ev('exp(a)', { a: 1000 })).toBe(null);
  });
});

describe('compile errors', () => {
  it('rejects an unknown function with a suggestion', () => {
    const [err] = errorsOf('rnd(x) + 1');
    expect(err.code).toBe('expr/unknown-function');
    expect(err.message).toContain('"rnd"');
    expect(err.hint).toBe('did you mean "rand"?');
    expect(err.offset).toBe(0);
    expect(errorsOf('1 + sqr(x)')[0]).toMatchObject({ hint: 'did you mean "sqrt"?', offset: 4 });
    expect(errorsOf('x + daysbetween(a, b)')[0].hint).toBe('did you mean "days_between"?');
    expect(errorsOf('frobnicate(x)')[0].hint).toMatch(/^valid: "if", "min", "max"/);
  });

  it.each([
    ['a = 1', 'expr/assignment', 2],
    ['f(x) = x', 'expr/function-definition', 5],
    ['[1, 2]', 'expr/matrix', 0],
    ['a.b.c', 'expr/member-access', 0],
    ['parent.f(1)', 'expr/call', 0],
    ['a[1, 2]', 'expr/index', 1],
    ['{a: 1}', 'expr/object', 0],
    ['a; b', 'expr/multiple', undefined],
    ['x!', 'expr/operator', 1],
    ['a & b', 'expr/operator', 2],
    ['x to cm', 'expr/operator', 2],
    ['50%', 'expr/percent', 2],
    ['2 x', 'expr/missing-operator', 2],
    ['x + NaN', 'expr/constant', 4],
    ['null', 'expr/constant', 0],
    ['not x > 3', 'expr/not-precedence', 0],
    ['y + (!x > 3)', 'expr/not-precedence', 5],
    ['"a" + 1', 'expr/type', undefined],
    ['status == 1 + "x"', 'expr/type', undefined],
    ['"a" < 3', 'expr/type', undefined],
    ['if(x, 1)', 'expr/arity', 0],
    ['clamp(x, 1)', 'expr/arity', 0],
    ['', 'expr/empty', undefined],
  ])('rejects %j (%s)', (code, errCode, offset) => {
    const errors = errorsOf(code);
    expect(errors[0].code).toBe(errCode);
    expect(errors[0].offset).toBe(offset);
    expect(errors[0].message.length).toBeGreaterThan(10);
    expect(errors[0].hint.length).toBeGreaterThan(5);
  });

  it('reports syntax errors at their offset in the original text', () => {
    const [err] = errorsOf('a && * b');
    expect(err.code).toBe('expr/syntax');
    expect(err.offset).toBe(5);
    expect(err.message).toContain('near "* b"');
    expect(errorsOf('(a + b')[0]).toMatchObject({ code: 'expr/syntax', hint: 'a "(" is not closed' });
  });

  it('collects every error in one pass', () => {
    const codes = errorsOf('rnd(x) + foo(y) + [1]').map((e) => e.code);
    expect(codes).toEqual(['expr/unknown-function', 'expr/unknown-function', 'expr/matrix']);
  });

  it('type-checks against known column types', () => {
    const e = parsed('status * 2 + amount');
    const types = { status: 'string', amount: 'number' } as const;
    const r = typeCheckExpression(e, (ref) => types[ref.column as keyof typeof types]);
    expect(r.errors.map((x) => x.code)).toEqual(['expr/type']);
    expect(r.errors[0].message).toContain('status');
    expect(typeCheckExpression(parsed('if(amount > 3, "big", "small")'), () => 'number')).toEqual({ type: 'string', errors: [] });
  });
});

describe('generated source', () => {
  it('is plain JavaScript over the bound arrays', () => {
    const e = parsed('base_a * base_b + 2');
    expect(exprToSource(e, ['number', 'number'])).toBe(
      '// r0 = base_a, r1 = base_b\nfunction expression(i) {\n  const v = ((r0[i] * r1[i]) + 2);\n  return v - v === 0 ? v : null;\n}',
    );
    expect(exprToSource(e)).toContain('$n(r0[i])');
    expect(exprToSource(parsed('hour(t) == 3 and status == "Paid"'))).toContain('(r1[i] === "Paid")');
  });
});

describe('chunked evaluation', () => {
  // Speed is measured in bench/micro.ts; here: the compiled function gives the exact values on every row of
  // several full 64 k chunks, also when it is compiled again per chunk as the engine does, and nulls propagate.
  it('base_a * base_b + 2 over three 65,536-row chunks equals the arithmetic on every row', () => {
    const chunk = 65_536;
    const e = parsed('base_a * base_b + 2');
    let rows = 0;
    for (let c = 0; c < 3; c++) {
      const a = Float64Array.from({ length: chunk }, (_, i) => uniform(1, c * chunk + i, 0) * 100);
      const b = Float64Array.from({ length: chunk }, (_, i) => uniform(2, c * chunk + i, 0) * 10);
      const f = compileExpression(e, (ref) => (ref.kind === 'column' && ref.column === 'base_a' ? a : b));
      let wrong = 0;
      for (let i = 0; i < chunk; i++) if (f(i) !== a[i] * b[i] + 2) wrong++;
      expect(wrong, `chunk ${c}`).toBe(0);
      rows += chunk;
    }
    expect(rows).toBe(196_608);
    const f = compiled('base_a * base_b + 2', { base_a: Float64Array.of(1, Number.NaN), base_b: Float64Array.of(3, 4) });
    expect([f(0), f(1)]).toEqual([5, null]); // NaN is a null in a number column
  });
});

describe('the parser mathjs builds from its factories is its number build\'s parser (src/expr/parse.ts)', () => {
  it('gives the same tree for every expression of the examples and a corpus of edge cases', async () => {
    const { createRequire } = await import('node:module');
    const { readdirSync, readFileSync } = await import('node:fs');
    const { mathjsParser } = await import('../../../src/expr/parse.ts');
    const full = (createRequire(import.meta.url)('mathjs/number') as { parse: (c: string) => unknown }).parse;
    const mine = mathjsParser();
    expect(mine).not.toBe(full);
    const codes = new Set<string>(['a + b * 2 ^ -3 % 4', 'x > 3 ? "hi" : y', 'not (a and b) or c xor d', 'user.age >= 18 and user.country == "FR"',
      'min(1, 2, 3) + abs(-4.5e-3) + round(2.5)', 'taste[2] + dot(a, b)', '-(-x)', '1e308 * 10', '"quote \\" inside"', 'f(g(h(1)))', '3!', 'a == b == c', 'x.y.z', '5 mm']);
    const dir = new URL('../../../examples/', import.meta.url);
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'code' || k === 'where' || k === 'score') && typeof x === 'string') codes.add(x);
          else walk(x);
        }
      }
    };
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) walk(JSON.parse(readFileSync(new URL(f, dir), 'utf8')));
    expect(codes.size).toBeGreaterThan(30);
    for (const c of codes) {
      let a: string, b: string;
      try { a = JSON.stringify(full(c)); } catch (e) { a = `error: ${(e as Error).message}`; }
      try { b = JSON.stringify(mine(c)); } catch (e) { b = `error: ${(e as Error).message}`; }
      expect(b, c).toBe(a);
    }
  });
});
