/**
 * `datagen compare <source> <twin>`: how close a twin (usually what `datagen run` made from an inferred spec) is to
 * the source it imitates — SDMetrics-style scores computed by DuckDB over both (docs/compare.md).
 *
 * Both are opened with openSource (src/infer/source.ts), and the twin's matched columns are made visible in the
 * source's DuckDB connection (schema `twin`) — a DuckDB file attached read-only, anything else copied in chunk by
 * chunk — so every score is one SQL query over both.
 */
import { isReservedTable } from '../plan/spec-checks.ts';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { profileSource } from '../infer/profile.ts';
import { openSource, type Source, SourceError } from '../infer/source.ts';
import { quoteString } from '../sinks/sql.ts';
import { VERSION } from '../version.ts';
import { CompareError, type Keys, keysFromSpec, mergeKeys, readSpecFile, sourceKeys } from './keys.ts';
import { contingencySql, ksSql, norm, numeric, q, tvdSql } from './sql.ts';
import type {
  Cardinality, Category, ColumnKind, ColumnPair, ColumnShape, CompareReport, ForeignKey, Integrity, PrivacyTable, TableSummary, TimePattern,
} from './types.ts';

export interface CompareOptions {
  /** Compare only these tables of the source (each must exist in the source; one missing in the twin is reported). */
  tables?: string[];
  /** Keys from a datagen spec: a file path, or the parsed document. Default: the source's declared keys and those datagen's key finder finds in it. */
  spec?: string | Record<string, unknown>;
  /** Report overall ≥ threshold as `ok` (0 … 1). */
  threshold?: number;
  /** Rows per table the column-pair trends read: a larger table is sampled (default 200,000). */
  pairSampleRows?: number;
  /** Twin rows whose distance to the closest source record is measured (default 500), against this many source rows (default 5,000). */
  dcrTwinRows?: number;
  dcrSourceRows?: number;
}

/** |Pearson| or Cramér's V at or above this marks a pair as correlated in the source. */
const CORRELATED = 0.3;
/** A text column: more distinct values than this share of its non-null values (and more than TEXT_MIN_DISTINCT). */
const TEXT_DISTINCT_SHARE = 0.5;
const TEXT_MIN_DISTINCT = 100;
const HIST_BINS = 20;
/** A column with more distinct values than this share of its values has its KS computed by sorting, not grouping. */
const MOSTLY_DISTINCT = 0.2;
const PAIR_BINS = 10;
const TOP_VALUES = 12;


interface Col {
  name: string; type: string; kind: ColumnKind; nulls: number; twinType: string | null; twinKind: ColumnKind | null;
  /** Distinct values in the source (approximate: HyperLogLog). */
  distinct: number;
  /** The source's central 99 % (0.5th to 99.5th percentile, approximate) of a number or time (epoch ms), the
   *  histogram's range; the twin's nulls. */
  lo: number | null; hi: number | null; twinNulls: number | null;
  /** A time stored as text or numbers (found by infer's profile): the source's expression giving a TIMESTAMP, and
   *  whether its values are days. */
  stored?: { expr: string; date: boolean };
}

type Side = 'source' | 'twin';

/** The value of a column on one side as compare reads it: numbers as DOUBLE, times as TIMESTAMP, the rest as text. */
function val(c: Col, side: Side): string {
  // a time stored as text or numbers: the twin's column read the same way when it is stored the same way
  if (c.stored && (side === 'source' || c.twinType === c.type)) return c.stored.expr;
  return norm(c.kind, c.name);
}

/** A number for correlations and distances: times as epoch milliseconds. */
function numv(c: Col, side: Side): string {
  return c.kind === 'datetime' ? `epoch_ms(${val(c, side)})::DOUBLE` : val(c, side);
}
interface Table { name: string; src: string; twin: string | null; rows: number; twinRows: number | null; cols: Col[] }

const num = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x));
/** A distance of shares summed in floating point (1.0000000000000002) kept within [0, 1]. */
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** How a column of this DuckDB type is compared (before the per-column statistics that tell text and keys). */
function kindOf(type: string): ColumnKind {
  const t = type.toUpperCase();
  if (/\]$/.test(t) || /^(STRUCT|MAP|UNION)/.test(t)) return 'other';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)/.test(t)) return 'numeric';
  if (/^(DATE|TIMESTAMP)/.test(t)) return 'datetime';
  if (/^(VARCHAR|BOOLEAN|ENUM)/.test(t)) return 'categorical';
  return 'other';
}
const integerType = (type: string) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(type.toUpperCase());
const scored = (k: ColumnKind) => k === 'numeric' || k === 'datetime' || k === 'categorical';

