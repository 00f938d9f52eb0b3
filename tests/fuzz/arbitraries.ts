/**
 * fast-check arbitraries of hostile and careless inputs: mutations of the example and compat specs (as documents
 * and as raw JSON text), random expressions, random faker calls, and CLI option values, each packaged as a
 * FuzzCase for runner.ts. Mutations pick their target with a number taken modulo the places available, so that
 * they apply to any spec and shrink towards the first place.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import type { CaseFile, FuzzCase } from './types.ts';

const EXAMPLES = new URL('../../examples/', import.meta.url);
const COMPAT = new URL('../fixtures/compat/', import.meta.url);

/** The specs the mutations start from: every example and compat spec, by name. */
export const BASE_SPECS: { name: string; text: string; doc: any }[] = [EXAMPLES, COMPAT].flatMap((dir) =>
  readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const text = readFileSync(new URL(f, dir), 'utf8');
    return { name: `${dir === EXAMPLES ? 'examples' : 'compat'}/${f}`, text, doc: JSON.parse(text) };
  }));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

// ---------------------------------------------------------------------------------------------------------------
// Values

/** Numbers a careless or hostile author writes. */
const extremeNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, 1.7976931348623157e308, -1, 0, -0, 0.5, 1e-320, 5e-324, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e9, 1e12, 1e15, 1e100, 100_000_000, -(2 ** 53), 0.1, 1.5, 99.999),
  fc.integer({ min: -5, max: 20 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Strings in places that expect numbers, names, references, dates. */
const hostileString = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '0x10', '', ' ', 'null', 'true', '1', '-1', '__proto__', 'constructor', 'prototype',
    '../../etc/passwd', '/dev/zero', 'a\u0000b', '\u202e', 'é', '🙂', '{{string.alpha(1000000000)}}', '2025-13-45T99:99:99Z', '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z', '0099-01-01', 'timeframe', 'H', 'T', 'M', 'poisson', 'users.user_id', 'parent.x', '$ref', 'DROP TABLE users', "'; --", '"', '\\'),
  fc.string({ maxLength: 12 }),
  fc.constant('x'.repeat(5000)),
);

/** Any value: wrong types, extreme numbers, odd strings, small structures. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: extremeNumber, weight: 4 },
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [1e308, 1e308, 1e308], [0, 0, 0], [-1, 2], [null], { '': 1 }, { __proto__: 1 } as Json, { constructor: 'x' }), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, weight: 1 },
);

/** Library-only values (compile takes a document object): what JSON cannot carry. */
export const nonJsonValue = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, undefined, 10n, Symbol('s'), () => 1, new Date(0), Object.create(null), [, 1]);

// ---------------------------------------------------------------------------------------------------------------
// Expressions

function docNames(doc: any): { tables: string[]; columns: string[]; refs: string[] } {
  const tables: string[] = [];
  const columns: string[] = [];
  const refs: string[] = [];
  for (const n of Array.isArray(doc?.nodes) ? doc.nodes : []) {
    if (typeof n?.id !== 'string') continue;
    tables.push(n.id);
    for (const c of Array.isArray(n.columns) ? n.columns : []) {
      if (typeof c?.name !== 'string') continue;
      columns.push(c.name);
      refs.push(`${n.id}.${c.name}`);
    }
  }
  return { tables, columns, refs };
}

