/** The CLI in-process (src/cli/main.ts) with captured output, in a working folder. */
import { main } from '../../src/cli/main.ts';

export interface CliResult { code: number; stdout: string; stderr: string }

export async function runCli(cwd: string, ...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, isTTY: false, cwd });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
