/**
 * A tiny in-memory harness for registry tests: compile a spec document built in code and evaluate
 * its tables through the real engine (src/engine/table.ts `generateChunk`, a `Store`, the plan's
 * table order — the loop `runPlan` runs on its main thread, src/run/table-run.ts: `generateTable` below) with a sink that keeps the chunk columns in
 * memory instead of writing DuckDB. Values are the engine's ColumnData after the type cast:
 * numbers (NaN = null; datetimes epoch ms; bools 0/1) or strings (null = null).
 */
import { compile, type CompileOptions } from '../../src/plan/compile.ts';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.ts';
import { ColumnData } from '../../src/model/column-data.ts';
import { Store } from '../../src/model/store.ts';
import { ChunkSizer, type LabelRow, layoutKey, tableLayout, wholeRange } from '../../src/engine/table.ts';
import type { TableSink } from '../../src/sinks/duckdb.ts';
import { type EventRow, markOverlaps } from '../../src/scenarios/events.ts';
import { finishTable, generateOnThread, Retained, scenarioRows, type TableJob, tableSegments } from '../../src/run/table-run.ts';
import '../../src/run/runtime.ts';
import { loadLocales, localeIds } from '../../src/model/faker/lib.ts';
import type { Plan, TablePlan } from '../../src/ir/types.ts';

// runPlanInMemory generates synchronously: every faker-js locale is loaded up front (runPlan loads its plan's).
await loadLocales(localeIds());

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const YEAR = 365.25 * DAY;

// ---------------------------------------------------------------------------------------------
// Building documents

export interface SpecOptions {
  start?: string;
  end?: string;
  freq?: string;
  seed?: number;
  constraints?: Json;
  name?: string;
}

/** A whole DSL document around `nodes`. Default timeframe: all of 2024, hourly. */
export function spec(nodes: Json[], o: SpecOptions = {}): Json {
  return {
    version: '1.0',
    metadata: { name: o.name ?? 'registry test' },
    timeframe: { start: o.start ?? '2024-01-01T00:00:00Z', end: o.end ?? '2024-12-31T23:59:59Z', freq: o.freq ?? 'H' },
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    nodes,
    constraints: o.constraints ?? {},
  };
}

/** A column: `gen` is `{generatorName: args}`; modifiers are `[transform, args]` pairs or full objects. */
export function col(name: string, type: string, gen: Json, modifiers: (Json | [string, Json])[] = [], extra: Json = {}): Json {
  const mods = modifiers.map((m) => (Array.isArray(m) ? { transform: m[0], args: m[1] } : m));
  return { name, type, generator: gen, ...(mods.length ? { modifiers: mods } : {}), ...extra };
}

export function entity(id: string, rows: number, columns: Json[], extra: Json = {}): Json {
  return { id, kind: 'entity', pk: columns[0]?.name, rows, columns, ...extra };
}

export function fact(id: string, parents: string[], columns: Json[], extra: Json = {}): Json {
  return { id, kind: 'fact', pk: columns[0]?.name, parents, columns, ...extra };
}

export function vocab(id: string, columns: Json[], extra: Json = {}): Json {
  return { id, kind: 'vocab', pk: columns[0]?.name, columns, ...extra };
}

/** `{id: sequence}` — the usual primary key column. */
export function idCol(name = 'id', start = 1): Json {
  return col(name, 'int', { sequence: { start } });
}

// ---------------------------------------------------------------------------------------------
// Compiling and running

export function compileDoc(doc: Json, opts: CompileOptions = {}): { plan: Plan | null; diagnostics: Diagnostic[] } {
  return compile(doc, opts);
}

