/**
 * Includes (docs/authoring.md): a spec's top-level `"include": ["shared/vocab.json", …]` merges other JSON
 * files (partial specs) into it, paths relative to the including file, read when the spec is loaded. Preset
 * files (`"presets": {"heavy": "presets/heavy.json"}`) are read here too. Every merged value keeps where it came
 * from, so a diagnostic about it points into its own file (file:line:col).
 *
 * The merge rule, file by file — the included files in their order, then the including file itself:
 * - `nodes` and `scenarios` are concatenated (included ones first);
 * - objects (`params`, `presets`, `metadata`, `timeframe`, `constraints`, `targets`, …) merge key by key, deeply;
 * - anything else (numbers, strings, other arrays) is replaced by the later file's value.
 * A file included twice (directly or through others) is merged once; a file that includes itself (directly or
 * through others) is an error naming the chain.
 */
import { realpathSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { diag, type Diagnostic, isUnderPointer } from '../diagnostics/diagnostic.ts';
import { SourceMap } from '../diagnostics/source-map.ts';
import { child, isObject, jsonType, type JsonObject, type JsonValue } from './json-tree.ts';

/** Where a part of the merged document comes from: the value at `prefix` is the value at `src` in `file`. */
export interface Segment {
  prefix: string;
  /** Display name of the file (undefined: the spec itself). */
  file?: string;
  map: SourceMap;
  src: string;
}

/** How deep includes may nest. */
const MAX_INCLUDE_DEPTH = 32;

/** Keys whose arrays concatenate across files. */
const CONCATENATED = new Set(['nodes', 'scenarios']);

interface Tree {
  value: JsonObject;
  segments: Segment[];
}

/** What loadSpec gives for one file. */
export interface LoadedFile {
  doc: unknown;
  map: SourceMap;
  diagnostics: Diagnostic[];
  warnings: Diagnostic[];
}

/**
 * A source map over the merged document: each pointer is located in the file its value came from; a
 * diagnostic in an included file gets that file's name (`Diagnostic.file`), and so does its related place.
 */
export class SpecSourceMap extends SourceMap {
  private readonly segments: Segment[];
  constructor(segments: Segment[]) {
    super('', undefined);
    this.segments = [...segments].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** File (undefined: the spec), pointer in that file and position of a pointer of the merged document. */
  place(ptr: string): { file?: string; path: string; line: number; column: number } | undefined {
    const seg = this.segments.find((s) => isUnderPointer(ptr, s.prefix));
    if (!seg) return undefined;
    const path = seg.src + ptr.slice(seg.prefix.length);
    const pos = seg.map.locate(path);
    return pos && (seg.file === undefined ? { ...pos, path } : { ...pos, path, file: seg.file });
  }

  override locate(ptr: string): { line: number; column: number } | undefined {
    const p = this.place(ptr);
    return p && { line: p.line, column: p.column };
  }

  /** Positions, files and pointers as in the file each diagnostic points into (an included node's index is its own). */
  override annotate(diags: Diagnostic[]): Diagnostic[] {
    return diags.map((d) => {
      let out = d.line !== undefined ? d : { ...d, ...this.place(d.path) };
      if (out.related && out.related.line === undefined && out.related.path !== '') out = { ...out, related: { ...out.related, ...this.place(out.related.path) } };
      return out;
    });
  }
}

/** Whether a document needs this stage (it has includes or preset files). */
export function hasIncludes(doc: unknown): boolean {
  return isObject(doc) && (doc.include !== undefined || (isObject(doc.presets) && Object.values(doc.presets).some((p) => typeof p === 'string')));
}

/**
 * Merge the includes (and preset files) of a loaded spec. `read(path, display)` loads one file (loadSpec).
 * Returns the merged document (undefined on errors), its source map, errors and text warnings (positioned).
 */
export function resolveIncludes(main: LoadedFile & { doc: JsonObject }, absFile: string, display: string, read: (abs: string, display: string) => LoadedFile): { doc: JsonObject | undefined; map: SpecSourceMap; diagnostics: Diagnostic[]; warnings: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const merged = new Set<string>();
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };

  /** A problem at `path` of file `f` (display undefined: the spec). */
  const at = (f: { display?: string; map: SourceMap }, path: string, d: Diagnostic): Diagnostic => ({ ...d, ...f.map.locate(path), ...(f.display !== undefined ? { file: f.display } : {}) });

  function tree(loaded: LoadedFile & { doc: JsonObject }, abs: string, fileDisplay: string | undefined, shownAs: string, stack: string[]): Tree | undefined {
    const self = { display: fileDisplay, map: loaded.map };
    const doc: JsonObject = { ...loaded.doc };
    const own: Segment[] = [{ prefix: '', file: fileDisplay, map: loaded.map, src: '' }];
    let ok = true;
    // Preset files, relative to this file.
    if (isObject(doc.presets)) {
      const presets: JsonObject = { ...doc.presets };
      for (const [name, p] of Object.entries(presets)) {
        if (typeof p !== 'string') continue;
        const ptr = child('/presets', name);
        const f = open(p, abs, shownAs, self, ptr);
        if (!f) {
          ok = false;
          continue;
        }
        if (!isObject(f.loaded.doc)) {
          diagnostics.push(at(self, ptr, diag('DG_BAD_PRESET', ptr, `the preset file "${p}" holds ${jsonType(f.loaded.doc)}, not an object (a merge patch with an optional description)`, 'e.g. {"description": "…", "params": {"n_users": 100000}}')));
          ok = false;
          continue;
        }
        presets[name] = f.loaded.doc;
        own.push({ prefix: ptr, file: f.display, map: f.loaded.map, src: '' });
      }
      doc.presets = presets;
    }
    const includes = doc.include;
    delete doc.include;
    let acc: Tree = { value: {}, segments: [] };
    if (includes !== undefined) {
      const list = typeof includes === 'string' ? [includes] : includes;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' && x !== '')) {
        diagnostics.push(at(self, '/include', diag('DG_INCLUDE', '/include', `include must be a list of file names, got ${JSON.stringify(includes).slice(0, 60)}`, 'e.g. "include": ["shared/merchants.json"] (paths relative to this file)')));
        return undefined;
      }
      list.forEach((rel, i) => {
        const ptr = child('/include', typeof includes === 'string' ? '' : i).replace(/\/$/, '');
        const f = open(rel as string, abs, shownAs, self, ptr);
        if (!f) return void (ok = false);
        if (stack.includes(f.real)) {
          const chain = [...stack.slice(stack.indexOf(f.real)), f.real].map((p) => shortName(p, stack[0]));
          diagnostics.push(at(self, ptr, diag('DG_INCLUDE_CYCLE', ptr, `including "${rel}" closes a cycle: ${chain.join(' → ')}`, 'move what both files need into a third file that both include')));
          return void (ok = false);
        }
        if (stack.length >= MAX_INCLUDE_DEPTH) {
          diagnostics.push(at(self, ptr, diag('DG_INCLUDE', ptr, `includes nest more than ${MAX_INCLUDE_DEPTH} levels deep`, 'include fewer levels of files')));
          return void (ok = false);
        }
        if (merged.has(f.real)) return; // already merged (a diamond): once is enough
        if (!isObject(f.loaded.doc)) {
          diagnostics.push(at(self, ptr, diag('DG_INCLUDE', ptr, `"${rel}" holds ${jsonType(f.loaded.doc)}, but an included file is a JSON object (a partial spec: nodes, params, …)`, 'wrap it, e.g. {"params": {"merchants": [...]}}')));
          return void (ok = false);
        }
        merged.add(f.real);
        const sub = tree(f.loaded as LoadedFile & { doc: JsonObject }, f.abs, f.display, f.display, [...stack, f.real]);
        if (!sub) return void (ok = false);
        acc = merge(acc, sub);
      });
    }
    if (!ok) return undefined;
    return merge(acc, { value: doc, segments: own });
  }

  /** Read an included or preset file `rel` (relative to `fromAbs`): its loaded text, or undefined (reported). */
  function open(rel: string, fromAbs: string, fromShown: string, self: { display?: string; map: SourceMap }, ptr: string) {
    const abs = resolve(dirname(fromAbs), rel);
    const display = normalize(join(dirname(fromShown), rel));
    const loaded = read(abs, display);
    for (const w of loaded.warnings) warnings.push({ ...w, file: display });
    if (loaded.diagnostics.length) {
      for (const d of loaded.diagnostics) {
        // Unreadable: at the include entry; invalid JSON: inside the file.
        const preset = ptr.startsWith('/presets');
        diagnostics.push(d.code === 'DG_FILE' ? at(self, ptr, { ...d, code: preset ? 'DG_BAD_PRESET' : 'DG_INCLUDE', path: ptr, message: `${preset ? 'the preset' : 'the included'} file cannot be read: ${d.message}`, hint: `${d.hint} (${preset ? 'preset files' : 'includes'} are relative to the file that names them)` }) : { ...d, file: display });
      }
      return undefined;
    }
    return { loaded, abs, display, real: real(abs) };
  }

  const root = real(absFile);
  merged.add(root);
  const t = tree(main, absFile, undefined, display, [root]);
  const segments = t?.segments ?? [{ prefix: '', map: main.map, src: '' }];
  return { doc: diagnostics.length ? undefined : t?.value, map: new SpecSourceMap(segments), diagnostics, warnings };
}

