/**
 * The series each anomaly event is drawn on in the HTML report of `datagen score` (docs/anomalies.md#the-html-report):
 * its target summed per bucket over its entities' rows — rows per bucket for an event that adds rows — around its
 * window, read from the generated file (the data as written, with every scenario). The bucket is the one its
 * detectability uses: an hour for a window shorter than a day, else a UTC day; the range ±2 days (hourly) or
 * ±21 days (daily) around the window. Needs `_label_events.time_column` (files written before it have no series).
 */
import type { LabelEvent } from '../sinks/labels.ts';
import { openReadOnly } from '../sinks/read.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface EventSeries {
  bucket: 'hour' | 'day';
  /** What is summed: the target column, or null for rows per bucket. */
  column: string | null;
  /** Whose rows: the entity column and how many entities, or null for the whole table. */
  entityColumn: string | null;
  from: number;
  to: number;
  points: { t: number; value: number }[];
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const text = (s: string) => `'${s.replace(/'/g, "''")}'`;
const stamp = (ms: number) => `TIMESTAMP ${text(new Date(ms).toISOString().replace('T', ' ').replace('Z', ''))}`;

/** The range and bucket an event is drawn over. */
export function seriesRange(e: LabelEvent): { bucket: 'hour' | 'day'; from: number; to: number } {
  const [start, end] = [Date.parse(e.start), Date.parse(e.end)];
  const hourly = end - start < DAY_MS;
  const pad = hourly ? 2 * DAY_MS : 21 * DAY_MS;
  const unit = hourly ? HOUR_MS : DAY_MS;
  return { bucket: hourly ? 'hour' : 'day', from: Math.floor((start - pad) / unit) * unit, to: Math.ceil((end + pad) / unit) * unit };
}

/** The series of the first `max` events (by table, start, id) whose table and time column are in the file. */
export async function eventSeries(file: string, events: LabelEvent[], max: number): Promise<Map<string, EventSeries>> {
  const out = new Map<string, EventSeries>();
  const db = await openReadOnly(file);
  try {
    const columns = new Map<string, Set<string>>();
    for (const e of events.slice(0, max)) {
      if (!e.time_column) continue;
      if (!columns.has(e.table)) columns.set(e.table, new Set((await db.describe(e.table)).map((c) => c.name)));
      const cols = columns.get(e.table)!;
      const target = e.target_column && cols.has(e.target_column) ? e.target_column : null;
      if (!cols.has(e.time_column) || (e.target_column && !target)) continue;
      const entity = e.entity_column && cols.has(e.entity_column) && e.entities.length ? e.entity_column : null;
      const { bucket, from, to } = seriesRange(e);
      const t = `CAST(${ident(e.time_column)} AS TIMESTAMP)`;
      const where = [`${t} >= ${stamp(from)}`, `${t} < ${stamp(to)}`, ...(entity ? [`list_contains([${e.entities.map(text).join(', ')}], CAST(${ident(entity)} AS VARCHAR))`] : [])];
      const rows = await db.all(`SELECT epoch_ms(date_trunc('${bucket}', ${t})) AS b, ${target ? `sum(CAST(${ident(target)} AS DOUBLE))` : 'count(*)'} AS v
        FROM ${ident(e.table)} WHERE ${where.join(' AND ')} GROUP BY 1 ORDER BY 1`);
      out.set(e.event_id, { bucket, column: target, entityColumn: entity, from, to, points: rows.map((r) => ({ t: Number(r.b), value: Number(r.v ?? 0) })) });
    }
  } finally {
    db.close();
  }
  return out;
}
