/**
 * Profiling of a source's tables (issue 21): row counts, column kinds (dates stored as strings or numbers
 * included), null rates, exact distinct counts, ranges, the time grain of time columns, and a deterministic sample.
 *
 * Everything is computed on the full data except the sample. The sample is the first N rows in the order of a
 * hash of each row's text, so it depends only on the table's content: the same data gives the same sample whether
 * it is read from Parquet, a DuckDB file or copied in from PostgreSQL, whatever the physical row order or threads.
 */
import { quoteIdent } from '../sinks/sql.ts';
import type { Source, SourceTable } from './source.ts';

type ColumnKind = 'int' | 'float' | 'decimal' | 'bool' | 'string' | 'datetime' | 'date' | 'uuid' | 'unsupported';

/** How a time column is stored when it is not a DATE/TIMESTAMP: text, epoch seconds or milliseconds, or yyyymmdd. */
type StoredAs = 'text' | 'epoch_s' | 'epoch_ms' | 'yyyymmdd';

export interface ColumnProfile {
  name: string;
  /** The source's SQL type (as DuckDB names it). */
  sqlType: string;
  kind: ColumnKind;
  /** Set when a date/datetime column is stored as text or numbers. */
  storedAs?: StoredAs;
  nonNull: number;
  nullRate: number;
  distinct: number;
  /** Numbers (numeric and time columns: epoch ms) or text (string columns). */
  min: number | string | null;
  max: number | string | null;
  /** String columns: the mean length of the non-null values. */
  avgLength?: number;
  /** Time columns: the SQL expression giving the value as a TIMESTAMP (from the column). */
  timeSql?: string;
  /** Time columns: the finest unit any value uses: 'T' minutes (or finer), 'H' hours, 'D' days. */
  grain?: 'T' | 'H' | 'D';
}

export interface TableProfile {
  name: string;
  sql: string;
  rows: number;
  columns: ColumnProfile[];
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number(v ?? NaN));

function kindOf(sqlType: string): ColumnKind {
  const t = sqlType.toUpperCase();
  if (t === 'BOOLEAN') return 'bool';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(t)) return 'int';
  if (t === 'FLOAT' || t === 'DOUBLE' || t === 'REAL') return 'float';
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return dec[2] === '0' ? 'int' : 'decimal';
  if (t === 'VARCHAR' || t.startsWith('ENUM')) return 'string';
  if (t === 'UUID') return 'uuid';
  if (t === 'DATE') return 'date';
  if (/^TIMESTAMP/.test(t)) return 'datetime';
  return 'unsupported';
}

const TIME_NAME = /(^|_)(date|time|ts|timestamp|at|on|day|dt|epoch|created|updated|modified)($|_)|(date|time|stamp)$/i;

/** Profile every table of the source (full-data statistics, no sample). */
export async function profileSource(source: Source): Promise<TableProfile[]> {
  const out: TableProfile[] = [];
  for (const t of source.tables) out.push(await profileTable(source, t));
  return out;
}

