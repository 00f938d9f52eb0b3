/**
 * A generation worker: holds its own copy of the plan, a Store of the finished tables' retained columns
 * (numbers shared with the main thread through SharedArrayBuffers) and its own memo of samplers; evaluates
 * (table, row range) tasks with the same chunk code as the main thread and returns the rows encoded in
 * DuckDB's vector layouts (transferred, not copied), the retained columns and the labels.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Plan } from '../../ir/types.ts';
import { writtenColumns } from '../../ir/written.ts';
import { ChunkEncoder, encodedBuffers, type EncodedChunk } from '../../sinks/encode.ts';
import { ColumnData } from '../../model/column-data.ts';
import { loadLocales } from '../../model/faker/lib.ts';
import { planLocales } from '../../model/faker.ts';
import { Store } from '../../model/store.ts';
import { chunkRanges, generateChunk, type LabelRow, type TableLayout } from '../../engine/table.ts';
import type { FromWorker, SharedColumn, ToWorker } from './protocol.ts';
import '../runtime.ts';

const plan = workerData.plan as Plan;
const store = new Store();
const memo = new Map<object, unknown>();
const layouts = new Map<number, TableLayout>();
const port = parentPort!;

port.on('message', (m: ToWorker) => {
  if (m.type === 'table') {
    store.set(m.id, { rows: m.rows, columns: new Map(m.columns.map((c) => [c.name, c.list ? ColumnData.lists(c.list) : c.num ? ColumnData.numbers(c.num) : ColumnData.strings(c.str!)])) });
  } else if (m.type === 'layout') {
    layouts.set(m.table, { counts: m.counts, total: m.total, split: m.split });
  } else {
    try {
      runTask(m);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', seq: m.seq, message: err.message, stack: err.stack } satisfies FromWorker);
    }
  }
});

let genMs = 0;
let encMs = 0;
let tasks = 0;
function runTask(m: Extract<ToWorker, { type: 'task' }>): void {
  const t0 = performance.now();
  const table = plan.tables[m.table];
  const layout = layouts.get(m.table);
  if (!layout) throw new Error(`internal: no layout for table "${table.id}" in the worker`);
  const written = writtenColumns(table);
  const encoder = m.encode ? new ChunkEncoder(written, false) : null;
  const chunks: EncodedChunk[] = [];
  const parts = new Map<string, ColumnData[]>(m.retain.map((c) => [c, []]));
  const labels: LabelRow[] = [];
  for (const r of chunkRanges(layout, m.range, m.chunkRows)) {
    const cols = generateChunk(plan, table, store, memo, layout, r, labels);
    const t1 = performance.now();
    if (encoder) chunks.push(encoder.encode(written.map((c) => cols.get(c.name)!), r.rowEnd - r.rowStart));
    encMs += performance.now() - t1;
    for (const [name, p] of parts) p.push(cols.get(name)!);
  }
  const rows = m.range.rowEnd - m.range.rowStart;
  const retained: SharedColumn[] = [...parts].map(([name, p]) => {
    const c = ColumnData.concat(p, rows);
    return { name, num: c.num, str: c.str, list: c.list };
  });
  const transfer = new Set<ArrayBuffer>(chunks.flatMap(encodedBuffers));
  for (const c of retained) if (c.num) transfer.add(c.num.buffer as ArrayBuffer);
  genMs += performance.now() - t0;
  if (process.env.DATAGEN_PROFILE && ++tasks % 50 === 0) process.stderr.write(`[profile] worker: ${tasks} tasks, ${genMs.toFixed(0)} ms total, of which encoding ${encMs.toFixed(0)} ms; heap ${(process.memoryUsage().heapTotal / 2 ** 20).toFixed(0)} MB, external ${(process.memoryUsage().external / 2 ** 20).toFixed(0)} MB\n`);
  port.postMessage({ type: 'done', seq: m.seq, chunks, retained, labels, rows } satisfies FromWorker, [...transfer]);
}

// The faker-js locales the plan's faker columns use (none: nothing loaded).
await loadLocales(planLocales(plan.tables));
port.postMessage({ type: 'ready' } satisfies FromWorker);
