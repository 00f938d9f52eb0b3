import { allLocales } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import { FakerColumn, asciiFold, fakerMethodNames, localeIdFor, planLocales, resolveFakerMethod } from '../../../src/model/faker.ts';
import { isLocaleLoaded, loadLocales, localeIds } from '../../../src/model/faker/lib.ts';

// These tests fill columns in many locales directly; a run loads only its plan's locales (planLocales below).
await loadLocales(localeIds());

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EMAIL = /^[a-z0-9._]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/;

function gen(method: string, key: number, n: number, opts: { start?: number; codes?: string[]; args?: Record<string, unknown>; locale?: string } = {}): string[] {
  const col = new FakerColumn({ method, args: opts.args, locale: opts.locale }, key);
  const out: string[] = new Array(n);
  col.fill(out, opts.start ?? 0, n, opts.codes);
  return out;
}

function distinctRatio(xs: string[]): number {
  return new Set(xs).size / xs.length;
}

function firstNames(locale: keyof typeof allLocales): Set<string> {
  const fn = (allLocales[locale].person?.first_name ?? {}) as Record<string, string[]>;
  return new Set(Object.values(fn).flat());
}

const PYTHON_METHODS = [
  'name', 'first_name', 'last_name', 'email', 'company', 'address', 'phone_number', 'uuid4', 'bothify',
  'user_agent', 'license_plate', 'word', 'city', 'country', 'country_code', 'street_address', 'postcode',
  'zipcode', 'job', 'text', 'sentence', 'url', 'domain_name', 'user_name', 'ipv4', 'iban',
  'credit_card_number', 'color_name', 'currency_code', 'catch_phrase', 'bs',
];

describe('faker: determinism', () => {
  for (const method of ['name', 'email', 'company', 'uuid4', 'phone_number', 'city', 'person.fullName']) {
    it(`${method}: same key/row → same value; chunking does not matter`, () => {
      const whole = gen(method, 42, 1000);
      expect(gen(method, 42, 1000)).toEqual(whole);
      const halves = [...gen(method, 42, 500), ...gen(method, 42, 500, { start: 500 })];
      expect(halves).toEqual(whole);
      const odd = [...gen(method, 42, 137), ...gen(method, 42, 863, { start: 137 })];
      expect(odd).toEqual(whole);
    });
  }

  it('per-row locales: chunking does not matter', () => {
    const codes = Array.from({ length: 1000 }, (_, i) => ['DE', 'US', 'FR', 'CZ', 'XX', ''][(i * 7) % 6]);
    const whole = gen('name', 9, 1000, { codes });
    const halves = [...gen('name', 9, 500, { codes: codes.slice(0, 500) }), ...gen('name', 9, 500, { start: 500, codes: codes.slice(500) })];
    expect(halves).toEqual(whole);
  });

  it('values do not depend on call order between columns (shared faker instances)', () => {
    const a = new FakerColumn({ method: 'city' }, 1);
    const b = new FakerColumn({ method: 'city' }, 2);
    const ra: string[] = [];
    const rb: string[] = [];
    for (let r = 0; r < 200; r++) {
      ra.push(a.value(r));
      rb.push(b.value(199 - r));
    }
    expect(ra).toEqual(gen('city', 1, 200));
    expect(rb.reverse()).toEqual(gen('city', 2, 200));
  });

  it('value(row) agrees with fill, also for large row ordinals', () => {
    const col = new FakerColumn({ method: 'email' }, 5);
    const out: string[] = [];
    const start = 2 ** 40 + 3;
    col.fill(out, start, 10);
    for (let i = 0; i < 10; i++) expect(col.value(start + i)).toBe(out[i]);
  });

  it('different keys give different values', () => {
    for (const method of ['name', 'email', 'uuid4', 'company', 'city']) {
      const a = gen(method, 1, 500);
      const b = gen(method, 2, 500);
      const same = a.filter((x, i) => x === b[i]).length;
      expect(same, method).toBeLessThan(25);
    }
  });

  it('uuid4 golden values (changing them changes every dataset)', () => {
    const out = gen('uuid4', 123, 2);
    expect(out.every((u) => UUID4.test(u))).toBe(true);
    expect(out).toMatchInlineSnapshot(`
      [
        "a5689216-84bd-4780-b467-10c5e3d2d640",
        "009f34dc-7bac-4833-9bd0-64c91f238f56",
      ]
    `);
  });

  it('date methods use a fixed reference date', () => {
    const past = gen('date.past', 3, 50);
    for (const p of past) expect(Date.parse(p)).toBeLessThan(Date.parse('2025-01-01T00:00:00Z'));
  });
});

