/**
 * A studio job process (forked by jobs.ts): runs previews and full generations with datagen's library API, one
 * job at a time, so the server stays responsive and a newer edit can cancel a preview by killing the process.
 * The library is imported from the URL given as the first argument (src/index.ts from the sources, dist/index.js
 * built), so this file holds no copy of it. Messages: see protocol.ts.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Lib from '../index.ts';
import type { ChildMessage, GenerateJob, GenerateResult, JobRequest, ParquetJob, ParquetResult, PreviewJob, PreviewResult, TablePreview } from './protocol.ts';

const lib: typeof Lib = await import(process.argv[2]);
const send = (m: ChildMessage) => process.send!(m);

/** The rows a preview generates at most (the cap); the scale is chosen from the plan's estimate. */
export const PREVIEW_MAX_ROWS = 50_000;
/** Rows shown per table. */
const FIRST_ROWS = 20;

function jsonable(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object' && !Array.isArray(v)) return String(v);
  if (Array.isArray(v)) return v.map(jsonable);
  return v;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const DAY = 86_400_000;

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** A time column's rows per day (a window of up to 92 days), week (up to two years) or month: a Vega-Lite bar chart. */
async function timeChart(query: Query, table: string, c: { name: string; type: string; min?: unknown; max?: unknown }): Promise<unknown | null> {
  if (!/^(DATE|TIMESTAMP)/i.test(c.type) || typeof c.min !== 'string' || typeof c.max !== 'string') return null;
  const span = Date.parse(c.max) - Date.parse(c.min);
  if (!Number.isFinite(span)) return null;
  const unit = span <= 92 * DAY ? 'day' : span <= 730 * DAY ? 'week' : 'month';
  const rows = await query(`SELECT strftime(date_trunc('${unit}', ${quote(c.name)}), '%Y-%m-%d') AS period, count(*)::DOUBLE AS rows FROM ${quote(table)} WHERE ${quote(c.name)} IS NOT NULL GROUP BY 1 ORDER BY 1`);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 260, height: 90,
    data: { values: rows.map((r) => ({ period: r.period, rows: r.rows })) },
    mark: { type: 'bar', tooltip: true, color: '#7c3aed' },
    encoding: {
      x: { field: 'period', type: 'temporal', timeUnit: unit === 'month' ? 'yearmonth' : 'yearmonthdate', title: null, axis: { tickCount: 4 } },
      y: { field: 'rows', type: 'quantitative', title: `rows per ${unit}`, axis: { tickCount: 3 } },
    },
    description: `${table}.${c.name} rows per ${unit}`,
  };
}

async function preview(job: PreviewJob): Promise<PreviewResult> {
  const t0 = performance.now();
  const first = lib.compile(job.doc, job.author);
  if (!first.plan) return { kind: 'preview', ok: false, message: 'the spec has errors', seconds: 0, tables: [] };
  const total = lib.planTables(first.plan).reduce((a, t) => a + t.estimatedRows, 0);
  // The scale that brings the estimate to the cap (0.001 at least, the smallest the CLI takes). Estimates miss some
  // effects and behaviour details: when the rows as laid out pass the cap (DG_TOO_MANY_ROWS, before anything is
  // written), the preview runs again at a quarter of the scale, down to 0.001.
  let scale = Math.max(0.001, Math.min(1, PREVIEW_MAX_ROWS / Math.max(1, total)));
  // The folder is the server's: it removes it after the job, also when it killed this process mid-run.
  const out = join(job.dir, 'preview.duckdb');
  {
    for (;;) {
      const plan = scale === 1 ? first.plan : lib.compile(job.doc, { ...job.author, scale }).plan!;
      try {
        await lib.run(plan, { out, workers: 1, maxRows: Math.round(PREVIEW_MAX_ROWS * 1.2) });
        break;
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'DG_TOO_MANY_ROWS' || scale <= 0.001) throw e;
        scale = Math.max(0.001, scale / 4);
      }
    }
    const tables: TablePreview[] = [];
    // One open of the file for the profiles, the first rows and the time charts.
    await lib.profileFile(job.doc, out, {
      ...job.author,
      threads: 1,
      inspect: async (query, profiles) => {
        for (const p of profiles) {
          const first = await query(`SELECT * FROM ${quote(p.table)} LIMIT ${FIRST_ROWS}`);
          const columns = p.columns.map((c) => c.name);
          const charts = [];
          for (const c of p.columns) charts.push({ ...c, chart: (await timeChart(query, p.table, c)) ?? lib.profileChart(p.table, c) });
          tables.push({ table: p.table, rows: p.rows, columns, types: p.columns.map((c) => c.type), firstRows: first.map((r) => columns.map((c) => jsonable(r[c]))), profiles: charts });
        }
      },
    });
    return { kind: 'preview', ok: true, scale, seconds: (performance.now() - t0) / 1000, tables };
  }
}

