/**
 * A pool of generation workers (worker_threads). The main thread hands out (table, row range) tasks,
 * at most `2 × workers` at a time, and consumes the results strictly in task order, so the output is the
 * same as one thread's whatever the number of workers or which worker finishes first.
 */
import type { Worker } from 'node:worker_threads';
import type { Plan } from '../../ir/types.ts';
import type { TableStore } from '../../model/store.ts';
import { startWorker } from './bundle.ts';
import type { RowRange, TableLayout } from '../../engine/table.ts';
import type { FromWorker, SharedColumn, TaskResult, ToWorker } from './protocol.ts';

export interface PoolTask {
  table: number;
  range: RowRange;
  chunkRows: number;
  encode: boolean;
  retain: string[];
}

interface Job {
  tasks: PoolTask[];
  next: number;
  consumed: number;
  results: Map<number, TaskResult>;
  draining: boolean;
  consume: (r: TaskResult, task: PoolTask) => void | Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
  failed: boolean;
}

export class WorkerPool {
  private readonly workers: Worker[];
  private readonly busy: number[];
  private job: Job | null = null;
  private closed = false;
  /** A worker that failed outside a job (e.g. while loading) fails the next job at once. */
  private error: Error | null = null;

  /** Resolves once every worker has loaded (~0.3 s from the esbuild bundle, ~1.3 s through tsx), or one failed. */
  readonly ready: Promise<void>;
  private isReady = false;
  private readyCount = 0;
  private onReady: () => void = () => undefined;

  private constructor(plan: Plan, size: number) {
    this.workers = Array.from({ length: size }, () => startWorker(new URL('./worker-main.js', import.meta.url), { plan }));
    this.busy = this.workers.map(() => 0);
    this.ready = new Promise<void>((resolve) => (this.onReady = resolve));
    this.workers.forEach((w, i) => {
      w.on('message', (m: FromWorker) => this.onMessage(i, m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`a generation worker stopped unexpectedly (exit code ${code})`));
      });
    });
  }

  static start(plan: Plan, size: number): WorkerPool {
    return new WorkerPool(plan, size);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Send a finished table's retained columns to every worker (numbers must be SharedArrayBuffer-backed to be shared). */
  publish(id: string, entry: TableStore): void {
    const columns: SharedColumn[] = [...entry.columns].map(([name, c]) => ({ name, num: c.num, str: c.str, list: c.list }));
    this.broadcast({ type: 'table', id, rows: entry.rows, columns });
  }

  /** Send a table's per-parent counts before its tasks; returns them in a SharedArrayBuffer (shared, not copied). */
  layout(table: number, layout: TableLayout): Int32Array | null {
    let counts: Int32Array | null = null;
    if (layout.counts) {
      counts = new Int32Array(new SharedArrayBuffer(Math.max(4, layout.counts.byteLength)), 0, layout.counts.length);
      counts.set(layout.counts);
    }
    this.broadcast({ type: 'layout', table, counts, total: layout.total, split: layout.split });
    return counts;
  }

  private broadcast(m: ToWorker): void {
    for (const w of this.workers) w.postMessage(m);
  }

  /** Run tasks on the workers; `consume` sees the results one at a time, in task order. */
  run(tasks: PoolTask[], consume: Job['consume']): Promise<void> {
    if (this.job) throw new Error('internal: the worker pool runs one job at a time');
    if (this.error) return Promise.reject(this.error);
    if (tasks.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.job = { tasks, next: 0, consumed: 0, results: new Map(), draining: false, consume, resolve, reject, failed: false };
      this.pump();
    });
  }

  private pump(): void {
    const job = this.job;
    if (!job || job.failed) return;
    const limit = 2 * this.workers.length;
    while (job.next < job.tasks.length && job.next - job.consumed < limit) {
      let w = 0;
      for (let i = 1; i < this.busy.length; i++) if (this.busy[i] < this.busy[w]) w = i;
      const seq = job.next++;
      const t = job.tasks[seq];
      this.busy[w]++;
      this.workers[w].postMessage({ type: 'task', seq, table: t.table, range: t.range, chunkRows: t.chunkRows, encode: t.encode, retain: t.retain } satisfies ToWorker);
    }
  }

  get loaded(): boolean {
    return this.isReady;
  }

  /** Why a worker failed (while loading or outside a job), if one did. */
  get failure(): Error | null {
    return this.error;
  }

  private onMessage(worker: number, m: FromWorker): void {
    if (m.type === 'ready') {
      if (++this.readyCount === this.workers.length) {
        this.isReady = true;
        this.onReady();
      }
      return;
    }
    const job = this.job;
    this.busy[worker]--;
    if (!job || job.failed) return;
    if (m.type === 'error') {
      const e = new Error(m.message);
      if (m.stack) e.stack = m.stack;
      return this.fail(e);
    }
    job.results.set(m.seq, m);
    void this.drain(job);
  }

  private async drain(job: Job): Promise<void> {
    if (job.draining) return;
    job.draining = true;
    try {
      while (!job.failed && job.results.has(job.consumed)) {
        const r = job.results.get(job.consumed)!;
        job.results.delete(job.consumed);
        await job.consume(r, job.tasks[job.consumed]);
        job.consumed++;
        this.pump();
      }
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    } finally {
      job.draining = false;
    }
    if (!job.failed && job.consumed === job.tasks.length) {
      this.job = null;
      job.resolve();
    }
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.error ??= e;
    this.onReady(); // a job waiting for the pool fails at once instead
    const job = this.job;
    if (!job || job.failed) return;
    job.failed = true;
    this.job = null;
    job.reject(e);
  }

  /** Stop every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
