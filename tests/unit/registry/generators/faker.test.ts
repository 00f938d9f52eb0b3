import { allLocales } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import { col, compileDoc, entity, expectShares, idCol, runDoc, spec } from '../../../support/harness.ts';

// faker values are a pure function of (seed, table, column, row, locale): checked exactly across
// runs, chunk sizes and unrelated spec changes. Per-row locales are checked row by row against the
// locale's first-name list (faker-js locale data), n = 10 000.
const N = 10_000;

function firstNames(locale: keyof typeof allLocales): Set<string> {
  const fn = (allLocales[locale].person?.first_name ?? {}) as Record<string, string[]>;
  return new Set(Object.values(fn).flat());
}

const people = (extraColumns: unknown[] = [], seed?: number) =>
  spec([entity('people', N, [idCol(), col('name', 'string', { faker: { method: 'name' } }), col('email', 'string', { faker: { method: 'email' } }), col('uid', 'string', { faker: { method: 'uuid4' } }), ...extraColumns])], seed === undefined ? {} : { seed });

describe('faker: determinism through the engine', () => {
  it('same spec and seed → identical values; the chunk size does not matter', () => {
    const a = runDoc(people()).table('people');
    const b = runDoc(people(), { chunkRows: 777 }).table('people');
    for (const c of ['name', 'email', 'uid']) expect(b.str(c), c).toEqual(a.str(c));
  });

  it('adding columns or tables does not change a column; another seed does', () => {
    const a = runDoc(people()).table('people');
    const more = people([col('city', 'string', { faker: { method: 'city' } })]);
    more.nodes.unshift(entity('other', 100, [idCol(), col('w', 'string', { faker: { method: 'word' } })]));
    const b = runDoc(more).table('people');
    for (const c of ['name', 'email', 'uid']) expect(b.str(c), c).toEqual(a.str(c));
    const other = runDoc(people([], 43)).table('people');
    const same = other.str('uid').filter((u, i) => u === a.str('uid')[i]).length;
    expect(same).toBe(0);
  });

  it('uuid4 is well formed and never repeats in 10 000 rows; names vary', () => {
    const t = runDoc(people()).table('people');
    const uid = t.str('uid') as string[];
    expect(uid.every((u) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u))).toBe(true);
    expect(new Set(uid).size).toBe(N);
    expect(new Set(t.str('name')).size).toBeGreaterThan(N / 2);
  });

  it('an unknown method is DG_UNKNOWN_FAKER_METHOD', () => {
    const r = compileDoc(spec([entity('t', 10, [idCol(), col('x', 'string', { faker: { method: 'nmae' } })])]));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DG_UNKNOWN_FAKER_METHOD']);
  });
});

describe('faker: locales', () => {
  const pools: Record<string, Set<string>> = { DE: firstNames('de'), FR: firstNames('fr'), US: firstNames('en') };

  it('locale_from: each row draws from the locale named by its own country column', () => {
    const doc = spec([
      entity('t', N, [
        idCol(),
        col('first', 'string', { faker: { method: 'first_name', locale_from: 'country' } }),
        col('country', 'string', { choice: { choices: ['DE', 'FR', 'US'], weights: [0.4, 0.35, 0.25] } }),
      ]),
    ]);
    const t = runDoc(doc).table('t');
    const [first, country] = [t.str('first'), t.str('country')];
    // the locale column is a normal choice column (its law is unaffected by being read)
    expectShares(country, new Map([['DE', 0.4], ['FR', 0.35], ['US', 0.25]]), 'country');
    for (let i = 0; i < N; i++) if (!pools[country[i]!].has(first[i]!)) expect.fail(`row ${i}: ${first[i]} is not a ${country[i]} first name`);
    // …and not only names the locales share: many German / French rows have names English lacks
    const foreign = (c: string) => first.filter((f, i) => country[i] === c && !pools.US.has(f!)).length / country.filter((x) => x === c).length;
    expect(foreign('DE')).toBeGreaterThan(0.2);
    expect(foreign('FR')).toBeGreaterThan(0.2);
  });

  it('a row\'s value depends only on its own locale code (same value as in an all-DE column)', () => {
    const mixed = runDoc(spec([entity('t', N, [idCol(), col('c', 'string', { choice: { choices: ['DE', 'US'] } }), col('first', 'string', { faker: { method: 'first_name', locale_from: 'c' } })])])).table('t');
    const allDe = runDoc(spec([entity('t', N, [idCol(), col('c', 'string', { choice: { choices: ['DE'] } }), col('first', 'string', { faker: { method: 'first_name', locale_from: 'c' } })])])).table('t');
    const c = mixed.str('c');
    for (let i = 0; i < N; i++) if (c[i] === 'DE' && mixed.str('first')[i] !== allDe.str('first')[i]) expect.fail(`row ${i}`);
  });

  it('a fixed locale applies to every row', () => {
    const t = runDoc(spec([entity('t', N, [idCol(), col('first', 'string', { faker: { method: 'first_name', locale: 'fr' } })])])).table('t');
    for (const f of t.str('first')) if (!pools.FR.has(f!)) expect.fail(`${f} is not French`);
  });

  it('locale_from naming a missing column is DG_UNKNOWN_COLUMN', () => {
    const r = compileDoc(spec([entity('t', 10, [idCol(), col('x', 'string', { faker: { method: 'name', locale_from: 'nope' } })])]));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DG_UNKNOWN_COLUMN']);
  });
});
