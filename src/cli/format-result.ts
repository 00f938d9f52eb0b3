/** Render query results as an aligned table, CSV (RFC 4180) or JSON (array of objects). */
import type { QueryStream } from '../sinks/read.ts';
import { type Io, writeOut } from './io.ts';

export type ResultFormat = 'table' | 'csv' | 'json';

/** Rows the table format shows by default (`datagen query --limit`). */
export const DEFAULT_TABLE_LIMIT = 1000;

/**
 * Write a streamed result to `out`, chunk by chunk, waiting while the reader is slow: csv and json write every
 * row with flat memory; table shows the first `limit` rows and counts the rest (it needs them all for the widths).
 */
export async function writeResult(q: QueryStream, format: ResultFormat, out: Io['stdout'], limit = DEFAULT_TABLE_LIMIT): Promise<number> {
  let n = 0;
  if (format === 'table') {
    const kept: unknown[][] = [];
    for (let rows = await q.next(); rows; rows = kept.length < limit ? await q.next() : null) {
      kept.push(...rows.slice(0, limit - kept.length));
      n += rows.length;
    }
    for (let k = await q.skip(); k > 0; k = await q.skip()) n += k;
    await writeOut(out, table(q.columns, shownRows(kept, q.types), n, n - kept.length));
    return n;
  }
  await writeOut(out, format === 'csv' ? csvLines([q.columns]) : '');
  for (let rows = await q.next(); rows; rows = await q.next()) {
    const shown = shownRows(rows, q.types);
    await writeOut(out, format === 'csv' ? csvLines(shown.map((r) => r.map(text))) : jsonLines(q.columns, shown, n === 0));
    n += rows.length;
  }
  if (format === 'json') await writeOut(out, n === 0 ? '[]\n' : '\n]\n');
  return n;
}

/** DATE values arrive as Date objects at midnight UTC: print them as dates. */
function shownRows(rows: unknown[][], types: string[]): unknown[][] {
  return rows.map((r) => r.map((v, i) => (types[i] === 'DATE' && v instanceof Date ? v.toISOString().slice(0, 10) : v)));
}

/** The objects of a JSON array as JSON.stringify(array, null, 2) prints them: `[` before the first, `,` between. */
function jsonLines(columns: string[], rows: unknown[][], first: boolean): string {
  const parts = rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, jsonValue(r[i])])), null, 2).replace(/^/gm, '  '));
  if (!parts.length) return first ? '[' : '';
  return (first ? '[\n' : ',\n') + parts.join(',\n');
}

function csvLines(rows: string[][]): string {
  const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return rows.map((r) => r.map(esc).join(',') + '\n').join('');
}

function table(columns: string[], rows: unknown[][], total: number, left: number): string {
  const cells = rows.map((r) => r.map(text));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((s, i) => s.padEnd(widths[i])).join(' | ').trimEnd();
  const count = `(${total.toLocaleString('en-US')} row${total === 1 ? '' : 's'}${left ? `; the first ${rows.length.toLocaleString('en-US')} shown, ${left.toLocaleString('en-US')} left out: raise --limit, or use --format csv or json for all of them` : ''})`;
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line), count].join('\n') + '\n';
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
