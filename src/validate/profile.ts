/**
 * Column profiles for the HTML report: per column nulls, distinct values (exact up to 2 M rows, else estimated), min/max/mean,
 * a 20-bin equal-width histogram for numeric and datetime columns and the ten most frequent values for the others.
 * Everything is aggregated in DuckDB; only the bins and top values come back.
 */
import { ident, n, num } from './sql.ts';
import type { ColumnProfile, TableProfile, ValidateContext } from './types.ts';

export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 10;
/** Up to this many rows distinct values are counted exactly; above, estimated (HyperLogLog, a few % off). */
export const EXACT_DISTINCT_ROWS = 2_000_000;

type Kind = 'numeric' | 'datetime' | 'other';

function kindOf(type: string): Kind {
  const t = type.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL)/.test(t)) return 'numeric';
  if (/^(DATE|TIMESTAMP)/.test(t)) return 'datetime';
  return 'other';
}

function text(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'number' ? v : String(v);
}

/** Profiles of every node table present in the file, in plan order. */
export async function profileTables(ctx: ValidateContext): Promise<TableProfile[]> {
  const out: TableProfile[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id)) continue;
    const cols = await ctx.db.describe(t.id);
    const rows = ctx.rows.get(t.id) ?? 0;
    out.push({ table: t.id, rows, columns: await profileColumns(ctx, t.id, cols, rows) });
  }
  return out;
}

async function profileColumns(ctx: ValidateContext, table: string, cols: { name: string; type: string }[], rows: number): Promise<ColumnProfile[]> {
  if (!cols.length) return [];
  const from = ident(table);
  const approx = rows > EXACT_DISTINCT_ROWS;
  // One scan for the counts and ranges of every column.
  const parts = cols.flatMap((c, i) => {
    const k = kindOf(c.type);
    const x = ident(c.name);
    const distinct = approx ? `approx_count_distinct(${x})` : `count(DISTINCT ${x})`;
    const base = [`count(${x}) AS n${i}`, `${distinct} AS d${i}`];
    if (k === 'numeric') base.push(`min(${x})::DOUBLE AS lo${i}`, `max(${x})::DOUBLE AS hi${i}`, `avg(${x})::DOUBLE AS m${i}`);
    if (k === 'datetime') base.push(`min(${x}) AS lo${i}`, `max(${x}) AS hi${i}`);
    if (k === 'other' && !/\[\]|STRUCT|MAP|LIST/i.test(c.type)) base.push(`min(${x})::VARCHAR AS lo${i}`, `max(${x})::VARCHAR AS hi${i}`);
    return base;
  });
  const r = (await ctx.db.all(`SELECT ${parts.join(', ')} FROM ${from}`))[0] ?? {};
  const profiles: ColumnProfile[] = [];
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i];
    const k = kindOf(c.type);
    const p: ColumnProfile = { name: c.name, type: c.type, nulls: rows - n(r[`n${i}`]), distinct: n(r[`d${i}`]), ...(approx ? { distinctApprox: true } : {}) };
    if (`lo${i}` in r) {
      p.min = text(r[`lo${i}`]);
      p.max = text(r[`hi${i}`]);
    }
    if (k === 'numeric') p.mean = Number.isFinite(n(r[`m${i}`])) ? n(r[`m${i}`]) : null;
    if (n(r[`n${i}`]) > 0) {
      if (k === 'numeric' || k === 'datetime') p.histogram = await histogram(ctx, table, c.name, k, r[`lo${i}`], r[`hi${i}`]);
      else p.top = await topValues(ctx, table, c.name);
    }
    profiles.push(p);
  }
  return profiles;
}

/** Equal-width bins between min and max (datetimes binned on epoch milliseconds, edges reported as ISO text). */
async function histogram(ctx: ValidateContext, table: string, column: string, k: Kind, loV: unknown, hiV: unknown): Promise<ColumnProfile['histogram']> {
  const lo = n(loV);
  const hi = n(hiV);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
  const x = k === 'datetime' ? `epoch_ms(${ident(column)}::TIMESTAMP)::DOUBLE` : `${ident(column)}::DOUBLE`;
  const width = (hi - lo) / HISTOGRAM_BINS;
  const bin = width > 0 ? `least(${HISTOGRAM_BINS - 1}, floor((${x} - ${num(lo)}) / ${num(width)}))::INTEGER` : '0';
  const rows = await ctx.db.all(`SELECT ${bin} AS b, count(*) AS c FROM ${ident(table)} WHERE ${ident(column)} IS NOT NULL AND isfinite(${x}) GROUP BY 1 ORDER BY 1`);
  const bins = width > 0 ? HISTOGRAM_BINS : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const row of rows) counts[Math.max(0, Math.min(bins - 1, n(row.b)))] += n(row.c);
  const edge = (v: number) => (k === 'datetime' ? new Date(v).toISOString() : v);
  return counts.map((count, i) => ({ from: edge(lo + i * width), to: edge(width > 0 ? lo + (i + 1) * width : hi), count }));
}

async function topValues(ctx: ValidateContext, table: string, column: string): Promise<ColumnProfile['top']> {
  const rows = await ctx.db.all(`SELECT ${ident(column)}::VARCHAR AS v, count(*) AS c FROM ${ident(table)} WHERE ${ident(column)} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${TOP_VALUES}`);
  return rows.map((row) => ({ value: String(row.v), count: n(row.c) }));
}