/** A random expression over `names` (columns, parent.x, table.col) with hostile constants and functions. */
function expression(names: { columns: string[]; refs: string[] }): fc.Arbitrary<string> {
  const ident = fc.oneof(
    names.columns.length ? fc.constantFrom(...names.columns) : fc.constant('x'),
    names.refs.length ? fc.constantFrom(...names.refs) : fc.constant('t.x'),
    fc.constantFrom('parent.user_id', 'parent.nope', 'nope', 'x.y.z', 'e', 'pi', 'true', 'null', 'undefined', 'Infinity', 'NaN'),
  );
  const atom = fc.oneof(
    { arbitrary: ident, weight: 4 },
    { arbitrary: extremeNumber.map((n) => (Object.is(n, -0) ? '-0' : String(n))), weight: 3 },
    { arbitrary: fc.constantFrom('"abc"', "'q'", '""', '1e999', '0x10', '1 cm', '5 inch to cm', '[1, 2]', '{a: 1}', '2 + 3i'), weight: 1 },
  );
  const { tree } = fc.letrec<{ tree: string }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      fc.tuple(tie('tree'), fc.constantFrom('+', '-', '*', '/', '^', '%', '==', '!=', '<', '>=', 'and', 'or', 'xor', '&', '|', '<<', 'to', 'mod'), tie('tree')).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(fc.constantFrom('round', 'abs', 'log', 'sqrt', 'exp', 'floor', 'ceil', 'min', 'max', 'pow', 'clamp', 'if', 'dow', 'hour', 'month', 'year', 'day', 'days_between',
        'evaluate', 'import', 'createUnit', 'parse', 'compile', 'simplify', 'derivative', 'range', 'zeros', 'factorial', 'gamma', 'nope', 'constructor', '__proto__', 'Function'),
      fc.array(tie('tree'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
      fc.tuple(tie('tree'), tie('tree'), tie('tree')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
      tie('tree').map((a) => `(${a})`),
      tie('tree').map((a) => `not ${a}`),
      tie('tree').map((a) => `-${a}`),
    ),
  }));
  return fc.oneof(
    { arbitrary: tree, weight: 8 },
    {
      arbitrary: fc.constantFrom('', ' ', '(', ')', '1 +', 'f(x) = x', 'x = 1', 'a; b', '"a" + 1', '[1,2][3]', 'x.constructor', 'this', '1e999 * 0',
        'import({}, {override: true})', 'evaluate("1")', 'createUnit("foo")', 'parse("1").compile().evaluate()', 'cos.constructor("return process")()',
        '(' .repeat(400) + '1' + ')'.repeat(400), '1' + ' + 1'.repeat(20000), 'factorial(1e9)', 'zeros(1e5, 1e5)', 'range(0, 1e9)', '"x" ^ 1e9'),
      weight: 2,
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Faker

const FAKER_METHODS = ['name', 'first_name', 'email', 'company', 'address', 'phone_number', 'uuid4', 'bothify', 'user_agent', 'license_plate', 'word',
  'date_of_birth', 'person.jobTitle', 'commerce.productName', 'string.alpha', 'string.alphanumeric', 'string.numeric', 'string.sample', 'helpers.fake',
  'helpers.fromRegExp', 'helpers.replaceSymbols', 'helpers.mustache', 'helpers.multiple', 'helpers.arrayElements', 'helpers.uniqueArray', 'lorem.paragraphs',
  'lorem.words', 'lorem.sentences', 'number.int', 'number.float', 'date.between', 'date.betweens', 'date.past', 'image.dataUri', 'internet.password',
  'location.nearbyGPSCoordinate', 'system.fileName', 'finance.amount', 'datatype.boolean', 'nope', 'person.nope', '__proto__', 'constructor',
  'helpers.__proto__', 'person.constructor', 'toString', 'faker', 'rawDefinitions', 'helpers', ''];

const fakerArg: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: hostileValue, weight: 3 },
  {
    arbitrary: fc.constantFrom<Json>(1e9, 100_000_000, '{{string.alpha(1000000000)}}', '{{helpers.fake("{{string.alpha(1000000000)}}")}}', '[a-z]{100000000}',
      '(a+)+$', '#'.repeat(100_000), { length: 1e9 }, { length: { min: 1e9, max: 1e9 } }, { min: 1e308, max: -1 }, { min: 5, max: 1 }, { count: 1e9 },
      { from: '0000-01-01', to: '9999-12-31' }, { from: 'x', to: 'y' }, [1e9], ['a'], { precision: 0 }, { multipleOf: 0 }),
    weight: 3,
  },
);

const fakerGenerator: fc.Arbitrary<Json> = fc.record(
  {
    method: fc.oneof({ arbitrary: fc.constantFrom(...FAKER_METHODS), weight: 5 }, { arbitrary: hostileString as fc.Arbitrary<Json>, weight: 1 }),
    args: fc.oneof(fakerArg, fc.array(fakerArg, { maxLength: 3 })),
    locale: fc.constantFrom<Json>('en', 'de', 'xx', 'en_US', '__proto__', 1, ''),
  },
  { requiredKeys: ['method'] },
).map((f) => ({ faker: f }));

// ---------------------------------------------------------------------------------------------------------------
// Document mutations

/** Every path of a document below the root (objects and arrays too). */
function paths(v: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (v && typeof v === 'object') {
    for (const [k, c] of Array.isArray(v) ? Array.from(v.keys(), (i) => [i, v[i]] as const) : Object.entries(v)) {
      const p = [...prefix, k];
      out.push(p);
      paths(c as Json, p, out);
    }
  }
  return out;
}

function at(doc: Json, p: Path): Json {
  let v: any = doc;
  for (const k of p) v = v?.[k];
  return v;
}

function set(doc: Json, p: Path, value: Json | undefined): void {
  const parent: any = at(doc, p.slice(0, -1));
  const k = p[p.length - 1];
  if (!parent || typeof parent !== 'object') return;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(k), 1);
    else delete parent[k];
  } else {
    Object.defineProperty(parent, k, { value, enumerable: true, writable: true, configurable: true }); // '__proto__' as a plain key
  }
}

