/**
 * An output on its own thread (output-worker.ts): the main thread encodes chunks (or forwards the generation
 * workers' encoded chunks) and transfers their buffers; the output thread appends them into DuckDB, so
 * DuckDB's appending, compression and checkpoint overlap generation. Everything goes in one ordered stream
 * of messages, so the tables are byte-identical to an in-thread run's. The main thread waits only when more
 * than QUEUE_BYTES are queued (memory stays bounded whatever the table size) and at commit.
 *
 * Failures: an error on the output thread is reported back and fails the run's next wait (a queue wait,
 * commit); abort removes the temporary directory whatever state the thread is in.
 */
import type { Worker } from 'node:worker_threads';
import type { ColumnData } from '../model/column-data.ts';
import type { LabelRow } from '../engine/labels.ts';
import type { EventRow } from '../scenarios/events.ts';
import { startWorker } from './workers/bundle.ts';
import type { TablePlan } from '../ir/types.ts';
import { removeTemp, trackUnfinished } from '../sinks/duckdb.ts';
import { ChunkEncoder, type EncodedChunk, encodedBuffers } from '../sinks/encode.ts';
import { type ManifestRow, type Output, type OutputOpenOptions, outputTempPath, type TableOutput } from '../sinks/output.ts';
import type { FromOutput, OutputRequest, ToOutput } from './output-protocol.ts';

/** Bytes of encoded chunks queued for the output thread before the main thread waits (until half are appended). */
const QUEUE_BYTES = 64 << 20;
/** How long an abort waits for the output thread to close its database before removing the files anyway. */
const ABORT_WAIT_MS = 10_000;

export class OutputThread implements Output {
  private readonly worker: Worker;
  private readonly tmp: string;
  private readonly untrack: () => void;
  private seq = 0;
  private readonly replies = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  private queued = 0;
  private drained: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private done = false;
  private exited = false;

  /** Start the thread and open the output there (its failure surfaces at the first wait). */
  constructor(options: OutputOpenOptions) {
    this.tmp = outputTempPath(options);
    this.untrack = trackUnfinished(this.tmp);
    this.worker = startWorker(new URL('./output-worker.js', import.meta.url), {});
    this.worker.on('message', (m: FromOutput) => this.onMessage(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (!this.done) this.fail(new Error(`the output thread stopped unexpectedly (exit code ${code})`));
    });
    this.post({ type: 'open', options, tmp: this.tmp });
  }

  async createTable(t: TablePlan): Promise<TableOutput> {
    this.check();
    this.post({ type: 'create', table: t });
    return new ThreadTable(this, t);
  }

  async writeLabels(labels: LabelRow[], events: EventRow[] = []): Promise<void> {
    this.check();
    this.post({ type: 'labels', labels, events });
  }

  async writeManifest(meta: Record<string, string | number>, rows: ManifestRow[]): Promise<void> {
    this.check();
    this.post({ type: 'manifest', meta, rows });
  }

  async commit(): Promise<void> {
    await this.request({ type: 'commit' });
    this.done = true;
    this.untrack();
    await this.worker.terminate();
  }

  async abort(): Promise<void> {
    try {
      if (!this.done && !this.exited) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ABORT_WAIT_MS)));
        await Promise.race([this.request({ type: 'abort' }).catch(() => undefined), timeout]);
        clearTimeout(timer);
      }
    } finally {
      this.done = true;
      await this.worker.terminate();
      removeTemp(this.tmp);
      this.untrack();
    }
  }

  async memoryReport(): Promise<string> {
    return String(await this.request({ type: 'memory' }));
  }

  /** Queue a table's rows (the chunk's buffers move to the output thread). */
  chunk(table: string, chunk: EncodedChunk): void {
    this.check();
    const buffers = encodedBuffers(chunk);
    let bytes = 0;
    for (const b of buffers) bytes += b.byteLength;
    this.queued += bytes;
    this.worker.postMessage({ type: 'chunk', table, chunk, bytes } satisfies ToOutput, buffers);
  }

  /** Wait while more than QUEUE_BYTES are queued (until half of them are appended); fail if the thread failed. */
  async backpressure(): Promise<void> {
    this.check();
    if (this.queued <= QUEUE_BYTES) return;
    await new Promise<void>((resolve, reject) => (this.drained = { resolve, reject }));
    this.check();
  }

  closeTable(table: string): void {
    this.check();
    this.post({ type: 'close', table });
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  /** Send a request whose answer nobody waits for: a failure is kept for the next wait. */
  private post(m: OutputRequest): void {
    this.request(m).catch(() => undefined);
  }

  private request(m: OutputRequest): Promise<unknown> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      if (this.failure && m.type !== 'abort') return reject(this.failure);
      this.replies.set(seq, { resolve, reject });
      this.worker.postMessage({ ...m, seq } as ToOutput);
    });
  }

  private onMessage(m: FromOutput): void {
    if (m.type === 'consumed') {
      this.queued -= m.bytes;
      if (this.drained && this.queued <= QUEUE_BYTES / 2) {
        const d = this.drained;
        this.drained = null;
        d.resolve();
      }
    } else if (m.type === 'failed') {
      this.fail(new Error(m.error));
    } else {
      const r = this.replies.get(m.seq);
      this.replies.delete(m.seq);
      if (m.error === undefined) r?.resolve(m.value);
      else {
        const e = new Error(m.error);
        this.failure ??= e;
        r?.reject(e);
        this.wake();
      }
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const r of this.replies.values()) r.reject(this.failure);
    this.replies.clear();
    this.wake();
  }

  private wake(): void {
    const d = this.drained;
    this.drained = null;
    d?.reject(this.failure!);
  }
}

class ThreadTable implements TableOutput {
  private readonly encoder: ChunkEncoder;

  constructor(private readonly out: OutputThread, private readonly table: TablePlan) {
    this.encoder = new ChunkEncoder(table.columns, false);
  }

  append(columns: ColumnData[], n: number): void {
    this.appendEncoded(this.encoder.encode(columns, n));
  }

  appendEncoded(chunk: EncodedChunk): void {
    if (chunk.n > 0) this.out.chunk(this.table.id, chunk);
  }

  flushIfFull(): Promise<void> {
    return this.out.backpressure();
  }

  close(): void {
    this.out.closeTable(this.table.id);
  }
}
