import Ajv2020 from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';

let validator: ValidateFunction | undefined;

/** Problems of a plan document against schemas/plan.schema.json ([] when valid). */
export function validatePlan(doc: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8'));
    validator = new (Ajv2020 as unknown as typeof Ajv2020.default)({ allErrors: true, strict: false }).compile(schema);
  }
  if (validator(doc)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
