/** A problem found in a spec: data, never an exception (STYLE.md habit 2). */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable machine-readable code, e.g. DG_UNKNOWN_DISTRIBUTION. */
  code: string;
  severity: Severity;
  /** JSON pointer into the spec document ('' is the whole document). */
  path: string;
  message: string;
  /** What would fix it ('' when there is nothing useful to say). */
  hint: string;
  /** Source position, filled in by the loader when the spec came from text. */
  line?: number;
  column?: number;
  /** The file of the position when it is not the spec itself (an included file: docs/authoring.md). */
  file?: string;
  /** A second place the problem comes from (the parameter, preset or --set that wrote the value at `path`). */
  related?: { path: string; message: string; file?: string; line?: number; column?: number };
}

export function diag(code: string, path: string, message: string, hint = '', severity: Severity = 'error'): Diagnostic {
  return { code, severity, path, message, hint };
}

export function warn(code: string, path: string, message: string, hint = ''): Diagnostic {
  return diag(code, path, message, hint, 'warning');
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Build a JSON pointer from segments (RFC 6901 escaping). */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Whether pointer `path` is `prefix` or below it (by segments: /a/1 is not below /a/10). */
export function isUnderPointer(path: string, prefix: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(prefix + '/');
}

/** Split a JSON pointer into its unescaped segments. */
export function pointerSegments(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Sort by path, then code, so output is stable whatever order the checks ran in. */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => {
    const pa = pointerSegments(a.path);
    const pb = pointerSegments(b.path);
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      if (pa[i] === pb[i]) continue;
      const na = Number(pa[i]);
      const nb = Number(pb[i]);
      if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
      return pa[i] < pb[i] ? -1 : 1;
    }
    if (pa.length !== pb.length) return pa.length - pb.length;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}

/** Thrown by library entry points when a spec has errors; carries every diagnostic. */
export class SpecError extends Error {
  constructor(readonly diagnostics: Diagnostic[], readonly file?: string) {
    super(`${diagnostics.filter((d) => d.severity === 'error').length} error(s) in ${file ?? 'spec'}`);
    this.name = 'SpecError';
  }
}
