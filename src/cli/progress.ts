import type cliProgress from 'cli-progress';
import { createRequire } from 'node:module';
import type { Io } from './io.ts';

/** cli-progress (CommonJS), loaded only when a bar is drawn (a terminal): a piped or quiet run never needs it. */
const bars = (): typeof cliProgress => createRequire(import.meta.url)('cli-progress') as typeof cliProgress;

/** One progress bar per table with rows/s and ETA; silent when not a TTY or when quiet. */
export class Progress {
  private readonly multi: cliProgress.MultiBar | null;
  private bar: cliProgress.SingleBar | null = null;

  constructor(io: Io, quiet: boolean) {
    this.multi = io.isTTY && !quiet
      ? new (bars().MultiBar)({
        format: ' {table} |{bar}| {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}',
        hideCursor: true, clearOnComplete: false, stopOnComplete: true, stream: io.stderr as NodeJS.WritableStream,
      }, bars().Presets.shades_classic)
      : null;
  }

  start(table: string, estimate: number): void {
    this.started = performance.now();
    this.bar = this.multi?.create(Math.max(1, estimate), 0, { table: table.padEnd(18), rate: 0 }) ?? null;
  }

  private started = 0;

  update(rows: number, total: number): void {
    if (!this.bar) return;
    const secs = (performance.now() - this.started) / 1000;
    this.bar.setTotal(Math.max(1, total));
    this.bar.update(rows, { rate: secs > 0 ? Math.round(rows / secs).toLocaleString('en-US') : 0 });
  }

  stop(): void {
    this.multi?.stop();
  }
}
