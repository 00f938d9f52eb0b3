/**
 * The fuzzer's driver side: a Runner (one long-lived child process running runner.ts, restarted after it is killed)
 * with a time limit and a memory bound per case, and `verdict`, which turns a case's result into the list of broken
 * promises (empty when the case ended as it must: exit 0, or a diagnostic with a DG_ code and a JSON pointer or an
 * option name).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaseResult, FuzzCase } from './types.ts';

/** A case that takes longer than this is a hang (small scale: every legitimate case takes well under a second or two). */
export const CASE_TIMEOUT_MS = Number(process.env.FUZZ_CASE_MS ?? 10_000);
/** Resident memory of the runner process (Node, the V8 heap, DuckDB, engine threads) a case may not exceed. */
const RSS_BOUND_MB = Number(process.env.FUZZ_RSS_MB ?? 1536);
/** The runner's V8 heap limit: a case that needs more dies of "heap out of memory" (a memory finding). */
const HEAP_MB = 1024;

const RUNNER = fileURLToPath(new URL('./runner.ts', import.meta.url));

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export class Runner {
  /** rssBoundMb: the resident-memory bound of a case (the harness's self-test uses a small one). */
  constructor(private readonly rssBoundMb = RSS_BOUND_MB) {}

  private child: ChildProcess | null = null;
  private childErr = '';
  private nextId = 1;
  /** Runner (re)starts, for the summary. */
  starts = 0;

  private async start(): Promise<ChildProcess> {
    const env = { ...process.env };
    delete env.DATAGEN_DEBUG; // stack traces are what the fuzzer looks for: never ask for them
    const child = fork(RUNNER, [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${HEAP_MB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env,
    });
    this.childErr = '';
    child.stderr!.on('data', (d: Buffer) => {
      this.childErr = (this.childErr + d.toString()).slice(-8000);
    });
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`fuzz runner exited (${code}) before it was ready: ${this.childErr}`));
      child.once('exit', onExit);
      child.once('message', () => {
        child.off('exit', onExit);
        resolve();
      });
    });
    this.starts++;
    this.child = child;
    return child;
  }

  /** Run one case; a hang or a memory overrun kills the runner (the next case starts a fresh one). */
  async run(c: FuzzCase, timeoutMs = CASE_TIMEOUT_MS): Promise<CaseResult> {
    const child = this.child ?? (await this.start());
    const id = this.nextId++;
    let peak = rssMb(child.pid!);
    return new Promise<CaseResult>((resolve) => {
      let killed: CaseResult['killed'];
      const empty = (): CaseResult => ({ code: null, stdout: '', stderr: '', stray: [], before: {}, after: {}, ms: timeoutMs });
      const finish = (r: CaseResult) => {
        clearInterval(sampler);
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve({ ...r, killed, peakRssMb: Math.round(peak) });
      };
      const kill = (why: NonNullable<CaseResult['killed']>) => {
        killed = why;
        child.kill('SIGKILL');
      };
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMb(child.pid!));
        if (peak > this.rssBoundMb && !killed) kill('memory');
      }, 25);
      const timer = setTimeout(() => kill('timeout'), timeoutMs);
      let cwd: string | undefined;
      const onMessage = (msg: any) => {
        if (msg?.id === id && msg.cwd) cwd = msg.cwd;
        else if (msg?.id === id) finish(msg.result as CaseResult);
      };
      const onExit = (code: number | null, signal: string | null) => {
        this.child = null;
        if (cwd) rmSync(cwd, { recursive: true, force: true }); // the killed case's temporary folder
        const text = this.childErr;
        if (!killed) killed = /heap out of memory|Allocation failed|ERR_WORKER_OUT_OF_MEMORY/.test(text) ? 'memory' : 'crash';
        finish({ ...empty(), crashText: `exit ${code} ${signal ?? ''}\n${text.slice(-3000)}` });
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, case: c });
    });
  }

  close(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The verdict

const DIAG_LINE = /^(?<file>\S.*?)(:\d+:\d+)? (?<ptr>\/.*?)  (?<warn>warning )?(?<code>DG_[A-Z0-9_]+): \S/;
const SUMMARY_LINE = /^\d+ error\(s\), \d+ warning\(s\)$/;
const USER_ERROR = /^error: (?<code>DG_[A-Z0-9_]+): (?<msg>.+)$/;
const NOTE = /^note: /;
/** Commander's usage errors (exit 2) name the option or argument in quotes. */
const USAGE = /^error: (option '[^']+' argument '.*' is invalid\.|unknown option '|missing required argument '|too many arguments|option '[^']+' argument missing|required option)/;
const STACK = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;
const RAW = /\b(TypeError|RangeError|ReferenceError|EvalError|URIError|AggregateError|Catalog Error|Binder Error|Parser Error|IO Error|Invalid Input Error|Conversion Error|Out of Memory Error|INTERNAL Error|Maximum call stack|Invalid typed array|Invalid array length|Cannot read propert|Cannot convert|ENOENT|EISDIR|ENOTDIR|ENAMETOOLONG|EACCES|EEXIST|ENOSPC|ERR_[A-Z_]+)\b/;
const INTERNAL = /\binternal:/i;
/** Message text outside quoted parts that reads like a program's value slipped into prose (a JSON null the author wrote is fine). */
const GARBLED = /\bundefined\b|\[object Object\]|\bNaN\b/;
const OPTION_NAME = /(^|[\s("'`])(-o|--[a-z][a-z-]+)\b/;
const POINTER = /(^|[\s(])\/[A-Za-z0-9_~$-]/;

function unquoted(s: string): string {
  return s.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/'[^']*'/g, "''").replace(/`[^`]*`/g, '``');
}

/**
 * The promises a case broke, each as `category: detail` (empty: the case ended well). Categories: hang, memory,
 * crash, threw, uncaught, library-threw, library-diagnostic, stack-trace, internal, raw-error, garbled-message,
 * no-code, no-pointer, usage, exit-code, clean-compile-failed-run, overwritten.
 */
/** The promises of one command's output: exit code, and every stderr line a coded diagnostic (see `verdict`). */
function judgeCli(r: { code: number | null; stdout: string; stderr: string; threw?: string }, v: string[]): void {
  const all = `${r.stdout}\n${r.stderr}`;
  if (STACK.test(all)) v.push(`stack-trace: ${firstLines(r.stderr, 3)}`);
  if (INTERNAL.test(r.stderr)) v.push(`internal: ${lineWith(r.stderr, INTERNAL)}`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  for (const l of lines) {
    const text = unquoted(l);
    if (RAW.test(text)) v.push(`raw-error: ${l.slice(0, 240)}`);
    if (GARBLED.test(text)) v.push(`garbled-message: ${l.slice(0, 240)}`);
  }
  if (r.code === 2) {
    if (!lines.length || !USAGE.test(lines[0])) v.push(`usage: exit 2 without a usage error naming the option: ${lines[0]?.slice(0, 200) ?? '(nothing on stderr)'}`);
  } else if (r.code === 0 || r.code === 1) {
    let errors = 0;
    for (const l of lines) {
      const d = DIAG_LINE.exec(l);
      if (d) {
        if (!d.groups!.warn) errors++;
        continue;
      }
      if (SUMMARY_LINE.test(l) || NOTE.test(l)) continue;
      const u = USER_ERROR.exec(l);
      if (u) {
        errors++;
        const msg = u.groups!.msg;
        if (!OPTION_NAME.test(msg) && !POINTER.test(msg) && !msg.includes('spec.json')) v.push(`no-pointer: ${l.slice(0, 240)}`);
        continue;
      }
      v.push(`no-code: ${l.slice(0, 240)}`);
    }
    if (r.code === 1 && errors === 0 && !v.some((x) => x.startsWith('no-code'))) v.push(`no-code: exit 1 without an error on stderr`);
    if (r.code === 0 && errors > 0) v.push(`exit-code: exit 0 although an error was printed`);
  } else if (r.code !== null) {
    v.push(`exit-code: exit ${r.code}`);
  }
}

function errorLines(stderr: string): string {
  return stderr.split('\n').filter((l) => l.trim() && !SUMMARY_LINE.test(l) && !NOTE.test(l) && !DIAG_LINE.exec(l)?.groups?.warn).join('\n');
}

export function verdict(c: FuzzCase, r: CaseResult): string[] {
  const v: string[] = [];
  if (r.killed === 'timeout') v.push(`hang: no answer within ${CASE_TIMEOUT_MS} ms`);
  if (r.killed === 'memory') v.push(`memory: the runner passed ${RSS_BOUND_MB} MB resident or its ${HEAP_MB} MB heap (peak seen ${r.peakRssMb} MB) ${firstLine(r.crashText ?? '')}`);
  if (r.killed === 'crash') v.push(`crash: the runner died: ${firstLines(r.crashText ?? '', 6)}`);
  if (r.killed) return v;
  if (r.threw) v.push(`threw: main rejected: ${firstLines(r.threw, 3)}`);
  for (const s of r.stray) v.push(`uncaught: ${firstLines(s, 3)}`);

  const lib = r.library;
  if (lib?.threw) v.push(`library-threw: compile threw: ${firstLines(lib.threw, 3)}`);
  for (const d of lib?.diagnostics ?? []) {
    if (!/^DG_[A-Z0-9_]+$/.test(d.code) || !(d.path === '' || d.path.startsWith('/')) || !d.message || !['error', 'warning'].includes(d.severity)) {
      v.push(`library-diagnostic: malformed diagnostic ${JSON.stringify(d).slice(0, 200)}`);
    }
    if (STACK.test(d.message) || INTERNAL.test(d.message) || RAW.test(unquoted(d.message))) v.push(`raw-error: diagnostic ${d.code} ${d.path}: ${d.message.slice(0, 200)}`);
  }

  if (c.argv) {
    judgeCli(r, v);
    if (c.cleanCompileMustRun && lib?.ok && r.code !== 0 && !/DG_TOO_MANY_ROWS/.test(r.stderr)) {
      v.push(`clean-compile-failed-run: compile had no errors but run exited ${r.code}: ${firstLines(errorLines(r.stderr), 2)}`);
    }
    if (r.then) {
      // `compile` accepted the spec: `run` (thenArgv) must judge the same way and succeed at a small scale.
      if (r.then.threw) v.push(`threw: main rejected (second command): ${firstLines(r.then.threw, 3)}`);
      judgeCli(r.then, v);
      if (r.then.code !== 0 && !/DG_TOO_MANY_ROWS/.test(r.then.stderr)) {
        v.push(`clean-compile-failed-run: \`compile\` exited 0 but \`run\` exited ${r.then.code}: ${firstLines(errorLines(r.then.stderr), 2)}`);
      }
    }
  }

  for (const name of Object.keys(r.before)) {
    const must = (c.untouchable ?? []).includes(name) || r.code !== 0; // a failed command leaves everything as it was
    if (must && JSON.stringify(r.before[name]) !== JSON.stringify(r.after[name])) {
      v.push(`overwritten: ${name} was ${r.before[name].kind}, is ${r.after[name].kind}${r.before[name].kind === r.after[name].kind ? ' (changed)' : ''} after exit ${r.code}`);
    }
  }
  return v;
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim())?.slice(0, 240) ?? '';
}
function firstLines(s: string, n: number): string {
  return s.split('\n').filter((l) => l.trim()).slice(0, n).map((l) => l.slice(0, 240)).join(' | ');
}
function lineWith(s: string, re: RegExp): string {
  return s.split('\n').find((l) => re.test(l))?.slice(0, 240) ?? '';
}

/** A short signature of a violation, for grouping: the category, the DG code and the message with numbers and quoted parts blanked. */
export function signature(violation: string): string {
  return unquoted(violation).replace(/\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N').replace(/\s+/g, ' ').slice(0, 140);
}
