/**
 * Temporary files and folders of outputs: writing small outputs (plans, labels, reports) atomically, and
 * removing what runs that died without cleaning up (kill -9, a power cut) left next to an output.
 *
 * Names (all carry the writing process's pid and the time it started the output):
 * - `<out>.tmp-<pid>-<ms>/` — a DuckDB file run's folder (database, WAL, spill), beside the output;
 * - `<out>.tmp-<pid>-<ms>` — a plan, labels or report file being written (`writeFileAtomic`);
 * - `<dir>/.datagen-tmp-<shard>-<pid>-<ms>/` — a Parquet run's folder, inside the output folder.
 */
import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { removeTemp, trackUnfinished } from './duckdb.ts';

/** A temporary name beside `path` for this process (the same pattern as a DuckDB run's folder). */
function tempSibling(path: string): string {
  return `${path}.tmp-${process.pid}-${Date.now()}`;
}

/**
 * Write `data` to `path` atomically: into a temporary file beside it (flushed to disk), then renamed over it.
 * On any failure (a full disk, an interrupt) the temporary file is removed and an existing `path` is untouched.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempSibling(path);
  const untrack = trackUnfinished(tmp);
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    removeTemp(tmp);
    throw e;
  } finally {
    untrack();
  }
}

/** Whether process `pid` is running (EPERM: it exists but belongs to someone else). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Remove the temporary files and folders that processes no longer running left for output `out`: beside it
 * (`<out>.tmp-<pid>-<ms>`) and, when `out` is a folder, inside it (`.datagen-tmp-<shard>-<pid>-<ms>`). Temporary
 * files of live processes (another run writing the same output right now) are left alone. The pid check assumes
 * the writers ran on this machine (one pid namespace). Returns the paths removed.
 */
export function removeStaleTemps(out: string): string[] {
  const removed: string[] = [];
  const sweep = (dir: string, pattern: RegExp) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = pattern.exec(name);
      if (!m || processAlive(Number(m[1]))) continue;
      const path = join(dir, name);
      try {
        if (lstatSync(path).isSymbolicLink()) continue; // not something datagen made
        removeTemp(path);
        removed.push(path);
      } catch {
        // gone already, or not ours to remove (permissions): leave it
      }
    }
  };
  sweep(dirname(out), new RegExp(`^${escape(basename(out))}\\.tmp-(\\d+)-\\d+$`));
  sweep(out, /^\.datagen-tmp-\d+-(\d+)-\d+$/);
  return removed;
}
