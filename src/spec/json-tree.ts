/**
 * Small helpers over plain JSON values for the authoring stage (params, presets, includes, overrides):
 * type tests, deep copies, JSON Merge Patch (RFC 7396) with a record of what each patch wrote.
 */
import { pointer } from '../diagnostics/diagnostic.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

export function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function jsonType(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x;
}

/** A structural copy (documents are plain JSON: no cycles, no class instances). */
export function clone<T>(x: T): T {
  if (Array.isArray(x)) return x.map(clone) as T;
  if (isObject(x)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(x)) out[k] = clone(v);
    return out as T;
  }
  return x;
}

/** `base` + `ptr` (a JSON pointer) + more segments. */
export function child(ptr: string, ...segments: (string | number)[]): string {
  return ptr + pointer(...segments);
}

/**
 * JSON Merge Patch (RFC 7396): objects merge key by key, `null` deletes a key, anything else (arrays
 * included) replaces the target. Returns the patched copy; `wrote` receives the pointer of every value the
 * patch set or deleted (the deepest points where it replaced something), relative to the document.
 */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue, wrote: (path: string, patchPath: string) => void, at = '', patchAt = ''): JsonValue | undefined {
  if (!isObject(patch)) {
    wrote(at, patchAt);
    return clone(patch);
  }
  if (!isObject(target) && at !== '') {
    // A patch object over a non-object (or a missing key) replaces it: recorded once, here.
    wrote(at, patchAt);
    return mergePatch({}, patch, () => undefined);
  }
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      if (k in out) wrote(child(at, k), child(patchAt, k));
      delete out[k];
    } else {
      const next = mergePatch(out[k], v, wrote, child(at, k), child(patchAt, k));
      if (next !== undefined) out[k] = next;
    }
  }
  return out;
}
