/**
 * Bounds on the arguments of faker calls. A spec can pass any arguments to any faker-js method
 * (`string.alpha(1e9)`, `helpers.fromRegExp('[a-z]{100000000}')`, a `helpers.fake` template that
 * calls either): unchecked, one value would exhaust memory at compile time (the plan-time probe)
 * or at run. Every limit is documented in docs/diagnostics.md ("Limits").
 *
 * Two layers: `fakerArgsProblem` checks the spec's own arguments at plan time (a diagnostic with a
 * clear message), and `guardFaker` wraps every method of datagen's Faker instances so that any call —
 * from a template, a regular expression or faker-js itself — is checked before it runs.
 */
import type { Faker } from '@faker-js/faker';

export const FAKER_LIMITS = {
  /** Characters a length argument may ask for (string.alpha(n), {length: n}, password length…). */
  length: 10_000,
  /** Items a count argument may ask for (lorem.words(n), {count: n}, date.betweens…). */
  count: 1_000,
  /** Characters of a pattern written in the spec (helpers.fake / mustache templates, regular expressions). */
  template: 10_000,
  /** Characters a template may grow to while helpers.fake fills it in. */
  output: 100_000,
};

type Size = 'length' | 'count';

/** Positional arguments that are sizes, by faker-js method ("module.method" or "module.*"). */
const POSITIONAL: Record<string, (Size | null)[]> = {
  'string.*': ['length'],
  'string.fromCharacters': [null, 'length'],
  'lorem.word': ['length'],
  'lorem.*': ['count'],
  'word.words': ['count'],
  'word.*': ['length'],
  'finance.pin': ['length'],
  'finance.accountNumber': ['length'],
  'finance.maskedNumber': ['length'],
  'helpers.arrayElements': [null, 'length'],
  'helpers.uniqueArray': [null, 'length'],
};

/** Methods whose first argument is a bare size range (number | {min, max}), with no options object form. */
const RANGE_ONLY = new Set(['string.sample', 'lorem.words', 'lorem.sentence', 'lorem.sentences', 'lorem.paragraph', 'lorem.paragraphs', 'lorem.lines', 'lorem.slug']);

const SIZES_OF = new Map<string, (Size | null)[]>();
function positionalSizes(path: string): (Size | null)[] {
  let sizes = SIZES_OF.get(path);
  if (!sizes) SIZES_OF.set(path, (sizes = POSITIONAL[path] ?? POSITIONAL[`${path.split('.')[0]}.*`] ?? []));
  return sizes;
}

/** Python Faker keyword arguments that are sizes. */
const PYTHON_SIZES: Record<string, Record<string, Size>> = {
  pystr: { max_chars: 'length' },
  password: { length: 'length' },
  text: { max_nb_chars: 'length' },
  words: { nb: 'count' },
  sentence: { nb_words: 'count' },
  paragraph: { nb_sentences: 'count' },
  bothify: { text: 'length' },
  numerify: { text: 'length' },
  lexify: { text: 'length' },
  hexify: { text: 'length' },
};

const fmt = (n: number) => n.toLocaleString('en-US');

const tooBig = (x: unknown, limit: number): boolean => typeof x === 'number' && !(x <= limit);

/** A size argument: a number, a {min, max} range or (Python text arguments) a string. `what` names it in the message. */
function sizeProblem(value: unknown, kind: Size, what: string | (() => string)): string | undefined {
  const limit = FAKER_LIMITS[kind];
  const name = () => (typeof what === 'string' ? what : what());
  if (typeof value === 'string') return value.length > limit ? `${name()} has ${fmt(value.length)} characters, above the limit of ${fmt(limit)}` : undefined;
  let bad: unknown;
  if (typeof value === 'number') {
    if (!tooBig(value, limit)) return undefined;
    bad = value;
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    const r = value as Record<string, unknown>;
    if (tooBig(r.min, limit)) bad = r.min;
    else if (tooBig(r.max, limit)) bad = r.max;
    else return undefined;
  } else return undefined;
  return `${name()} is ${bad}, above the limit of ${fmt(limit)} ${kind === 'length' ? 'characters' : 'items'}`;
}