/** Compile or throw with the diagnostics (errors only in the message). */
export function planOf(doc: Json, opts: CompileOptions = {}): Plan {
  const r = compile(doc, opts);
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.severity} ${d.path} ${d.code}: ${d.message}`).join('\n'));
  return r.plan;
}

export class MemTable {
  constructor(readonly plan: TablePlan, readonly rows: number, readonly columns: Map<string, ColumnData>) {}

  col(name: string): ColumnData {
    const c = this.columns.get(name);
    if (!c) throw new Error(`no column "${name}" in "${this.plan.id}"`);
    return c;
  }

  /** Numeric column values (NaN = null; datetimes epoch ms). */
  num(name: string): Float64Array {
    const c = this.col(name);
    if (!c.num) throw new Error(`column "${this.plan.id}.${name}" is not numeric`);
    return c.num;
  }

  /** String column values (null = null). */
  str(name: string): (string | null)[] {
    const c = this.col(name);
    if (!c.str) throw new Error(`column "${this.plan.id}.${name}" holds numbers, not strings`);
    return c.str;
  }
}

export interface MemRun {
  plan: Plan;
  tables: Map<string, MemTable>;
  labels: LabelRow[];
  /** `_label_events` rows (src/scenarios/events.ts), overlaps marked. */
  events: EventRow[];
  table(id: string): MemTable;
}

export interface RunMemOptions extends CompileOptions {
  chunkRows?: number;
}

/** Execute a compiled plan in memory: every table, in plan order, through `generateTable`. */
export function runPlanInMemory(plan: Plan, chunkRows = 65_536): MemRun {
  const store = new Store();
  const memo = new Map<object, unknown>();
  const tables = new Map<string, MemTable>();
  const labels: LabelRow[] = [];
  const events: EventRow[] = [];
  for (const t of plan.tables) {
    const parts: ColumnData[][] = t.columns.map(() => []);
    const sink: TableSink = {
      append(columns: ColumnData[]) {
        columns.forEach((c, i) => parts[i].push(c));
      },
    };
    const r = generateTable(plan, t, store, sink, memo, { chunkRows });
    const cols = new Map<string, ColumnData>();
    t.columns.forEach((c, i) => cols.set(c.name, concat(parts[i], r.rows, c.type)));
    tables.set(t.id, new MemTable(t, r.rows, cols));
    labels.push(...r.labels);
    events.push(...r.events);
  }
  markOverlaps(events);
  return {
    plan,
    tables,
    labels,
    events,
    table(id: string) {
      const t = tables.get(id);
      if (!t) throw new Error(`no table "${id}"`);
      return t;
    },
  };
}

/** Generate one table chunk by chunk into `sink`; retains the columns later tables read. */
/** One table through the run's own loop (src/run/table-run.ts), without threads, shards or an output file. */
function generateTable(plan: Plan, table: TablePlan, store: Store, sink: TableSink, memo: Map<object, unknown>, opts: { chunkRows: number }): { rows: number; labels: LabelRow[]; events: EventRow[] } {
  const layout = tableLayout(plan, table, store);
  memo.set(layoutKey(table.id), layout);
  const write = wholeRange(layout);
  const job: TableJob = { plan, table, store, memo, layout, segments: tableSegments(table, layout, write), retained: new Retained(table, layout.total, false), labels: [] };
  for (const _ of generateOnThread(job, new ChunkSizer(opts.chunkRows, false), sink)) { /* no output to wait for */ }
  const added = scenarioRows(job, write);
  if (added?.n) sink.append(added.columns, added.n);
  const { labels, events } = finishTable(job, write, added, true);
  return { rows: layout.total + (added?.n ?? 0), labels, events };
}

function concat(parts: ColumnData[], total: number, type: string): ColumnData {
  if (parts.length === 0) return type === 'string' || type === 'json' ? ColumnData.strings(0) : ColumnData.numbers(0);
  return ColumnData.concat(parts, total);
}

/** Compile + run in memory. */
export function runDoc(doc: Json, opts: RunMemOptions = {}): MemRun {
  return runPlanInMemory(planOf(doc, opts), opts.chunkRows);
}

/** One entity table `t` with `rows` rows and the given columns (an `id` sequence is prepended); returns that table. */
export function runColumns(rows: number, columns: Json[], o: SpecOptions & RunMemOptions = {}): MemTable {
  return runDoc(spec([entity('t', rows, [idCol(), ...columns])], o), o).table('t');
}

// ---------------------------------------------------------------------------------------------
// Small statistics

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

export function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / (x.length - 1);
}

export function sd(x: ArrayLike<number>): number {
  return Math.sqrt(variance(x));
}

/** Counts of each distinct value (by its key form). */
export function counts<T>(xs: ArrayLike<T>): Map<T, number> {
  const m = new Map<T, number>();
  for (let i = 0; i < xs.length; i++) m.set(xs[i], (m.get(xs[i]) ?? 0) + 1);
  return m;
}

/**
 * Chi-square goodness of fit: observed counts vs expected shares. Returns the statistic, the degrees
 * of freedom (bins with a positive expected share, minus 1) and a critical value at upper-tail
 * z = 5 (Wilson–Hilferty), i.e. a false-failure probability below 1e-6 per test.
 */
export function chiSquare(observed: number[], shares: number[]): { stat: number; df: number; critical: number } {
  const n = observed.reduce((a, b) => a + b, 0);
  let stat = 0;
  let bins = 0;
  for (let i = 0; i < shares.length; i++) {
    if (shares[i] <= 0) {
      if (observed[i] > 0) stat = Infinity;
      continue;
    }
    bins++;
    const e = n * shares[i];
    stat += (observed[i] - e) ** 2 / e;
  }
  const df = Math.max(1, bins - 1);
  const h = 2 / (9 * df);
  return { stat, df, critical: df * (1 - h + 5 * Math.sqrt(h)) ** 3 };
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Tolerance used throughout the registry tests: Z standard errors. Draws are keyed (fixed seed), so
 * results are reproducible; the tolerance only has to accept the one realised sample. For a share p
 * estimated from n independent rows SE = √(p(1−p)/n); a normal |z| > 5 has probability 5.7e-7, so a
 * correct implementation essentially never fails, while a systematic error of a few SE is caught
 * (at n = 20 000 a share of 0.2 is pinned to ±0.014).
 */
export const Z = 5;

/**
 * Every value's share vs its expected share, each within Z binomial standard errors; values with no
 * expected share must not occur at all. Returns the observed shares for further checks.
 */
export function expectShares<T>(xs: ArrayLike<T>, expected: Map<T, number>, label = ''): Map<T, number> {
  const n = xs.length;
  const c = counts(xs);
  for (const v of c.keys()) if (!expected.has(v) || expected.get(v)! <= 0) throw new Error(`${label}: unexpected value ${String(v)} (${c.get(v)} rows)`);
  const shares = new Map<T, number>();
  const problems: string[] = [];
  for (const [v, p] of expected) {
    const obs = (c.get(v) ?? 0) / n;
    shares.set(v, obs);
    const se = Math.sqrt((p * (1 - p)) / n);
    if (Math.abs(obs - p) > Z * se + 1e-12) problems.push(`${String(v)}: share ${obs.toFixed(5)} vs expected ${p.toFixed(5)} (±${(Z * se).toFixed(5)})`);
  }
  if (problems.length) throw new Error(`${label} shares off:\n${problems.join('\n')}`);
  return shares;
}

/** |observed − expected| ≤ Z × se, with a readable message. */
export function expectWithin(observed: number, expected: number, se: number, label = ''): void {
  if (!(Math.abs(observed - expected) <= Z * se)) {
    throw new Error(`${label}: observed ${observed} vs expected ${expected}, tolerance ±${Z * se} (${Z} × SE ${se}); z = ${((observed - expected) / se).toFixed(2)}`);
  }
}

/**
 * Run the same one-table spec with and without the modifiers of column `name`: the column's own
 * stream depends only on (seed, table, column), so `base` holds exactly the values the modified
 * column would have had without its modifiers.
 */
export function withAndWithout(rows: number, columns: Json[], name: string, o: SpecOptions & RunMemOptions = {}): { mod: MemTable; base: MemTable } {
  const stripped = columns.map((c) => {
    if (c.name !== name) return c;
    const { modifiers: _m, ...rest } = c;
    return rest;
  });
  return { mod: runColumns(rows, columns, o), base: runColumns(rows, stripped, o) };
}

export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

export function errorCodes(doc: Json): string[] {
  return compile(doc).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

export function warningCodes(doc: Json): string[] {
  return compile(doc).diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code);
}
