/**
 * Issue 19 (5): faker arguments are bounded. The spec's own arguments are checked at plan time
 * (fakerArgsProblem → DG_OUT_OF_RANGE), every sized faker-js call is checked again at run by the
 * guard on datagen's Faker instances (templates, regular expressions), and nothing user-supplied
 * runs while the schema rejects the document.
 */
import { describe, expect, it } from 'vitest';
import { FakerColumn } from '../../../src/model/faker.ts';
import { keyedFaker } from '../../../src/model/faker/fakerjs.ts';
import { callProblem, FAKER_LIMITS, fakerArgsProblem, regexProblem } from '../../../src/model/faker-limits.ts';
import { compile } from '../../../src/plan/compile.ts';
import { validatePlan } from '../../../src/plan/plan-schema.ts';

function spec(generator: unknown, extra: Record<string, unknown> = {}) {
  return {
    version: '1.0',
    metadata: { name: 'limits' },
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-01-31T23:59:59Z', freq: 'H' },
    nodes: [{ id: 'user', kind: 'entity', pk: 'user_id', rows: 5, columns: [
      { name: 'user_id', type: 'int', generator: { sequence: {} } },
      { name: 'x', type: 'string', generator },
    ] }],
    constraints: {},
    ...extra,
  };
}

describe('fakerArgsProblem (the spec\'s arguments)', () => {
  it('refuses lengths and counts above the limits, positional or in options, numbers or ranges', () => {
    expect(fakerArgsProblem('string.alpha', { _: [1e9] })).toMatch(/string\.alpha: argument 1 is 1000000000, above the limit of 10,000 characters/);
    expect(fakerArgsProblem('string.alpha', { length: 1e9 })).toMatch(/length is 1000000000/);
    expect(fakerArgsProblem('string.alpha', { length: { min: 1, max: 20_000 } })).toMatch(/length is 20000/);
    expect(fakerArgsProblem('string.fromCharacters', { _: ['abc', 1e7] })).toMatch(/argument 2 is 10000000/);
    expect(fakerArgsProblem('lorem.words', { _: [5000] })).toMatch(/above the limit of 1,000 items/);
    expect(fakerArgsProblem('date.betweens', { from: '2020-01-01', to: '2021-01-01', count: 1e6 })).toMatch(/count is 1000000/);
    expect(fakerArgsProblem('system.fileName', { extensionCount: 1e6 })).toMatch(/extensionCount is 1000000/);
    expect(fakerArgsProblem('string.alpha', { _: [Infinity] })).toMatch(/Infinity/);
    expect(fakerArgsProblem('pystr', { max_chars: 1e9 })).toMatch(/max_chars is 1000000000/);
    expect(fakerArgsProblem('words', { nb: 1e6 })).toMatch(/nb is 1000000/);
  });

  it('accepts sizes at the limit and numbers that are values, not sizes', () => {
    expect(fakerArgsProblem('string.alpha', { _: [FAKER_LIMITS.length] })).toBeUndefined();
    expect(fakerArgsProblem('lorem.words', { _: [{ min: 1, max: FAKER_LIMITS.count }] })).toBeUndefined();
    expect(fakerArgsProblem('number.int', { min: 0, max: 1e15 })).toBeUndefined();
    expect(fakerArgsProblem('number.int', { _: [1e12] })).toBeUndefined();
    expect(fakerArgsProblem('pyint', { min_value: 0, max_value: 1e12 })).toBeUndefined();
  });

  it('checks the calls inside a helpers.fake template', () => {
    expect(fakerArgsProblem('helpers.fake', { _: ['{{string.alpha(1000000000)}}'] })).toMatch(/in \{\{string\.alpha\(…\)\}\}: string\.alpha: argument 1 is 1000000000/);
    expect(fakerArgsProblem('helpers.fake', { _: ['a {{lorem.words({"min": 1, "max": 99999})}} b'] })).toMatch(/lorem\.words/);
    expect(fakerArgsProblem('helpers.fake', { _: ['x'.repeat(FAKER_LIMITS.template + 1)] })).toMatch(/template has 10,001 characters/);
    expect(fakerArgsProblem('helpers.fake', { _: ['{{person.firstName}} {{string.alpha(10)}}'] })).toBeUndefined();
  });

  it('bounds regular expressions: quantifier sum, braces only as quantifiers', () => {
    expect(regexProblem('[a-z]{100000000}')).toMatch(/up to 100,000,016 characters/);
    expect(regexProblem('[a-z]{6000}[0-9]{6000}')).toMatch(/above the limit of 10,000/);
    expect(regexProblem('x{1[0-9]{8}}')).toMatch(/"\{" at position 1 does not start a quantifier/);
    expect(regexProblem('[{}0-9]{50}')).toMatch(/does not start a quantifier/);
    expect(regexProblem('a}')).toMatch(/"\}" at position 1/);
    expect(regexProblem('[A-Z]{3}-[0-9]{4,6}')).toBeUndefined();
    expect(callProblem('helpers.replaceCreditCardSymbols', ['#{100000000}'])).toMatch(/quantifiers ask for/);
  });

  it('bounds what helpers.mustache would build', () => {
    expect(callProblem('helpers.mustache', ['{{a}}'.repeat(2000), { a: 'x'.repeat(5000) }])).toMatch(/more than 100,000 characters/);
    expect(callProblem('helpers.mustache', ['hi {{a}}', { a: 'there' }])).toBeUndefined();
  });
});