/** `…Count` option keys of faker-js methods (system.fileName's extensionCount); `count` and `length` are checked everywhere. */
const COUNT_KEYS = ['extensionCount'];

/**
 * Sizes inside options objects: `length`, `count` and `…Count` keys (at most two levels down). At run
 * (`quick`) only `length`, `count` and the known `…Count` keys are read, so the guard costs O(1) per
 * argument even for faker-js's own definition tables; arrays are never walked (options are objects).
 */
function optionsProblem(x: unknown, path: string, quick: boolean, depth = 0): string | undefined {
  if (!x || typeof x !== 'object' || Array.isArray(x) || depth > 2) return undefined;
  const r = x as Record<string, unknown>;
  if (quick) {
    const l = r.length;
    const c = r.count;
    if (l !== undefined && typeof l !== 'string') {
      const p = sizeProblem(l, 'length', 'length');
      if (p) return p;
    }
    if (c !== undefined && typeof c !== 'string') {
      const p = sizeProblem(c, 'count', 'count');
      if (p) return p;
    }
    for (const k of COUNT_KEYS) if (r[k] !== undefined) return sizeProblem(r[k], 'count', k);
    return undefined;
  }
  for (const k of Object.keys(r)) {
    const v = r[k];
    const kind: Size | null = k === 'length' ? 'length' : k === 'count' || /Count$/.test(k) ? 'count' : null;
    const p = (kind && typeof v !== 'string' ? sizeProblem(v, kind, k) : undefined) ?? optionsProblem(v, path, quick, depth + 1);
    if (p) return p;
  }
  return undefined;
}

/**
 * A regular expression for helpers.fromRegExp: every `{` must start a quantifier `{n}` / `{n,m}` of
 * digits (faker-js expands braces in several passes, so braces built from generated characters would
 * be quantifiers too), and the expanded text — the pattern plus every quantifier's maximum — stays
 * within the length limit. `*` and `+` repeat a geometric number of times (faker-js: mean 1).
 */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.length > FAKER_LIMITS.template) return `the pattern has ${fmt(pattern.length)} characters, above the limit of ${fmt(FAKER_LIMITS.template)}`;
  let total = pattern.length;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '}') return `"}" at position ${i} does not close a quantifier {n} or {n,m}`;
    if (c !== '{') continue;
    const m = /^\{(\d{1,9})(?:,(\d{1,9}))?\}/.exec(pattern.slice(i, i + 24));
    if (!m) return `"{" at position ${i} does not start a quantifier {n} or {n,m} (braces are only allowed as quantifiers)`;
    total += Math.max(Number(m[1]), Number(m[2] ?? 0));
    if (total > FAKER_LIMITS.length) return `the quantifiers ask for up to ${fmt(total)} characters, above the limit of ${fmt(FAKER_LIMITS.length)}`;
    i += m[0].length - 1;
  }
  return undefined;
}

/** helpers.fake arguments: faker-js parses `(…)` as a JSON array, else as one string. */
function parseTemplateArgs(s: string): unknown[] {
  try {
    return JSON.parse(`[${s}]`) as unknown[];
  } catch {
    return [s];
  }
}

/** The `{{module.method(args)}}` calls of a helpers.fake template, checked like direct calls. */
function templateProblem(template: string, limit: number, depth: number): string | undefined {
  if (template.length > limit) return `the template has ${fmt(template.length)} characters, above the limit of ${fmt(limit)}`;
  if (depth > 4) return undefined;
  for (const m of template.matchAll(/\{\{\s*([a-zA-Z]+)\.([a-zA-Z]+)\s*(?:\(([\s\S]*?)\))?\s*\}\}/g)) {
    const p = callProblem(`${m[1]}.${m[2]}`, m[3] === undefined ? [] : parseTemplateArgs(m[3]), depth + 1);
    if (p) return `in {{${m[1]}.${m[2]}(…)}}: ${p}`;
  }
  return undefined;
}