async function profileTable(source: Source, t: SourceTable): Promise<TableProfile> {
  const described = await source.query(`DESCRIBE SELECT * FROM ${t.sql}`);
  const cols = described.map((r) => ({ name: String(r.column_name), sqlType: String(r.column_type) }));
  const parts: string[] = ['count(*) AS "rows"'];
  cols.forEach((c, i) => {
    const q = quoteIdent(c.name);
    const k = kindOf(c.sqlType);
    parts.push(`count(${q}) AS "nn${i}"`);
    if (k !== 'unsupported') parts.push(`count(DISTINCT ${q}) AS "d${i}"`);
    if (k === 'int' || k === 'float' || k === 'decimal') parts.push(`min(${q})::DOUBLE AS "lo${i}"`, `max(${q})::DOUBLE AS "hi${i}"`);
    else if (k === 'string') parts.push(`min(${q}::VARCHAR) AS "lo${i}"`, `max(${q}::VARCHAR) AS "hi${i}"`, `avg(length(${q}::VARCHAR)) AS "len${i}"`);
    else if (k === 'date' || k === 'datetime') parts.push(`epoch_ms(min(${q})::TIMESTAMP) AS "lo${i}"`, `epoch_ms(max(${q})::TIMESTAMP) AS "hi${i}"`);
  });
  const [r] = await source.query(`SELECT ${parts.join(', ')} FROM ${t.sql}`);
  const rows = num(r.rows);
  const columns: ColumnProfile[] = cols.map((c, i) => {
    const kind = kindOf(c.sqlType);
    const nonNull = num(r[`nn${i}`]);
    const lo = r[`lo${i}`];
    const hi = r[`hi${i}`];
    return {
      name: c.name,
      sqlType: c.sqlType,
      kind,
      nonNull,
      nullRate: rows ? (rows - nonNull) / rows : 0,
      distinct: kind === 'unsupported' ? 0 : num(r[`d${i}`]),
      min: lo == null ? null : kind === 'string' ? String(lo) : num(lo),
      max: hi == null ? null : kind === 'string' ? String(hi) : num(hi),
      ...(kind === 'string' && r[`len${i}`] != null ? { avgLength: num(r[`len${i}`]) } : {}),
    };
  });
  for (const c of columns) await detectStoredTime(source, t, c, rows);
  for (const c of columns) if (c.kind === 'date' || c.kind === 'datetime') await timeGrain(source, t, c);
  return { name: t.name, sql: t.sql, rows, columns };
}

/**
 * Dates stored as text (ISO-like, ≥ 99 % of the non-null values parse as a timestamp) or as numbers (epoch seconds
 * or milliseconds in 1990–2100, or yyyymmdd, for a column whose name says it is a time): the column becomes a
 * date/datetime column and `timeSql` reads it as a TIMESTAMP.
 */
async function detectStoredTime(source: Source, t: SourceTable, c: ColumnProfile, rows: number): Promise<void> {
  const q = quoteIdent(c.name);
  if (c.kind === 'date' || c.kind === 'datetime') {
    c.timeSql = `${q}::TIMESTAMP`;
    return;
  }
  if (!c.nonNull || !rows) return;
  let expr: string | null = null;
  let storedAs: StoredAs | null = null;
  if (c.kind === 'string' && c.avgLength !== undefined && c.avgLength >= 8 && c.avgLength <= 35) {
    // every value (a LIMIT would pick rows by scan order, which threads change: infer stays deterministic)
    const [r] = await source.query(`SELECT count(*) FILTER (WHERE try_cast(${q} AS TIMESTAMP) IS NOT NULL) AS ok, count(*) AS n
        FROM ${t.sql} WHERE ${q} IS NOT NULL`);
    if (num(r.n) > 0 && num(r.ok) >= 0.99 * num(r.n)) {
      expr = `try_cast(${q} AS TIMESTAMP)`;
      storedAs = 'text';
    }
  } else if (c.kind === 'int' && TIME_NAME.test(c.name) && typeof c.min === 'number' && typeof c.max === 'number') {
    const DAY_S = 86400;
    if (c.min >= 19000101 && c.max <= 21001231) {
      const [r] = await source.query(`SELECT count(*) FILTER (WHERE try_strptime(${q}::VARCHAR, '%Y%m%d') IS NOT NULL) AS ok, count(${q}) AS n FROM ${t.sql}`);
      if (num(r.ok) === num(r.n)) {
        expr = `try_strptime(${q}::VARCHAR, '%Y%m%d')`;
        storedAs = 'yyyymmdd';
      }
    } else if (c.min >= 7305 * DAY_S && c.max <= 47482 * DAY_S) {
      expr = `to_timestamp(${q})::TIMESTAMP`;
      storedAs = 'epoch_s';
    } else if (c.min >= 7305 * DAY_S * 1000 && c.max <= 47482 * DAY_S * 1000) {
      expr = `epoch_ms(${q}::BIGINT)`;
      storedAs = 'epoch_ms';
    }
  }
  if (!expr || !storedAs) return;
  const [r] = await source.query(`SELECT epoch_ms(min(${expr})) AS lo, epoch_ms(max(${expr})) AS hi, count(${expr}) AS n FROM ${t.sql}`);
  c.kind = storedAs === 'yyyymmdd' ? 'date' : 'datetime';
  if (storedAs === 'text') {
    const [d] = await source.query(`SELECT count(*) FILTER (WHERE ${expr} <> date_trunc('day', ${expr})) AS timed FROM ${t.sql}`);
    if (num(d.timed) === 0 && (c.avgLength ?? 0) <= 10) c.kind = 'date';
  }
  c.storedAs = storedAs;
  c.timeSql = expr;
  c.min = num(r.lo);
  c.max = num(r.hi);
  // values that do not parse count as nulls
  c.nonNull = num(r.n);
  c.nullRate = (rows - c.nonNull) / rows;
}

