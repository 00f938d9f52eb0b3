import type Ajv2020 from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.ts';
import type { ValidateFunction } from 'ajv';
import { fakerArgsProblem } from '../model/faker-limits.ts';

let validator: ValidateFunction | undefined;

/** Problems of a plan document against schemas/plan.schema.json ([] when valid). */
export function validatePlan(doc: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', 'plan.schema.json'), 'utf8'));
    // ajv loads only here (~50 ms): a run of a spec, or `datagen --version`, never needs it.
    const Ajv = createRequire(import.meta.url)('ajv/dist/2020.js') as { default: typeof Ajv2020.default };
    validator = new Ajv.default({ allErrors: true, strict: false }).compile(schema);
  }
  if (!validator(doc)) return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  return fakerProblems(doc);
}

/** A plan file may have been edited: its faker arguments are held to the limits a spec's are (src/model/faker-limits.ts). */
function fakerProblems(doc: unknown): string[] {
  const out: string[] = [];
  const tables = (doc as { tables?: unknown }).tables;
  (Array.isArray(tables) ? tables : []).forEach((t, ti) => {
    const columns = (t as { columns?: unknown })?.columns;
    (Array.isArray(columns) ? columns : []).forEach((c, ci) => {
      const g = (c as { generator?: { kind?: unknown; method?: unknown; args?: unknown } })?.generator;
      if (g?.kind !== 'faker' || typeof g.method !== 'string') return;
      const args = g.args && typeof g.args === 'object' && !Array.isArray(g.args) ? (g.args as Record<string, unknown>) : {};
      const p = fakerArgsProblem(g.method, args);
      if (p) out.push(`/tables/${ti}/columns/${ci}/generator/args ${p}`);
    });
  });
  return out;
}
