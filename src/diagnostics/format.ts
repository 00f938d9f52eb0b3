import type { Diagnostic } from './diagnostic.ts';

/** `spec.json:LINE:COL /path  message (hint: ...)` — one line per diagnostic. */
export function formatDiagnostic(d: Diagnostic, file = 'spec.json'): string {
  const pos = d.line !== undefined ? `${file}:${d.line}:${d.column ?? 1}` : file;
  const sev = d.severity === 'warning' ? 'warning ' : '';
  const hint = d.hint ? ` (hint: ${d.hint})` : '';
  return `${pos} ${d.path || '/'}  ${sev}${d.code}: ${d.message}${hint}`;
}

export function formatDiagnostics(diags: readonly Diagnostic[], file?: string): string {
  return diags.map((d) => formatDiagnostic(d, file)).join('\n');
}
