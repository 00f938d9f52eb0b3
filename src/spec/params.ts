/**
 * Parameters (docs/authoring.md): a top-level `params` object of named JSON values, referenced anywhere in the
 * spec by an object `{"$param": "name"}` that the value replaces whole (a number, a string, an array, an
 * object). Parameter values may reference other parameters; a cycle is an error.
 */
import { diag, type Diagnostic, warn } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { child, clone, isObject, type JsonObject, type JsonValue } from './json-tree.ts';

/** The key of a parameter reference. */
const PARAM_KEY = '$param';

/** Where a parameter's current value was written: its declaration, a preset or an override. */
export interface ParamSource {
  /** Pointer of the value in the (included-merged) document, or '' when it came from an option. */
  path: string;
  /** How it got there, e.g. `preset "heavy"`, `--set params.n=5` ('' for the declaration). */
  via: string;
}

/** A substitution made: the reference at `path` took the value of parameter `name`. */
export interface Substitution {
  path: string;
  name: string;
  source: ParamSource;
}

function isParamRef(x: unknown): x is JsonObject {
  return isObject(x) && PARAM_KEY in x;
}

/**
 * Replace every reference in `doc` (outside `params` and `presets`) by its parameter's value.
 * Returns the new document (without `params`), the substitutions and the problems.
 */
export function resolveParams(doc: JsonObject, sources: Map<string, ParamSource>): { doc: JsonObject; substitutions: Substitution[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const substitutions: Substitution[] = [];
  const declared: JsonObject = isObject(doc.params) ? doc.params : {};
  if (doc.params !== undefined && !isObject(doc.params)) {
    diagnostics.push(diag('DG_SCHEMA', '/params', 'params must be an object of named values', 'e.g. "params": {"n_users": 1000, "countries": ["US", "DE"]}'));
  }
  const names = Object.keys(declared);
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) diagnostics.push(diag('DG_SCHEMA', child('/params', name), `parameter name "${name}" is not an identifier`, 'letters, digits and _, not starting with a digit (so --set params.<name>=… can name it)'));
  }
  const used = new Set<string>();
  const resolved = new Map<string, JsonValue | undefined>();
  const resolving: string[] = [];

  /** The value of parameter `name` with its own references resolved (undefined after an error). */
  const valueOf = (name: string): JsonValue | undefined => {
    if (resolved.has(name)) return resolved.get(name);
    const at = resolving.indexOf(name);
    if (at >= 0) {
      const chain = [...resolving.slice(at), name];
      const src = sources.get(chain[0]) ?? { path: child('/params', chain[0]), via: '' };
      diagnostics.push(diag('DG_PARAM_CYCLE', src.path || child('/params', chain[0]), `parameters reference each other in a cycle: ${chain.map((n) => `"${n}"`).join(' → ')}`, 'give one of them a plain value'));
      for (const n of chain) resolved.set(n, undefined);
      return undefined;
    }
    resolving.push(name);
    const value = substitute(declared[name], child('/params', name), false);
    resolving.pop();
    if (!resolved.has(name)) resolved.set(name, value);
    return resolved.get(name);
  };

  /** A copy of `x` (at pointer `path`) with its references replaced; `record`: substitutions are reported. */
  function substitute(x: JsonValue, path: string, record: boolean): JsonValue | undefined {
    if (isParamRef(x)) {
      const name = x[PARAM_KEY];
      const extra = Object.keys(x).filter((k) => k !== PARAM_KEY);
      if (typeof name !== 'string' || extra.length) {
        diagnostics.push(diag('DG_BAD_PARAM_REF', path, typeof name !== 'string' ? `a parameter reference names its parameter with a string, got ${JSON.stringify(name)}` : `a parameter reference has only the key "${PARAM_KEY}"; found ${extra.map((k) => `"${k}"`).join(', ')} too`,
          `write {"${PARAM_KEY}": "name"}, where name is a key of "params"`));
        return undefined;
      }
      if (!Object.hasOwn(declared, name)) {
        diagnostics.push(diag('DG_UNDEFINED_PARAM', path, `parameter "${name}" is not defined in "params"`, names.length ? didYouMean(name, names) : 'add "params": {"' + name + '": …} at the top level'));
        return undefined;
      }
      used.add(name);
      const v = valueOf(name);
      if (v === undefined) return undefined;
      if (record) substitutions.push({ path, name, source: sources.get(name) ?? { path: child('/params', name), via: '' } });
      return clone(v);
    }
    if (Array.isArray(x)) {
      const out: JsonValue[] = [];
      let ok = true;
      x.forEach((v, i) => {
        const r = substitute(v, child(path, i), record);
        if (r === undefined) ok = false;
        else out.push(r);
      });
      return ok ? out : undefined;
    }
    if (isObject(x)) {
      const out: JsonObject = {};
      let ok = true;
      for (const [k, v] of Object.entries(x)) {
        const r = substitute(v, child(path, k), record);
        if (r === undefined) ok = false;
        else out[k] = r;
      }
      return ok ? out : undefined;
    }
    return x;
  }

  const out: JsonObject = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'params' || k === 'presets') continue;
    const r = substitute(v, child('', k), true);
    out[k] = r === undefined ? v : r;
  }
  // After a misspelt reference, the parameter it meant looks unused: its hint says enough.
  const misspelt = diagnostics.some((d) => d.code === 'DG_UNDEFINED_PARAM' || d.code === 'DG_BAD_PARAM_REF');
  for (const name of names) {
    valueOf(name); // a cycle among unused parameters is still an error
    if (!used.has(name) && !misspelt) {
      diagnostics.push(warn('DG_UNUSED_PARAM', child('/params', name), `parameter "${name}" is never referenced`, `reference it with {"${PARAM_KEY}": "${name}"}, or remove it`));
    }
  }
  return { doc: out, substitutions, diagnostics };
}
