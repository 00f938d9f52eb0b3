/** Streams and environment a command runs with (injected, so tests run the CLI in-process). */
export interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Whether stderr is an interactive terminal (progress bars only then). */
  isTTY: boolean;
  cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stderr.isTTY), cwd: process.cwd() };
}

/** A user error: printed without a stack trace, exit code 1. */
export class UserError extends Error {}
