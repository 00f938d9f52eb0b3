import type { ErrorObject } from 'ajv';
import { diag, type Diagnostic, warn } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { getDocumentValidator } from './schema-registry.ts';

const UNKNOWN_KEY_WARNING = /^\/nodes\/\d+(\/columns\/\d+)?$/;

/**
 * Validate against schemas/datagen.schema.json and turn ajv errors into diagnostics.
 * Unknown keys on nodes and columns are warnings (the earlier tool ignored them); elsewhere errors.
 */
export function schemaDiagnostics(doc: unknown): Diagnostic[] {
  const validate = getDocumentValidator();
  if (validate(doc)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of (validate.errors ?? []) as ErrorObject[]) {
    const d = toDiagnostic(e);
    if (!d) continue;
    const key = `${d.path}|${d.code}|${d.message}`;
    if (!seen.has(key)) out.push(d), seen.add(key);
  }
  return collapse(out);
}

function toDiagnostic(e: ErrorObject): Diagnostic | undefined {
  const path = e.instancePath;
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as any)?.properties ?? {});
      const hint = allowed.length ? didYouMean(key, allowed) : 'remove it';
      const message = `unknown key "${key}"`;
      return UNKNOWN_KEY_WARNING.test(path) ? warn('DG_UNKNOWN_KEY', `${path}/${key}`, `${message} (ignored)`, hint) : diag('DG_UNKNOWN_KEY', `${path}/${key}`, message, hint);
    }
    case 'required':
      return diag('DG_MISSING_KEY', path, `missing required key "${p.missingProperty}"`, `add "${p.missingProperty}"`);
    case 'enum':
      return diag('DG_SCHEMA', path, `${JSON.stringify(e.data)} is not allowed here`, didYouMean(String(e.data), (p.allowedValues ?? []).map(String)));
    case 'const':
      return diag('DG_SCHEMA', path, `${JSON.stringify(e.data)} is not allowed here`, `expected ${JSON.stringify(p.allowedValue)}`);
    case 'type':
      return diag('DG_SCHEMA', path, `must be ${p.type}, got ${jsonType(e.data)}`, describe(e));
    case 'false schema': {
      // A key that excludes another one: the other key is named in the schema path (dependentSchemas/<key> or then).
      const key = path.split('/').pop() ?? '';
      const other = /dependentSchemas\/([^/]+)/.exec(e.schemaPath)?.[1];
      return diag('DG_SCHEMA', path, other ? `"${key}" cannot be used together with "${other}"` : `"${key}" is not allowed here`, other ? `keep only one of "${key}" and "${other}"` : describe(e));
    }
    case 'not':
      return diag('DG_SCHEMA', path, `value ${JSON.stringify(e.data)} is not allowed here`, describe(e));
    case 'if':
    case 'discriminator':
    case 'oneOf':
    case 'anyOf':
      return undefined; // the branch errors (or the semantic checks) say what is wrong, more precisely
    default:
      return diag('DG_SCHEMA', path, e.message ?? `fails ${e.keyword}`, describe(e));
  }
}

function describe(e: ErrorObject): string {
  const d = (e.parentSchema as any)?.description;
  return typeof d === 'string' ? `expected: ${d}` : '';
}

function jsonType(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x;
}

/** Several schema errors for one path (one per oneOf branch) collapse to the first. */
function collapse(diags: Diagnostic[]): Diagnostic[] {
  const byPath = new Map<string, Diagnostic>();
  for (const d of diags) {
    const k = `${d.path}|${d.severity}|${d.code === 'DG_UNKNOWN_KEY' ? d.message : ''}`;
    if (!byPath.has(k)) byPath.set(k, d);
  }
  return [...byPath.values()];
}
