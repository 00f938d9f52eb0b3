/**
 * `datagen studio [spec.json] [--port 4700] [--open]`: start the studio, print its URL, serve until interrupted
 * (Ctrl-C stops the job processes and removes the studio's temporary files).
 */
import { spawn } from 'node:child_process';
import { UserError } from '../cli/io.ts';
import { onInterrupt } from '../cli/signals.ts';
import { FileRefused } from './files.ts';
import { startStudio } from './server.ts';

export interface StudioCommandOptions { port: number; open?: boolean }

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

export async function studioCommand(spec: string | undefined, o: StudioCommandOptions, io: { stdout: { write(s: string): unknown }; cwd: string }): Promise<number> {
  let studio;
  try {
    studio = await startStudio({ spec, cwd: io.cwd, port: o.port });
  } catch (e) {
    if (e instanceof FileRefused) throw new UserError(e.message, e.code, e.hint);
    throw e;
  }
  const s = studio;
  onInterrupt(() => void s.close());
  io.stdout.write(`datagen studio: ${s.url}  (files of ${s.folder}; Ctrl-C stops it)\n`);
  if (o.open) openBrowser(s.url);
  await new Promise<never>(() => undefined); // serves until the process is interrupted
  return 0;
}