/** Problem with a faker-js call (dotted path, positional arguments), or undefined; `quick` at run (see optionsProblem). */
export function callProblem(path: string, positional: readonly unknown[], depth = 0, quick = false): string | undefined {
  if (positional.length === 0) return undefined;
  if (path === 'helpers.multiple') {
    // faker-js builds strings with multiple() (string.alpha(n) → n items): its count is bounded like a length.
    const count = (positional[1] as Record<string, unknown> | undefined)?.count;
    return sizeProblem(count, 'length', `${path}: count`);
  }
  const sizes = positionalSizes(path);
  // Methods whose size is a bare range (number | {min, max}): faker-js reads any other object as an unbounded
  // range (min and max default to 0 and Number.MAX_SAFE_INTEGER), e.g. string.sample({from: "x"}).
  const range = positional[0];
  if (RANGE_ONLY.has(path) && range !== null && typeof range === 'object' && !Array.isArray(range)) {
    const r = range as Record<string, unknown>;
    if (typeof r.max !== 'number' || (r.min !== undefined && typeof r.min !== 'number')) return `${path}: argument 1 must be a number or {min, max} with numbers (got ${JSON.stringify(range).slice(0, 60)}); faker-js would read it as a range up to 2^53`;
  }
  for (let i = 0; i < positional.length; i++) {
    const kind = sizes[i];
    const v = positional[i];
    if (kind) {
      const p = sizeProblem(v, kind, () => `${path}: argument ${i + 1}`);
      if (p) return p;
    }
    if (v !== null && typeof v === 'object') {
      const p = optionsProblem(v, path, quick);
      if (p) return `${path}: ${p}`;
    }
  }
  if (!SPECIAL.has(path)) return undefined;
  const first = positional[0];
  const firstString = typeof first === 'string' ? first : undefined;
  switch (path) {
    case 'helpers.fromRegExp':
    case 'helpers.replaceSymbols':
    case 'helpers.replaceCreditCardSymbols': {
      const p = firstString !== undefined ? regexProblem(firstString) : undefined;
      return p && `${path}: ${p}`;
    }
    case 'helpers.fake': {
      const list = Array.isArray(first) ? first : [first];
      for (const t of list) {
        const p = typeof t === 'string' ? templateProblem(t, depth === 0 ? FAKER_LIMITS.template : FAKER_LIMITS.output, depth) : undefined;
        if (p) return `${path}: ${p}`;
      }
      return undefined;
    }
    case 'helpers.mustache':
      return mustacheProblem(firstString, positional[1]);
  }
  return undefined;
}

const SPECIAL = new Set(['helpers.fromRegExp', 'helpers.replaceSymbols', 'helpers.replaceCreditCardSymbols', 'helpers.fake', 'helpers.mustache']);

/** helpers.mustache replaces every {{key}} with data[key], key by key: the text it would build stays bounded. */
function mustacheProblem(text: string | undefined, data: unknown): string | undefined {
  if (text === undefined) return undefined;
  if (text.length > FAKER_LIMITS.template) return `helpers.mustache: the text has ${fmt(text.length)} characters, above the limit of ${fmt(FAKER_LIMITS.template)}`;
  if (!data || typeof data !== 'object') return undefined;
  let length = text.length;
  let current = text;
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    const value = typeof v === 'string' ? v : '';
    const n = current.split(`{{${k}}}`).length - 1;
    length += n * (value.length - k.length - 4);
    if (length > FAKER_LIMITS.output) return `helpers.mustache: the filled-in text would have more than ${fmt(FAKER_LIMITS.output)} characters`;
    if (n > 0) current = current.split(`{{${k}}}`).join(value);
  }
  return undefined;
}