describe('faker: variety and format', () => {
  it('names are ≥ 95% distinct over 10 000 rows', () => {
    expect(distinctRatio(gen('name', 11, 10000))).toBeGreaterThanOrEqual(0.95);
  });

  it('emails are ≥ 99% distinct and well-formed', () => {
    const emails = gen('email', 12, 10000);
    expect(distinctRatio(emails)).toBeGreaterThanOrEqual(0.99);
    for (const e of emails) expect(e).toMatch(EMAIL);
  });

  it('German, Czech, Chinese and Russian emails are ASCII and well-formed', () => {
    for (const code of ['DE', 'CZ', 'CN', 'ru', 'JP']) {
      const emails = gen('email', 13, 2000, { codes: new Array(2000).fill(code) });
      for (const e of emails) expect(e, code).toMatch(EMAIL);
      expect(distinctRatio(emails), code).toBeGreaterThan(0.95);
    }
    expect(gen('email', 13, 50, { locale: 'zh_CN' }).every((e) => /^user\d+@/.test(e))).toBe(true);
  });

  it('asciiFold', () => {
    expect(asciiFold('Müller')).toBe('muller');
    expect(asciiFold('Groß-Straße')).toBe('grossstrasse');
    expect(asciiFold('Łukasz Żółć')).toBe('lukaszzolc');
    expect(asciiFold('Иван')).toBe('ivan');
    expect(asciiFold('王伟')).toBe('');
  });

  it('uuid4 is 100% distinct and version 4', () => {
    const ids = gen('uuid4', 14, 20000);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID4);
  });

  it('bothify follows the pattern', () => {
    const xs = gen('bothify', 15, 500, { args: { text: '??-####-%' } });
    for (const x of xs) expect(x).toMatch(/^[A-Za-z]{2}-\d{4}-[1-9]$/);
    expect(distinctRatio(xs)).toBeGreaterThan(0.95);
    const up = gen('bothify', 15, 100, { args: { text: '???', letters: 'XYZ' } });
    for (const x of up) expect(x).toMatch(/^[XYZ]{3}$/);
  });

  it('company and phone_number look like their locale', () => {
    const de = gen('company', 16, 300, { locale: 'DE' });
    expect(de.some((c) => /GmbH|AG|KG| und /.test(c))).toBe(true);
    const us = gen('phone_number', 16, 300);
    for (const p of us) expect(p).toMatch(/^[\d()+.\- x]+$/);
    expect(us.every((p) => !/[#!]/.test(p))).toBe(true);
  });

  it('every listed Python method returns non-empty strings', () => {
    for (const method of PYTHON_METHODS) {
      const xs = gen(method, 17, 20);
      for (const x of xs) {
        expect(typeof x, method).toBe('string');
        expect(x.length, method).toBeGreaterThan(0);
      }
      expect(new Set(xs).size, method).toBeGreaterThan(1);
    }
  });

  it('every accepted Python-style name works in a few locales', () => {
    const python = fakerMethodNames().filter((m) => !m.includes('.'));
    for (const method of python) {
      const xs = gen(method, 18, 6, { codes: ['US', 'DE', 'FR', 'CN', 'ru', 'XX'] });
      for (const x of xs) expect(x.length, method).toBeGreaterThan(0);
    }
  });
});

describe('faker: locales', () => {
  const german = firstNames('de');
  const english = firstNames('en');

  it("with localeCodes 'DE' first names come from the German list", () => {
    const xs = gen('first_name', 20, 2000, { codes: new Array(2000).fill('DE') });
    for (const x of xs) expect(german.has(x), x).toBe(true);
    // …and not just from the names German shares with English.
    expect(xs.filter((x) => !english.has(x)).length).toBeGreaterThan(400);
  });

  it('locale spellings: DE, de, de_DE, de-DE and DEU agree; unknown codes fall back to en', () => {
    const base = gen('name', 21, 200, { codes: new Array(200).fill('DE') });
    for (const c of ['de', 'de_DE', 'de-DE', 'DEU']) expect(gen('name', 21, 200, { codes: new Array(200).fill(c) }), c).toEqual(base);
    expect(localeIdFor('XX')).toBe('en');
    expect(localeIdFor('UK')).toBe('en_GB');
    expect(localeIdFor('uk')).toBe('uk');
    expect(localeIdFor('CZ')).toBe('cs_CZ');
    expect(localeIdFor('CN')).toBe('zh_CN');
    expect(localeIdFor('fr_FR')).toBe('fr');
    const unknown = gen('first_name', 21, 500, { codes: new Array(500).fill('XX') });
    for (const x of unknown) expect(english.has(x), x).toBe(true);
  });

  it('mixed per-row codes pick each row its own locale', () => {
    const codes = Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? 'DE' : 'US'));
    const xs = gen('first_name', 22, 3000, { codes });
    for (let i = 0; i < xs.length; i++) expect((i % 2 === 0 ? german : english).has(xs[i]), xs[i]).toBe(true);
    // a row's value depends only on its own code
    const allDe = gen('first_name', 22, 3000, { codes: new Array(3000).fill('DE') });
    for (let i = 0; i < xs.length; i += 2) expect(xs[i]).toBe(allDe[i]);
  });

  it('column default locale applies to rows without a code', () => {
    const xs = gen('first_name', 23, 500, { locale: 'FR' });
    const french = firstNames('fr');
    for (const x of xs) expect(french.has(x), x).toBe(true);
    const empty = gen('first_name', 23, 500, { locale: 'FR', codes: new Array(500).fill('') });
    expect(empty).toEqual(xs);
  });

  it('Czech surnames agree with the sex of the first name', () => {
    const cz = allLocales.cs_CZ.person!;
    const femaleFirst = new Set((cz.first_name as Record<string, string[]>).female);
    const maleFirst = new Set((cz.first_name as Record<string, string[]>).male);
    const femaleLast = new Set((cz.last_name as Record<string, string[]>).female);
    const maleLast = new Set((cz.last_name as Record<string, string[]>).male);
    for (const n of gen('name', 24, 500, { locale: 'CZ' })) {
      const [f, l] = n.split(' ');
      if (femaleFirst.has(f) && !maleFirst.has(f)) expect(femaleLast.has(l), n).toBe(true);
      if (maleFirst.has(f) && !femaleFirst.has(f)) expect(maleLast.has(l), n).toBe(true);
    }
  });
});

