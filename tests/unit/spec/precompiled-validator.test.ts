/*
 * The built package validates specs with a precompiled validator (src/build.mjs writes ajv's standalone code of the
 * document schema to dist/spec-validator.cjs; compiling the schemas costs ~0.4 s per process). Generated here the
 * same way, it must accept and reject exactly what the runtime-compiled validator does, with the same errors (the
 * diagnostics are built from them): every golden diagnostics spec, every example and every fixture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createAjv, DOCUMENT_SCHEMA_ID, getDocumentValidator } from '../../../src/spec/schema-registry.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function precompiled(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const standaloneCode = require('ajv/dist/standalone').default as (ajv: unknown, v: unknown) => string;
  const ajv = createAjv({ source: true });
  const code = standaloneCode(ajv, ajv.getSchema(DOCUMENT_SCHEMA_ID));
  const module = { exports: {} as ValidateFunction & { default?: ValidateFunction } };
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  return module.exports.default ?? module.exports;
}

function specs(): [string, unknown][] {
  const dirs = ['tests/golden/diagnostics', 'examples', 'tests/fixtures/compat', 'tests/fixtures/big-fanout'];
  return dirs.flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.json')).map((f): [string, unknown] => {
    const text = readFileSync(join(ROOT, d, f), 'utf8');
    try {
      return [`${d}/${f}`, JSON.parse(text)];
    } catch {
      return [`${d}/${f}`, text]; // not JSON (a syntax-error case): validated as a string
    }
  }));
}

describe('the precompiled spec validator (dist/spec-validator.cjs)', () => {
  it('gives the runtime validator\'s verdict and errors on every golden, example and fixture spec', () => {
    const runtime = getDocumentValidator();
    const built = precompiled();
    const all = specs();
    expect(all.length).toBeGreaterThan(150);
    let rejected = 0;
    for (const [name, doc] of all) {
      const a = runtime(doc);
      const errorsA = JSON.stringify(runtime.errors ?? null);
      const b = built(doc);
      const errorsB = JSON.stringify(built.errors ?? null);
      expect(b, name).toBe(a);
      expect(errorsB, name).toBe(errorsA);
      if (!a) rejected++;
    }
    expect(rejected).toBeGreaterThan(20); // the comparison covered invalid specs, not only valid ones
  });
});