async function describe(s: Source, rel: string): Promise<{ name: string; type: string }[]> {
  return (await s.query(`DESCRIBE SELECT * FROM ${rel}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

async function one(s: Source, sql: string): Promise<Record<string, unknown>> {
  return (await s.query(sql))[0] ?? {};
}

/**
 * How the twin's tables are read from the source's connection: a DuckDB file is attached read-only (no copy; when it
 * is the source's own file, the source's views are read again); anything else is copied in (copyTable).
 */
type TwinAccess = { kind: 'copy' } | { kind: 'attached'; relation: Map<string, string> };

async function twinAccess(src: Source, twin: Source, sourcePath: string, twinPath: string): Promise<TwinAccess> {
  if (twin.kind !== 'duckdb') return { kind: 'copy' };
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  // (schema-qualified: inside a view of schema twin, a bare name would be the view itself)
  if (src.kind === 'duckdb' && real(sourcePath) === real(twinPath)) return { kind: 'attached', relation: new Map(src.tables.map((t) => [t.name, `main.${t.sql}`])) };
  await src.conn.run(`ATTACH ${quoteString(twinPath)} AS dg_twin (READ_ONLY)`);
  const rows = await src.query(`SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'dg_twin' ORDER BY schema_name <> 'main', schema_name, table_name`);
  const relation = new Map<string, string>();
  for (const r of rows) {
    // named as openSource names them: a table of another schema than main is <schema>_<table>
    const [schema, table] = [String(r.schema_name), String(r.table_name)];
    const name = schema === 'main' ? table : `${schema}_${table}`;
    if (!relation.has(name)) relation.set(name, `dg_twin.${q(schema)}.${q(table)}`);
  }
  return { kind: 'attached', relation };
}

/** Copy `cols` of the twin's table into `twin.<name>` of the source's connection, chunk by chunk. */
async function copyTable(from: Source, to: Source, table: string, cols: { name: string; type: string }[]): Promise<void> {
  const target = `twin.${q(table)}`;
  // a table none of whose columns is compared still counts its rows
  if (!cols.length) {
    await to.conn.run(`CREATE TABLE ${target} AS SELECT * FROM range(${Number((await one(from, `SELECT count(*) n FROM ${q(table)}`)).n)}) r(__row__)`);
    return;
  }
  const type = (t: string) => (/^ENUM/i.test(t) ? 'VARCHAR' : t);
  await to.conn.run(`CREATE TABLE ${target} (${cols.map((c) => `${q(c.name)} ${type(c.type)}`).join(', ')})`);
  const select = cols.map((c) => (type(c.type) !== c.type ? `CAST(${q(c.name)} AS VARCHAR) AS ${q(c.name)}` : q(c.name))).join(', ');
  const appender = await to.conn.createAppender(table, 'twin');
  try {
    const result = await from.conn.stream(`SELECT ${select} FROM ${q(table)}`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Compare a twin with its source; both are paths (or a postgresql:// URL) that openSource reads. */
export async function compareSources(sourceLocation: string, twinLocation: string, options: CompareOptions = {}): Promise<CompareReport> {
  const started = performance.now();
  if (options.threshold !== undefined && !(options.threshold >= 0 && options.threshold <= 1)) {
    throw new CompareError(`the threshold ${options.threshold} is not between 0 and 1`, 'DG_BAD_OPTION', 'give a score from 0 to 1, e.g. --threshold 0.8');
  }
  const keys: Keys | null = options.spec === undefined ? null
    : keysFromSpec(typeof options.spec === 'string' ? readSpecFile(resolve(options.spec), options.spec) : options.spec);
  const src = await openSource(sourceLocation, { tables: options.tables });
  let twin: Source | null = null;
  try {
    try {
      twin = await openSource(twinLocation);
    } catch (e) {
      // its messages say "source": this one is the twin
      if (e instanceof SourceError) throw new SourceError(e.message.replace(/^source /, 'twin '), e.code, e.hint);
      throw e;
    }
    const access = await twinAccess(src, twin, resolve(sourceLocation), resolve(twinLocation));
    return await compareOpen(src, twin, access, keys, options, started);
  } finally {
    twin?.close();
    src.close();
  }
}

async function compareOpen(src: Source, twinSource: Source, access: TwinAccess, given: Keys | null, o: CompareOptions, started: number): Promise<CompareReport> {
  await src.conn.run(`SET TimeZone = 'UTC'`).catch(() => undefined);
  await src.conn.run('CREATE SCHEMA twin');
  // the spec's keys first, then the source's (declared and found) for the columns the spec does not make keys: a spec
  // may draw a key through another table (infer's lookup tables of exact dependencies), which its lookups do not show
  const profiles = await profileSource(src);
  const found = await sourceKeys(src, profiles);
  const keys: Keys = given ? mergeKeys(given, found) : found;
  const srcTables = src.tables.filter((t) => !isReservedTable(t.name));
  const twinTables = new Map(twinSource.tables.filter((t) => !isReservedTable(t.name)).map((t) => [t.name, t]));
  if (!srcTables.length) throw new CompareError(`the source "${src.location}" has no tables to compare`, 'DG_COMPARE_NO_TABLES', 'give the source the twin imitates');

  // Tables, their columns and how each is compared.
  const tables: Table[] = [];
  const summaries: TableSummary[] = [];
  const srcNames = new Set(srcTables.map((t) => t.name));
  const fkCols = new Set(keys.fks.flatMap((f) => [`${f.table}.${f.column}`, `${f.refTable}.${f.refColumn}`]));
  for (const t of srcTables) {
    const sc = await describe(src, t.sql);
    const tw = twinTables.get(t.name);
    const twc = tw ? await describe(twinSource, tw.sql) : [];
    const twinType = new Map(twc.map((c) => [c.name, c.type]));
    const ranged = (type: string) => kindOf(type) === 'numeric' || kindOf(type) === 'datetime';
    const stats = await one(src, `SELECT count(*) n${sc.map((c, i) => `, count(${q(c.name)}) nn${i}, approx_count_distinct(${q(c.name)}) d${i}`
      + (ranged(c.type) ? `, approx_quantile(${numeric(kindOf(c.type), c.name)}, 0.005) lo${i}, approx_quantile(${numeric(kindOf(c.type), c.name)}, 0.995) hi${i}` : '')).join('')} FROM ${t.sql}`);
    const rows = Number(stats.n);
    const cols: Col[] = [];
    for (const [i, c] of sc.entries()) {
      let kind = kindOf(c.type);
      const profile = profiles.find((p) => p.name === t.name)?.columns.find((x) => x.name === c.name);
      const stored = profile?.storedAs && profile.timeSql ? { expr: profile.timeSql, date: profile.kind === 'date' } : undefined;
      const nn = Number(stats[`nn${i}`]);
      const distinct = Number(stats[`d${i}`]);
      const isKey = keys.pk.get(t.name) === c.name || fkCols.has(`${t.name}.${c.name}`) || (t.declaredPk.length === 1 && t.declaredPk[0] === c.name);
      if (isKey) kind = 'key';
      else if (stored) kind = 'datetime';
      else if ((integerType(c.type) || /^VARCHAR/i.test(c.type)) && rows >= TEXT_MIN_DISTINCT && nn === rows && distinct >= 0.9 * rows
        && Number((await one(src, `SELECT count(DISTINCT ${q(c.name)}) d FROM ${t.sql}`)).d) === rows) kind = 'key';
      else if (kind === 'categorical' && /^VARCHAR/i.test(c.type) && distinct > TEXT_MIN_DISTINCT && distinct > TEXT_DISTINCT_SHARE * nn) kind = 'text';
      const tt = twinType.get(c.name) ?? null;
      cols.push({ name: c.name, type: c.type, kind, nulls: rows - nn, distinct, twinType: tt, twinKind: tt === null ? null : kindOf(tt),
        lo: stored ? num(profile!.min) : num(stats[`lo${i}`]), hi: stored ? num(profile!.max) : num(stats[`hi${i}`]), twinNulls: null, ...(stored && kind === 'datetime' ? { stored } : {}) });
    }
    let twinRows: number | null = null;
    if (tw) {
      const copy = twc.filter((c) => cols.some((s) => s.name === c.name && s.kind !== 'other'));
      if (access.kind === 'copy') await copyTable(twinSource, src, t.name, copy);
      else await src.conn.run(`CREATE VIEW twin.${q(t.name)} AS SELECT ${copy.length ? copy.map((c) => q(c.name)).join(', ') : '1 AS __row__'} FROM ${access.relation.get(t.name)}`);
      const counts = await one(src, `SELECT count(*) n${copy.map((c, i) => `, count(*) FILTER (WHERE ${q(c.name)} IS NULL) z${i}`).join('')} FROM twin.${q(t.name)}`);
      twinRows = Number(counts.n);
      for (const [i, c] of copy.entries()) cols.find((x) => x.name === c.name)!.twinNulls = Number(counts[`z${i}`]);
    }
    tables.push({ name: t.name, src: t.sql, twin: tw ? `twin.${q(t.name)}` : null, rows, twinRows, cols });
    summaries.push({
      table: t.name, status: tw ? 'matched' : 'missing', sourceRows: rows, twinRows,
      missingColumns: tw ? cols.filter((c) => c.twinType === null).map((c) => c.name) : cols.map((c) => c.name),
      extraColumns: twc.filter((c) => !cols.some((s) => s.name === c.name)).map((c) => c.name),
      pairSample: null,
    });
  }
  if (!o.tables?.length) {
    for (const name of twinTables.keys()) {
      if (!srcNames.has(name)) summaries.push({ table: name, status: 'extra', sourceRows: null, twinRows: null, missingColumns: [], extraColumns: [], pairSample: null });
    }
  }
  if (!tables.some((t) => t.twin)) {
    throw new CompareError(`the twin "${twinSource.location}" has none of the source's tables (${srcTables.map((t) => t.name).join(', ')})`, 'DG_COMPARE_NO_TABLES',
      'compare a twin with the source it imitates: tables are matched by name');
  }

  const byName = new Map(tables.map((t) => [t.name, t]));
  const col = (table: string, column: string) => byName.get(table)?.cols.find((c) => c.name === column);
  const fks = keys.fks.filter((f) => col(f.table, f.column) && col(f.refTable, f.refColumn));

  const columnShapes: ColumnShape[] = [];
  const columnPairs: ColumnPair[] = [];
  const timePatterns: TimePattern[] = [];
  const privacy: PrivacyTable[] = [];
  for (const t of tables) {
    for (const c of t.cols) columnShapes.push(await shape(src, t, c));
    if (!t.twin) continue;
    const summary = summaries.find((s) => s.table === t.name)!;
    summary.pairSample = await pairs(src, t, o.pairSampleRows ?? 200_000, columnPairs);
    for (const c of t.cols) if (c.kind === 'datetime' && c.twinType !== null) timePatterns.push(await timePattern(src, t, c));
    privacy.push(await privacyOf(src, t, o.dcrTwinRows ?? 500, o.dcrSourceRows ?? 5000));
  }
  const cardinality: Cardinality[] = [];
  const integrity: Integrity[] = [];
  for (const fk of fks) {
    const [child, parent] = [byName.get(fk.table)!, byName.get(fk.refTable)!];
    const [c, i] = await keyScores(src, fk, child, parent);
    cardinality.push(c);
    integrity.push(i);
  }

  const mean = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const timeDistance = mean(timePatterns.flatMap((p) => [p.hour, p.weekday, p.month]));
  const categories: Record<Category, number | null> = {
    columnShapes: mean(columnShapes.filter((s) => s.status !== 'skipped').map((s) => s.score)),
    columnPairTrends: mean(columnPairs.map((p) => p.score)),
    cardinality: mean(cardinality.map((c) => c.score)),
    referentialIntegrity: mean(integrity.map((c) => c.score)),
    timePatterns: timeDistance === null ? null : 1 - timeDistance,
  };
  const overall = mean(Object.values(categories));
  const correlated = columnPairs.filter((p) => p.correlatedInSource && p.score !== null);
  const threshold = o.threshold ?? null;
  return {
    datagenCompare: VERSION,
    source: src.location,
    twin: twinSource.location,
    overall,
    categories,
    correlatedPairTrends: { score: mean(correlated.map((p) => p.score)), pairs: correlated.length },
    threshold,
    ok: threshold === null || (overall !== null && overall >= threshold),
    tables: summaries,
    foreignKeys: fks,
    columnShapes,
    columnPairs,
    cardinality,
    integrity,
    timePatterns,
    privacy,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Column shape: 1 − KS (numbers, times) or 1 − TVD (categories) over every row of both. */
async function shape(s: Source, t: Table, c: Col): Promise<ColumnShape> {
  const base: ColumnShape = {
    table: t.name, column: c.name, kind: c.kind, metric: null, score: null, distance: null, status: 'skipped',
    sourceType: c.type, twinType: c.twinType, sourceNullShare: t.rows ? c.nulls / t.rows : 0, twinNullShare: null,
  };
  const metric = c.kind === 'categorical' ? 'tvd' : 'ks';
  if (!scored(c.kind)) {
    base.note = c.kind === 'key' ? 'a key: scored by cardinality and referential integrity' : c.kind === 'text' ? 'free text (mostly distinct values): not scored' : `type ${c.type} is not compared`;
    return base;
  }
  if (!t.twin || c.twinType === null) return { ...base, metric, score: 0, distance: 1, status: 'missing', note: t.twin ? 'the twin has no such column' : 'the twin has no such table' };
  const out: ColumnShape = { ...base, metric, status: 'scored', twinNullShare: t.twinRows && c.twinNulls !== null ? c.twinNulls / t.twinRows : null };
  if (c.stored) out.note = `a time stored as ${c.type}${c.twinType === c.type ? '' : `; the twin's ${c.twinType} is read as a time`}`;
  else if (c.twinKind !== c.kind && !(c.kind === 'categorical')) out.note = `types differ: source ${c.type}, twin ${c.twinType} (the twin's values are cast)`;
  const a = `SELECT ${val(c, 'source')} v FROM ${t.src}`;
  const b = `SELECT ${val(c, 'twin')} v FROM ${t.twin}`;
  const r = await one(s, metric === 'ks' ? ksSql(a, b, c.distinct > MOSTLY_DISTINCT * (t.rows - c.nulls)) : tvdSql(a, b));
  const na = num(r.na);
  const nb = num(r.nb);
  const d = num(metric === 'ks' ? r.ks : r.tvd);
  if (!na) return { ...out, status: 'skipped', note: 'no values in the source' };
  if (!nb || d === null) return { ...out, score: 0, distance: 1, note: 'no values in the twin' };
  out.distance = clamp01(d);
  out.score = 1 - out.distance;
  out.chart = metric === 'ks' ? await histogram(s, c, a, b) : await topValues(s, a, b);
  return out;
}

/** Shares per bin of the source's central 99 % (HIST_BINS equal bins; values outside, of either side, fall in the end bins). */
async function histogram(s: Source, c: Col, a: string, b: string): Promise<ColumnShape['chart']> {
  const x = c.kind === 'datetime' ? 'epoch_ms(v)::DOUBLE' : 'v';
  const [lo, hi] = [c.lo ?? 0, c.hi ?? 0];
  const width = (hi - lo) / HIST_BINS;
  const bin = width > 0 ? `least(${HIST_BINS - 1}, greatest(0, floor((${x} - ${lo}) / ${width})))::INT` : '0';
  const shares = async (from: string) => {
    const rows = await s.query(`SELECT ${bin} b, count(*)::DOUBLE / sum(count(*)) OVER () p FROM (${from}) WHERE v IS NOT NULL GROUP BY b`);
    const out = new Array<number>(width > 0 ? HIST_BINS : 1).fill(0);
    for (const r of rows) out[Number(r.b)] = Number(r.p);
    return out;
  };
  const label = (i: number) => {
    const v = lo + i * width;
    if (c.kind !== 'datetime') return String(Number(v.toPrecision(4)));
    const iso = new Date(v).toISOString();
    return width >= 86_400_000 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  };
  const src = await shares(a);
  return { labels: src.map((_, i) => label(i)), source: src, twin: await shares(b) };
}

/** Shares of the source's TOP_VALUES most frequent values, in both. */
async function topValues(s: Source, a: string, b: string): Promise<ColumnShape['chart']> {
  const top = await s.query(`SELECT v, count(*)::DOUBLE / sum(count(*)) OVER () p FROM (${a}) GROUP BY v ORDER BY count(*) DESC, v NULLS LAST LIMIT ${TOP_VALUES}`);
  const values = top.map((r) => (r.v === null ? null : String(r.v)));
  const tw = await s.query(`SELECT v, count(*)::DOUBLE / sum(count(*)) OVER () p FROM (${b}) GROUP BY v`);
  const twin = new Map(tw.map((r) => [r.v === null ? null : String(r.v), Number(r.p)]));
  return { labels: values.map((v) => (v === null ? '(null)' : v)), source: top.map((r) => Number(r.p)), twin: values.map((v) => twin.get(v) ?? 0) };
}

/**
 * The `n` rows of `select` (whose columns are `names`) that come first by a hash of their values, into temp table
 * `name` with their rank `rid` (1 …): deterministic whatever the rows' order. A cut on the hash keeps about 1.5 n
 * rows before the sort (when fewer than n pass, which is improbable, the whole query is sorted). Returns the rows kept.
 */
async function hashSample(s: Source, name: string, select: string, names: string, rows: number, n: number): Promise<number> {
  const rank = `row_number() OVER (ORDER BY hash(${names}), ${names}) rid`;
  const make = (where: string) => s.conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT * FROM (SELECT ${rank}, * FROM (${select})${where}) WHERE rid <= ${n}`);
  const cut = rows > 0 ? (2n ** 64n * BigInt(Math.ceil(1.5 * n + 1000))) / BigInt(rows) : 0n;
  if (rows > n && cut < 2n ** 64n) {
    await make(` WHERE hash(${names}) <= ${cut}::UBIGINT`);
    const kept = Number((await one(s, `SELECT count(*) n FROM ${name}`)).n);
    if (kept >= n) return kept;
  }
  await make('');
  return Number((await one(s, `SELECT count(*) n FROM ${name}`)).n);
}

/**
 * Column-pair trends over a sample of each side (every row when the table has at most `sampleRows`; else the
 * `sampleRows` rows first by a hash of their values: deterministic, whatever the row order): correlation similarity
 * 1 − |ρ_source − ρ_twin| / 2 for two numbers or times, contingency similarity 1 − TVD of the joint shares otherwise
 * (numbers and times in PAIR_BINS equal bins of the source's range).
 */
async function pairs(s: Source, t: Table, sampleRows: number, out: ColumnPair[]): Promise<TableSummary['pairSample']> {
  const cols = t.cols.filter((c) => scored(c.kind) && c.twinType !== null);
  if (cols.length < 2) return null;
  const exprs = (side: Side) => cols.map((c, i) => `${numv(c, side)} AS c${i}`).join(', ');
  const names = cols.map((_, i) => `c${i}`).join(', ');
  const sampled = {
    source: await hashSample(s, 'cmp_ps', `SELECT ${exprs('source')} FROM ${t.src}`, names, t.rows, sampleRows),
    twin: await hashSample(s, 'cmp_pt', `SELECT ${exprs('twin')} FROM ${t.twin}`, names, t.twinRows ?? 0, sampleRows),
  };
  const isNum = (c: Col) => c.kind !== 'categorical';
  const nums = cols.map((c, i) => (isNum(c) ? i : -1)).filter((i) => i >= 0);
  const numPairs = nums.flatMap((i, k) => nums.slice(k + 1).map((j) => [i, j] as const));
  const corr = async (rel: string) => (numPairs.length ? await one(s, `SELECT ${numPairs.map(([i, j]) => `corr(c${i}, c${j}) r${i}_${j}`).join(', ')} FROM ${rel}`) : {});
  const [cs, ct] = [await corr('cmp_ps'), await corr('cmp_pt')];
  const ranges = nums.length ? await one(s, `SELECT ${nums.map((i) => `min(c${i}) lo${i}, max(c${i}) hi${i}`).join(', ')} FROM cmp_ps`) : {};
  const binned = (i: number) => {
    if (!isNum(cols[i])) return `c${i}`;
    const lo = Number(ranges[`lo${i}`]);
    const w = (Number(ranges[`hi${i}`]) - lo) / PAIR_BINS;
    return w > 0 ? `least(${PAIR_BINS - 1}, greatest(0, floor((c${i} - ${lo}) / ${w})))::INT::VARCHAR` : `CASE WHEN c${i} IS NULL THEN NULL ELSE '0' END`;
  };
  for (let i = 0; i < cols.length; i++) {
    for (let j = i + 1; j < cols.length; j++) {
      const pair: [string, string] = [cols[i].name, cols[j].name];
      if (isNum(cols[i]) && isNum(cols[j])) {
        const rs = num(cs[`r${i}_${j}`]);
        const rt = num(ct[`r${i}_${j}`]);
        const ok = rs !== null && Number.isFinite(rs);
        out.push({
          table: t.name, columns: pair, metric: 'correlation', source: ok ? rs : null, twin: rt !== null && Number.isFinite(rt) ? rt : null,
          score: ok ? 1 - Math.abs(rs - (rt !== null && Number.isFinite(rt) ? rt : 0)) / 2 : null,
          correlatedInSource: ok && Math.abs(rs) >= CORRELATED,
          ...(ok ? {} : { note: 'a constant column in the source: no correlation' }),
        });
        continue;
      }
      const from = (rel: string) => `SELECT ${binned(i)} x, ${binned(j)} y FROM ${rel}`;
      const r = await one(s, contingencySql(from('cmp_ps'), from('cmp_pt')));
      const [vs, vt] = [num(r.va), num(r.vb)];
      const tvd = num(r.tvd);
      out.push({
        table: t.name, columns: pair, metric: 'contingency', source: vs, twin: vt,
        score: num(r.na) && num(r.nb) && tvd !== null ? 1 - clamp01(tvd) : num(r.na) ? 0 : null,
        correlatedInSource: vs !== null && vs >= CORRELATED,
      });
    }
  }
  await s.conn.run('DROP TABLE IF EXISTS cmp_ps; DROP TABLE IF EXISTS cmp_pt');
  return sampled.source < t.rows || sampled.twin < (t.twinRows ?? 0) ? sampled : null;
}

/** Shares per hour of day (not for DATE), ISO weekday and month, and their total variation distances. */
async function timePattern(s: Source, t: Table, c: Col): Promise<TimePattern> {
  const withHour = !/^DATE$/i.test(c.type) && !c.stored?.date;
  const shares = async (rel: string, side: Side) => {
    const rows = await s.query(`SELECT hour(v) h, isodow(v) d, month(v) m, GROUPING(hour(v), isodow(v), month(v)) g, count(*)::DOUBLE n
      FROM (SELECT ${val(c, side)} v FROM ${rel}) WHERE v IS NOT NULL GROUP BY GROUPING SETS ((hour(v)), (isodow(v)), (month(v)))`);
    const hour = new Array<number>(24).fill(0);
    const weekday = new Array<number>(7).fill(0);
    const month = new Array<number>(12).fill(0);
    for (const r of rows) {
      if (r.h !== null) hour[Number(r.h)] += Number(r.n);
      else if (r.d !== null) weekday[Number(r.d) - 1] += Number(r.n);
      else if (r.m !== null) month[Number(r.m) - 1] += Number(r.n);
    }
    const norm1 = (xs: number[]) => {
      const total = xs.reduce((a, b) => a + b, 0);
      return xs.map((x) => (total ? x / total : 0));
    };
    return { hour: norm1(hour), weekday: norm1(weekday), month: norm1(month) };
  };
  const a = await shares(t.src, 'source');
  const b = await shares(t.twin!, 'twin');
  const tvd = (x: number[], y: number[]) => (x.some((v) => v > 0) && y.some((v) => v > 0) ? 0.5 * x.reduce((acc, v, i) => acc + Math.abs(v - y[i]), 0) : null);
  return {
    table: t.name, column: c.name,
    hour: withHour ? tvd(a.hour, b.hour) : null, weekday: tvd(a.weekday, b.weekday), month: tvd(a.month, b.month),
    shares: { ...(withHour ? { hour: { source: a.hour, twin: b.hour } } : {}), weekday: { source: a.weekday, twin: b.weekday }, month: { source: a.month, twin: b.month } },
  };
}

/** A join condition between a child column and a parent key of these types (both cast to text when they differ). */
function keyEq(childType: string, parentType: string, c: string, p: string): [string, string] {
  const t = (x: string) => (/^ENUM/i.test(x) ? 'VARCHAR' : x);
  return t(childType) === t(parentType) ? [c, p] : [`CAST(${c} AS VARCHAR)`, `CAST(${p} AS VARCHAR)`];
}

/**
 * Children per parent key of one side, into temp table `name` (k: the parent key, null for child values that are
 * no parent key; v: the children, 0 for a parent without any): the child's values are counted first, then joined to
 * the parent's distinct keys, so a child of millions of rows is one aggregation.
 */
async function childCounts(s: Source, name: string, fk: ForeignKey, types: [string, string], child: string, parent: string | null): Promise<void> {
  const counts = `SELECT ${q(fk.column)} ck, count(*) n FROM ${child} WHERE ${q(fk.column)} IS NOT NULL GROUP BY ALL`;
  if (parent === null) {
    await s.conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT NULL k, n v FROM (${counts})`);
    return;
  }
  const [ce, pe] = keyEq(types[0], types[1], 'c.ck', 'p.k');
  await s.conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT p.k, coalesce(c.n, 0) v FROM (SELECT DISTINCT ${q(fk.refColumn)} k FROM ${parent} WHERE ${q(fk.refColumn)} IS NOT NULL) p
    FULL JOIN (${counts}) c ON ${ce} = ${pe}`);
}

/** Cardinality shape (1 − KS between children per parent, parents without children included) and referential integrity of one key. */
async function keyScores(s: Source, fk: ForeignKey, child: Table, parent: Table): Promise<[Cardinality, Integrity]> {
  const cc = child.cols.find((c) => c.name === fk.column)!;
  const pc = parent.cols.find((c) => c.name === fk.refColumn)!;
  const card: Cardinality = { ...fk, score: null, distance: null, sourceMean: null, twinMean: null, sourceZeroShare: null, twinZeroShare: null };
  await childCounts(s, 'cmp_ks', fk, [cc.type, pc.type], child.src, parent.src);
  const stats = async (rel: string) => one(s, `SELECT avg(v) FILTER (WHERE k IS NOT NULL) mean, avg((v = 0)::INT) FILTER (WHERE k IS NOT NULL) zero,
    sum(v) n, sum(v) FILTER (WHERE k IS NOT NULL) found FROM ${rel}`);
  const a = await stats('cmp_ks');
  const sourceShare = Number(a.n) ? Number(a.found) / Number(a.n) : null;
  const childTwin = child.twin !== null && cc.twinType !== null;
  const parentTwin = parent.twin !== null && pc.twinType !== null;
  let integrity: Integrity = { ...fk, score: 0, twinValues: 0, twinFound: 0, sourceShare, note: 'the twin lacks the child table or column' };
  if (childTwin) await childCounts(s, 'cmp_kt', fk, [cc.twinType!, pc.twinType ?? ''], child.twin!, parentTwin ? parent.twin : null);
  if (childTwin) {
    const b = await stats('cmp_kt');
    const [n, found] = [Number(b.n ?? 0), Number(b.found ?? 0)];
    integrity = { ...fk, score: n ? found / n : null, twinValues: n, twinFound: found, sourceShare, ...(n ? {} : { note: 'every child value of the twin is null' }) };
    Object.assign(card, { twinMean: num(b.mean), twinZeroShare: num(b.zero) });
  }
  Object.assign(card, { sourceMean: num(a.mean), sourceZeroShare: num(a.zero) });
  if (!childTwin || !parentTwin) Object.assign(card, { score: 0, distance: 1, note: 'the twin lacks the child or the parent' });
  else {
    const r = await one(s, ksSql('SELECT v FROM cmp_ks WHERE k IS NOT NULL', 'SELECT v FROM cmp_kt WHERE k IS NOT NULL'));
    if (!num(r.na)) card.note = 'the source has no parent rows';
    else if (!num(r.nb)) Object.assign(card, { score: 0, distance: 1, note: 'the twin has no parent rows' });
    else Object.assign(card, { distance: clamp01(num(r.ks)!), score: 1 - clamp01(num(r.ks)!) });
  }
  await s.conn.run('DROP TABLE IF EXISTS cmp_ks; DROP TABLE IF EXISTS cmp_kt');
  return [card, integrity];
}

/**
 * Privacy: twin rows equal to a source row on every compared column (exact, every row), and the distance to the
 * closest record of `dcrTwin` twin rows among `dcrSource` source rows (both chosen by a hash of their values), with
 * as a baseline the same distance for other source rows (how close real rows are to each other).
 */
async function privacyOf(s: Source, t: Table, dcrTwin: number, dcrSource: number): Promise<PrivacyTable> {
  const cols = t.cols.filter((c) => c.kind !== 'key' && c.kind !== 'other' && c.twinType !== null);
  const out: PrivacyTable = { table: t.name, columns: cols.map((c) => c.name), twinRows: t.twinRows ?? 0, identicalRows: 0, identicalShare: null, dcr: null };
  if (!cols.length || !t.twinRows) return out;
  const exprs = (side: Side) => cols.map((c, i) => `${numv(c, side)} AS c${i}`).join(', ');
  const on = cols.map((_, i) => `s.c${i} IS NOT DISTINCT FROM t.c${i}`).join(' AND ');
  const r = await one(s, `SELECT count(*) n FROM (SELECT ${exprs('twin')} FROM ${t.twin}) t SEMI JOIN (SELECT ${exprs('source')} FROM ${t.src}) s ON ${on}`);
  out.identicalRows = Number(r.n);
  out.identicalShare = out.identicalRows / t.twinRows;

  // the samples: the first rows by a hash of their values; the source's first dcrSource rows are the reference, its
  // next dcrTwin rows the baseline's queries
  const names = cols.map((_, i) => `c${i}`).join(', ');
  await hashSample(s, 'cmp_ds', `SELECT ${exprs('source')} FROM ${t.src}`, names, t.rows, dcrSource + dcrTwin);
  await s.conn.run(`CREATE OR REPLACE TEMP TABLE cmp_dr AS SELECT * EXCLUDE (rid) FROM cmp_ds WHERE rid <= ${dcrSource}`);
  await s.conn.run(`CREATE OR REPLACE TEMP TABLE cmp_db AS SELECT * FROM cmp_ds WHERE rid > ${dcrSource}`);
  await hashSample(s, 'cmp_dt', `SELECT ${exprs('twin')} FROM ${t.twin}`, names, t.twinRows, dcrTwin);
  const ranges = await one(s, `SELECT ${cols.map((c, i) => `${c.kind === 'numeric' || c.kind === 'datetime' ? `max(c${i}) - min(c${i})` : 'NULL'} r${i}, count(*) FILTER (WHERE c${i} IS NULL) n${i}`).join(', ')} FROM cmp_ds`);
  const twinNulls = await one(s, `SELECT ${cols.map((_, i) => `count(*) FILTER (WHERE c${i} IS NULL) n${i}`).join(', ')} FROM cmp_dt`);
  // each column's part: |Δ| / range (at most 1) for numbers and times, 0/1 otherwise; two nulls are equal
  const term = (c: Col, i: number) => {
    const [a, b] = [`x.c${i}`, `r.c${i}`];
    const range = num(ranges[`r${i}`]);
    if (!((c.kind === 'numeric' || c.kind === 'datetime') && range)) return `(${a} IS DISTINCT FROM ${b})::INT`;
    const diff = `least(1, abs(${a} - ${b}) / ${range})`;
    return Number(ranges[`n${i}`]) || Number(twinNulls[`n${i}`]) ? `CASE WHEN ${a} IS NULL OR ${b} IS NULL THEN (${a} IS DISTINCT FROM ${b})::INT ELSE ${diff} END` : diff;
  };
  const distance = `(${cols.map(term).join(' + ')}) / ${cols.length}`;
  const dcr = (queries: string) => one(s, `SELECT count(*) n, median(d) med, quantile_cont(d, 0.05) p05, avg((d = 0)::INT) zero
    FROM (SELECT x.rid, min(${distance}) d FROM ${queries} x, cmp_dr r GROUP BY x.rid)`);
  const tw = await dcr('cmp_dt');
  const base = Number((await one(s, 'SELECT count(*) n FROM cmp_db')).n) ? await dcr('cmp_db') : null;
  const sourceSample = Number((await one(s, 'SELECT count(*) n FROM cmp_dr')).n);
  await s.conn.run('DROP TABLE IF EXISTS cmp_ds; DROP TABLE IF EXISTS cmp_dr; DROP TABLE IF EXISTS cmp_dt; DROP TABLE IF EXISTS cmp_db');
  if (Number(tw.n) && sourceSample) {
    out.dcr = { twinSample: Number(tw.n), sourceSample, median: Number(tw.med), p05: Number(tw.p05), zeroShare: Number(tw.zero), baselineMedian: base ? num(base.med) : null };
  }
  return out;
}
