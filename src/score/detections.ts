/**
 * A detector's output for `datagen score` (docs/anomalies.md#scoring-a-detector): CSV (a header row) or JSON Lines,
 * one detection per row — `table` (required), `entity` (or `entity_key`), a time: `timestamp` (or `ts`, `time`) for
 * a point or `start` + `end` for a window [start, end), and optionally `column`, `family`, `score`. Instants are
 * ISO-8601 (a date is its midnight UTC) or epoch milliseconds. Pure: parses text, no I/O.
 */
import { parseInstant } from '../plan/time.ts';

export interface Detection {
  /** 1-based line of the detection in its file (for messages). */
  line: number;
  table: string;
  entity: string | null;
  /** [start, end) in epoch ms; a point detection has end = start. */
  start: number;
  end: number;
  column: string | null;
  family: string | null;
  score: number | null;
}

/** A detections file that cannot be read: the line and field it is about, and what to write instead. */
export class DetectionsError extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

const FIELDS = ['table', 'entity', 'entity_key', 'timestamp', 'ts', 'time', 'start', 'end', 'column', 'family', 'score'];

/** Parse detections: JSON Lines when the first non-blank character is `{`, else CSV. */
export function parseDetections(text: string, name = 'detections'): Detection[] {
  const body = text.replace(/^\uFEFF/, '');
  const rows = body.trimStart().startsWith('{') ? jsonLines(body, name) : csvRows(body, name);
  return rows.map(({ line, rec }) => toDetection(rec, line, name));
}

function jsonLines(text: string, name: string): { line: number; rec: Record<string, unknown> }[] {
  const out: { line: number; rec: Record<string, unknown> }[] = [];
  text.split(/\r?\n/).forEach((s, i) => {
    if (!s.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      throw new DetectionsError(`${name} line ${i + 1} is not JSON (${(e as Error).message})`, 'one JSON object per line, e.g. {"table": "usage", "entity": "42", "timestamp": "2025-03-05T10:00:00Z"}');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DetectionsError(`${name} line ${i + 1} is not a JSON object`, 'one object per line with at least "table" and a time');
    out.push({ line: i + 1, rec: v as Record<string, unknown> });
  });
  return out;
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes doubled, line breaks); the first row names the fields. */
function csvRows(text: string, name: string): { line: number; rec: Record<string, unknown> }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') (quoted = true), (any = true);
    else if (ch === ',') cells.push(cell), (cell = ''), (any = true);
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (any || cell !== '') records.push({ line: startLine, cells: [...cells, cell] });
      cells = [];
      cell = '';
      any = false;
      line++;
      startLine = line;
    } else (cell += ch), (any = true);
  }
  if (quoted) throw new DetectionsError(`${name} line ${startLine}: a quoted field is not closed`, 'close the field with a double quote; a quote inside a field is written twice ("")');
  if (any || cell !== '') records.push({ line: startLine, cells: [...cells, cell] });
  if (records.length === 0) return [];
  const header = records[0].cells.map((h) => h.trim().toLowerCase());
  if (!header.includes('table')) throw new DetectionsError(`${name}: the CSV header ${JSON.stringify(records[0].cells.join(','))} has no "table" column`, `the first row names the fields: table, entity, timestamp (or start, end), column, family, score`);
  return records.slice(1).map(({ line: l, cells: c }) => {
    if (c.length !== header.length) throw new DetectionsError(`${name} line ${l} has ${c.length} fields, the header ${header.length}`, 'quote a field that holds a comma');
    return { line: l, rec: Object.fromEntries(header.map((h, j) => [h, c[j] === '' ? null : c[j]])) };
  });
}

function instant(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return parseInstant(v);
}

function toDetection(rec: Record<string, unknown>, line: number, name: string): Detection {
  const at = `${name} line ${line}`;
  const unknown = Object.keys(rec).find((k) => !FIELDS.includes(k.toLowerCase()));
  if (unknown) throw new DetectionsError(`${at}: unknown field "${unknown}"`, `fields: ${FIELDS.join(', ')}`);
  const get = (...keys: string[]) => keys.map((k) => rec[k]).find((v) => v !== undefined && v !== null);
  const text = (v: unknown) => (v === undefined || v === null ? null : String(v));
  const table = text(get('table'));
  if (!table) throw new DetectionsError(`${at}: no "table"`, 'name the table the detection is about');
  const point = get('timestamp', 'ts', 'time');
  const [s, e] = [get('start'), get('end')];
  let start: number | undefined;
  let end: number | undefined;
  if (point !== undefined) {
    if (s !== undefined || e !== undefined) throw new DetectionsError(`${at}: both a timestamp and start/end`, 'a detection is a point (timestamp) or a window (start, end)');
    start = end = instant(point);
    if (start === undefined) throw new DetectionsError(`${at}: timestamp ${JSON.stringify(point)} is not an ISO-8601 instant or epoch milliseconds`, 'e.g. "2025-03-05T10:00:00Z"');
  } else {
    if (s === undefined || e === undefined) throw new DetectionsError(`${at}: no time (timestamp, or start and end)`, 'e.g. "timestamp": "2025-03-05T10:00:00Z", or "start" and "end" for a window');
    start = instant(s);
    end = instant(e);
    if (start === undefined || end === undefined) throw new DetectionsError(`${at}: start/end ${JSON.stringify(s)}/${JSON.stringify(e)} are not ISO-8601 instants or epoch milliseconds`, 'e.g. "2025-03-05T00:00:00Z"');
    if (end < start) throw new DetectionsError(`${at}: the window ends before it starts`, 'end is the first instant after the window');
  }
  const scoreRaw = get('score');
  const score = scoreRaw === undefined ? null : Number(scoreRaw);
  if (score !== null && !Number.isFinite(score)) throw new DetectionsError(`${at}: score ${JSON.stringify(scoreRaw)} is not a number`, 'score is optional: the detector\'s own score');
  return { line, table, entity: text(get('entity', 'entity_key')), start: start!, end: end!, column: text(get('column')), family: text(get('family')), score };
}
