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
  /** The anomaly event (`_label_events.event_id`) the label belongs to: its scenario; null for modifiers' labels. */
  event_id: string | null;
}

export const LABEL_COLUMNS: (keyof Label)[] = ['label_id', 'scenario', 'kind', 'level', 'table', 'column', 'entity_key', 'row_key', 'start', 'end', 'expected', 'observed', 'delta', 'magnitude', 'severity', 'description', 'event_id'];

/** Every label of a datagen output file, by label_id. */
export async function readLabels(file: string): Promise<Label[]> {
  const { queryFile } = await import('./read.ts'); // @duckdb/node-api: loaded by reading only (start-up, issue 17)
  const tables = await queryFile(file, `SELECT count(*) FROM information_schema.tables WHERE table_name = '_labels'`);
  if (Number(tables.rows[0][0]) === 0) throw new Error(`"${file}" has no _labels table (is it a datagen output?)`);
  // Files written before `level` existed hold cell labels only.
  const has = new Set((await queryFile(file, `SELECT column_name FROM information_schema.columns WHERE table_name = '_labels'`)).rows.map((r) => String(r[0])));
  // Files written before event ids: a scenario's label belongs to the event of its scenario.
  const r = await queryFile(file, `SELECT ${LABEL_COLUMNS.map((c) => (has.has(c) ? `"${c}"` : c === 'level' ? `'cell' AS level` : c === 'event_id' ? 'scenario AS event_id' : `NULL AS "${c}"`)).join(', ')} FROM _labels ORDER BY label_id`);
  return r.rows.map((row) => Object.fromEntries(LABEL_COLUMNS.map((c, i) => [c, jsValue(row[i])])) as unknown as Label);
}

function jsValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(jsValue);
  return v ?? null;
}

/** One anomaly event of `_label_events` (docs/anomalies.md#event-labels). */
export interface LabelEvent {
  event_id: string;
  scenario: string;
  campaign: string | null;
  family: string;
  difficulty: string;
  table: string;
  target_column: string | null;
  affected_columns: string[];
  entities: string[];
  n_entities: number;
  /** ISO-8601 instants (UTC) of the event's window [start, end). */
  start: string;
  end: string;
  magnitude: number;
  cells: number;
  expected: number | null;
  observed: number | null;
  severity: string;
  detectability: number | null;
  measured_difficulty: string | null;
  overlapping_events: string[];
  /** The table's column of the rows' time and the column holding the entities (null: not written; files before them). */
  time_column: string | null;
  entity_column: string | null;
}

export const EVENT_COLUMNS: (keyof LabelEvent)[] = ['event_id', 'scenario', 'campaign', 'family', 'difficulty', 'table', 'target_column', 'affected_columns', 'entities', 'n_entities', 'start', 'end', 'magnitude', 'cells', 'expected', 'observed', 'severity', 'detectability', 'measured_difficulty', 'overlapping_events', 'time_column', 'entity_column'];

/** Every anomaly event of a datagen output file, by table, start and id. */
export async function readEvents(file: string): Promise<LabelEvent[]> {
  const { queryFile } = await import('./read.ts');
  const tables = await queryFile(file, `SELECT count(*) FROM information_schema.tables WHERE table_name = '_label_events'`);
  if (Number(tables.rows[0][0]) === 0) throw new Error(`"${file}" has no _label_events table (files generated before anomaly events existed have none: generate it again)`);
  // Files written before time_column / entity_column: those are null.
  const has = new Set((await queryFile(file, `SELECT column_name FROM information_schema.columns WHERE table_name = '_label_events'`)).rows.map((r) => String(r[0])));
  const r = await queryFile(file, `SELECT ${EVENT_COLUMNS.map((c) => (has.has(c) ? `"${c}"` : `NULL AS "${c}"`)).join(', ')} FROM _label_events ORDER BY "table", "start", event_id`);
  return r.rows.map((row) => Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, jsValue(row[i])])) as unknown as LabelEvent);
}

/** JSON Lines (one object per event, lists as arrays) or CSV (lists as JSON arrays in one field). */
export function formatEvents(events: LabelEvent[], format: 'jsonl' | 'csv'): string {
  if (format === 'jsonl') return events.map((e) => JSON.stringify(e, EVENT_COLUMNS as string[])).join('\n') + (events.length ? '\n' : '');
  const esc = (v: unknown) => {
    const s = v === null || v === undefined ? '' : Array.isArray(v) ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [EVENT_COLUMNS.join(','), ...events.map((e) => EVENT_COLUMNS.map((c) => esc(e[c])).join(','))].join('\n') + '\n';
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
