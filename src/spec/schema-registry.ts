/**
 * The JSON Schemas of the spec language (schemas/ at the project root) and the one ajv instance
 * that validates documents against them. Schema files are read once, relative to this module
 * (never the cwd), and every part schema is registered under its $id so relative $refs resolve.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { PACKAGE_ROOT } from '../paths.ts';
import { createRequire } from 'node:module';
import type Ajv2020Module from 'ajv/dist/2020.js';
import type { AnySchemaObject, ValidateFunction } from 'ajv/dist/2020.js';

export type Ajv2020 = InstanceType<typeof Ajv2020Module.default>;

/** ajv (CommonJS), loaded on first use (~50 ms): the built package validates specs with its precompiled validator. */
function ajvClass(): typeof Ajv2020Module.default {
  const m = createRequire(import.meta.url)('ajv/dist/2020.js') as { default?: unknown };
  return (m.default ?? m) as typeof Ajv2020Module.default;
}

/** $id of the document schema (schemas/datagen.schema.json). */
export const DOCUMENT_SCHEMA_ID = 'https://datagen.dev/schemas/datagen.schema.json';
/** Every schema $id starts with this; the rest of the id is the file's path under schemas/. */
export const SCHEMA_ID_BASE = 'https://datagen.dev/schemas/';

/** Absolute path of the schemas/ directory. */
const SCHEMA_DIR = join(PACKAGE_ROOT, 'schemas') + sep;

let cachedSchemas: AnySchemaObject[] | undefined;
let cachedValidator: ValidateFunction | undefined;

/** Paths (relative to schemas/, '/'-separated, sorted) of every *.schema.json file. */
export function schemaFiles(dir = SCHEMA_DIR, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...schemaFiles(dir, rel));
    else if (entry.name.endsWith('.schema.json')) out.push(rel);
  }
  return out.sort();
}

/** All schemas under schemas/, parsed, in sorted path order (read once, then cached). */
export function loadSchemas(): object[] {
  cachedSchemas ??= schemaFiles().map((rel) => {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, rel), 'utf8')) as AnySchemaObject;
    if (schema.$id !== SCHEMA_ID_BASE + rel) {
      throw new Error(`schemas/${rel}: $id must be "${SCHEMA_ID_BASE + rel}", found ${JSON.stringify(schema.$id)}`);
    }
    return schema;
  });
  return cachedSchemas;
}

/**
 * A fresh ajv (draft 2020-12) with every schema added. allErrors collects all problems in one pass;
 * verbose puts `data` and `parentSchema` on each error (the diagnostics layer reads descriptions
 * from it); discriminator makes `oneOf` over modifier/pattern variants report only the selected branch.
 */
export function createAjv(options: { source?: boolean } = {}): Ajv2020 {
  const Ajv = ajvClass();
  const ajv = new Ajv({
    code: { source: options.source ?? false }, // source: kept for ajv's standalone code (src/build.mjs)
    allErrors: true,
    verbose: true,
    discriminator: true,
    strict: true,
    strictRequired: false, // `if: {required: [k]}` tests for keys declared by the parent schema
    allowUnionTypes: true,
  });
  for (const schema of loadSchemas()) ajv.addSchema(schema as AnySchemaObject);
  return ajv;
}

/** Defined (true) by src/build.mjs in the built package (dist/). */
declare const __DATAGEN_DIST__: boolean | undefined;

/** The compiled validator of the document schema (compiled once, then cached). Built, it is the one src/build.mjs
 *  precompiled into dist/spec-validator.cjs (ajv standalone code): compiling the schemas takes ~0.4 s per process. */
export function getDocumentValidator(): ValidateFunction {
  if (!cachedValidator && typeof __DATAGEN_DIST__ !== 'undefined') {
    const m = createRequire(import.meta.url)('./spec-validator.cjs') as ValidateFunction & { default?: ValidateFunction };
    cachedValidator = m.default ?? m;
  }
  if (!cachedValidator) {
    const validate = createAjv().getSchema(DOCUMENT_SCHEMA_ID);
    if (!validate) throw new Error(`internal: schema ${DOCUMENT_SCHEMA_ID} is not registered`);
    cachedValidator = validate;
  }
  return cachedValidator;
}