describe('faker: method resolution', () => {
  it('Python names, aliases and faker-js paths resolve', () => {
    expect(resolveFakerMethod('email')).toEqual({ ok: true, canonical: 'email' });
    expect(resolveFakerMethod('zipcode')).toEqual({ ok: true, canonical: 'postcode' });
    expect(resolveFakerMethod('person.fullName')).toEqual({ ok: true, canonical: 'person.fullName' });
    expect(resolveFakerMethod('faker.internet.email')).toEqual({ ok: true, canonical: 'internet.email' });
    const names = fakerMethodNames();
    for (const m of [...PYTHON_METHODS, 'person.fullName', 'internet.email', 'commerce.productName', 'location.city']) expect(names).toContain(m);
  });

  it("misspellings get suggestions: 'emial' → 'email'", () => {
    const r = resolveFakerMethod('emial');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.suggestions[0]).toBe('email');
    const d = resolveFakerMethod('person.fulName');
    if (!d.ok) expect(d.suggestions).toContain('person.fullName');
    else throw new Error('person.fulName should not resolve');
  });

  it('unknown methods fail resolution and construction', () => {
    expect(resolveFakerMethod('definitely_not_a_method').ok).toBe(false);
    expect(resolveFakerMethod('person.nonsense').ok).toBe(false);
    expect(resolveFakerMethod('constructor').ok).toBe(false);
    expect(() => new FakerColumn({ method: 'emial' }, 1)).toThrow(/did you mean "email"/);
  });

  it('faker-js dotted paths work, with options or positional args', () => {
    for (const m of ['person.fullName', 'internet.email', 'commerce.productName', 'location.city', 'number.int', 'datatype.boolean']) {
      const xs = gen(m, 30, 50);
      for (const x of xs) expect(x.length, m).toBeGreaterThan(0);
    }
    for (const x of gen('string.alpha', 31, 50, { args: { length: 7 } })) expect(x).toMatch(/^[A-Za-z]{7}$/);
    for (const x of gen('helpers.arrayElement', 32, 50, { args: { _: [['red', 'green']] } })) expect(['red', 'green']).toContain(x);
    for (const x of gen('number.int', 33, 50, { args: { min: 5, max: 9 } })) expect(Number(x)).toBeGreaterThanOrEqual(5);
    const de = gen('person.firstName', 34, 200, { codes: new Array(200).fill('DE') });
    for (const x of de) expect(firstNames('de').has(x), x).toBe(true);
  });

  it('a faker-js method that needs arguments fails at construction', () => {
    expect(() => new FakerColumn({ method: 'helpers.arrayElement' }, 1)).toThrow(/helpers\.arrayElement/);
  });
});

