/**
 * The authoring stage (docs/authoring.md): a pure transformation of a spec document — with `params`,
 * `presets` and parameter references, and the earlier tools' shapes (shapes.ts) — into the document the compiler
 * reads. It runs first in `compile`, so
 * the CLI and the library resolve a spec the same way:
 *
 *   preset (merge patch) → overrides (--set) → parameter references replaced → `params`/`presets` dropped → shapes
 *
 * Includes are read before, by loadSpec (they need the file system); a document that still has `include`
 * (one that did not come through loadSpec) is refused here.
 */
import { diag, type Diagnostic, hasErrors, isUnderPointer } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { clone, isObject, type JsonObject } from './json-tree.ts';
import { applySetting, parseSettings, type Settings } from './overrides.ts';
import { type ParamSource, resolveParams } from './params.ts';
import { applyPreset, checkPresets, type Origin } from './presets.ts';
import { normalizeShapes, type Rename } from './shapes.ts';

export interface AuthorOptions {
  /** Name of a preset of the spec's `presets` to apply. */
  preset?: string;
  /** Overrides: `"path=value"` strings (as `--set`), or `{path: value}`. */
  set?: Settings;
}

export interface Authored {
  /** The document the compiler reads (undefined when there are errors). */
  doc: unknown;
  diagnostics: Diagnostic[];
  /** Where values that a preset, an override or a parameter wrote came from, longest path first. */
  origins: Origin[];
  /** The preset applied. */
  preset?: string;
  /** Values the shapes of src/spec/shapes.ts moved: diagnostics about them point where the spec wrote them. */
  renames: Rename[];
}

/** Keys only the authoring stage reads; none of them reaches the compiler. */
const AUTHORING_KEYS = ['params', 'presets', 'include'];

/** Whether a document uses anything of the authoring stage (params, presets, overrides). */
function needsAuthoring(doc: unknown, o: AuthorOptions): boolean {
  if (o.preset !== undefined || (o.set && Object.keys(o.set).length)) return true;
  return isObject(doc) && AUTHORING_KEYS.some((k) => k in doc);
}

export function authorSpec(input: unknown, o: AuthorOptions = {}): Authored {
  if (!isObject(input)) {
    const diagnostics = o.preset !== undefined || o.set ? [diag('DG_BAD_OVERRIDE', '', 'presets and overrides apply to a spec document (a JSON object)', 'pass the spec')] : [];
    return { doc: input, diagnostics, origins: [], renames: [] };
  }
  if (!needsAuthoring(input, o)) {
    const shaped = normalizeShapes(input);
    return { doc: hasErrors(shaped.diagnostics) ? undefined : shaped.doc, diagnostics: shaped.diagnostics, origins: [], renames: shaped.renames };
  }
  const diagnostics: Diagnostic[] = [];
  const origins: Origin[] = [];
  const sources = new Map<string, ParamSource>();
  if (input.include !== undefined) {
    diagnostics.push(diag('DG_INCLUDE', '/include', 'includes are read when the spec is loaded from its file, and this document was not', 'load it with loadSpec(file) (the CLI does), which merges the included files'));
  }
  const { presets, diagnostics: presetProblems } = checkPresets(input);
  diagnostics.push(...presetProblems);
  let doc: JsonObject = input;
  if (o.preset !== undefined) {
    const p = presets.find((x) => x.name === o.preset);
    if (!p) {
      const names = presets.map((x) => x.name);
      diagnostics.push(diag('DG_UNKNOWN_PRESET', isObject(input.presets) ? '/presets' : '', `--preset ${JSON.stringify(o.preset)}: the spec has no such preset${names.length ? ` (presets: ${names.map((n) => `"${n}"`).join(', ')})` : ' (it declares no "presets")'}`, names.length ? didYouMean(o.preset, names) : 'add it under "presets", e.g. "presets": {"' + o.preset + '": {"params": {…}}}'));
    } else if (!hasErrors(presetProblems)) doc = applyPreset(doc, p.name, sources, origins);
  }
  if (hasErrors(diagnostics)) return { doc: undefined, diagnostics, origins, preset: o.preset, renames: [] };
  const parsed = parseSettings(o.set);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.settings.length) {
    doc = clone(doc);
    for (const s of parsed.settings) {
      const isParam = s.segments[0] === 'params' && s.segments.length >= 2;
      if (isParam && !(isObject(doc.params) && Object.hasOwn(doc.params, s.segments[1]))) {
        const names = isObject(doc.params) ? Object.keys(doc.params) : [];
        diagnostics.push(diag('DG_UNDEFINED_PARAM', '', `${s.source}: parameter "${s.segments[1]}" is not defined in "params"`, names.length ? didYouMean(s.segments[1], names) : 'the spec declares no "params"'));
        continue;
      }
      const at = applySetting(doc, s);
      if (typeof at !== 'string') diagnostics.push(at);
      else if (isParam) sources.set(s.segments[1], { path: '', via: s.source });
      else origins.push({ path: at, related: { path: '', message: `set by ${s.source}` } });
    }
  }
  if (hasErrors(diagnostics)) return { doc: undefined, diagnostics, origins, preset: o.preset, renames: [] };
  const r = resolveParams(doc, sources);
  diagnostics.push(...r.diagnostics);
  for (const s of r.substitutions) {
    const by = s.source.via ? `, set by ${s.source.via}` : '';
    origins.push({ path: s.path, related: { path: s.source.path, message: `the value of parameter "${s.name}"${by}` } });
  }
  delete r.doc.include;
  const shaped = normalizeShapes(r.doc);
  diagnostics.push(...shaped.diagnostics);
  // Longest first: a diagnostic is related to the innermost value written for it.
  origins.sort((a, b) => b.path.length - a.path.length);
  return { doc: hasErrors(diagnostics) ? undefined : shaped.doc, diagnostics, origins, preset: o.preset, renames: shaped.renames };
}

/**
 * Diagnostics about a rewritten value point where the spec wrote it (`renames`), and about a written value
 * name where it came from (the preset, the override, the parameter).
 */
export function relate(diags: Diagnostic[], origins: readonly Origin[], renames: readonly Rename[] = []): Diagnostic[] {
  if (!origins.length && !renames.length) return diags;
  return diags.map((d) => {
    const r = renames.filter((x) => isUnderPointer(d.path, x.from)).sort((a, b) => b.from.length - a.from.length)[0];
    const moved = r ? { ...d, path: r.to + d.path.slice(r.from.length) } : d;
    if (moved.related) return moved;
    const o = origins.find((x) => isUnderPointer(moved.path, x.path));
    return o ? { ...moved, related: { ...o.related } } : moved;
  });
}
