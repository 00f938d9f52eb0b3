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

/**
 * A user error: printed without a stack trace, exit code 1. With a code (DG_…) it prints as
 * `error: DG_CODE: message (hint: …)`; the message names the option or file it is about.
 */
export class UserError extends Error {
  constructor(message: string, readonly code?: string, readonly hint?: string) {
    super(message);
  }

  /** The line printed after `error: `. */
  text(): string {
    return `${this.code ? `${this.code}: ` : ''}${this.message}${this.hint ? ` (hint: ${this.hint})` : ''}`;
  }
}

/**
 * Write to a stream and wait while its buffer is full (a pipe to a slow reader), so that a large result is
 * written with flat memory. Streams without backpressure (tests' collectors) return at once.
 */
export async function writeOut(stream: Io['stdout'], s: string): Promise<void> {
  const ok = stream.write(s);
  const w = stream as Partial<NodeJS.WritableStream>;
  if (ok === false && typeof w.once === 'function') await new Promise<void>((resolve) => w.once!('drain', () => resolve()));
}