function folderBytes(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((a, n) => a + folderBytes(join(p, n)), 0);
}

async function parquet(job: ParquetJob): Promise<ParquetResult> {
  const r = await lib.run(job.doc, { ...job.author, out: job.out, format: 'parquet' });
  return { kind: 'parquet', ok: true, rows: r.rows };
}

async function generate(job: GenerateJob): Promise<GenerateResult> {
  const t0 = performance.now();
  const onProgress = (table: string, rows: number, total: number) => send({ type: 'progress', id: job.id, table, rows, total, seconds: (performance.now() - t0) / 1000 });
  const r = await lib.run(job.doc, { ...job.author, out: job.out, onTableStart: (t, est) => onProgress(t, 0, est), onProgress, onTableDone: (t, rows) => onProgress(t, rows, rows) });
  send({ type: 'progress', id: job.id, table: '', rows: r.rows, total: r.rows, seconds: (performance.now() - t0) / 1000, phase: 'validate' });
  const report = await lib.validate(job.doc, job.out, { ...job.author, profiles: true, specName: job.specName, dbName: 'generated.duckdb' });
  return {
    kind: 'generate', ok: true, rows: r.rows, seconds: r.seconds, tables: r.tables.map((t) => ({ table: t.table, rows: t.rows, seconds: t.seconds })),
    score: report.score, verdict: report.ok, reportHtml: lib.renderHtml(report), labels: r.labels, bytes: folderBytes(job.out),
  };
}

process.on('message', (req: JobRequest) => {
  void (async () => {
    try {
      const result = req.type === 'preview' ? await preview(req) : req.type === 'parquet' ? await parquet(req) : await generate(req);
      send({ type: 'result', id: req.id, result });
    } catch (e) {
      const err = e as Error & { code?: string; hint?: string; diagnostics?: { message: string }[] };
      const message = err.diagnostics ? err.diagnostics.map((d) => d.message).join('; ') : err.message;
      send({ type: 'error', id: req.id, error: { code: typeof err.code === 'string' ? err.code : 'DG_STUDIO_JOB_FAILED', message: message.split('\n')[0], hint: err.hint ?? '' } });
    }
  })();
});
/**
 * Warm up before taking jobs: the first run of a process loads faker-js's locales, DuckDB and the compiled schema
 * (~1 s of CPU); a spare process does it while it waits, so the user's first preview does not.
 */
async function warmUp(): Promise<void> {
  // The folder is the server's (the second argument): it removes it when this process ends, killed or not.
  const dir = process.argv[3];
  if (!dir) return;
  try {
    const doc = {
      version: '1.0', metadata: { name: 'warm-up' }, timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-01-31T23:59:59Z', freq: 'H' },
      nodes: [{ id: 't', kind: 'entity', pk: 'id', rows: 10, columns: [
        { name: 'id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'country', type: 'string', generator: { choice: { choices: ['US', 'DE', 'FR'] } } },
        { name: 'name', type: 'string', generator: { faker: { method: 'name', locale_from: 'country' } } },
        { name: 'at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
      ] }],
    } as unknown as Lib.Spec;
    await preview({ type: 'preview', id: 0, doc, author: {}, dir });
  } catch {
    // only a warm-up: the real job reports its own problems
  }
}

await warmUp();
send({ type: 'ready' });
// The server went away (closed, killed): nothing to report to any more.
process.on('disconnect', () => process.exit(0));