describe('the guard on datagen\'s Faker instances (every sized call, at run)', () => {
  it('throws before a template or a direct call allocates, and leaves ordinary calls alone', () => {
    const { faker } = keyedFaker('en');
    expect(() => faker.string.alpha(1e9)).toThrow(/string\.alpha: argument 1 is 1000000000/);
    expect(() => faker.helpers.fake('{{string.alpha(1000000000)}}')).toThrow(/string\.alpha: argument 1 is 1000000000/);
    expect(() => faker.helpers.fromRegExp('[a-z]{100000000}')).toThrow(/quantifiers ask for/);
    expect(() => faker.lorem.paragraphs(1e7)).toThrow(/above the limit of 1,000 items/);
    // A template that grows itself: each {{…}} is bounded, and so is the text fake keeps filling in.
    expect(() => faker.helpers.fake(`{{string.alpha(10000)}}`.repeat(20))).toThrow(/helpers\.fake: the text grew to/);
    expect(faker.string.alpha(12)).toHaveLength(12);
    // At the limit: faker-js builds it with helpers.multiple({count: 10000}), which the guard allows too.
    expect(faker.string.alpha(FAKER_LIMITS.length)).toHaveLength(FAKER_LIMITS.length);
    expect(faker.lorem.paragraphs(FAKER_LIMITS.count).length).toBeGreaterThan(FAKER_LIMITS.count);
    expect(faker.helpers.fromRegExp('[A-Z]{3}-[0-9]{4}')).toMatch(/^[A-Z]{3}-[0-9]{4}$/);
    expect(faker.company.name().length).toBeGreaterThan(0);
  });

  it('does not change values: a guarded column draws what faker-js draws', () => {
    const a = new FakerColumn({ method: 'helpers.fromRegExp', args: { _: ['[A-Z]{2}[0-9]{3}'] } }, 7);
    const values = Array.from({ length: 5 }, (_, i) => a.value(i));
    const b = new FakerColumn({ method: 'helpers.fromRegExp', args: { _: ['[A-Z]{2}[0-9]{3}'] } }, 7);
    expect(Array.from({ length: 5 }, (_, i) => b.value(i))).toEqual(values);
    for (const v of values) expect(v).toMatch(/^[A-Z]{2}[0-9]{3}$/);
  });
});

describe('compile', () => {
  it('reports oversized faker arguments as DG_OUT_OF_RANGE at the args pointer, without running them', () => {
    const r = compile(spec({ faker: { method: 'helpers.fake', args: { _: ['{{string.alpha(1000000000)}}'] } } }));
    expect(r.plan).toBeNull();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'DG_OUT_OF_RANGE', path: '/nodes/0/columns/1/generator/faker/args' })]);
  });

  it('does not probe faker calls while the schema rejects the document', () => {
    // helpers.arrayElement without arguments fails when probed (DG_BAD_PARAM) …
    const probed = compile(spec({ faker: { method: 'helpers.arrayElement' } }));
    expect(probed.diagnostics.map((d) => d.code)).toEqual(['DG_BAD_PARAM']);
    // … but with a schema error elsewhere nothing user-supplied is run: only the schema error is reported.
    const skipped = compile(spec({ faker: { method: 'helpers.arrayElement' } }, { surprise: true }));
    expect(skipped.diagnostics.map((d) => d.code)).toEqual(['DG_UNKNOWN_KEY']);
  });

  it('holds an edited plan file to the same limits (run plan.json)', () => {
    const { plan } = compile(spec({ faker: { method: 'string.alpha', args: { _: [10] } } }));
    expect(plan).not.toBeNull();
    expect(validatePlan(JSON.parse(JSON.stringify(plan)))).toEqual([]);
    const edited = JSON.parse(JSON.stringify(plan));
    const col = edited.tables[0].columns.find((c: { name: string }) => c.name === 'x');
    col.generator.args = { _: [1e9] };
    expect(validatePlan(edited)).toEqual([expect.stringMatching(/^\/tables\/0\/columns\/\d+\/generator\/args string\.alpha: argument 1 is 1000000000, above the limit/)]);
  });
});

describe('bare size ranges (fuzzer F10)', () => {
  it('string.sample / lorem.words with an object that is not {min, max} of numbers are refused (faker-js would read a range up to 2^53)', () => {
    expect(callProblem('string.sample', [{ from: 'x', to: 'y' }])).toMatch(/must be a number or \{min, max\}/);
    expect(callProblem('lorem.words', [{ min: 'a', max: 'b' }])).toMatch(/must be a number or \{min, max\}/);
    expect(callProblem('string.sample', [{ min: 2, max: 5 }])).toBeUndefined();
    expect(callProblem('string.sample', [12])).toBeUndefined();
    // Methods with an options object keep it: string.alpha({casing}) has length 1 by default.
    expect(callProblem('string.alpha', [{ casing: 'upper' }])).toBeUndefined();
  });

  it('the compile-time probe never runs such a call: a diagnostic at the args', () => {
    const doc = { version: '1.0', metadata: { name: 'f10' }, constraints: {}, timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'H' },
      nodes: [{ id: 'u', kind: 'entity', pk: 'id', rows: 10, columns: [{ name: 'id', type: 'int', generator: { sequence: {} } }, { name: 's', type: 'string', generator: { faker: { method: 'string.sample', args: { from: 'x', to: 'y' } } } }] }] };
    const d = compile(doc).diagnostics.find((x) => x.severity === 'error');
    expect(d?.code).toBe('DG_OUT_OF_RANGE');
    expect(d?.path).toBe('/nodes/0/columns/1/generator/faker/args');
  });
});
