/**
 * The output thread: owns the DuckDB database (or the Parquet staging database) of a run and appends the encoded
 * chunks the main thread sends, so DuckDB's appending, compression and checkpoint run beside generation instead
 * of after each chunk. Messages are handled strictly in arrival order; see output-thread.ts for the other side.
 */
import { parentPort } from 'node:worker_threads';
import { openOutput, type Output, type TableOutput } from '../sinks/output.ts';
import type { FromOutput, OutputRequest, ToOutput } from './output-protocol.ts';

const port = parentPort!;
let output: Output | null = null;
const tables = new Map<string, { w: TableOutput; appendMs: number }>();
let failed: Error | null = null;
let queue: Promise<void> = Promise.resolve();

const send = (m: FromOutput) => port.postMessage(m);
const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

port.on('message', (m: ToOutput) => {
  queue = queue.then(() => (m.type === 'chunk' ? chunk(m.table, m) : request(m, m.seq)));
});

async function chunk(table: string, m: Extract<ToOutput, { type: 'chunk' }>): Promise<void> {
  if (!failed) {
    try {
      const t = tables.get(table);
      if (!t) throw new Error(`internal: rows for table "${table}", which is not open`);
      const t0 = performance.now();
      t.w.appendEncoded(m.chunk);
      await t.w.flushIfFull?.();
      t.appendMs += performance.now() - t0;
    } catch (e) {
      failed = asError(e);
      send({ type: 'failed', error: failed.message });
    }
  }
  send({ type: 'consumed', bytes: m.bytes });
}

async function request(m: OutputRequest, seq: number): Promise<void> {
  try {
    if (failed && m.type !== 'abort') throw failed;
    send({ type: 'reply', seq, value: await answer(m) });
  } catch (e) {
    const err = asError(e);
    if (m.type !== 'abort') failed ??= err;
    send({ type: 'reply', seq, error: err.message });
  }
}

async function answer(m: OutputRequest): Promise<unknown> {
  if (m.type === 'open') {
    output = await openOutput(m.options, m.tmp);
    return undefined;
  }
  if (m.type === 'abort') {
    const o = output;
    output = null;
    await o?.abort();
    return undefined;
  }
  if (!output) throw new Error('internal: the output is not open');
  switch (m.type) {
    case 'create':
      tables.set(m.table.id, { w: await output.createTable(m.table), appendMs: 0 });
      return undefined;
    case 'close': {
      const t = tables.get(m.table);
      if (!t) throw new Error(`internal: table "${m.table}" is not open`);
      const t0 = performance.now();
      await t.w.close();
      tables.delete(m.table);
      if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] ${m.table}: output thread appending ${t.appendMs.toFixed(0)} ms, closing ${(performance.now() - t0).toFixed(0)} ms\n`);
      return undefined;
    }
    case 'labels':
      return output.writeLabels(m.labels, m.events);
    case 'manifest':
      return output.writeManifest(m.meta, m.rows);
    case 'commit':
      await output.commit();
      output = null;
      return undefined;
    case 'memory':
      return (await output.memoryReport?.()) ?? '';
  }
}
