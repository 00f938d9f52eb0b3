import Ajv2020 from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.ts';
import type { ValidateFunction } from 'ajv';

let validator: ValidateFunction | undefined;

/** Problems of a plan document against schemas/plan.schema.json ([] when valid). */
export function validatePlan(doc: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', 'plan.schema.json'), 'utf8'));
    validator = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: false }).compile(schema);
  }
  if (validator(doc)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
