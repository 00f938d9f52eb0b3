/**
 * Presets (docs/authoring.md): named overlays in the spec's top-level `presets`, each a JSON Merge Patch
 * (RFC 7396) over the document — usually over its `params` — with an optional `description`. A preset may
 * live in a file of its own (`"presets": {"heavy": "presets/heavy.json"}`), read by loadSpec.
 */
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { child, isObject, jsonType, type JsonObject, mergePatch } from './json-tree.ts';
import type { ParamSource } from './params.ts';

/** Top-level keys a preset may patch (besides `params`), and its own `description`. */
const PRESET_PATCHABLE = ['version', 'metadata', 'timeframe', 'nodes', 'constraints', 'targets', 'dag', 'seed', 'scenarios', 'params'];

export interface PresetInfo {
  name: string;
  description: string;
  /** Pointer of the preset in the document. */
  path: string;
}

/** A value written by a preset or an override, and where it came from (for diagnostics about it). */
export interface Origin {
  /** Pointer of the written value in the resolved document. */
  path: string;
  related: { path: string; message: string };
}

/** The presets of a document, in their order, and the problems of their shapes. */
export function checkPresets(doc: JsonObject): { presets: PresetInfo[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const presets: PresetInfo[] = [];
  if (doc.presets === undefined) return { presets, diagnostics };
  if (!isObject(doc.presets)) {
    diagnostics.push(diag('DG_SCHEMA', '/presets', `presets must be an object of named presets, got ${jsonType(doc.presets)}`, 'e.g. "presets": {"large": {"description": "10× the users", "params": {"n_users": 100000}}}'));
    return { presets, diagnostics };
  }
  const params = isObject(doc.params) ? doc.params : {};
  for (const [name, p] of Object.entries(doc.presets)) {
    const path = child('/presets', name);
    if (typeof p === 'string') {
      diagnostics.push(diag('DG_BAD_PRESET', path, `preset "${name}" is the file "${p}", which is read only when the spec is loaded from a file`, 'load the spec with loadSpec(file) (the CLI does), or write the preset inline'));
      continue;
    }
    if (!isObject(p)) {
      diagnostics.push(diag('DG_BAD_PRESET', path, `preset "${name}" must be an object (a merge patch with an optional description) or a file name, got ${jsonType(p)}`, 'e.g. {"description": "…", "params": {"n_users": 100000}}'));
      continue;
    }
    if (p.description !== undefined && typeof p.description !== 'string') diagnostics.push(diag('DG_SCHEMA', child(path, 'description'), `must be string, got ${jsonType(p.description)}`, 'a one-line description that `datagen presets` lists'));
    for (const key of Object.keys(p)) {
      if (key !== 'description' && !PRESET_PATCHABLE.includes(key)) diagnostics.push(diag('DG_UNKNOWN_KEY', child(path, key), `unknown key "${key}" in preset "${name}"`, `a preset patches ${PRESET_PATCHABLE.map((k) => `"${k}"`).join(', ')} (and has a "description"): ${didYouMean(key, [...PRESET_PATCHABLE, 'description'])}`));
    }
    if (p.params !== undefined) {
      if (!isObject(p.params)) diagnostics.push(diag('DG_SCHEMA', child(path, 'params'), `must be object, got ${jsonType(p.params)}`, 'the parameters this preset changes, e.g. {"n_users": 100000}'));
      else {
        for (const [k, v] of Object.entries(p.params)) {
          if (!Object.hasOwn(params, k)) diagnostics.push(diag('DG_UNDEFINED_PARAM', child(path, 'params', k), `preset "${name}" sets parameter "${k}", which "params" does not define`, Object.keys(params).length ? didYouMean(k, Object.keys(params)) : `declare it in the top-level "params"`));
          else if (v === null) diagnostics.push(diag('DG_BAD_PRESET', child(path, 'params', k), `preset "${name}" removes parameter "${k}" (null), but the spec references it`, 'give it a value instead'));
        }
      }
    }
    presets.push({ name, description: typeof p.description === 'string' ? p.description : '', path });
  }
  return { presets, diagnostics };
}

/**
 * Apply preset `name` to `doc`: the patched document (without `presets`), with the parameters it changed
 * recorded in `sources` and every other value it wrote in `origins`.
 */
export function applyPreset(doc: JsonObject, name: string, sources: Map<string, ParamSource>, origins: Origin[]): JsonObject {
  const preset = (doc.presets as JsonObject)[name] as JsonObject;
  const path = child('/presets', name);
  const patch: JsonObject = {};
  for (const [k, v] of Object.entries(preset)) if (k !== 'description') patch[k] = v;
  const base: JsonObject = { ...doc };
  delete base.presets;
  const via = `preset "${name}"`;
  const out = mergePatch(base, patch, (at, patchAt) => {
    const param = /^\/params\/([^/]+)/.exec(at);
    if (param) sources.set(param[1].replace(/~1/g, '/').replace(/~0/g, '~'), { path: path + patchAt.replace(/^(\/params\/[^/]+).*$/, '$1'), via });
    else origins.push({ path: at, related: { path: path + patchAt, message: `set by ${via}` } });
  }) as JsonObject;
  return out;
}


/** The presets of a document (loaded with loadSpec: preset files read) with their descriptions, in their order. */
export function listPresets(doc: unknown): PresetInfo[] {
  return isObject(doc) ? checkPresets(doc).presets : [];
}