describe('faker: full vectors', () => {
  // Throughput is measured in bench/micro.ts; here: a full 8,192-row vector far into the row space holds a
  // value on every row, and each row is the value a one-row fill of that row gives (no state carried along the vector).
  for (const method of ['name', 'first_name', 'last_name', 'email', 'company', 'uuid4', 'phone_number', 'bothify', 'city', 'person.fullName']) {
    it(`${method}: an 8,192-row vector at row 5,000,000 equals row-by-row fills`, () => {
      const args = method === 'bothify' ? { text: '??-####' } : undefined;
      const start = 5_000_000;
      const vector = gen(method, 99, 8192, { start, args });
      expect(vector.filter((v) => typeof v !== 'string' || v.length === 0)).toEqual([]);
      if (method === 'bothify') for (const v of vector) expect(v).toMatch(/^[A-Za-z]{2}-\d{4}$/);
      if (method === 'uuid4') for (const v of vector) expect(v).toMatch(UUID4);
      for (const i of [0, 1, 4095, 4096, 8191]) expect(gen(method, 99, 1, { start: start + i, args })[0], `row ${start + i}`).toBe(vector[i]);
      expect(distinctRatio(vector)).toBeGreaterThan(method === 'first_name' || method === 'last_name' || method === 'city' ? 0.01 : 0.5);
    });
  }
});

describe('faker-js locales are loaded per plan (src/model/faker/lib.ts)', () => {
  it('localeIds lists the package locales (the same ids as its index), without base', () => {
    expect(localeIds()).toEqual(Object.keys(allLocales).filter((id) => id !== 'base').sort());
  });
  it('planLocales: each faker program\'s locale (en_US by default), every locale with locale_from, none without faker', () => {
    const f = (locale: string | null, localeFrom: string | null = null) => ({ kind: 'faker', method: 'name', locale, localeFrom, args: {} });
    expect(planLocales([{ columns: [{ generator: f('de') }, { generator: f(null) }, { generator: { kind: 'sequence' } }] }])).toEqual(['de', 'en_US']);
    expect(planLocales([{ columns: [{ generator: f('FR') }] }])).toEqual(['fr']);
    expect(planLocales([{ columns: [{ generator: f(null, 'country') }] }])).toEqual(localeIds());
    expect(planLocales([{ columns: [{ generator: { kind: 'sequence' } }] }])).toEqual([]);
    expect(isLocaleLoaded('de')).toBe(true);
  });
});