function shortName(p: string, root: string): string {
  const base = dirname(root);
  return p.startsWith(base + '/') ? p.slice(base.length + 1) : p;
}

/** `over` merged onto `base` by the rule above, with the provenance of every part. */
function merge(base: Tree, over: Tree): Tree {
  const segments = [...base.segments];
  /** The provenance of `over`'s value at `from`, now at `to` (replacing whatever base had there). */
  const take = (from: string, to: string) => {
    for (let i = segments.length - 1; i >= 0; i--) if (isUnderPointer(segments[i].prefix, to) && segments[i].prefix !== '') segments.splice(i, 1);
    const cover = [...over.segments].sort((a, b) => b.prefix.length - a.prefix.length).find((s) => isUnderPointer(from, s.prefix));
    if (cover) segments.push({ ...cover, prefix: to, src: cover.src + from.slice(cover.prefix.length) });
    for (const s of over.segments) if (s.prefix !== from && isUnderPointer(s.prefix, from) && s.prefix !== '') segments.push({ ...s, prefix: to + s.prefix.slice(from.length) });
  };
  const mergeAt = (b: JsonValue | undefined, o: JsonValue, path: string, key: string): JsonValue => {
    if (b === undefined) {
      take(path, path);
      return o;
    }
    if (path.split('/').length === 2 && CONCATENATED.has(key) && Array.isArray(b) && Array.isArray(o)) {
      o.forEach((_, i) => take(child(path, i), child(path, b.length + i)));
      return [...b, ...o];
    }
    if (isObject(b) && isObject(o)) {
      const out: JsonObject = { ...b };
      for (const [k, v] of Object.entries(o)) out[k] = mergeAt(b[k], v, child(path, k), k);
      return out;
    }
    take(path, path);
    return o;
  };
  const value: JsonObject = { ...base.value };
  for (const [k, v] of Object.entries(over.value)) value[k] = mergeAt(base.value[k], v, child('', k), k);
  // What no part claims (the document itself, a missing key) belongs to the later file: in the end, the spec.
  const rootSeg = over.segments.find((s) => s.prefix === '');
  return { value, segments: rootSeg ? [...segments.filter((s) => s.prefix !== ''), rootSeg] : segments };
}
