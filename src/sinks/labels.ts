/** Ground-truth labels of a generated file: read `_labels` and render them as JSON Lines or CSV. */

export interface Label {
  label_id: number;
  scenario: string | null;
  kind: string;
  /** cell (one changed value), row (a row a scenario added) or window (a scenario's aggregate over a window). */
  level: string;
  table: string;
  column: string | null;
  entity_key: string | null;
  row_key: string | null;
  /** ISO-8601 instants (UTC) of the decision's window [start, end), or null. */
  start: string | null;
  end: string | null;
  expected: number | null;
  observed: number | null;
  delta: number | null;
  magnitude: number | null;
  severity: string;
  description: string;
}

export const LABEL_COLUMNS: (keyof Label)[] = ['label_id', 'scenario', 'kind', 'level', 'table', 'column', 'entity_key', 'row_key', 'start', 'end', 'expected', 'observed', 'delta', 'magnitude', 'severity', 'description'];

/** Every label of a datagen output file, by label_id. */
export async function readLabels(file: string): Promise<Label[]> {
  const { queryFile } = await import('./read.ts'); // @duckdb/node-api: loaded by reading only (start-up, issue 17)
  const tables = await queryFile(file, `SELECT count(*) FROM information_schema.tables WHERE table_name = '_labels'`);
  if (Number(tables.rows[0][0]) === 0) throw new Error(`"${file}" has no _labels table (is it a datagen output?)`);
  // Files written before `level` existed hold cell labels only.
  const has = new Set((await queryFile(file, `SELECT column_name FROM information_schema.columns WHERE table_name = '_labels'`)).rows.map((r) => String(r[0])));
  const r = await queryFile(file, `SELECT ${LABEL_COLUMNS.map((c) => (has.has(c) ? `"${c}"` : c === 'level' ? `'cell' AS level` : `NULL AS "${c}"`)).join(', ')} FROM _labels ORDER BY label_id`);
  return r.rows.map((row) => Object.fromEntries(LABEL_COLUMNS.map((c, i) => [c, jsValue(row[i])])) as unknown as Label);
}

function jsValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return v ?? null;
}

/** JSON Lines (one object per label) or CSV (RFC 4180, a header row; nulls empty). */
export function formatLabels(labels: Label[], format: 'jsonl' | 'csv'): string {
  if (format === 'jsonl') return labels.map((l) => JSON.stringify(l, LABEL_COLUMNS as string[])).join('\n') + (labels.length ? '\n' : '');
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [LABEL_COLUMNS.join(','), ...labels.map((l) => LABEL_COLUMNS.map((c) => esc(l[c])).join(','))].join('\n') + '\n';
}
