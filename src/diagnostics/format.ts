import type { Diagnostic } from './diagnostic.ts';

/** `spec.json:LINE:COL /path  message (hint: ...)` — one line per diagnostic. */
export function formatDiagnostic(d: Diagnostic, file = 'spec.json'): string {
  const pos = d.line !== undefined ? `${d.file ?? file}:${d.line}:${d.column ?? 1}` : d.file ?? file;
  const sev = d.severity === 'warning' ? 'warning ' : '';
  const hint = d.hint ? ` (hint: ${d.hint})` : '';
  const r = d.related;
  // The second place (docs/authoring.md): "…; the value of parameter "n" at spec.json:4:5 /params/n".
  const where = r && (r.line !== undefined ? ` at ${r.file ?? file}:${r.line}:${r.column ?? 1} ${r.path}` : r.path ? ` at ${r.path}` : '');
  const related = r ? `; ${r.message}${where}` : '';
  return `${pos} ${d.path || '/'}  ${sev}${d.code}: ${d.message}${related}${hint}`;
}

export function formatDiagnostics(diags: readonly Diagnostic[], file?: string): string {
  return diags.map((d) => formatDiagnostic(d, file)).join('\n');
}