/** Paths of column objects, node objects, objects of any kind. */
function columnPaths(doc: any): Path[] {
  const out: Path[] = [];
  (Array.isArray(doc?.nodes) ? doc.nodes : []).forEach((n: any, i: number) =>
    (Array.isArray(n?.columns) ? n.columns : []).forEach((_: unknown, j: number) => out.push(['nodes', i, 'columns', j])));
  return out;
}
function nodePaths(doc: any): Path[] {
  return (Array.isArray(doc?.nodes) ? doc.nodes : []).map((_: unknown, i: number) => ['nodes', i] as Path);
}

const KEYS = ['rows', 'fanout', 'generator', 'columns', 'parents', 'seed', 'pk', 'id', 'kind', 'type', 'nullable', 'null_rate', 'modifiers', 'weights',
  'choices', 'choices_ref', 'params', 'clamp', 'lambda', 'min', 'max', 'value', 'on', 'from', 'weights_by', 'within', 'freq', 'pattern', 'scenarios',
  'constraints', 'targets', 'timeframe', 'start', 'end', 'effects', 'segments', 'vintage', 'code', 'method', 'args', 'locale_from', '__proto__',
  'constructor', '$schema', 'unknown_key', ''];

/** A mutation of a spec document; numbers pick the place (modulo what the document has). */
export type Mutation =
  | { op: 'replace'; at: number; value: Json }
  | { op: 'number'; at: number; value: number }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: Json }
  | { op: 'reference'; at: number; pick: number; variant: number }
  | { op: 'expression'; at: number; code: string }
  | { op: 'faker'; at: number; gen: Json }
  | { op: 'type'; at: number; type: Json }
  | { op: 'fanout'; at: number; fanout: Json }
  | { op: 'rows'; at: number; rows: Json }
  | { op: 'duplicate'; at: number; which: 'node' | 'column'; caseFlip: boolean };

const fanout: fc.Arbitrary<Json> = fc.record(
  {
    distribution: fc.constantFrom<Json>('poisson', 'fixed', 'uniform', 'negative_binomial', 'geometric', 'zipf', 'nope', 1, null),
    lambda: extremeNumber, value: extremeNumber, mean: extremeNumber, k: extremeNumber, p: extremeNumber, min: extremeNumber, max: extremeNumber,
  },
  { requiredKeys: ['distribution'] },
);

function mutation(doc: any): fc.Arbitrary<Mutation> {
  const names = docNames(doc);
  const at = fc.nat({ max: 10_000 });
  return fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('replace' as const), at, value: hostileValue }), weight: 5 },
    { arbitrary: fc.record({ op: fc.constant('number' as const), at, value: extremeNumber }), weight: 5 },
    { arbitrary: fc.record({ op: fc.constant('delete' as const), at }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('add' as const), at, key: fc.constantFrom(...KEYS), value: hostileValue }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('reference' as const), at, pick: fc.nat({ max: 1000 }), variant: fc.nat({ max: 7 }) }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('expression' as const), at, code: expression(names) }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('faker' as const), at, gen: fakerGenerator }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('type' as const), at, type: fc.constantFrom<Json>('int', 'float', 'string', 'bool', 'datetime', 'date', 'decimal', 'json', 'list<int>', 'INT', 'nope', 1, null) }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('fanout' as const), at, fanout }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('rows' as const), at, rows: fc.oneof(extremeNumber as fc.Arbitrary<Json>, fc.constantFrom<Json>('1000', null, 1e999 as number)) }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('duplicate' as const), at, which: fc.constantFrom('node' as const, 'column' as const), caseFlip: fc.boolean() }), weight: 1 },
  );
}

