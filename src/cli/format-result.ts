/** Render query results as an aligned table, CSV (RFC 4180) or JSON (array of objects). */
export function formatResult(columns: string[], rows: unknown[][], format: 'table' | 'csv' | 'json', types: string[] = []): string {
  // DATE values arrive as Date objects at midnight UTC: print them as dates.
  const shown = rows.map((r) => r.map((v, i) => (types[i] === 'DATE' && v instanceof Date ? v.toISOString().slice(0, 10) : v)));
  if (format === 'json') {
    return JSON.stringify(shown.map((r) => Object.fromEntries(columns.map((c, i) => [c, jsonValue(r[i])]))), null, 2) + '\n';
  }
  const cells = shown.map((r) => r.map(text));
  if (format === 'csv') {
    const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    return [columns, ...cells].map((r) => r.map(esc).join(',')).join('\n') + '\n';
  }
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((s, i) => s.padEnd(widths[i])).join(' | ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n') + '\n';
}

function text(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  return v ?? null;
}