async function timeGrain(source: Source, t: SourceTable, c: ColumnProfile): Promise<void> {
  if (c.kind === 'date') return void (c.grain = 'D');
  const e = c.timeSql!;
  const [r] = await source.query(`SELECT count(*) FILTER (WHERE ${e} <> date_trunc('hour', ${e})) AS sub_hour,
      count(*) FILTER (WHERE ${e} <> date_trunc('day', ${e})) AS sub_day FROM ${t.sql}`);
  c.grain = num(r.sub_hour) > 0 ? 'T' : num(r.sub_day) > 0 ? 'H' : 'D';
}

/**
 * The sample of a table: up to n rows, the first in the order of a hash of the row's text (content-defined, so
 * deterministic across sources and thread counts), kept as a temporary table; returns its quoted name.
 */
export async function sampleTable(source: Source, p: TableProfile, n: number): Promise<string> {
  const name = quoteIdent(`__infer_sample_${p.name}`);
  const key = p.columns.filter((c) => c.kind !== 'unsupported').map((c) => `${quoteIdent(c.name)}::VARCHAR`);
  const order = key.length ? `ORDER BY hash(${key.join(', ')}), ${key.join(', ')}` : '';
  await source.conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT * FROM ${p.sql} ${order} LIMIT ${Math.max(1, Math.floor(n))}`);
  return name;
}

/** Numbers of a column of the sample, sorted (time columns as epoch milliseconds). */
export async function sampleNumbers(source: Source, sample: string, c: ColumnProfile): Promise<Float64Array> {
  const q = quoteIdent(c.name);
  const e = c.timeSql ? `epoch_ms(${c.timeSql})::DOUBLE` : `${q}::DOUBLE`;
  const rows = await source.query(`SELECT ${e} AS v FROM ${sample} WHERE ${e} IS NOT NULL AND isfinite(${e}) ORDER BY v`);
  return Float64Array.from(rows, (r) => num(r.v));
}

/** Text values of a column of the sample, sorted. */
export async function sampleStrings(source: Source, sample: string, c: ColumnProfile): Promise<string[]> {
  const q = quoteIdent(c.name);
  const rows = await source.query(`SELECT ${q}::VARCHAR AS v FROM ${sample} WHERE ${q} IS NOT NULL ORDER BY v`);
  return rows.map((r) => String(r.v));
}

/** The most frequent values of a column on the full data (count desc, value asc), with their counts. */
export async function topValues(source: Source, p: TableProfile, c: ColumnProfile, limit = 1000): Promise<{ value: string | number | boolean; count: number }[]> {
  const q = quoteIdent(c.name);
  const rows = await source.query(`SELECT ${q} AS v, count(*) AS n FROM ${p.sql} WHERE ${q} IS NOT NULL GROUP BY ${q} ORDER BY n DESC, ${q}${c.kind === 'string' ? '::VARCHAR' : ''} LIMIT ${limit}`);
  return rows.map((r) => ({
    value: typeof r.v === 'boolean' ? r.v : c.kind === 'string' || c.kind === 'uuid' ? String(r.v) : num(r.v),
    count: num(r.n),
  }));
}