const flipCase = (s: string) => (s === s.toUpperCase() ? s.toLowerCase() : s.toUpperCase());

/** Apply a mutation in place (a no-op when the document has no place for it). */
function applyMutation(doc: Json, m: Mutation): void {
  const pick = <T>(list: T[]): T | undefined => (list.length ? list[m.at % list.length] : undefined);
  switch (m.op) {
    case 'replace': {
      const p = pick(paths(doc));
      if (p) set(doc, p, structuredClone(m.value));
      return;
    }
    case 'number': {
      // A number stays a number (the spec stays valid more often: the extreme value itself is on trial).
      const p = pick(paths(doc).filter((q) => typeof at(doc, q) === 'number'));
      if (p) set(doc, p, m.value);
      return;
    }
    case 'delete': {
      const p = pick(paths(doc));
      if (p) set(doc, p, undefined);
      return;
    }
    case 'add': {
      const objects = [[] as Path, ...paths(doc)].filter((p) => { const v = at(doc, p); return v !== null && typeof v === 'object' && !Array.isArray(v); });
      const p = pick(objects);
      if (p) set(doc, [...p, m.key], structuredClone(m.value));
      return;
    }
    case 'reference': {
      // A string that names a table, a column or table.column becomes another (case-flipped, own table, reserved, missing) name.
      const names = docNames(doc);
      const known = new Set([...names.tables, ...names.columns, ...names.refs]);
      const refs = paths(doc).filter((p) => { const v = at(doc, p); return typeof v === 'string' && known.has(v); });
      const p = pick(refs);
      if (!p) return;
      const old = at(doc, p) as string;
      const nodeIdx = p[0] === 'nodes' ? Number(p[1]) : -1;
      const own = nodeIdx >= 0 ? (doc as any).nodes[nodeIdx]?.id : undefined;
      const any = <T>(l: T[], d: T): T => (l.length ? l[m.pick % l.length] : d);
      const candidates = [
        any(names.tables, 'users'), any(names.refs, 'users.user_id'), any(names.columns, 'x'), flipCase(old),
        own !== undefined ? `${own}.${any(names.columns, 'x')}` : old, any(['_labels', '_datagen_manifest', 'main', 'information_schema'], '_labels'),
        `${old}_missing`, any(['', '.', 'a.b.c', ' users', 'users.', '.user_id'], ''),
      ];
      set(doc, p, candidates[m.variant % candidates.length]);
      return;
    }
    case 'expression': {
      const p = pick(columnPaths(doc));
      if (p) set(doc, [...p, 'generator'], { expression: { code: m.code } });
      return;
    }
    case 'faker': {
      const p = pick(columnPaths(doc));
      if (p) set(doc, [...p, 'generator'], structuredClone(m.gen));
      return;
    }
    case 'type': {
      const p = pick(columnPaths(doc));
      if (p) set(doc, [...p, 'type'], m.type);
      return;
    }
    case 'fanout': {
      const facts = nodePaths(doc).filter((p) => Array.isArray((at(doc, p) as any)?.parents));
      const p = pick(facts.length ? facts : nodePaths(doc));
      if (p) set(doc, [...p, 'fanout'], structuredClone(m.fanout));
      return;
    }
    case 'rows': {
      const p = pick(nodePaths(doc));
      if (p) set(doc, [...p, 'rows'], m.rows);
      return;
    }
    case 'duplicate': {
      const list = m.which === 'node' ? nodePaths(doc) : columnPaths(doc);
      const p = pick(list);
      if (!p) return;
      const copy: any = structuredClone(at(doc, p));
      const key = m.which === 'node' ? 'id' : 'name';
      if (m.caseFlip && typeof copy?.[key] === 'string') copy[key] = flipCase(copy[key]);
      (at(doc, p.slice(0, -1)) as Json[]).push(copy);
      return;
    }
  }
}

const SAFE_FAKER = ['name', 'first_name', 'last_name', 'email', 'company', 'address', 'phone_number', 'uuid4', 'word', 'user_agent', 'license_plate',
  'person.jobTitle', 'commerce.productName', 'date_of_birth', 'date.past', 'internet.password', 'lorem.words', 'number.int', 'datatype.boolean'];

