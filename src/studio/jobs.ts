/**
 * Job processes for the studio (child.ts). Previews run in a process of their own so that a newer edit cancels
 * the one in flight by killing it (generation is synchronous between chunks: nothing inside it could listen);
 * a spare process is kept loaded (the library, DuckDB, faker-js warmed up), so the next preview starts at once.
 * A full generation runs in another process, one at a time.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Spec } from '../index.ts';
import { packageRoot } from './schema-bundle.ts';
import type { Author, ChildMessage, GenerateResult, JobError, JobRequest, JobResult, ParquetResult, PreviewResult } from './protocol.ts';

declare const __DATAGEN_DIST__: boolean | undefined;

/** How a job process starts: built (dist/studio/child.js and dist/index.js) or from the sources through tsx. */
function entry(): { file: string; lib: string; execArgv: string[] } {
  if (typeof __DATAGEN_DIST__ !== 'undefined') {
    return { file: fileURLToPath(new URL('./studio/child.js', import.meta.url)), lib: new URL('./index.js', import.meta.url).href, execArgv: [] };
  }
  return { file: fileURLToPath(new URL('./child.ts', import.meta.url)), lib: new URL('../index.ts', import.meta.url).href, execArgv: ['--import', 'tsx'] };
}

export class JobFailed extends Error {
  constructor(readonly error: JobError) {
    super(error.message);
  }
}
export class JobCancelled extends Error {
  constructor() {
    super('cancelled by a newer job');
  }
}

type Pending = { resolve: (r: JobResult) => void; reject: (e: Error) => void; onProgress?: (m: Extract<ChildMessage, { type: 'progress' }>) => void };

class JobProcess {
  readonly proc: ChildProcess;
  readonly ready: Promise<void>;
  private pending = new Map<number, Pending>();
  dead = false;
  /** The folder of its warm-up run (child.ts), removed when it ends. */
  private readonly warmDir: string;
  /** Killed by the studio (a newer preview, closing): its jobs are cancelled, not failed. */
  private killed = false;

  constructor() {
    const e = entry();
    const warmDir = mkdtempSync(join(tmpdir(), 'datagen-studio-warm-'));
    this.warmDir = warmDir;
    this.proc = fork(e.file, [e.lib, warmDir], { cwd: packageRoot(), execArgv: e.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, NODE_OPTIONS: '' } });
    let stderr = '';
    this.proc.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    this.ready = new Promise((resolve, reject) => {
      this.proc.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') return resolve();
        const p = this.pending.get(m.id);
        if (!p) return;
        if (m.type === 'progress') return p.onProgress?.(m);
        this.pending.delete(m.id);
        if (m.type === 'result') p.resolve(m.result);
        else p.reject(new JobFailed(m.error));
      });
      this.proc.on('exit', (code, signal) => {
        this.dead = true;
        rmSync(warmDir, { recursive: true, force: true });
        const err = this.killed ? new JobCancelled() : new JobFailed({ code: 'DG_STUDIO_JOB_FAILED', message: `the job process ended (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`, hint: 'try again; see the terminal that runs the studio' });
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    });
    this.ready.catch(() => undefined);
  }

  async run(req: JobRequest, onProgress?: Pending['onProgress']): Promise<JobResult> {
    await this.ready;
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject, onProgress });
      this.proc.send(req);
    });
  }

  kill(): void {
    this.killed = true;
    if (!this.dead) this.proc.kill('SIGKILL');
    // At once, not on 'exit': an interrupted studio ends right after killing its processes.
    rmSync(this.warmDir, { recursive: true, force: true });
  }
}

const IDLE_MAX = 2;

export class Jobs {
  /** Loaded preview processes waiting for a job (at most IDLE_MAX; at least one is started after each take). */
  private idle: JobProcess[] = [];
  private previewing: { proc: JobProcess; dir: string } | null = null;
  private generator: JobProcess | null = null;
  private nextId = 1;
  private closed = false;

  /** Start the spare preview process now (it loads while the page loads). */
  warm(): void {
    this.idle = this.idle.filter((p) => !p.dead);
    if (!this.closed && this.idle.length === 0) this.idle.push(new JobProcess());
  }

  private take(): JobProcess {
    this.warm();
    const p = this.idle.shift()!;
    this.warm();
    return p;
  }

  /** Preview a spec at a small scale; a later call cancels this one (JobCancelled). */
  async preview(doc: Spec, author: Author): Promise<PreviewResult> {
    this.cancelPreview();
    const dir = mkdtempSync(join(tmpdir(), 'datagen-studio-preview-'));
    const proc = this.take();
    const mine = { proc, dir };
    this.previewing = mine;
    try {
      return (await proc.run({ type: 'preview', id: this.nextId++, doc, author, dir })) as PreviewResult;
    } finally {
      if (this.previewing === mine) {
        this.previewing = null;
        // The process (loaded and warmed up by the job) waits for the next one.
        if (!proc.dead && !this.closed && this.idle.length < IDLE_MAX) this.idle.unshift(proc);
        else proc.kill();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }

  cancelPreview(): void {
    if (this.previewing) {
      this.previewing.proc.kill();
      rmSync(this.previewing.dir, { recursive: true, force: true });
      this.previewing = null;
    }
  }

  /** Stop a running generation (or Parquet export): its job ends with JobCancelled. */
  cancelGenerate(): void {
    this.generator?.kill();
    this.generator = null;
  }

  private generatorProcess(): JobProcess {
    if (!this.generator || this.generator.dead) this.generator = new JobProcess();
    return this.generator;
  }

  async generate(doc: Spec, author: Author, out: string, specName: string, onProgress: Pending['onProgress']): Promise<GenerateResult> {
    return (await this.generatorProcess().run({ type: 'generate', id: this.nextId++, doc, author, out, specName }, onProgress)) as GenerateResult;
  }

  async parquet(doc: Spec, author: Author, out: string): Promise<ParquetResult> {
    return (await this.generatorProcess().run({ type: 'parquet', id: this.nextId++, doc, author, out })) as ParquetResult;
  }

  close(): void {
    this.closed = true;
    this.cancelPreview();
    for (const p of this.idle) p.kill();
    this.generator?.kill();
  }
}
