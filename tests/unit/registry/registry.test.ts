import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATORS, generatorFor, MODIFIERS, modifierFor, PLANNED_MODIFIERS } from '../../../src/registry/index.ts';

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

  it('modifier names + planned (none left) = schemas/modifiers/*.schema.json; planned ones are not executable', () => {
    expect(PLANNED_MODIFIERS).toEqual([]);
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