/**
 * Plausible edits (a careless author rather than an attacker): numbers within ordinary ranges, a faker method
 * without arguments, arithmetic over the spec's own columns, moderate fanouts. Many of these compile cleanly, so
 * they exercise "a spec that compiles without errors runs".
 */
function gentleMutation(doc: any): fc.Arbitrary<Mutation> {
  const names = docNames(doc);
  const at = fc.nat({ max: 10_000 });
  const num = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 2, 0.5, 1e6, 1e-9));
  const col = names.columns.length ? fc.constantFrom(...names.columns) : fc.constant('x');
  const arith = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof({ depthSize: 'small' }, col, num.map(String), fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '>', '=='), tie('e')).map(([a, o, b]) => `(${a} ${o} ${b})`),
      fc.tuple(fc.constantFrom('round', 'abs', 'floor', 'sqrt', 'log'), tie('e')).map(([f, a]) => `${f}(${a})`)),
  })).e;
  return fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('number' as const), at, value: num }), weight: 5 },
    { arbitrary: fc.record({ op: fc.constant('faker' as const), at, gen: fc.constantFrom(...SAFE_FAKER).map((method) => ({ faker: { method } }) as Json) }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('expression' as const), at, code: arith }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('fanout' as const), at, fanout: fc.record({ distribution: fc.constantFrom<Json>('poisson', 'fixed', 'uniform', 'geometric'), lambda: num, value: fc.integer({ min: 0, max: 50 }), min: fc.integer({ min: 0, max: 5 }), max: fc.integer({ min: 5, max: 100 }) }, { requiredKeys: ['distribution'] }) as fc.Arbitrary<Json> }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('delete' as const), at }), weight: 1 },
  );
}

/** A base spec and 1–3 mutations of it: hostile ones (60 %) or plausible ones. */
export const mutatedSpec: fc.Arbitrary<{ base: string; mutations: Mutation[]; doc: Json }> = fc
  .tuple(fc.nat({ max: BASE_SPECS.length - 1 }), fc.nat({ max: 9 }))
  .chain(([i, kind]) => fc.record({
    base: fc.constant(BASE_SPECS[i].name),
    mutations: fc.array(kind < 6 ? mutation(BASE_SPECS[i].doc) : gentleMutation(BASE_SPECS[i].doc), { minLength: 1, maxLength: 3, size: 'xsmall' }),
    i: fc.constant(i),
  }))
  .map(({ base, mutations, i }) => {
    const doc = structuredClone(BASE_SPECS[i].doc) as Json;
    for (const m of mutations) applyMutation(doc, m);
    return { base, mutations, doc };
  });

// ---------------------------------------------------------------------------------------------------------------
// Raw text mutations (what the JSON loader sees)

