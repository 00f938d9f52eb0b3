/**
 * `datagen studio`: a local web app over datagen's library API (docs/studio.md). One Hono app:
 *
 *   GET  /                         the page (bundled at build time: dist/studio/, or in memory from the sources)
 *   GET  /assets/studio.js|css     its script and style
 *   GET  /api/state                the folder's files, the open spec, whether a generated file exists
 *   GET  /api/schema               the spec's JSON Schema as one document (editor completion and hover)
 *   GET  /api/file?path=           a JSON file of the spec's folder, with the hash a save must name
 *   PUT  /api/file                 {path, text, base, force} saved atomically (409 when it changed on disk)
 *   POST /api/compile              {text} → diagnostics at line:col (what `datagen compile` prints) and the table graph
 *   POST /api/preview              {text} → a small run (≤ 50 k rows): first rows and column profiles per table;
 *                                  a newer preview cancels it (its answer is {cancelled: true})
 *   POST /api/generate             {text} → a full run in the background; GET /api/generate/events streams its
 *                                  progress (server-sent events); then the validate verdict and its HTML report
 *   POST /api/generate/cancel      stops it (its temporary files are removed)
 *   GET  /api/report.html          that report (shown in a sandboxed frame)
 *   GET  /api/download/<file>      generated.duckdb, parquet.zip, labels.jsonl, labels.csv
 *   POST /api/sql                  {sql} → rows of a read-only query over the generated file
 *
 * Security (guard.ts): 127.0.0.1 only, Host and Origin must be the studio's, files only inside the folder.
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';
import { zipSync } from 'fflate';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { compile, type Diagnostic, formatLabels, listPresets, loadSpecTextAt, planTables, queryFile, readLabels, type Spec } from '../index.ts';
import { pageAssets } from './assets.ts';
import { FileRefused, Folder, MAX_EDIT_BYTES } from './files.ts';
import { guard } from './guard.ts';
import { JobCancelled, JobFailed, Jobs } from './jobs.ts';
import type { Author, GenerateResult } from './protocol.ts';
import { bundledSchema } from './schema-bundle.ts';

export interface StudioOptions {
  /** The spec to open (its folder is the one the studio reads and writes); without it, `cwd`. */
  spec?: string;
  cwd?: string;
  /** 0: any free port. */
  port?: number;
}

export interface Studio {
  url: string;
  port: number;
  folder: string;
  close(): Promise<void>;
}

const DEFAULT_PORT = 4700;
/** Rows the SQL box returns at most. */
const SQL_ROW_LIMIT = 1000;

interface CompileAnswer {
  /** `file`: set when the problem is in an included or preset file (then line:col are in that file). */
  diagnostics: { severity: string; code: string; path: string; message: string; hint: string; line: number; column: number; file?: string }[];
  ok: boolean;
  tables: ReturnType<typeof planTables> | null;
  /** The spec's parameters (their values as written) and presets, for the page's form (docs/authoring.md). */
  params: Record<string, unknown> | null;
  presets: { name: string; description: string }[];
}

/** What the page chose in its parameter form: a preset and parameter values. */
function authorOf(b: { preset?: unknown; params?: unknown }): Author {
  const a: Author = {};
  if (typeof b.preset === 'string' && b.preset) a.preset = b.preset;
  if (b.params && typeof b.params === 'object' && !Array.isArray(b.params)) {
    const entries = Object.entries(b.params as Record<string, unknown>);
    if (entries.length) a.set = Object.fromEntries(entries.map(([k, v]) => [`params.${k}`, v]));
  }
  return a;
}

/**
 * Compile spec text as `datagen compile` compiles the file `file` (absolute; its includes and preset files read
 * relative to it, only inside the folder `allow` accepts): syntax errors, then compile's diagnostics, each at line:col.
 */
function compileText(text: string, file: string, author: Author = {}, allow?: (abs: string) => boolean): CompileAnswer & { doc: Spec | null } {
  const spec = loadSpecTextAt(text, file, { allow });
  const compiled = spec.diagnostics.length ? { plan: null, diagnostics: spec.diagnostics } : compile(spec.doc, author);
  const diags = spec.map.annotate([...spec.warnings, ...compiled.diagnostics]) as (Diagnostic & { file?: string })[];
  const doc = spec.doc as { params?: unknown } | undefined;
  const params = doc && typeof doc === 'object' && doc.params && typeof doc.params === 'object' && !Array.isArray(doc.params) ? doc.params as Record<string, unknown> : null;
  return {
    diagnostics: diags.map((d) => ({ severity: d.severity, code: d.code, path: d.path, message: d.message, hint: d.hint, line: d.line ?? 1, column: d.column ?? 1, ...(d.file ? { file: d.file } : {}) })),
    ok: compiled.plan !== null,
    tables: compiled.plan ? planTables(compiled.plan) : null,
    params,
    presets: spec.doc ? listPresets(spec.doc).map((p) => ({ name: p.name, description: p.description })) : [],
    doc: compiled.plan ? (spec.doc as Spec) : null,
  };
}

