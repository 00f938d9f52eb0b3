import { findNodeAtLocation, parseTree, type Node, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { diag, type Diagnostic, pointerSegments } from './diagnostic.ts';

/** Maps JSON pointers of a parsed document back to line/column in its text. */
export class SourceMap {
  private readonly lineStarts: number[] = [0];
  constructor(text: string, private readonly root: Node | undefined) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
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
    return diags.map((d) => (d.line !== undefined ? d : { ...d, ...this.locate(d.path) }));
  }
}

/** Parse JSON text strictly; syntax errors become diagnostics with positions. */
export function parseJsonText(text: string): { value: unknown; map: SourceMap; diagnostics: Diagnostic[] } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const map = new SourceMap(text, root);
  const unique = errors.filter((e, i) => errors.findIndex((x) => x.offset === e.offset) === i);
  const diagnostics = unique.map((e) => ({
    ...diag('DG_INVALID_JSON', '', `invalid JSON: ${describe(printParseErrorCode(e.error))}`, 'fix the JSON syntax at this position (a JSON validator or editor shows it too)'),
    ...map.position(e.offset),
  }));
  let value: unknown = undefined;
  if (diagnostics.length === 0) value = JSON.parse(text);
  return { value, map, diagnostics };
}

function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
