/**
 * `datagen studio [spec.json] [--port 4700] [--open]`: start the studio, print its URL, serve until interrupted
 * (Ctrl-C stops the job processes and removes the studio's temporary files). The CLI passes what it owns (the
 * interrupt handling, its error type): the studio sits below the CLI and imports nothing of it.
 */
import { spawn } from 'node:child_process';
import { FileRefused } from './files.ts';
import { startStudio } from './server.ts';

export interface StudioCommandOptions { port: number; open?: boolean }
export interface StudioCommandHooks {
  /** Run `fn` when the process is interrupted (before it ends). */
  onInterrupt(fn: () => void): void;
  /** The CLI's error for a user mistake (printed as `error: CODE: message (hint: …)`, exit 1). */
  userError(message: string, code: string, hint: string): Error;
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const p = spawn(cmd, args, { stdio: 'ignore', detached: true });
    p.on('error', () => undefined);
    p.unref();
  } catch {
    // no browser opener: the URL is printed
  }
}

export async function studioCommand(spec: string | undefined, o: StudioCommandOptions, io: { stdout: { write(s: string): unknown }; cwd: string }, hooks: StudioCommandHooks): Promise<number> {
  let studio;
  try {
    studio = await startStudio({ spec, cwd: io.cwd, port: o.port });
  } catch (e) {
    if (e instanceof FileRefused) throw hooks.userError(e.message, e.code, e.hint);
    throw e;
  }
  const s = studio;
  hooks.onInterrupt(() => void s.close());
  io.stdout.write(`datagen studio: ${s.url}  (files of ${s.folder}; Ctrl-C stops it)\n`);
  if (o.open) openBrowser(s.url);
  await new Promise<never>(() => undefined); // serves until the process is interrupted
  return 0;
}