/** Positional arguments of a spec's faker-js call: `args._`, else a non-empty args object as the options argument. */
function positionalArgs(args: Record<string, unknown> | undefined): unknown[] {
  return Array.isArray(args?._) ? (args!._ as unknown[]) : args && Object.keys(args).length > 0 ? [args] : [];
}

/** Problem with the arguments a spec gives a faker method (canonical name), or undefined. */
export function fakerArgsProblem(method: string, args: Record<string, unknown>, pythonName = !method.includes('.')): string | undefined {
  if (pythonName) {
    for (const [key, kind] of Object.entries(PYTHON_SIZES[method] ?? {})) {
      const p = sizeProblem(args[key], kind, key);
      if (p) return p;
    }
    return undefined;
  }
  return callProblem(method, positionalArgs(args));
}

const GUARDED = new WeakSet<object>();

/** The faker-js methods that take a size (or a pattern that expands to one): the only ones the guard wraps. */
const GUARDED_MODULES = new Set(['string', 'lorem', 'word']);
const GUARDED_METHODS = new Set([
  'finance.pin', 'finance.accountNumber', 'finance.maskedNumber', 'git.commitSha', 'internet.password', 'airline.flightNumber',
  'date.betweens', 'system.fileName', 'helpers.multiple', 'helpers.arrayElements', 'helpers.uniqueArray', 'helpers.fake',
  'helpers.fromRegExp', 'helpers.mustache', 'helpers.replaceSymbols', 'helpers.replaceCreditCardSymbols',
]);

/**
 * Check every call on this Faker instance that can ask for a size before it runs: each such method
 * (GUARDED_MODULES, GUARDED_METHODS; the rest of faker-js draws fixed-size values) is replaced by a wrapper (an own property, so faker-js's internal `this.fake(…)` / `this.faker.string.alpha(…)`
 * calls go through it too) that throws on arguments above the limits. Calls without arguments, the
 * common case, go straight through. The wrappers draw no random numbers: values are unchanged.
 */
export function guardFaker(faker: Faker): void {
  if (GUARDED.has(faker)) return;
  GUARDED.add(faker);
  const f = faker as unknown as Record<string, unknown>;
  for (const mod of Object.keys(f)) {
    const m = f[mod] as Record<string, unknown> | null;
    if (!m || typeof m !== 'object' || mod === 'fakerCore' || mod === 'definitions' || mod === 'rawDefinitions') continue;
    const names = new Set<string>();
    for (let p = Object.getPrototypeOf(m); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const name of Object.getOwnPropertyNames(p)) if (name !== 'constructor' && typeof m[name] === 'function') names.add(name);
    }
    for (const name of names) {
      if (!GUARDED_MODULES.has(mod) && !GUARDED_METHODS.has(`${mod}.${name}`)) continue;
      const original = m[name] as (...a: unknown[]) => unknown;
      const path = `${mod}.${name}`;
      const isFake = path === 'helpers.fake';
      Object.defineProperty(m, name, {
        configurable: true,
        writable: true,
        value: function (this: unknown, ...a: unknown[]) {
          if (a.length > 0) {
            // helpers.fake calls itself on its growing text: bound that text, not the user's template limit.
            const p = isFake ? fakeTextProblem(a[0]) : callProblem(path, a, 1, true);
            if (p) throw new Error(p);
          }
          return original.apply(this, a);
        },
      });
    }
  }
}

function fakeTextProblem(pattern: unknown): string | undefined {
  const list = Array.isArray(pattern) ? pattern : [pattern];
  for (const t of list) {
    if (typeof t === 'string' && t.length > FAKER_LIMITS.output) return `helpers.fake: the text grew to ${fmt(t.length)} characters, above the limit of ${fmt(FAKER_LIMITS.output)}`;
  }
  return undefined;
}
