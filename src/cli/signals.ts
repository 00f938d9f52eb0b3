/**
 * How the `datagen` process ends when it is interrupted or its output goes away (installed once by bin.js).
 *
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT: the temporary files of unfinished outputs are removed (an earlier output
 * stays as it was), one line goes to stderr, and the process ends by the same signal, so the shell reports
 * 128 + its number (130 SIGINT, 143 SIGTERM, 129 SIGHUP, 131 SIGQUIT) — never 137, which is what an
 * out-of-memory kill looks like. Re-raising the signal with its default action ends the process at once:
 * process.exit() would run DuckDB's exit-time cleanup, which can block while its threads are busy.
 *
 * stdout: a reader that stops early (`datagen query … | head`) is not an error (EPIPE: the exit code the command
 * had); any other write error (ENOSPC on `> /dev/full`, EIO) prints one line and exits 1. A failing stderr ends
 * the process quietly.
 */
import { constants } from 'node:os';

export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/** The exit status a shell reports for a process ended by `signal` (128 + its number). */
export function signalExitCode(signal: (typeof INTERRUPT_SIGNALS)[number]): number {
  return 128 + constants.signals[signal];
}

const cleanups = new Set<() => void>();

/** Run `fn` (synchronously) when the process is interrupted; returns the function that unregisters it. */
export function onInterrupt(fn: () => void): () => void {
  cleanups.add(fn);
  return () => void cleanups.delete(fn);
}

let installed = false;

/** Install the handlers (idempotent). `removeUnfinished` removes the temporary files of the runs in progress. */
export function installSignalHandlers(removeUnfinished: () => void): void {
  if (installed) return;
  installed = true;
  for (const signal of INTERRUPT_SIGNALS) {
    process.once(signal, () => {
      try {
        removeUnfinished();
        for (const fn of cleanups) fn();
      } catch {
        // best effort: the process ends all the same
      }
      process.stderr.write(`\ninterrupted (${signal}): nothing was written\n`);
      // The handler was registered with once(): it is gone, so the signal's default action (end the process) applies.
      process.kill(process.pid, signal);
    });
  }
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`error: DG_STDOUT_WRITE_FAILED: writing to standard output failed: ${describeErrno(e)} (hint: redirect the output to a file system with free space, or use -o where the command has it)\n`);
    try {
      removeUnfinished();
    } catch {
      // best effort
    }
    process.exit(1);
  });
  // stderr gone too (`2>&1 | head`): nothing can be said any more; end with the command's code.
  process.stderr.on('error', () => process.exit(process.exitCode ?? 1));
}

/** An fs error in words: "no space left on device (ENOSPC)". */
export function describeErrno(e: NodeJS.ErrnoException): string {
  const words: Record<string, string> = {
    ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', EROFS: 'read-only file system', EACCES: 'permission denied',
    EPERM: 'operation not permitted', EIO: 'input/output error', EFBIG: 'file too large', ENAMETOOLONG: 'file name too long',
    ENOENT: 'no such file or directory', ENOTDIR: 'a part of the path is not a directory', EISDIR: 'is a directory', EEXIST: 'already exists',
  };
  const code = e.code ?? 'error';
  return `${words[code] ?? e.message} (${code})`;
}
