/**
 * The fuzzer's case runner: a long-lived child process (started by harness.ts through `node --import tsx`) that runs
 * one case at a time, in-process through the library — `compile` (src/plan/compile.ts) on the parsed spec and the
 * CLI's `main` (src/cli/main.ts) with captured stdout/stderr and a fresh temporary folder as its cwd. It is a child
 * process rather than the test process itself so that a hang or a memory blow-up can be stopped (killed) and
 * measured (its RSS) without taking the test runner down with it.
 *
 * Protocol (process.send, advanced serialization): the parent sends a FuzzCase, the runner answers a CaseResult.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CaseResult, FuzzCase, LibraryCompile, Snapshot } from './types.ts';

/** Anything thrown or rejected outside a case's own promise chain while it ran (or since the last case). */
let stray: string[] = [];
process.on('uncaughtException', (e) => stray.push(`uncaughtException: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
process.on('unhandledRejection', (e) => stray.push(`unhandledRejection: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));

/** A small valid DuckDB database (made once per runner), copied into a case folder when a case asks for one. */
let duckdbTemplate: Buffer | null = null;
async function duckdbBytes(): Promise<Buffer> {
  if (duckdbTemplate) return duckdbTemplate;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const dir = mkdtempSync(join(tmpdir(), 'datagen-fuzz-tpl-'));
  const file = join(dir, 'old.duckdb');
  const inst = await DuckDBInstance.create(file);
  const conn = await inst.connect();
  await conn.run('CREATE TABLE kept AS SELECT 42 AS answer');
  conn.closeSync();
  inst.closeSync();
  duckdbTemplate = readFileSync(file);
  rmSync(dir, { recursive: true, force: true });
  return duckdbTemplate;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
}

/** At most ~200 kB of an output, cut at a line end (a judge reads whole lines). */
function clip(s: string): string {
  return s.length <= 200_000 ? s : s.slice(0, s.lastIndexOf('\n', 200_000) + 1);
}

function snapshot(path: string): Snapshot {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return { kind: 'symlink', target: readlinkSync(path) };
    if (st.isDirectory()) return { kind: 'dir' };
    if (st.isFile()) return { kind: 'file', sha: createHash('sha256').update(readFileSync(path)).digest('hex') };
    return { kind: 'other' };
  } catch {
    return { kind: 'missing' };
  }
}

/** The library, loaded on first use (the harness's self-tests start the runner without it). */
const lib = () => Promise.all([import('../../src/cli/main.ts'), import('../../src/plan/compile.ts')]).then(([m, c]) => ({ main: m.main, compile: c.compile }));

async function libraryCompile(c: FuzzCase): Promise<LibraryCompile | undefined> {
  if (c.compileDoc === undefined) return undefined;
  const { compile } = await lib();
  try {
    const r = compile(c.compileDoc, c.compileOptions ?? {});
    return {
      ok: r.plan !== null && r.plan !== undefined,
      diagnostics: r.diagnostics.map((d) => ({ code: d.code, severity: d.severity, path: d.path, message: d.message })),
    };
  } catch (e) {
    return { ok: false, diagnostics: [], threw: describe(e) };
  }
}

async function runCase(id: number, c: FuzzCase): Promise<CaseResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'datagen-fuzz-'));
  process.send!({ id, cwd }); // so that the harness removes the folder if it has to kill this process
  try {
    for (const d of c.dirs ?? []) mkdirSync(join(cwd, d), { recursive: true });
    for (const [name, f] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(cwd, name)), { recursive: true });
      writeFileSync(join(cwd, name), f.duckdb ? await duckdbBytes() : Buffer.from(f.data, f.enc ?? 'utf8'));
    }
    for (const [name, target] of Object.entries(c.symlinks ?? {})) symlinkSync(target, join(cwd, name));
    const watched = [...Object.keys(c.files ?? {}), ...Object.keys(c.symlinks ?? {}), ...(c.dirs ?? [])];
    const before = Object.fromEntries(watched.map((w) => [w, snapshot(join(cwd, w))]));

    stray = [];
    const started = performance.now();
    if (c.selfTest === 'hang') for (;;);
    if (c.selfTest === 'memory') {
      const hold: Buffer[] = [];
      for (;;) hold.push(Buffer.alloc(64 * 2 ** 20, 1));
    }
    if (c.selfTest === 'stray') setTimeout(() => Promise.reject(new Error('fuzz self-test: nobody awaits this')));
    const library = await libraryCompile(c);
    let out = '';
    let err = '';
    const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((err += s), true) }, isTTY: false, cwd };
    let code: number | null = null;
    let threw: string | undefined;
    if (c.argv) {
      try {
        code = await (await lib()).main(c.argv, io);
      } catch (e) {
        threw = describe(e);
      }
    }
    let then: CaseResult['then'];
    if (c.thenArgv && code === 0) {
      let out2 = '';
      let err2 = '';
      const io2 = { ...io, stdout: { write: (s: string) => ((out2 += s), true) }, stderr: { write: (s: string) => ((err2 += s), true) } };
      let code2: number | null = null;
      let threw2: string | undefined;
      try {
        code2 = await (await lib()).main(c.thenArgv, io2);
      } catch (e) {
        threw2 = describe(e);
      }
      then = { code: code2, stdout: clip(out2), stderr: clip(err2), threw: threw2 };
    }
    // Let stray callbacks (a worker's late error, a rejected promise nobody awaited) surface before the verdict.
    await new Promise((r) => setTimeout(r, 5));
    const after = Object.fromEntries(watched.map((w) => [w, snapshot(join(cwd, w))]));
    return {
      code, stdout: clip(out), stderr: clip(err), threw, library, then, stray: [...stray],
      before, after, ms: performance.now() - started,
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

process.on('message', (msg: { id: number; case: FuzzCase }) => {
  runCase(msg.id, msg.case).then(
    (r) => process.send!({ id: msg.id, result: r }),
    (e) => process.send!({ id: msg.id, result: { code: null, stdout: '', stderr: '', threw: `runner: ${describe(e)}`, stray: [], before: {}, after: {}, ms: 0 } satisfies CaseResult }),
  );
});
process.send!({ ready: true });