interface Generation {
  state: 'running' | 'done' | 'failed';
  /** Per table: rows written of its estimate, seconds since it started (and when, in seconds of the run). */
  progress: Record<string, { rows: number; total: number; seconds: number; started: number }>;
  phase: 'generate' | 'validate';
  seconds: number;
  result?: Omit<GenerateResult, 'reportHtml'>;
  error?: { code: string; message: string; hint: string };
}

function errorBody(code: string, message: string, hint = '') {
  return { error: { code, message, hint } };
}

export async function startStudio(o: StudioOptions = {}): Promise<Studio> {
  const cwd = o.cwd ?? process.cwd();
  const specAbs = o.spec ? resolve(cwd, o.spec) : undefined;
  if (specAbs && (!existsSync(specAbs) || !statSync(specAbs).isFile())) throw new FileRefused(`${o.spec}: no such spec file`, 404, 'DG_FILE', 'check the path, or start `datagen studio` without a spec in the folder to work in');
  const folder = new Folder(specAbs ? dirname(specAbs) : cwd);
  const specRel = specAbs ? basename(specAbs) : null;
  const jobs = new Jobs();
  const work = mkdtempSync(join(tmpdir(), 'datagen-studio-'));
  let generation: Generation | null = null;
  let generatedDoc: Spec | null = null;
  let generatedAuthor: Author = {};
  let reportHtml = '';
  let genCount = 0;
  let genDir = '';
  let parquetZip: Promise<Uint8Array> | null = null;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  let port = 0;
  type Body = { text?: unknown; path?: unknown; preset?: unknown; params?: unknown };
  /** The file the text is (its includes are read relative to it): the page's open file, else the spec. */
  const fileOf = (path: unknown) => {
    try {
      if (typeof path === 'string' && path) return folder.resolve(path, { mustExist: false });
    } catch {
      // not a file of the folder: compiled as the spec
    }
    return join(folder.root, specRel ?? 'spec.json');
  };
  const compileBody = (b: Body) => compileText(String(b.text ?? ''), fileOf(b.path), authorOf(b), (abs) => folder.contains(abs));

  const app = new Hono();
  app.use('*', guard(() => port));
  app.use('/api/*', bodyLimit({ maxSize: MAX_EDIT_BYTES + 65536, onError: (c) => c.json(errorBody('DG_STUDIO_TOO_LARGE', 'the request is too large'), 413) }));
  app.onError((e, c) => {
    if (e instanceof SyntaxError) return c.json(errorBody('DG_STUDIO_BAD_REQUEST', 'the request body is not JSON'), 400);
    if (e instanceof NotAnObject) return c.json(errorBody('DG_STUDIO_BAD_REQUEST', 'the request body is not a JSON object'), 400);
    if (e instanceof FileRefused) return c.json(errorBody(e.code, e.message, e.hint), e.status);
    if (e instanceof JobFailed) return c.json({ error: e.error }, 422);
    const r = e as Error & { code?: unknown; hint?: unknown };
    if (typeof r.code === 'string' && r.code.startsWith('DG_')) return c.json(errorBody(r.code, r.message.split('\n')[0], typeof r.hint === 'string' ? r.hint : ''), 422);
    return c.json(errorBody('DG_STUDIO_INTERNAL', e.message.split('\n')[0], 'see the terminal that runs the studio'), 500);
  });

  const page = (c: Context) => {
    c.header('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    return c.html('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
      + '<title>datagen studio</title><link rel="stylesheet" href="/assets/studio.css"></head><body><div id="app"></div><script type="module" src="/assets/studio.js"></script></body></html>');
  };
  app.get('/', page);
  app.get('/assets/studio.js', async (c) => c.body((await pageAssets()).js, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/assets/studio.css', async (c) => c.body((await pageAssets()).css, 200, { 'Content-Type': 'text/css; charset=utf-8' }));

  app.get('/api/state', (c) => c.json({ folder: folder.root, files: folder.list(), spec: specRel, generated: generation?.state === 'done' }));
  app.get('/api/schema', (c) => c.json(bundledSchema()));
  app.get('/api/file', (c) => c.json(folder.read(c.req.query('path') ?? '')));
  app.put('/api/file', async (c) => {
    const b = await jsonBody<{ path: string; text: string; base: string | null; force?: boolean }>(c);
    if (typeof b.text !== 'string') throw new FileRefused('the file\'s text is missing', 400);
    return c.json(folder.write(b.path, b.text, b.base ?? null, b.force === true));
  });

  app.post('/api/compile', async (c) => {
    const b = await jsonBody<Body>(c);
    const { doc: _doc, ...answer } = compileBody(b);
    return c.json(answer);
  });

  app.post('/api/preview', async (c) => {
    const b = await jsonBody<Body>(c);
    const compiled = compileBody(b);
    if (!compiled.doc) return c.json({ ok: false, message: 'the spec has errors: fix them to see a preview', diagnostics: compiled.diagnostics.length });
    try {
      const t0 = performance.now();
      const r = await jobs.preview(compiled.doc, authorOf(b));
      return c.json({ ...r, serverSeconds: (performance.now() - t0) / 1000 });
    } catch (e) {
      if (e instanceof JobCancelled) return c.json({ cancelled: true });
      // A spec that compiles but cannot run (too many rows even at the smallest scale, a runtime error) is an answer.
      if (e instanceof JobFailed) return c.json({ ok: false, error: e.error });
      throw e;
    }
  });

  app.post('/api/generate', async (c) => {
    const b = await jsonBody<Body>(c);
    if (generation?.state === 'running') return c.json(errorBody('DG_STUDIO_BUSY', 'a generation is running', 'wait for it to finish'), 409);
    const compiled = compileBody(b);
    const author = authorOf(b);
    if (!compiled.doc) return c.json(errorBody('DG_STUDIO_SPEC_ERRORS', 'the spec has errors', 'fix the underlined problems first'), 422);
    const doc = compiled.doc;
    const dir = join(work, `run-${++genCount}`);
    mkdirSync(dir);
    const g: Generation = { state: 'running', progress: {}, phase: 'generate', seconds: 0 };
    generation = g;
    notify();
    jobs.generate(doc, author, join(dir, 'generated.duckdb'), specRel ?? 'spec.json', (m) => {
      if (m.phase) g.phase = m.phase;
      else if (m.table) g.progress[m.table] = { rows: m.rows, total: m.total, seconds: m.seconds - (g.progress[m.table]?.started ?? m.seconds), started: g.progress[m.table]?.started ?? m.seconds };
      g.seconds = m.seconds;
      notify();
    }).then((r) => {
      const { reportHtml: html, ...rest } = r;
      if (genDir) rmSync(genDir, { recursive: true, force: true });
      genDir = dir;
      reportHtml = html;
      generatedDoc = doc;
      generatedAuthor = author;
      parquetZip = null;
      g.result = rest;
      g.state = 'done';
    }, (e: Error) => {
      rmSync(dir, { recursive: true, force: true });
      g.error = e instanceof JobFailed ? e.error : e instanceof JobCancelled
        ? { code: 'DG_STUDIO_CANCELLED', message: 'the generation was stopped; nothing was kept', hint: 'press Generate to start again' }
        : { code: 'DG_STUDIO_JOB_FAILED', message: e.message, hint: '' };
      g.state = 'failed';
    }).finally(notify);
    return c.json({ started: true });
  });

  app.post('/api/generate/cancel', (c) => {
    if (generation?.state !== 'running') return c.json({ cancelled: false });
    jobs.cancelGenerate();
    return c.json({ cancelled: true });
  });

  app.get('/api/generate/events', (c) => streamSSE(c, async (stream) => {
    let wake: () => void = () => undefined;
    const listener = () => wake();
    listeners.add(listener);
    stream.onAbort(() => {
      listeners.delete(listener);
      wake();
    });
    try {
      while (!stream.aborted) {
        const changed = new Promise<void>((r) => (wake = r));
        await stream.writeSSE({ event: 'status', data: JSON.stringify(generation) });
        if (generation && generation.state !== 'running') break;
        await changed;
        await stream.sleep(100); // at most ten updates a second
      }
    } finally {
      listeners.delete(listener);
    }
  }));

  app.get('/api/report.html', (c) => {
    if (!reportHtml) return c.json(errorBody('DG_STUDIO_NOTHING_GENERATED', 'nothing was generated yet', 'press Generate'), 404);
    // The report is self-contained (inline scripts); in its sandboxed frame it can reach nothing.
    c.header('Content-Security-Policy', "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; sandbox allow-scripts");
    return c.html(reportHtml);
  });

  const generatedFile = () => {
    if (generation?.state !== 'done' || !genDir) throw new FileRefused('nothing was generated yet', 404, 'DG_STUDIO_NOTHING_GENERATED', 'press Generate first');
    return join(genDir, 'generated.duckdb');
  };

  app.get('/api/download/:name', async (c) => {
    const name = c.req.param('name');
    const db = generatedFile();
    const attachment = (file: string, type: string) => ({ 'Content-Type': type, 'Content-Disposition': `attachment; filename="${file}"` });
    if (name === 'generated.duckdb') {
      const stream = Readable.toWeb(createReadStream(db)) as ReadableStream;
      return c.body(stream, 200, { ...attachment(`${slug(generatedDoc)}.duckdb`, 'application/octet-stream'), 'Content-Length': String(statSync(db).size) });
    }
    if (name === 'labels.jsonl' || name === 'labels.csv') {
      const format = name.endsWith('csv') ? 'csv' : 'jsonl';
      return c.body(formatLabels(await readLabels(db), format), 200, attachment(`${slug(generatedDoc)}-labels.${format}`, format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson'));
    }
    if (name === 'parquet.zip') {
      const dir = genDir;
      const doc = generatedDoc!;
      const author = generatedAuthor;
      parquetZip ??= (async () => {
        const out = join(dir, 'parquet');
        if (!existsSync(out)) await jobs.parquet(doc, author, out);
        return zipFolder(out);
      })();
      const p = parquetZip;
      p.catch(() => parquetZip === p && (parquetZip = null));
      return c.body(new Uint8Array(await p), 200, attachment(`${slug(generatedDoc)}-parquet.zip`, 'application/zip'));
    }
    throw new FileRefused(`no download named ${JSON.stringify(name)}`, 404, 'DG_STUDIO_NOT_FOUND', 'generated.duckdb, parquet.zip, labels.jsonl or labels.csv');
  });

  app.post('/api/sql', async (c) => {
    const b = await jsonBody<{ sql: string }>(c);
    const sql = String(b.sql ?? '').trim().replace(/;\s*$/, '');
    if (!sql) throw new FileRefused('the query is empty', 400, 'DG_STUDIO_SQL', 'e.g. SELECT count(*) FROM <table>');
    // A plain query is wrapped to return at most SQL_ROW_LIMIT + 1 rows (the last says there are more).
    const limited = /^(select|with|from|values|table)\b/i.test(sql) && !sql.includes(';') ? `SELECT * FROM (${sql}) AS q LIMIT ${SQL_ROW_LIMIT + 1}` : sql;
    const file = generatedFile();
    let r;
    try {
      r = await queryFile(file, limited);
    } catch (e) {
      // A refused or failing query is an answer (200) for the page to show, not a failed request.
      const q = e as Error & { code?: unknown; hint?: unknown };
      if (typeof q.code === 'string' && q.code.startsWith('DG_')) return c.json(errorBody(q.code, q.message.split('\n')[0], typeof q.hint === 'string' ? q.hint : ''));
      throw e;
    }
    const more = r.rows.length > SQL_ROW_LIMIT;
    return c.json({ columns: r.columns, types: r.types, rows: r.rows.slice(0, SQL_ROW_LIMIT).map((row) => row.map(jsonValue)), more });
  });

  const server: ServerType = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: o.port ?? DEFAULT_PORT, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE'
      ? new FileRefused(`port ${o.port} on 127.0.0.1 is in use`, 409, 'DG_STUDIO_PORT', 'start the studio with another --port (or --port 0 for any free one)')
      : e));
  }).catch((e: unknown) => {
    rmSync(work, { recursive: true, force: true }); // a studio that could not start leaves no work folder
    throw e;
  });
  port = (server.address() as AddressInfo).port;
  jobs.warm();
  void pageAssets().catch(() => undefined); // built while the browser opens
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    folder: folder.root,
    // Everything but closing the server happens at once (an interrupt ends the process right after calling this).
    close: async () => {
      jobs.close();
      listeners.forEach((l) => l());
      rmSync(work, { recursive: true, force: true });
      await new Promise<void>((r) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => r());
      });
    },
  };
}

function slug(doc: Spec | null): string {
  const name = String((doc as { metadata?: { name?: unknown } } | null)?.metadata?.name ?? 'datagen');
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'datagen';
}

function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(jsonValue);
  if (v && typeof v === 'object') return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
  return v;
}

function zipFolder(dir: string): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files[relative(dir, p).split(sep).join('/')] = readFileSync(p);
    }
  };
  walk(dir);
  // Parquet is compressed already: stored, not deflated again.
  return zipSync(files, { level: 0 });
}

/** A request body that is JSON but not an object (`null`, a number, an array): refused like a body that is not JSON. */
class NotAnObject extends Error {}

async function jsonBody<T>(c: Context): Promise<T> {
  const v: unknown = await c.req.json();
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new NotAnObject('not a JSON object');
  return v as T;
}
