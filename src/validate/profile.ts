/**
 * Column profiles for the HTML report: per column nulls, distinct values (exact up to 2 M rows, else estimated), min/max/mean,
 * a 20-bin equal-width histogram for numeric and datetime columns and the ten most frequent values for the others.
 * Everything is aggregated in DuckDB; only the bins and top values come back.
 */
import { dbl, ident, n } from './sql.ts';
import type { ColumnProfile, TableProfile, ValidateContext } from './types.ts';

const HISTOGRAM_BINS = 20;
const TOP_VALUES = 10;
/** Up to this many rows distinct values are counted exactly; above, estimated (HyperLogLog, a few % off). */
const EXACT_DISTINCT_ROWS = 2_000_000;

type Kind = 'numeric' | 'datetime' | 'other';

/** A numeric or datetime column to bin: its profile, column index, finite range and non-null count. */
interface Binned { p: ColumnProfile; k: Kind; i: number; lo: number; hi: number; count: number }

function kindOf(type: string): Kind {
  const t = type.toUpperCase();
  // A list, struct or map of numbers (DOUBLE[]) has no min/avg: its values are profiled as text (top values).
  if (/\[\d*\]$|^(STRUCT|MAP|UNION)\b/.test(t)) return 'other';
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
  const binned: Binned[] = [];
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
      const lo = n(r[`lo${i}`]);
      const hi = n(r[`hi${i}`]);
      if (k === 'other') p.top = await topValues(ctx, table, c.name);
      else if (Number.isFinite(lo) && Number.isFinite(hi)) binned.push({ p, k, i, lo, hi, count: n(r[`n${i}`]) });
    }
    profiles.push(p);
  }
  await histograms(ctx, table, cols, binned);
  return profiles;
}

/**
 * Equal-width bins between min and max of every numeric and datetime column, in one scan (DuckDB's
 * `histogram(x, boundaries)`: bins are (from, to], the first includes the minimum). Datetimes are binned on
 * epoch milliseconds and their edges reported as ISO text; a column of one value has one bin.
 */
async function histograms(ctx: ValidateContext, table: string, cols: { name: string }[], binned: Binned[]): Promise<void> {
  const spread = binned.filter((b) => b.hi > b.lo);
  const value = (b: Binned) => (b.k === 'datetime' ? `epoch_ms(${ident(cols[b.i].name)}::TIMESTAMP)::DOUBLE` : `${ident(cols[b.i].name)}::DOUBLE`);
  const bounds = (b: Binned) => Array.from({ length: HISTOGRAM_BINS - 1 }, (_, j) => b.lo + ((j + 1) * (b.hi - b.lo)) / HISTOGRAM_BINS);
  const r = spread.length
    ? (await ctx.db.all(`SELECT ${spread.map((b) => `map_values(histogram(CASE WHEN isfinite(${value(b)}) THEN ${value(b)} END, [${bounds(b).map(dbl).join(', ')}])) AS h${b.i}`).join(', ')} FROM ${ident(table)}`))[0] ?? {}
    : {};
  for (const b of binned) {
    const edge = (v: number) => (b.k === 'datetime' ? new Date(v).toISOString() : v);
    if (b.hi === b.lo) {
      b.p.histogram = [{ from: edge(b.lo), to: edge(b.hi), count: b.count }];
      continue;
    }
    const width = (b.hi - b.lo) / HISTOGRAM_BINS;
    // One entry per boundary (zero counts included), then one for the values above the last boundary.
    const got = (r[`h${b.i}`] as unknown[] | null) ?? [];
    const counts = Array.from({ length: HISTOGRAM_BINS }, (_, j) => (j < HISTOGRAM_BINS - 1 ? n(got[j] ?? 0) : got.slice(HISTOGRAM_BINS - 1).reduce<number>((a, v) => a + n(v), 0)));
    b.p.histogram = counts.map((count, j) => ({ from: edge(b.lo + j * width), to: edge(j === HISTOGRAM_BINS - 1 ? b.hi : b.lo + (j + 1) * width), count }));
  }
}

async function topValues(ctx: ValidateContext, table: string, column: string): Promise<ColumnProfile['top']> {
  const rows = await ctx.db.all(`SELECT ${ident(column)}::VARCHAR AS v, count(*) AS c FROM ${ident(table)} WHERE ${ident(column)} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${TOP_VALUES}`);
  return rows.map((row) => ({ value: String(row.v), count: n(row.c) }));
}
