/**
 * generated/datagen-authoring.schema.json (src/spec/authoring-schema.ts): the editors' bundled schema, where any
 * value may be {"$param": name}, earlier shapes are valid and included files (partial specs) check too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import Ajv2020Module from 'ajv/dist/2020.js';
import { AUTHORING_SCHEMA_PATH, authoringSchemaText } from '../../../src/spec/gen-types.ts';

const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module.default;
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const bundle = JSON.parse(readFileSync(AUTHORING_SCHEMA_PATH, 'utf8'));
// The options of the compiler's own validator (src/spec/schema-registry.ts), strict included.
const validate = new Ajv2020({ allErrors: true, verbose: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(bundle);
const read = (rel: string) => JSON.parse(readFileSync(join(ROOT, rel), 'utf8'));
const ok = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

describe('the editors\' bundled schema', () => {
  it('is up to date with schemas/ (run `npm run gen:types`)', () => {
    expect(readFileSync(AUTHORING_SCHEMA_PATH, 'utf8') === authoringSchemaText(), 'generated/datagen-authoring.schema.json is stale: run `npm run gen:types`').toBe(true);
  });

  it('accepts every example, a spec with parameters, presets and includes, its included file, the earlier shapes', () => {
    for (const f of readdirSync(join(ROOT, 'examples')).filter((x) => x.endsWith('.json'))) expect(ok(read(`examples/${f}`)), f).toEqual([]);
    expect(ok(read('tests/fixtures/authoring/shop.json'))).toEqual([]);
    expect(ok(read('tests/fixtures/authoring/shared/merchants.json'))).toEqual([]);
    expect(ok(read('tests/fixtures/authoring/presets/busy.json')).length).toBeGreaterThan(0); // a preset file is not a spec
    expect(ok(read('tests/fixtures/authoring/v1-shapes.json'))).toEqual([]);
  });

  it('still refuses what is wrong: a value of the wrong type, a malformed reference, an unknown key', () => {
    const doc = read('tests/fixtures/authoring/shop.json');
    doc.nodes[0].rows = 'many';
    expect(ok(doc).join('\n')).toMatch(/\/nodes\/0\/rows/);
    doc.nodes[0].rows = { $param: 5 };
    expect(ok(doc).join('\n')).toMatch(/\/nodes\/0\/rows/);
    doc.nodes[0].rows = { $param: 'n_customers', default: 3 };
    expect(ok(doc).join('\n')).toMatch(/\/nodes\/0\/rows/);
    doc.nodes[0].rows = { $param: 'n_customers' };
    expect(ok(doc)).toEqual([]);
    doc.nodes[0].rowz = 3;
    expect(ok(doc).join('\n')).toMatch(/must NOT have additional properties/);
  });
});
