import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakerColumn, splitFullName } from '../../src/model/faker.ts';
import { fakerFor, loadLocales, localeIds } from '../../src/model/faker/lib.ts';
import { asciiFold } from '../../src/model/faker/text.ts';
import { compile } from '../../src/plan/compile.ts';
import { type Db, generate } from '../support/run-spec.ts';

// Every locale's data, for the expectations below (a run loads only its plan's locales).
await loadLocales(localeIds());

/*
 * Issue 22 §7: the values of one row agree — e-mails and user names from the row's own name columns
 * ("$column" faker arguments), names / phones / addresses / cities in the locale of the row's country
 * (locale_from), and an age derived from the row's birth date (years_between).
 */
const spec = (rows: number) => ({
  version: '1.0', metadata: { name: 'coherent' }, constraints: {}, seed: 3,
  timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-06-30T23:59:59Z', freq: 'H' },
  nodes: [{ id: 'u', kind: 'entity', pk: 'id', rows, columns: [
    { name: 'id', type: 'int', generator: { sequence: {} } },
    // Declared before the columns they read: evaluation follows the references.
    { name: 'email', type: 'string', generator: { faker: { method: 'email', locale_from: 'country', args: { first_name: '$first_name', last_name: '$last_name' } } } },
    { name: 'js_email', type: 'string', generator: { faker: { method: 'internet.email', args: { firstName: '$first_name', lastName: '$last_name' } } } },
    { name: 'login', type: 'string', generator: { faker: { method: 'user_name', args: { name: '$name' } } } },
    { name: 'country', type: 'string', generator: { choice: { choices: ['US', 'UK', 'DE', 'FR', 'ES'], weights: [1, 1, 1, 1, 1] } } },
    { name: 'first_name', type: 'string', generator: { faker: { method: 'first_name', locale_from: 'country' } } },
    { name: 'last_name', type: 'string', generator: { faker: { method: 'last_name', locale_from: 'country' } } },
    { name: 'name', type: 'string', generator: { faker: { method: 'name', locale_from: 'country' } } },
    { name: 'phone', type: 'string', generator: { faker: { method: 'phone_number', locale_from: 'country' } } },
    { name: 'address', type: 'string', generator: { faker: { method: 'address', locale_from: 'country' } } },
    { name: 'city', type: 'string', generator: { faker: { method: 'city', locale_from: 'country' } } },
    { name: 'signed_up_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
    { name: 'birth_date', type: 'date', generator: { faker: { method: 'date.birthdate', args: { mode: 'age', min: 18, max: 80, refDate: '$signed_up_at' } } } },
    { name: 'age', type: 'int', generator: { expression: { code: 'years_between(birth_date, signed_up_at)' } } },
    { name: 'tag', type: 'string', generator: { faker: { method: 'bothify', args: { text: '$$-##' } } } },
  ] }],
});

/** Every string in a faker-js definition (a list, or lists by sex). */
const strings = (x: unknown): string[] => (typeof x === 'string' ? [x] : Array.isArray(x) ? x.flatMap(strings) : x && typeof x === 'object' ? Object.values(x).flatMap(strings) : []);
const firstNames = (locale: string): Set<string> => new Set(strings((fakerFor(locale) as any).rawDefinitions.person.first_name));

describe('coherent rows (issue 22 §7)', () => {
  let db: Db;
  let small: Db;
  beforeAll(async () => {
    ({ db } = await generate(spec(4000)));
    ({ db: small } = await generate(spec(4000), { chunkRows: 7 } as any));
  });
  afterAll(() => {
    db?.close();
    small?.close();
  });

  it('e-mails and user names are built from the row\'s own names (≥ 99 %)', async () => {
    const rows = await db.rows(`SELECT first_name, last_name, name, email, js_email, login FROM u`);
    const has = (s: string, ...names: string[]) => names.some((n) => asciiFold(n).length > 0 && asciiFold(s).includes(asciiFold(n)));
    const share = (f: (r: any) => boolean) => rows.filter(f).length / rows.length;
    expect(share((r) => has(r.email.split('@')[0], r.first_name, r.last_name))).toBeGreaterThanOrEqual(0.99);
    expect(share((r) => has(r.js_email.split('@')[0], r.first_name, r.last_name))).toBeGreaterThanOrEqual(0.99);
    const tokens = (n: string) => n.split(' ').filter((t) => !t.endsWith('.'));
    expect(share((r) => has(r.login, tokens(r.name)[0], tokens(r.name).at(-1)!))).toBeGreaterThanOrEqual(0.99);
    // Without the references the names would be independent draws: almost never contained.
    expect(share((r) => has(r.email.split('@')[0], r.name))).toBeLessThan(0.05);
  });

  it('names follow the row\'s country: FR rows take French first names, US rows English ones', async () => {
    const fr = firstNames('fr');
    const en = firstNames('en');
    const onlyFr = (n: string) => fr.has(n) && !en.has(n);
    const onlyEn = (n: string) => en.has(n) && !fr.has(n);
    const by = async (c: string) => (await db.rows(`SELECT first_name FROM u WHERE country = '${c}'`)).map((r) => r.first_name as string);
    const frRows = await by('FR');
    const usRows = await by('US');
    expect(frRows.length).toBeGreaterThan(500);
    const frShare = frRows.filter(onlyFr).length / frRows.length;
    const enShareInFr = frRows.filter(onlyEn).length / frRows.length;
    expect(frShare).toBeGreaterThan(0.5);
    expect(enShareInFr).toBeLessThan(0.05);
    expect(usRows.filter(onlyEn).length / usRows.length).toBeGreaterThan(0.5);
    expect(usRows.filter(onlyFr).length / usRows.length).toBeLessThan(0.05);
  });

  it('phones, addresses and cities follow the country too', async () => {
    const r = await db.rows(`SELECT country, count(*) FILTER (WHERE phone LIKE '+49%' OR phone LIKE '(0%') AS de_phone, count(*) AS n,
      count(*) FILTER (WHERE regexp_matches(address, ', [0-9]{5} ')) AS zip5_first FROM u GROUP BY country ORDER BY country`);
    const c = Object.fromEntries(r.map((x) => [x.country, x]));
    // German addresses put a 5-digit postcode before the city; US ones end with state and ZIP.
    expect(Number(c.DE.zip5_first) / Number(c.DE.n)).toBeGreaterThan(0.9);
    expect(Number(c.US.zip5_first) / Number(c.US.n)).toBeLessThan(0.05);
    expect(Number(c.DE.de_phone) / Number(c.DE.n)).toBeGreaterThan(0.9);
    expect(Number(c.FR.de_phone) + Number(c.US.de_phone)).toBe(0);
    const uk = await db.rows(`SELECT address FROM u WHERE country = 'UK' LIMIT 200`);
    // en_GB addresses end with a postcode such as "EC5E 0ZC" (an outward code, a space, three characters).
    expect(uk.filter((x) => /, [A-Z]{1,2}[0-9]{1,2}[A-Z]? [0-9A-Z]{3}$/.test(x.address)).length / uk.length).toBeGreaterThan(0.9);
    const frCities = new Set(strings((fakerFor('fr') as any).rawDefinitions.location.city_name));
    const frc = await db.rows(`SELECT city FROM u WHERE country = 'FR'`);
    expect(frc.filter((x) => frCities.has(x.city)).length / frc.length).toBeGreaterThan(0.5);
  });

  it('age and birth date agree exactly', async () => {
    const bad = await db.value(`SELECT count(*) FROM u WHERE age <> date_diff('year', birth_date, signed_up_at::DATE)
      - CASE WHEN strftime(signed_up_at::DATE, '%m%d') < strftime(birth_date, '%m%d') THEN 1 ELSE 0 END`);
    expect(Number(bad)).toBe(0);
    const r = (await db.rows(`SELECT min(age) AS lo, max(age) AS hi, count(age) AS n FROM u`))[0];
    expect(Number(r.n)).toBe(4000);
    expect(Number(r.lo)).toBeGreaterThanOrEqual(17);
    expect(Number(r.hi)).toBeLessThanOrEqual(80);
  });

  it('full names split into first and last name, titles and suffixes skipped; folded for the local part', () => {
    expect(splitFullName('Jane Doe')).toEqual(['Jane', 'Doe']);
    expect(splitFullName('Dr. Jane van Dyke Jr.')).toEqual(['Jane', 'Dyke']);
    expect(splitFullName('  Mateo   Casares Ornelas ')).toEqual(['Mateo', 'Ornelas']);
    expect(splitFullName('Madonna')).toEqual(['Madonna', 'Madonna']);
    expect(splitFullName('Mr. John Smith III')).toEqual(['John', 'Smith']);
    const col = new FakerColumn({ method: 'user_name', args: { first_name: '$f', last_name: '$l' }, refs: [{ key: 'first_name', index: null }, { key: 'last_name', index: null }] }, 9);
    const out: string[] = new Array(200);
    col.fill(out, 0, 200, undefined, [() => 'Zoë', () => 'Müller-Lüdenscheidt']);
    expect(out.every((u) => u.includes('zoe') || u.includes('mullerludenscheidt'))).toBe(true);
    expect(new Set(out).size).toBeGreaterThan(20);
    // A name with no ASCII form (or a null) falls back to drawn names: never an empty local part.
    col.fill(out, 0, 200, undefined, [() => '王', () => undefined]);
    expect(out.every((u) => /^[a-z0-9._]+$/.test(u) && u.length > 2)).toBe(true);
  });

  it('"$$" is a literal dollar', async () => {
    expect(Number(await db.value(`SELECT count(*) FROM u WHERE tag NOT LIKE '$-__'`))).toBe(0);
  });

  it('values depend only on the row: chunk size 7 gives the same table', async () => {
    const q = `SELECT string_agg(concat_ws('|', email, js_email, login, first_name, name, phone, address, city, birth_date, age), ';' ORDER BY id) FROM u`;
    expect(await small.value(q)).toBe(await db.value(q));
  });

  it('a reference to a column the table lacks is DG_UNKNOWN_COLUMN with a pointer and a hint', () => {
    const doc: any = spec(10);
    doc.nodes[0].columns[1].generator.faker.args.first_name = '$frist_name';
    const d = compile(doc).diagnostics.filter((x) => x.severity === 'error');
    expect(d).toHaveLength(1);
    expect(d[0].code).toBe('DG_UNKNOWN_COLUMN');
    expect(d[0].path).toBe('/nodes/0/columns/1/generator/faker/args/first_name');
    expect(d[0].message).toContain('"frist_name"');
    expect(d[0].hint).toContain('did you mean "first_name"?');
  });

  it('argument bounds hold for values read from the row', async () => {
    const doc = {
      version: '1.0', metadata: { name: 'big' }, constraints: {},
      timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-01-02T00:00:00Z', freq: 'H' },
      nodes: [{ id: 'b', kind: 'entity', pk: 'id', rows: 5, columns: [
        { name: 'id', type: 'int', generator: { sequence: {} } },
        { name: 'n', type: 'int', generator: { expression: { code: 'id == 4 ? 20000 : 5' } } },
        { name: 's', type: 'string', generator: { faker: { method: 'string.alpha', args: { length: '$n' } } } },
      ] }],
    };
    expect(compile(doc).plan).not.toBeNull();
    await expect(generate(doc)).rejects.toThrow(/length is 20000, above the limit of 10,000/);
    const ok: any = structuredClone(doc);
    ok.nodes[0].columns[1].generator.expression.code = 'id + 2';
    const { db: small } = await generate(ok);
    expect((await small.rows(`SELECT id, length(s) AS l FROM b ORDER BY id`)).map((r) => Number(r.l))).toEqual([3, 4, 5, 6, 7]);
    small.close();
  });

  it('a column reading itself, or columns reading each other, are errors', () => {
    const doc: any = spec(10);
    doc.nodes[0].columns[1].generator.faker.args.first_name = '$email';
    const d = compile(doc).diagnostics.filter((x) => x.severity === 'error');
    expect(d.map((x) => [x.code, x.path])).toEqual([['DG_SELF_REFERENCE', '/nodes/0/columns/1/generator/faker/args/first_name']]);
    const cyc: any = spec(10);
    cyc.nodes[0].columns[5].generator.faker.args = { _: ['$email'] };
    expect(compile(cyc).diagnostics.filter((x) => x.severity === 'error').map((x) => x.code)).toEqual(['DG_COLUMN_CYCLE']);
  });
});
