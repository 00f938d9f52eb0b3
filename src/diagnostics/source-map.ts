import { findNodeAtLocation, parseTree, type Node, type ParseErrorCode, printParseErrorCode, visit } from 'jsonc-parser';
import { diag, type Diagnostic, pointer, pointerSegments, warn } from './diagnostic.ts';

/** The deepest nesting of arrays and objects a spec may have (a spec needs about 10; parsers recurse per level). */
export const MAX_JSON_DEPTH = 256;

/** Maps JSON pointers of a parsed document back to line/column in its text. */
export class SourceMap {
  private readonly lineStarts: number[] = [0];
  private tree: Node | undefined | null;
  /** `root`: the parsed tree, or 'lazy' to parse the text only when a position is asked for (diagnostics are rare). */
  constructor(private readonly text: string, root: Node | undefined | 'lazy') {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.tree = root === 'lazy' ? null : root;
  }

  private get root(): Node | undefined {
    if (this.tree === null) this.tree = parseTree(this.text, [], { allowTrailingComma: false, disallowComments: true });
    return this.tree;
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  /** Position of the deepest existing node on the pointer's path. */
  locate(ptr: string): { line: number; column: number } | undefined {
    if (!this.root) return undefined;
    const segs: (string | number)[] = pointerSegments(ptr).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    for (let n = segs.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.root, segs.slice(0, n));
      if (node) {
        const target = node.parent?.type === 'property' && n > 0 ? node.parent : node;
        return this.position(target.offset);
      }
    }
    return undefined;
  }

  annotate(diags: Diagnostic[]): Diagnostic[] {
    return diags.map((d) => {
      const out = d.line !== undefined ? d : { ...d, ...this.locate(d.path) };
      // The related place (a parameter, a preset: docs/authoring.md) gets its position too.
      return out.related && out.related.line === undefined && out.related.path !== '' ? { ...out, related: { ...out.related, ...this.locate(out.related.path) } } : out;
    });
  }
}

/**
 * Parse JSON text strictly; syntax errors become diagnostics with positions. Also: nesting deeper than
 * MAX_JSON_DEPTH is an error (found by a scan before any recursive parser runs), a number too large
 * for a double (1e999 would be Infinity) is an error at its pointer, and a key repeated in one object
 * is a DG_DUPLICATE_KEY warning (JSON.parse would silently keep the last one). Warnings are returned
 * apart from errors: a spec with only warnings still compiles.
 */
export function parseJsonText(text: string): { value: unknown; map: SourceMap; diagnostics: Diagnostic[]; warnings: Diagnostic[] } {
  const map = new SourceMap(text, 'lazy');
  const at = (offset: number) => map.position(offset);
  const tooDeep = depthExceeded(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    const d = diag('DG_INVALID_JSON', '', `invalid JSON: arrays and objects are nested more than ${MAX_JSON_DEPTH} levels deep`, `a spec needs only a few levels; the limit is ${MAX_JSON_DEPTH} (docs/diagnostics.md, "Limits")`);
    return { value: undefined, map, diagnostics: [{ ...d, ...at(tooDeep) }], warnings: [] };
  }
  const errors: { error: ParseErrorCode; offset: number }[] = [];
  const numbers: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const keys: Set<string>[] = [];
  visit(text, {
    onError: (error, offset) => void errors.push({ error, offset }),
    onObjectBegin: () => void keys.push(new Set()),
    onObjectEnd: () => void keys.pop(),
    onObjectProperty: (property, offset, _l, _sl, _sc, path) => {
      const seen = keys[keys.length - 1];
      if (!seen) return;
      if (seen.has(property)) {
        warnings.push({ ...warn('DG_DUPLICATE_KEY', pointer(...path(), property), `key "${property}" appears more than once in this object; only the last one counts`, 'remove the repeated key (--strict refuses it)'), ...at(offset) });
      }
      seen.add(property);
    },
    onLiteralValue: (value, offset, length, _sl, _sc, path) => {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        numbers.push({ ...diag('DG_OUT_OF_RANGE', pointer(...path()), `the number ${text.slice(offset, offset + Math.min(length, 40))} is too large: it is beyond the largest double (about 1.8e308)`, 'write a number a double can hold'), ...at(offset) });
      }
    },
  }, { allowTrailingComma: false, disallowComments: true });
  const unique = errors.filter((e, i) => errors.findIndex((x) => x.offset === e.offset) === i);
  const diagnostics = unique.map((e) => ({
    ...diag('DG_INVALID_JSON', '', `invalid JSON: ${describe(printParseErrorCode(e.error))}`, 'fix the JSON syntax at this position (a JSON validator or editor shows it too)'),
    ...at(e.offset),
  }));
  if (diagnostics.length) return { value: undefined, map, diagnostics, warnings: [] };
  if (numbers.length) return { value: undefined, map, diagnostics: numbers, warnings };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // jsonc-parser accepted what JSON.parse refuses (e.g. a control character inside a string).
    const pos = /position (\d+)/.exec((e as Error).message);
    const d = diag('DG_INVALID_JSON', '', `invalid JSON: ${(e as Error).message}`, 'fix the JSON syntax at this position (a JSON validator or editor shows it too)');
    return { value: undefined, map, diagnostics: [pos ? { ...d, ...at(Number(pos[1])) } : d], warnings };
  }
  return { value, map, diagnostics: [], warnings };
}

/** Offset of the first `[` or `{` nested deeper than `max` (strings skipped), or undefined. */
export function depthExceeded(text: string, max: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return undefined;
}

function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
