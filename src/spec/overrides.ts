/**
 * `--set path=value` overrides (docs/authoring.md): the path is a JSON pointer (`/params/n_users`) or a dotted
 * path (`params.n_users`, `nodes.0.rows`); the value is JSON (`100000`, `"EU"`, `[1, 2]`), or, when it does
 * not parse as JSON, the text itself as a string (`--set metadata.name=Shop`).
 */
import { diag, type Diagnostic, pointer, pointerSegments } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { clone, isObject, jsonType, type JsonObject, type JsonValue } from './json-tree.ts';

/** One override: where (pointer segments) and what, with the text the user wrote (for messages). */
export interface Setting {
  segments: string[];
  value: JsonValue;
  /** What the user wrote: `--set params.n=5`, or the library's key. */
  source: string;
}

/** The overrides a library caller or the CLI passes: `"path=value"` strings, or `{path: value}`. */
export type Settings = readonly string[] | Readonly<Record<string, unknown>>;

/** Parse `path=value`; a problem is a DG_BAD_OVERRIDE diagnostic naming the option. */
export function parseSetting(text: string): Setting | Diagnostic {
  const eq = text.indexOf('=');
  const source = `--set ${text}`;
  if (eq < 0) return bad(source, 'has no "=": write path=value', 'e.g. --set params.n_users=100000 or --set /nodes/0/rows=500');
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  const segments = parsePath(path);
  if (typeof segments === 'string') return bad(source, segments, 'a dotted path (params.n_users, nodes.0.rows) or a JSON pointer (/params/n_users)');
  let value: JsonValue;
  try {
    value = JSON.parse(raw) as JsonValue;
  } catch {
    value = raw; // not JSON: the text is the string value
  }
  return { segments, value, source };
}

/** The settings of a library call or of the CLI, parsed (problems as diagnostics). */
export function parseSettings(settings: Settings | undefined): { settings: Setting[]; diagnostics: Diagnostic[] } {
  const out: Setting[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!settings) return { settings: out, diagnostics };
  if (Array.isArray(settings)) {
    for (const s of settings as readonly unknown[]) {
      const p = typeof s === 'string' ? parseSetting(s) : bad(`set ${JSON.stringify(s)}`, 'is not a "path=value" string', 'e.g. "params.n_users=100000"');
      if ('code' in p) diagnostics.push(p);
      else out.push(p);
    }
    return { settings: out, diagnostics };
  }
  for (const [path, value] of Object.entries(settings)) {
    const source = `set ${JSON.stringify(path)}`;
    const segments = parsePath(path);
    if (typeof segments === 'string') diagnostics.push(bad(source, segments, 'a dotted path (params.n_users, nodes.0.rows) or a JSON pointer (/params/n_users)'));
    else out.push({ segments, value: clone(value as JsonValue), source: `${source} = ${JSON.stringify(value)}` });
  }
  return { settings: out, diagnostics };
}

/** Pointer segments of a dotted path or a JSON pointer, or what is wrong with it. */
function parsePath(path: string): string[] | string {
  if (path === '') return 'the path is empty';
  if (path.startsWith('/')) return pointerSegments(path);
  const segs = path.split('.');
  if (segs.some((s) => s === '')) return `the path "${path}" has an empty part`;
  return segs;
}

/**
 * Apply one setting to `doc` (changed in place). The containers on the way must exist; the last key of an
 * object is created when missing, an array index must exist (or be "-": append). Returns the pointer set, or
 * a diagnostic.
 */
export function applySetting(doc: JsonObject, s: Setting): string | Diagnostic {
  let cur: JsonValue = doc;
  for (let i = 0; i < s.segments.length; i++) {
    const seg = s.segments[i];
    const last = i === s.segments.length - 1;
    const here = pointer(...s.segments.slice(0, i));
    if (Array.isArray(cur)) {
      const index: number = seg === '-' && last ? cur.length : /^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : NaN;
      if (!(index < cur.length || (last && index === cur.length))) {
        return bad(s.source, `${here || '/'} is an array of ${cur.length} item(s): "${seg}" is not one of its indexes`, `use an index from 0 to ${cur.length - 1}${last ? ', or "-" to append' : ''}`);
      }
      if (last) cur[index] = s.value;
      else cur = cur[index];
    } else if (isObject(cur)) {
      if (last) cur[seg] = s.value;
      else if (!Object.hasOwn(cur, seg)) return bad(s.source, `${pointer(...s.segments.slice(0, i + 1))} does not exist`, didYouMean(seg, Object.keys(cur)));
      else cur = cur[seg];
    } else {
      return bad(s.source, `${here || '/'} is ${jsonType(cur)}, not an object or array, so it has no "${seg}"`, 'check the path');
    }
  }
  return pointer(...s.segments);
}

function bad(source: string, what: string, hint: string): Diagnostic {
  return diag('DG_BAD_OVERRIDE', '', `${source}: ${what}`, hint);
}
