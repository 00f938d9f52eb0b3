/**
 * One table generated on the calling thread — the loop `runPlan` runs for every table the worker pool does not
 * take, and the loop the tests' in-memory harness (tests/support/harness.ts) drives: one generation path, whatever
 * the output. `generateOnThread` is a generator that yields after each chunk, so the run can wait for its output
 * there (backpressure) while a synchronous caller just iterates it.
 */
import { isListType, type Plan, type TablePlan } from '../ir/types.ts';
import { writtenColumns } from '../ir/written.ts';
import { ColumnData, concatLists, type ListData, sliceList } from '../model/column-data.ts';
import type { Store, TableStore } from '../model/store.ts';
import { type ChunkSizer, chunkRanges, generateChunk, type LabelRow, type RowRange, sortLabels, type TableLayout, wholeRange } from '../engine/table.ts';
import { addedRows } from '../scenarios/add-rows.ts';
import { windowLabels } from '../scenarios/execute.ts';
import { eventRows, type EventRow } from '../scenarios/events.ts';
import type { SharedColumn } from './workers/protocol.ts';

/** A range of a table's rows and whether this run writes it (a shard generates more rows than it writes). */
export interface Segment { range: RowRange; write: boolean }

/** Where a table's written chunks go, in row order. */
export interface ChunkAppender { append(columns: ColumnData[], n: number): void }

/** What the loop needs to generate a table. */
export interface TableJob {
  plan: Plan;
  table: TablePlan;
  store: Store;
  memo: Map<object, unknown>;
  layout: TableLayout;
  segments: Segment[];
  retained: Retained;
  /** Labels of the generated rows (all segments, unsorted). */
  labels: LabelRow[];
}

/** One chunk done: its rows, and whether they were appended. */
export interface ChunkDone { rows: number; written: boolean }

/** Milliseconds spent generating and appending (DATAGEN_PROFILE). */
export interface LoopTimes { genMs: number; appendMs: number }

/**
 * The segments a table is generated in: the whole table when later tables read it (lookups pick rows anywhere),
 * as up to three ranges in row order — before `write`, `write`, after it; otherwise just `write`.
 */
export function tableSegments(table: TablePlan, layout: TableLayout, write: RowRange): Segment[] {
  if (!table.retain.length) return [{ range: write, write: true }];
  const all = wholeRange(layout);
  const out = [
    { range: { rowStart: 0, rowEnd: write.rowStart, parentStart: 0, parentEnd: write.parentStart }, write: false },
    { range: write, write: true },
    { range: { rowStart: write.rowEnd, rowEnd: all.rowEnd, parentStart: write.parentEnd, parentEnd: all.parentEnd }, write: false },
  ];
  return out.filter((s) => s.range.rowEnd > s.range.rowStart || s.write);
}

/** Generate `job`'s segments chunk by chunk (sizes from `sizer`), appending the written ones to `out`. */
export function* generateOnThread(job: TableJob, sizer: ChunkSizer, out: ChunkAppender, times?: LoopTimes): Generator<ChunkDone, void> {
  const { plan, table, store, memo, layout } = job;
  const written = writtenColumns(table);
  for (const s of job.segments) {
    for (const r of chunkRanges(layout, s.range, () => sizer.rows)) {
      const n = r.rowEnd - r.rowStart;
      const tg = times && performance.now();
      const cols = generateChunk(plan, table, store, memo, layout, r, job.labels);
      if (times) times.genMs += performance.now() - tg!;
      sizer.observe(cols.values(), n);
      if (s.write) {
        const ta = times && performance.now();
        out.append(written.map((c) => cols.get(c.name)!), n);
        if (times) times.appendMs += performance.now() - ta!;
      }
      job.retained.add(table.retain.map((name) => ({ name, num: cols.get(name)!.num, str: cols.get(name)!.str, list: cols.get(name)!.list })), n);
      yield { rows: n, written: s.write };
    }
  }
}

/** The rows scenarios add after a table's own rows (those whose template this run writes), or null. */
export function scenarioRows(job: TableJob, write: RowRange): ReturnType<typeof addedRows> | null {
  return job.table.addRows ? addedRows(job.plan, job.table, job.store, job.memo, job.layout, write) : null;
}

/**
 * After a table's rows: its entry in the store (the columns later tables read) and its labels in order — the
 * written rows' labels, then those of added rows, then the window labels (`windows`: one shard writes them).
 */
export function finishTable(job: TableJob, write: RowRange, added: { labels: LabelRow[] } | null, windows: boolean): { entry: TableStore; labels: LabelRow[]; events: EventRow[] } {
  const entry: TableStore = { rows: job.layout.total, columns: job.retained.columns() };
  job.store.set(job.table.id, entry);
  const kept = job.labels.filter((l) => l.row >= write.rowStart && l.row < write.rowEnd);
  sortLabels(kept);
  const win = windows ? windowLabels(job.plan, job.table, job.store, job.memo, job.layout.total) : [];
  // The table's anomaly events (_label_events) are measured on the whole table: the shard that writes the window labels writes them.
  const events = windows ? eventRows(job.plan, job.table, job.store, job.memo, job.layout.total) : [];
  return { entry, labels: [...kept, ...(added?.labels ?? []), ...win], events };
}

/**
 * The columns of a table that later tables read, filled range by range in row order: numbers straight into one
 * array of the table's size (a SharedArrayBuffer when workers read it), strings into one array.
 */
export class Retained {
  private readonly num = new Map<string, Float64Array>();
  private readonly str = new Map<string, (string | null)[]>();
  /** List columns: each range's flat values, concatenated at the end. */
  private readonly lists = new Map<string, ListData[]>();
  private at = 0;

  constructor(table: TablePlan, private readonly total: number, shared: boolean) {
    for (const name of table.retain) {
      // A column of the table, or its inherited time (__time__: numbers).
      const col = table.columns.find((c) => c.name === name);
      if (col && isListType(col.type)) this.lists.set(name, []);
      else if (col?.type === 'string' || col?.type === 'json') this.str.set(name, new Array<string | null>(total));
      else this.num.set(name, shared ? new Float64Array(new SharedArrayBuffer(Math.max(8, total * 8)), 0, total) : new Float64Array(total));
    }
  }

  /** The next `n` rows of each retained column. */
  add(cols: SharedColumn[], n: number): void {
    for (const c of cols) {
      const num = this.num.get(c.name);
      const lists = this.lists.get(c.name);
      if (lists) lists.push(sliceList(c.list!, n));
      else if (num) {
        if (c.num) num.set(c.num.subarray(0, n), this.at);
        else for (let i = 0; i < n; i++) num[this.at + i] = c.str![i] === null ? NaN : Number(c.str![i]);
      } else {
        const str = this.str.get(c.name)!;
        if (c.str) for (let i = 0; i < n; i++) str[this.at + i] = c.str[i];
        else for (let i = 0; i < n; i++) str[this.at + i] = Number.isNaN(c.num![i]) ? null : String(c.num![i]);
      }
    }
    this.at += n;
  }

  columns(): Map<string, ColumnData> {
    if (this.num.size + this.str.size > 0 && this.at !== this.total) throw new Error(`internal: ${this.at} of ${this.total} retained rows were generated`);
    const out = new Map<string, ColumnData>();
    for (const [name, v] of this.num) out.set(name, ColumnData.numbers(v));
    for (const [name, v] of this.str) out.set(name, ColumnData.strings(v));
    for (const [name, v] of this.lists) out.set(name, concatLists(v, this.total));
    return out;
  }
}
