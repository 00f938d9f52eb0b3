import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATORS, generatorFor, MODIFIERS, modifierFor, PLANNED_MODIFIERS } from '../../../src/registry/index.ts';
import { col, compileDoc, entity, idCol, runDoc, spec } from '../../support/harness.ts';

// The registry is the single list of generators and modifiers: one src/registry/<kind>/<stem>.ts per
// entry (kebab-case stem) beside one schemas/<kind>/<name>.schema.json (snake_case name, the DSL key).
const root = new URL('../../../', import.meta.url);
const stems = (dir: string, suffix: string) => readdirSync(new URL(dir, root)).filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length)).sort();
const snake = (kebab: string) => kebab.replace(/-/g, '_');

async function entriesOf(dir: string): Promise<Map<string, { name: string; kind: string }[]>> {
  const out = new Map<string, { name: string; kind: string }[]>();
  for (const stem of stems(dir, '.ts')) {
    const mod = await import(new URL(`${dir}/${stem}.ts`, root).href);
    out.set(stem, Object.values(mod).filter((v: any) => v && typeof v === 'object' && typeof v.name === 'string' && typeof v.plan === 'function' && typeof v.execute === 'function') as any);
  }
  return out;
}

describe('registry ↔ schemas', () => {
  it('generator names = schemas/generators/*.schema.json', () => {
    expect([...GENERATORS.keys()].sort()).toEqual(stems('schemas/generators', '.schema.json'));
  });

  it('modifier names + planned (anomaly) = schemas/modifiers/*.schema.json; planned ones are not executable', () => {
    expect(PLANNED_MODIFIERS).toEqual(['anomaly']);
    for (const p of PLANNED_MODIFIERS) expect(MODIFIERS.has(p)).toBe(false);
    expect([...MODIFIERS.keys(), ...PLANNED_MODIFIERS].sort()).toEqual(stems('schemas/modifiers', '.schema.json'));
  });

  it('the top-level schema references exactly these generator and modifier schemas', () => {
    const text = readFileSync(new URL('schemas/datagen.schema.json', root), 'utf8');
    const refs = (kind: string) => [...new Set([...text.matchAll(new RegExp(`"${kind}/([a-z_]+)\\.schema\\.json`, 'g'))].map((m) => m[1]))].sort();
    expect(refs('generators')).toEqual(stems('schemas/generators', '.schema.json'));
    expect(refs('modifiers')).toEqual(stems('schemas/modifiers', '.schema.json'));
  });

  for (const [dir, registry, lookupFor] of [
    ['src/registry/generators', GENERATORS, generatorFor],
    ['src/registry/modifiers', MODIFIERS, modifierFor],
  ] as const) {
    it(`${dir}: one entry per file, file stem = name in kebab-case, the very object the registry holds`, async () => {
      const files = await entriesOf(dir);
      expect([...files.keys()].map(snake).sort()).toEqual([...registry.keys()].sort());
      for (const [stem, entries] of files) {
        expect(entries.map((e) => e.name), `${stem}.ts`).toEqual([snake(stem)]);
        expect(registry.get(snake(stem)), `${stem}.ts`).toBe(entries[0]);
        expect((lookupFor as (k: string) => unknown)(entries[0].kind), `kind ${entries[0].kind}`).toBe(entries[0]);
      }
    });
  }

  it('choice_ref programs run on the choice entry', () => {
    expect(generatorFor('choice_ref')).toBe(GENERATORS.get('choice'));
  });
});

describe('planned modifier: anomaly', () => {
  const x = (mods: [string, unknown][]) => col('x', 'float', { distribution: { type: 'normal', params: { mean: 10, std: 1 } } }, mods);
  const doc = (mods: [string, unknown][]) => spec([entity('t', 10_000, [idCol(), col('ts', 'datetime', { datetime_series: {} }), x(mods)])]);

  it('is reported DG_NOT_SUPPORTED (a warning; an error under --strict) and not executed', () => {
    const d = doc([['anomaly', { spike_dates: ['2024-03-01'], spike_multiplier: 3 }]]);
    const r = compileDoc(d);
    const w = r.diagnostics.filter((x) => x.code === 'DG_NOT_SUPPORTED');
    expect(w).toHaveLength(1);
    expect(w[0].severity).toBe('warning');
    expect(w[0].path).toBe('/nodes/0/columns/2/modifiers/0');
    expect(r.plan!.tables[0].columns.find((c) => c.name === 'x')!.modifiers).toEqual([]);
    expect(compileDoc(d, { strict: true }).plan).toBeNull();
    const withIt = runDoc(d);
    const without = runDoc(doc([]));
    expect(withIt.table('t').num('x')).toEqual(without.table('t').num('x'));
    expect(withIt.labels).toEqual([]);
  });
});
