import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATORS, MODIFIERS, PLANNED_MODIFIERS } from '../../../src/plan/programs/index.ts';
import { generatorKernel, modifierKernel } from '../../../src/kernels/index.ts';

// One planner per generator and modifier, src/plan/programs/<kind>/<stem>.ts (kebab-case stem), beside one
// schemas/<kind>/<name>.schema.json (snake_case name, the DSL key); its kernel is src/kernels/<kind>/<stem>.ts.
const root = new URL('../../../', import.meta.url);
const stems = (dir: string, suffix: string) => readdirSync(new URL(dir, root)).filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length)).sort();
const snake = (kebab: string) => kebab.replace(/-/g, '_');
const load = (dir: string, stem: string): Promise<Record<string, unknown>> => import(new URL(`${dir}/${stem}.ts`, root).href);

async function plannersOf(dir: string): Promise<Map<string, { name: string; kind: string }[]>> {
  const out = new Map<string, { name: string; kind: string }[]>();
  for (const stem of stems(dir, '.ts')) {
    const mod = await load(dir, stem);
    out.set(stem, Object.values(mod).filter((v: any) => v && typeof v === 'object' && typeof v.name === 'string' && typeof v.kind === 'string' && typeof v.plan === 'function') as any);
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

  for (const [kind, registry, kernelFor] of [
    ['generators', GENERATORS, generatorKernel],
    ['modifiers', MODIFIERS, modifierKernel],
  ] as const) {
    it(`src/plan/programs/${kind}: one planner per file, file stem = name in kebab-case, the very object the table holds; its kernel in src/kernels/${kind}/<stem>.ts`, async () => {
      const files = await plannersOf(`src/plan/programs/${kind}`);
      expect([...files.keys()].map(snake).sort()).toEqual([...registry.keys()].sort());
      for (const [stem, planners] of files) {
        expect(planners.map((e) => e.name), `${stem}.ts`).toEqual([snake(stem)]);
        expect(registry.get(snake(stem)), `${stem}.ts`).toBe(planners[0]);
        const kernel = (kernelFor as (k: string) => unknown)(planners[0].kind);
        expect(typeof kernel, `kernel of ${planners[0].kind}`).toBe('function');
        expect(Object.values(await load(`src/kernels/${kind}`, stem)), `src/kernels/${kind}/${stem}.ts`).toContain(kernel);
      }
    });
  }

  it('behaviour programs (planned from behaviour blocks, never named in a spec) have kernels and no planner', async () => {
    const kinds = { generators: ['stage', 'period', 'state', 'adoption', 'attribution', 'lifecycle'], modifiers: ['segment_value', 'vintage_value', 'not_before', 'state_value'] };
    const kernels = new Set<unknown>();
    for (const stem of stems('src/kernels/behaviours', '.ts')) for (const v of Object.values(await load('src/kernels/behaviours', stem))) kernels.add(v);
    for (const k of kinds.generators) {
      expect(GENERATORS.has(k)).toBe(false);
      expect(kernels.has(generatorKernel(k as any)), k).toBe(true);
    }
    for (const k of kinds.modifiers) {
      expect(MODIFIERS.has(k)).toBe(false);
      expect(kernels.has(modifierKernel(k as any)), k).toBe(true);
    }
  });

  it('choice_ref programs run on the choice kernel', () => {
    expect(generatorKernel('choice_ref')).toBe(generatorKernel('choice'));
  });
});