export type TextMutation =
  | { op: 'number'; at: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'bom' }
  | { op: 'duplicate-key'; at: number; key: string; value: string }
  | { op: 'deep'; depth: number; at: number }
  | { op: 'bytes'; at: number; bytes: string }
  | { op: 'comment'; at: number }
  | { op: 'trailing-comma'; at: number }
  | { op: 'whole'; text: string };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('number' as const), at: fc.nat({ max: 10_000 }), text: fc.constantFrom('1e999', '-1e999', '1e308', '-0', '0x10', 'NaN', 'Infinity', '00012', '1.', '.5', '1e-999', '123456789012345678901234567890', '+1', '1_000') }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat({ max: 100_000 }) }), weight: 1 },
  { arbitrary: fc.constant({ op: 'bom' as const }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('duplicate-key' as const), at: fc.nat({ max: 10_000 }), key: fc.constantFrom('id', 'rows', 'name', 'type', 'generator', 'nodes', 'seed'), value: fc.constantFrom('1', '"x"', 'null', '{}', '[]', '1e999') }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('deep' as const), depth: fc.constantFrom(10, 1_000, 5_000, 100_000), at: fc.nat({ max: 10_000 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('bytes' as const), at: fc.nat({ max: 100_000 }), bytes: fc.constantFrom('\xff', '\xc3', '\xed\xa0\x80', '\x00', '\xef\xbb\xbf', '\xc0\xaf') }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('comment' as const), at: fc.nat({ max: 10_000 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('trailing-comma' as const), at: fc.nat({ max: 10_000 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('whole' as const), text: fc.constantFrom('', ' ', 'null', '[]', '{}', '"spec"', '1e999', '{"nodes": []}', '{"version": "1.0", "nodes": null}', '\ufeff{}', '{"a":1,"a":2}', '[' .repeat(100_000)) }), weight: 1 },
);

/** Apply a raw-text mutation; the result is written as UTF-8, or byte per character when it holds raw bytes. */
function applyTextMutation(text: string, m: TextMutation): CaseFile & { latin1?: boolean } {
  const positions = (re: RegExp) => [...text.matchAll(re)].map((x) => x.index!);
  const pickPos = (list: number[], at: number) => (list.length ? list[at % list.length] : undefined);
  switch (m.op) {
    case 'number': {
      const nums = [...text.matchAll(/(?<=[:\[,]\s*)-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
      const hit = nums.length ? nums[m.at % nums.length] : undefined;
      return { data: hit ? text.slice(0, hit.index) + m.text + text.slice(hit.index! + hit[0].length) : text };
    }
    case 'truncate':
      return { data: text.slice(0, m.at % (text.length + 1)) };
    case 'bom':
      return { data: '\ufeff' + text };
    case 'duplicate-key': {
      const p = pickPos(positions(/\{/g), m.at);
      return { data: p === undefined ? text : `${text.slice(0, p + 1)}"${m.key}": ${m.value}, ${text.slice(p + 1)}` };
    }
    case 'deep': {
      const p = pickPos(positions(/:\s*/g), m.at);
      const deep = '['.repeat(m.depth) + ']'.repeat(m.depth);
      if (p === undefined) return { data: text };
      const end = text.slice(p + 1).search(/[,}\]]/);
      return { data: `${text.slice(0, p + 1)} ${deep}${end < 0 ? '' : text.slice(p + 1 + end)}` };
    }
    case 'bytes': {
      // Latin-1 writes each char as a byte: encode the text as UTF-8 bytes first, then insert the raw bytes.
      const utf8 = Buffer.from(text, 'utf8').toString('latin1');
      const p = m.at % (utf8.length + 1);
      return { data: utf8.slice(0, p) + m.bytes + utf8.slice(p), enc: 'latin1' };
    }
    case 'comment': {
      const p = pickPos(positions(/,\s*\n/g), m.at);
      return { data: p === undefined ? `// comment\n${text}` : `${text.slice(0, p + 1)} // comment\n/* block */${text.slice(p + 1)}` };
    }
    case 'trailing-comma': {
      const p = pickPos(positions(/[}\]]/g), m.at);
      return { data: p === undefined ? text : `${text.slice(0, p)},${text.slice(p)}` };
    }
    case 'whole':
      return { data: m.text };
  }
}

export const mutatedText: fc.Arbitrary<{ base: string; mutations: TextMutation[]; file: CaseFile }> = fc
  .record({ i: fc.nat({ max: BASE_SPECS.length - 1 }), mutations: fc.array(textMutation, { minLength: 1, maxLength: 2 }) })
  .map(({ i, mutations }) => {
    let file: CaseFile = { data: BASE_SPECS[i].text };
    for (const m of mutations) {
      // After a byte mutation the text is Latin-1 bytes: later mutations work on those bytes as characters.
      const next = applyTextMutation(file.data, m);
      file = { data: next.data, enc: next.enc ?? file.enc };
    }
    return { base: BASE_SPECS[i].name, mutations, file };
  });

// ---------------------------------------------------------------------------------------------------------------
// CLI options

/** Option values that keep a run small (a scale of at most 0.005, --max-rows at most 20,000), and invalid ones. */
const OPTION_VALUES: Record<string, { valid: string[]; invalid: string[] }> = {
  '--scale': { valid: ['0.001', '0.002', '0.005'], invalid: ['0', '-1', '0x10', '1e999', 'NaN', 'Infinity', '', ' ', 'abc', '1e-9', '0.0001', '1,5', '1/2'] },
  '--seed': { valid: ['7', '0', '-1', '9007199254740991', '-9007199254740991'], invalid: ['9007199254740992', '1e3', '1.5', 'abc', '', '0x10', '99999999999999999999'] },
  '--chunk-rows': { valid: ['1', '7', '1000', '65536', '1000000'], invalid: ['0', '-5', '1.5', 'abc', '', '1e999', '9007199254740992'] },
  '--workers': { valid: ['1', '2', '3'], invalid: ['0', '-1', '1.5', 'abc', '', '1e999'] },
  '--max-rows': { valid: ['1', '100', '20000'], invalid: ['0', '-1', 'abc', '1e999', '', '1.5'] },
  '--memory-limit': { valid: ['16MB', '64MB', '256MB', '1GB', '1.5GB', '1TB'], invalid: ['15MB', '0', '-1GB', 'abc', '', '1e999GB', '100', '16 mb', 'GB', '1PB'] },
  '--format': { valid: ['duckdb', 'parquet'], invalid: ['csv', ''] },
  '--shard': { valid: ['0/1', '0/2', '1/2'], invalid: ['2/2', '1/0', 'a/b', '', '-1/2', '0/9007199254740993'] },
};

/** -o targets and what the case folder holds beforehand. The spec is `spec.json`. */
const OUTPUT_TARGETS = ['out.duckdb', 'out-parquet', 'spec.json', 'readme.txt', 'old.duckdb', 'existing-dir', 'existing-dir/', 'link.duckdb',
  'dangling.duckdb', 'missing/sub/out.duckdb', '', '.', 'x'.repeat(300), 'a\u0000b', 'spaces and é.duckdb', '-', 'readme.txt/x.duckdb'] as const;

export interface CliChoice {
  command: 'run' | 'compile';
  options: [string, string][];
  flags: string[];
  out?: string;
}

export const cliChoice: fc.Arbitrary<CliChoice> = fc.record({
  command: fc.constantFrom<'run' | 'compile'>('run', 'run', 'run', 'compile'),
  options: fc.uniqueArray(fc.constantFrom(...Object.keys(OPTION_VALUES)).chain((k) => fc.tuple(fc.constant(k), fc.oneof(
    { arbitrary: fc.constantFrom(...OPTION_VALUES[k].valid), weight: 4 }, { arbitrary: fc.constantFrom(...OPTION_VALUES[k].invalid), weight: 1 }))), { maxLength: 4, selector: ([k]) => k }),
  flags: fc.subarray(['--strict', '--force', '--without-scenarios']),
  out: fc.option(fc.oneof({ arbitrary: fc.constantFrom('out.duckdb', 'out-parquet'), weight: 2 }, { arbitrary: fc.constantFrom(...OUTPUT_TARGETS), weight: 3 }), { nil: undefined }),
});

/**
 * The case folder every CLI case starts with: the spec, a README (not ours), an old DuckDB database, a folder, a
 * symlink to the README and a dangling symlink. Which of them must stay exactly as they were: the spec always; the
 * README (directly or through the link) unless --force; the links and the folder always.
 */
export function cliCase(label: string, spec: CaseFile, choice: CliChoice): FuzzCase {
  const values = new Map(choice.options);
  // A run stays small: the scale is at most 0.005 (or invalid, then nothing runs) and --max-rows at most 20,000.
  if (!values.has('--scale')) values.set('--scale', '0.001');
  if (!values.has('--max-rows') && choice.command === 'run') values.set('--max-rows', '20000');
  const argv = [choice.command, 'spec.json', '-q'];
  for (const [k, v] of values) {
    if (choice.command === 'compile' && !['--scale', '--seed'].includes(k)) continue; // compile has only these
    argv.push(k, v);
  }
  argv.push(...choice.flags.filter((f) => choice.command === 'run' || f !== '--without-scenarios'));
  if (choice.out !== undefined) argv.push('-o', choice.out);
  const force = choice.flags.includes('--force');
  return {
    label,
    files: { 'spec.json': spec, 'readme.txt': { data: '# not a database\n' }, 'old.duckdb': { data: '', duckdb: true } },
    dirs: ['existing-dir'],
    symlinks: { 'link.duckdb': 'readme.txt', 'dangling.duckdb': 'nowhere/x.duckdb' },
    argv,
    untouchable: ['spec.json', 'link.duckdb', 'dangling.duckdb', 'existing-dir', ...(force ? [] : ['readme.txt'])],
  };
}
